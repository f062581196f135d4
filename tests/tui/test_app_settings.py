"""Language and settings: Ctrl+L and the settings screen switch the interface and the questions,
save to the config file, and are there on the next start; a bad value saves nothing."""

from __future__ import annotations

import tomllib

from tui_helpers import first_question, only_kinds, screen_text, settle

from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.settings import SettingsScreen


def notes(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_ctrl_l_switches_interface_and_next_question_and_is_remembered(make_app, db_path, config_path):
    only_kinds(db_path, "facts", "mcq")
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        assert "Question 1 of" in screen_text(app) and "Which of these countries" in screen.shown.question.prompt
        await pilot.press("ctrl+l")
        assert app.lang == "id"
        text = screen_text(app)
        assert "Soal 1 dari" in text and "Tekan angka, atau klik pilihan" in text and "esc Akhiri" in text
        await pilot.press(str(screen.shown.question.answer[0] + 1))
        text = screen_text(app)
        assert "✔ Benar" in text and "Jawaban:" in text and "Lanjut  ⏎" in text
        await pilot.press("enter")
        prompt = screen.shown.question.prompt
        assert screen.shown.question.lang == "id" and prompt.startswith(("Manakah", "Pada tahun", "Apa kata", "Negara"))
        assert prompt[:40] in screen_text(app)
    assert tomllib.loads(config_path.read_text())["interface"]["language"] == "id"

    again = make_app()  # the next start reads the saved language
    async with again.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, lambda: again.screen.query_one("#decks").row_count > 0)
        assert again.lang == "id"
        text = screen_text(again)
        assert "Dek Anda" in text and "Fakta CSTO" in text and "belum pernah" in text
        await pilot.press("ctrl+l")
        assert "Your decks" in screen_text(again)
    assert tomllib.loads(config_path.read_text())["interface"]["language"] == "en"


async def test_settings_screen_saves_language_and_retention(make_app, config_path):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, lambda: app.library is not None)
        await pilot.press("comma")
        await settle(pilot, lambda: isinstance(app.screen, SettingsScreen))
        screen = app.screen
        screen.query_one("#language").value = "id"
        retention = screen.query_one("#retention")
        retention.value = ""
        await pilot.click(retention)
        await pilot.press(*"0,85")  # the Indonesian way of writing 0.85 is understood
        new = screen.query_one("#new-per-day")
        new.value = ""
        await pilot.click(new)
        await pilot.press(*"15")
        await pilot.click("#save")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.lang == "id" and "Pengaturan disimpan." in notes(app)
        assert "Dek Anda" in screen_text(app)
        assert (app.library.config.desired_retention, app.library.config.new_per_day) == (0.85, 15)
    saved = tomllib.loads(config_path.read_text())
    assert saved["interface"]["language"] == "id"
    assert (saved["study"]["desired_retention"], saved["study"]["new_per_day"]) == (0.85, 15)

    again = make_app()
    assert (again.lang, again.settings.desired_retention, again.settings.new_per_day) == ("id", 0.85, 15)


async def test_bad_retention_is_an_error_and_saves_nothing(make_app, config_path):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("comma")
        await settle(pilot, lambda: isinstance(app.screen, SettingsScreen))
        for bad in ("1.5", "", "0.5.5"):
            app.screen.query_one("#retention").value = bad
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, SettingsScreen)
            errors = [n for n in app._notifications if n.severity == "error"]
            assert errors and errors[-1].message == (
                "Not saved: desired retention must be a number from 0.70 to 0.99")
        assert not config_path.exists()
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen) and app.settings.desired_retention == 0.90
    assert not config_path.exists()


async def test_desired_retention_shows_the_daily_workload_it_implies(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, lambda: app.library is not None)
        await pilot.press("comma")
        await settle(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.workload is not None)
        screen = app.screen
        retention = screen.query_one("#retention")
        estimates = {}
        for value in ("0.80", "0.97"):
            retention.value = value
            await settle(pilot, lambda value=value: screen.workload is not None
                         and screen.workload["retention"] == float(value))
            estimates[value] = screen.workload
            assert f"At {value}: about" in screen_text(app)
        # Remembering more takes more reviews a day (the FSRS simulator over the learner's items).
        assert estimates["0.80"]["reviews_per_day"] < estimates["0.97"]["reviews_per_day"]
        # An average of many: a whole number of reviews (a tenth only for a few).
        screen.set_workload({"retention": 0.9, "reviews_per_day": 89.5, "minutes_per_day": 30.2, "memorized": 900})
        await pilot.pause()
        assert "At 0.90: about 90 reviews and 30 min a day" in screen_text(app)
        screen.set_workload(estimates["0.97"])
        await pilot.pause()
        assert f"about {estimates['0.97']['reviews_per_day']:.1f} reviews" in screen_text(app)
        retention.value = "1.5"
        await settle(pilot, lambda: screen.workload is None)
        assert "Workload: type a retention from 0.70 to 0.99" in screen_text(app)
        await pilot.press("ctrl+l")
        retention.value = "0,85"
        await settle(pilot, lambda: screen.workload is not None and screen.workload["retention"] == 0.85)
        assert "Pada 0,85: sekitar" in screen_text(app)


async def test_choosing_how_cards_are_asked_applies_to_the_next_card(make_app, config_path):
    from textual.widgets import Select

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, lambda: app.library is not None and app.screen.query_one("#decks").row_count == 3)
        await pilot.press("comma")
        await settle(pilot, lambda: isinstance(app.screen, SettingsScreen))
        cards = app.screen.query_one("#cards", Select)
        assert cards.value == "mixed" and "choices, then typed" in screen_text(app)
        await pilot.press("ctrl+l")  # the options follow the interface language, the choice stays
        await settle(pilot, lambda: "pilihan, lalu diketik" in screen_text(app))
        assert cards.value == "mixed"
        await pilot.press("ctrl+l")
        cards.value = "typed"
        await pilot.press("ctrl+l")
        await settle(pilot, lambda: "jawaban diketik" in screen_text(app))
        assert cards.value == "typed"
        await pilot.press("ctrl+l")
        cards.value = "flashcard"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.library.config.card_questions == "flashcard"
        await pilot.press("home", "enter")  # the Capitals deck: its cards, new, asked as flashcards
        screen = await first_question(pilot)
        assert screen.deck == "cards" and screen.shown.question.kind == "flashcard"
    assert tomllib.loads(config_path.read_text())["study"]["card_questions"] == "flashcard"


async def test_a_config_file_that_cannot_be_used_is_said_once_and_the_defaults_apply(make_app, config_path):
    config_path.write_text('[study]\ncard_questions = "sometimes"\nnew_per_day = 3\n')
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, lambda: app.library is not None and app.screen.query_one("#decks").row_count == 3)
        await settle(pilot, lambda: any("card_questions" in note for note in notes(app)))
        (note,) = [note for note in notes(app) if "card_questions" in note]
        assert note.startswith("Default study settings in use: ") and str(config_path) in note
        assert "\n" not in note and app.library.config.card_questions == "mixed"
