"""The app's settings file: read leniently, written atomically, other keys kept."""

from __future__ import annotations

import tomllib

import pytest

from quiz.settings import Settings, SettingsError, dump_toml, load_settings, save_settings


def test_one_bad_value_does_not_reset_the_others(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[interface]\nlanguage = "id"\ntheme = "nord"\n[study]\ndesired_retention = 0.6\n')
    settings = load_settings(path)
    assert (settings.language, settings.theme, settings.desired_retention) == ("id", "nord", 0.90)


def test_saving_keeps_the_files_other_settings(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[study]\nlearning_steps = [1, 10]\n[rating]\nslow_ms = 9000\n[rating.extra]\nx = 1\n")
    save_settings(Settings(language="id", new_per_day=5, card_questions="typed"), path)
    document = tomllib.loads(path.read_text())
    assert document["interface"]["language"] == "id"
    assert document["study"] == {"learning_steps": [1, 10], "desired_retention": 0.9, "new_per_day": 5,
                                 "reviews_per_day": 200, "card_questions": "typed"}
    assert document["rating"] == {"slow_ms": 9000, "extra": {"x": 1}}
    assert load_settings(path).new_per_day == 5 and load_settings(path).card_questions == "typed"
    assert load_settings(path).study_config().card_questions == "typed"  # what the engine is given


def test_a_card_questions_setting_written_by_hand_wrong_falls_back_to_mixed(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[study]\ncard_questions = "sometimes"\nnew_per_day = 7\n')
    settings = load_settings(path)
    assert (settings.card_questions, settings.new_per_day) == ("mixed", 7)
    with pytest.raises(SettingsError):
        Settings(card_questions="sometimes").validate()


def test_dump_toml_quotes_strings_safely():
    text = dump_toml({"interface": {"theme": 'a"b\\\\c\nd'}})
    assert tomllib.loads(text)["interface"]["theme"] == 'a"b\\\\c\nd'
