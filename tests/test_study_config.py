"""Study settings (config.toml), where the database lives, and per-deck options."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from quiz.config import ConfigError, StudyConfig, load_config
from quiz.paths import db_path
from quiz.study.engine import Library


def test_no_file_means_defaults(tmp_path):
    assert load_config(tmp_path / "missing.toml") == StudyConfig()
    assert StudyConfig().new_per_day == 20 and StudyConfig().reviews_per_day == 200
    assert StudyConfig().desired_retention == 0.90 and StudyConfig().leech_lapses == 8


def test_a_file_changes_what_it_names(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[interface]\nlanguage = "id"\n\n[study]\nnew_per_day = 5\nlearning_steps = [1, 5, 30]\n'
                    'desired_retention = 0.85\ncard_questions = "typed"\n\n[rating]\nslow_ms = 4000\n')
    config = load_config(path)
    assert (config.new_per_day, config.learning_steps, config.desired_retention) == (5, (1.0, 5.0, 30.0), 0.85)
    assert config.card_questions == "typed" and StudyConfig().card_questions == "mixed"
    assert config.rating.slow_ms == 4000 and config.reviews_per_day == 200
    assert StudyConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize(("text", "message"), [
    ("[study]\nnew_per_day = 'lots'\n", "new_per_day: expected a whole number"),
    ("[study]\nnew_per_dya = 3\n", "new_per_dya: unknown setting"),
    ("[study]\ndesired_retention = 1.5\n", "desired_retention"),
    ("[study]\nlearning_steps = [1, -2]\n", "learning_steps"),
    ("[study]\ncard_questions = \"quiz\"\n", "card_questions: expected one of mixed, flashcard, choice, typed"),
    ("[study]\ncard_questions = 3\n", "card_questions: expected one of"),
    ("[colours]\nred = 1\n", "unknown table [colours]"),
    ("[study\n", "config.toml"),
])
def test_a_bad_file_is_one_clear_line(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")) as error:
        load_config(path)
    assert "\n" not in str(error.value)


def test_database_location_option_then_environment_then_default(monkeypatch, tmp_path):
    monkeypatch.delenv("QUIZ_DB", raising=False)
    path, is_default = db_path()
    assert is_default and path.name == "quiz.db"
    monkeypatch.setenv("QUIZ_DB", str(tmp_path / "env.db"))
    assert db_path() == (tmp_path / "env.db", False)
    assert db_path("chosen.db") == (Path("chosen.db"), False)


def test_deck_options_and_new_settings_apply_to_the_next_session(tmp_path, mini_path):
    library = Library.open(tmp_path / "q.db", config=StudyConfig(), sync_bundled=False)
    library.add_deck_file(mini_path)
    deck = library._stored("mini")
    assert library.scheduling(deck).fsrs.desired_retention == 0.90
    library.config = replace(library.config, desired_retention=0.85)
    assert library.scheduling(deck).fsrs.desired_retention == 0.85
    library.set_deck_options("mini", desired_retention=0.95, new_per_day=2)
    assert library.scheduling(library._stored("mini")).fsrs.desired_retention == 0.95
    assert len(library.session("mini")._queue) == 2
    with pytest.raises(ValueError):
        library.set_deck_options("mini", desired_retention=1.2)
    library.close()
