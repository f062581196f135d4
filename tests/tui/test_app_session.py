"""Changing one's mind and leaving: undo, guess, suspend, Escape to the summary, Enter to the decks."""

from __future__ import annotations

from contextlib import asynccontextmanager

from tui_helpers import (
    ask_cards_as,
    first_question,
    only_cards_typed,
    only_kinds,
    query,
    review_count,
    screen_text,
    settle,
)

from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.options import Card


def notes(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_undo_restores_the_question_and_removes_the_log_row(make_app, db_path):
    only_kinds(db_path, "facts", "mcq")
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        await pilot.press("u")
        assert screen.phase == "asking" and notes(app) == ["Nothing to undo."]
        question, item = screen.shown.question, screen.shown.item_id
        before = query(db_path, "SELECT state, due, answers FROM items WHERE qid = ?", item)
        await pilot.press(str(question.answer[0] + 1))
        assert review_count(db_path) == 1 and screen.phase == "answered"
        await pilot.press("u")
        assert review_count(db_path) == 0
        assert query(db_path, "SELECT state, due, answers FROM items WHERE qid = ?", item) == before
        assert screen.phase == "asking" and screen.shown.item_id == item
        assert screen.shown.question.choices == question.choices  # the same options come back
        options = screen.query_one("#card", Card)
        assert not any(options.state(i) or options.mark(i) for i in range(len(options.choices)))
        assert "✔" not in screen_text(app)
        assert not options.panel_shown and "✘" not in str(options.visual)
        assert "Answer undone." in notes(app)
        assert "Question 1 of" in screen_text(app)
        # Undo after going on brings the answered question back too.
        await pilot.press(str(question.answer[0] + 1), "enter")
        assert screen.shown.item_id != item
        await pilot.press("u")
        assert screen.shown.item_id == item and review_count(db_path) == 0


async def test_guess_after_a_right_answer_rates_it_hard(make_app, db_path):
    only_kinds(db_path, "facts", "mcq")
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        question = screen.shown.question
        await pilot.press(str(question.answer[0] + 1))
        (rating,) = query(db_path, "SELECT rating FROM reviews")[0]
        assert rating > 2
        assert "g: it was a guess" in screen_text(app)
        await pilot.press("g")
        assert query(db_path, "SELECT rating, correct FROM reviews") == [(2, 1)]
        assert "Marked as a guess: graded Hard." in notes(app)
        assert "g: it was a guess" not in screen_text(app)  # once is enough
        # After a wrong answer, g does nothing.
        await pilot.press("enter")
        wrong = next(i for i in range(len(screen.shown.question.choices)) if i not in screen.shown.question.answer)
        await pilot.press(str(wrong + 1), "g")
        assert [row[0] for row in query(db_path, "SELECT rating FROM reviews ORDER BY at")] == [2, 1]


async def test_suspend_marks_the_item_and_shows_the_next_question(make_app, db_path):
    only_kinds(db_path, "facts", "true_false")
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        item = screen.shown.item_id
        await pilot.press("s")
        assert query(db_path, "SELECT status FROM items WHERE qid = ?", item) == [("suspended",)]
        assert screen.shown is not None and screen.shown.item_id != item and screen.phase == "asking"
        assert review_count(db_path) == 0
        assert any(note.startswith("Suspended") for note in notes(app))


async def test_u_takes_back_a_suspension_and_the_question_comes_back(make_app, db_path):
    only_kinds(db_path, "facts", "true_false")
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        item, prompt = screen.shown.item_id, screen.shown.question.prompt
        await pilot.press("s")
        assert screen.shown.item_id != item
        assert any("quiz unsuspend facts" in note for note in notes(app))  # says how to bring it back
        await pilot.press("u")
        assert query(db_path, "SELECT status FROM items WHERE qid = ?", item) == [("active",)]
        assert screen.shown.item_id == item and screen.phase == "asking" and prompt in screen_text(app)
        assert "Suspension undone: the question is back." in notes(app)
        assert review_count(db_path) == 0


async def test_escape_shows_the_summary_and_enter_goes_home(make_app, db_path):
    only_kinds(db_path, "facts", "mcq")
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        question = screen.shown.question
        await pilot.press(str(question.answer[0] + 1), "enter")
        question = screen.shown.question
        wrong = next(i for i in range(len(question.choices)) if i not in question.answer)
        await pilot.press(str(wrong + 1), "escape")
        await settle(pilot, lambda: isinstance(app.screen, SummaryScreen))
        summary = app.screen.summary
        assert (summary.answered, summary.correct) == (2, 1)
        text = screen_text(app)
        assert "Session over" in text
        for label, value in [("Answered", "2"), ("Accuracy", "50% (1/2)"), ("Time", "0:00"),
                             ("Next due", "in 1 min")]:
            assert any(label in line and value in line for line in text.splitlines()), (label, text)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        # Home's counts follow the session: two of the deck's questions are no longer new.
        text = screen_text(app)
        assert "CSTO facts" in text
        assert app.is_running
        await settle(pilot, lambda: app.screen._highlighted() == "facts")  # the deck studied, not the first


async def test_escape_before_any_answer_goes_straight_home(make_app):
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await first_question(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert "Session ended before any answer." in notes(app)  # not "nothing to study"
        await settle(pilot, lambda: app.screen._highlighted() == "facts")  # the deck just left


async def test_a_deck_with_nothing_to_study_says_so(make_app, db_path):
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE items SET status = 'suspended'")
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert "Nothing to study in this deck right now." in notes(app)


async def test_home_studies_the_highlighted_deck_with_enter_and_with_a_click(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, lambda: app.screen.query_one("#decks").row_count == 3)
        text = screen_text(app)
        for title in ("Capitals", "CSTO facts"):
            assert title in text
        assert "never" in text
        await pilot.press("down", "enter")
        screen = await first_question(pilot)
        assert screen.deck == "facts"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        table = app.screen.query_one("#decks")
        assert table.cursor_row == 1  # where the learner left it
        await pilot.click(table, offset=(3, 1))  # a click highlights the first deck, a second opens it
        assert table.cursor_row == 0 and app.screen is not None and isinstance(app.screen, HomeScreen)
        await pilot.click(table, offset=(3, 1))
        screen = await first_question(pilot)
        assert screen.deck == "cards"


async def test_quiz_study_of_an_unknown_deck_exits_with_its_one_line(make_app):
    app = make_app("no-such-deck")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until(pilot, lambda: app._exit)
    # The command line says it once the terminal is back (cli._run_app), and exits 1.
    assert app.return_code == 1 and "no deck named 'no-such-deck'" in app.start_error


async def test_a_session_ready_at_once_opens_on_its_question(make_app, monkeypatch):
    from quiz.tui.screens.study import StudyScreen

    mounted_with = []
    on_mount = StudyScreen.on_mount

    def record(screen):
        on_mount(screen)
        mounted_with.append(screen.session)  # what the first frame of the screen shows

    monkeypatch.setattr(StudyScreen, "on_mount", record)
    app = make_app("facts")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_question(pilot)
        # Pushed with its session: no "Opening your decks…" frame before the question.
        assert mounted_with == [screen.session] and screen.session is not None
        assert "Opening your decks" not in screen_text(app)


async def test_a_slow_session_shows_the_screen_first_then_its_question(make_app, monkeypatch):
    from quiz.tui.app import OPENING_NOTE_AFTER
    from quiz.tui.screens.study import StudyScreen

    release = slow_sessions(monkeypatch)
    app = make_app("facts")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(OPENING_NOTE_AFTER + 0.2)
        assert isinstance(app.screen, StudyScreen) and app.screen.session is None
        assert "Opening your decks" in screen_text(app)
        release.set()
        screen = await first_question(pilot)
        assert screen.session is not None and "Opening your decks" not in screen_text(app)
        assert len(app.screen_stack) == 2  # the default screen and this one: pushed once


async def until(pilot, condition, timeout: float = 10.0) -> None:
    """Pause until condition() holds, without waiting for workers (a slow session's is held)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def slow_sessions(monkeypatch):
    """Library.session waits until the returned event is set (from the test)."""
    import threading

    from quiz.study.engine import Library

    release = threading.Event()  # (settle() would wait for the worker: poll with until() instead)
    session = Library.session

    def slow(self, *args, **kwargs):
        release.wait(10)
        return session(self, *args, **kwargs)

    monkeypatch.setattr(Library, "session", slow)
    return release


async def test_leaving_the_opening_screen_drops_the_session_that_comes_late(make_app, monkeypatch):
    from quiz.tui.screens.study import StudyScreen

    release = slow_sessions(monkeypatch)
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StudyScreen))
        opening = app.screen
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        release.set()
        await settle(pilot)
        await pilot.pause(0.3)
        assert app.screen is home and opening.session is None and opening not in app.screen_stack
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_a_screen_opened_before_the_study_screen_is_up_goes_on_top_of_it(make_app, monkeypatch):
    from quiz.tui import app as app_module
    from quiz.tui.screens.help import HelpScreen
    from quiz.tui.screens.study import StudyScreen

    monkeypatch.setattr(app_module, "OPENING_NOTE_AFTER", 30)  # the key surely comes first
    release = slow_sessions(monkeypatch)
    app = make_app("facts")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert [type(s) for s in app.screen_stack[-2:]] == [StudyScreen, HelpScreen]
        release.set()
        study = app.screen_stack[-2]
        await settle(pilot, lambda: study.session is not None)
        await pilot.press("escape")  # leaves help: the question is there
        await settle(pilot, lambda: app.screen is study)
        assert study.shown is not None


async def test_a_start_that_fails_under_help_exits_with_its_one_line(make_app, monkeypatch):
    from quiz.study.engine import Library, UnknownDeck
    from quiz.tui import app as app_module
    from quiz.tui.screens.help import HelpScreen
    from quiz.tui.screens.study import StudyScreen

    monkeypatch.setattr(app_module, "OPENING_NOTE_AFTER", 30)
    release = slow_sessions(monkeypatch)
    slow = Library.session

    def failing(self, *args, **kwargs):
        slow(self, *args, **kwargs)
        raise UnknownDeck("no deck named 'facts' after all")

    monkeypatch.setattr(Library, "session", failing)
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen_stack[-2], StudyScreen)
        release.set()
        await until(pilot, lambda: app._exit)
    assert app.return_code == 1 and app.start_error == "no deck named 'facts' after all"


async def test_a_library_that_cannot_be_opened_is_said_once_by_the_command_line(tmp_path, clock):
    from quiz.tui.app import QuizApp

    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    app = QuizApp(db_path=broken, deck="facts", clock=clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until(pilot, lambda: app._exit)
        assert not [n for n in app._notifications if n.severity == "error"]  # the command line says it
    assert app.return_code == 1 and "broken.db" in app.start_error


async def test_home_and_end_go_to_the_first_and_last_deck(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.screen.query_one("#decks").row_count == 3)
        table = app.screen.query_one("#decks")
        await pilot.press("end")
        assert table.cursor_row == 2
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_enter_right_after_a_cursor_key_studies_the_row_it_chose(make_app):
    from quiz.tui.screens.study import StudyScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.screen.query_one("#decks").row_count == 3)
        chosen = app.screen.summaries[1].deck
        app.simulate_key("down")  # typed together, as a fast learner does: no wait between them
        app.simulate_key("enter")
        await settle(pilot, lambda: isinstance(app.screen, StudyScreen))
        assert app.screen.deck == chosen


async def test_q_on_the_decks_screen_quits(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.screen.query_one("#decks").row_count == 3)
        await pilot.press("q")
        await until(pilot, lambda: app._exit)
    assert app.return_code == 0


async def test_a_practice_session_with_nothing_to_practise_says_only_that(make_app):
    app = make_app("facts", practice=True, topic="no such topic")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert "Nothing to study in this deck right now." in notes(app)
        assert not any(note.startswith("Practice") for note in notes(app))


@asynccontextmanager
async def starting(make_app, monkeypatch, deck: str = "facts", wait: float = 0.1, **options):
    """`quiz study DECK` `wait` seconds into its start: the app up, its session held until `release` is set."""
    release = slow_sessions(monkeypatch)
    app = make_app(deck, **options)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(wait)
        yield app, pilot, release


async def test_an_answer_pressed_before_the_question_is_up_answers_it(make_app, db_path, monkeypatch):
    from quiz.tui.screens.study import StudyScreen

    only_kinds(db_path, "facts", "mcq")
    async with starting(make_app, monkeypatch) as (app, pilot, release):
        assert not isinstance(app.screen, StudyScreen)  # (the start screen, which has no keys of its own)
        await pilot.press("2")  # typed as the app starts: kept for the question
        release.set()
        screen = await first_question(pilot)
        await settle(pilot, lambda: screen.phase == "answered")
        question = screen.shown.question
        assert query(db_path, "SELECT item, correct FROM reviews") == [(screen.shown.key, int(question.answer == [1]))]


async def test_a_typed_answer_begun_before_the_question_is_up_is_kept(make_app, db_path, config_path, monkeypatch):
    ask_cards_as(config_path, "typed")
    only_cards_typed(db_path)
    async with starting(make_app, monkeypatch, "cards", settings_path=config_path) as (_app, pilot, release):
        await pilot.press("o", "x")
        release.set()
        screen = await first_question(pilot)
        await settle(pilot, lambda: screen.typed.value == "ox")
        assert screen.shown.question.kind in ("type_in", "cloze") and review_count(db_path) == 0


async def test_help_asked_for_as_the_app_starts_lists_the_study_keys_first(make_app, monkeypatch):
    from quiz.tui.screens.help import HelpScreen

    async with starting(make_app, monkeypatch) as (app, pilot, release):
        await pilot.press("question_mark")  # not held: help at once
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert app.screen.first == "help.study"
        release.set()


async def test_ctrl_c_says_how_to_quit_in_the_interface_language(make_app):
    app = make_app("facts", lang="id")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await first_question(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert notes(app)[-1] == "Tekan ctrl+q untuk keluar dari quiz (setiap jawaban sudah tersimpan)."
        assert app.is_running


async def test_keys_held_before_help_opened_at_the_start_wait_for_the_question_not_help(make_app, db_path,
                                                                                     monkeypatch):
    from quiz.tui.screens.help import HelpScreen

    only_kinds(db_path, "facts", "mcq")
    async with starting(make_app, monkeypatch) as (app, pilot, release):
        await pilot.press("2", "question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        release.set()
        await settle(pilot, lambda: app.screen_stack[-2].shown is not None)
        assert isinstance(app.screen, HelpScreen) and review_count(db_path) == 0  # not typed into help
        await pilot.press("escape")  # help closed: the held answer goes to its question
        study = app.screen
        await settle(pilot, lambda: study.phase == "answered")
        assert query(db_path, "SELECT item FROM reviews") == [(study.shown.key,)]


async def test_keys_pressed_while_the_opening_screen_shows_are_kept_too(make_app, db_path, monkeypatch):
    from quiz.tui.app import OPENING_NOTE_AFTER
    from quiz.tui.screens.study import StudyScreen

    only_kinds(db_path, "facts", "mcq")
    async with starting(make_app, monkeypatch, wait=OPENING_NOTE_AFTER + 0.2) as (app, pilot, release):
        assert isinstance(app.screen, StudyScreen) and "Opening your decks" in screen_text(app)
        await pilot.press("2", "ctrl+j", "1")  # Enter typed before the terminal was set up comes as ctrl+j
        release.set()
        screen = await first_question(pilot)
        await settle(pilot, lambda: review_count(db_path) == 2)
        assert screen.session.position == 2  # answered, went on (the held Enter), answered the next


async def test_escape_before_the_study_screen_is_up_leaves_for_the_decks(make_app, db_path, monkeypatch):
    async with starting(make_app, monkeypatch) as (app, pilot, release):
        await pilot.press("2", "escape")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and review_count(db_path) == 0  # the late session dropped
        assert not any(type(screen).__name__ == "StudyScreen" for screen in app.screen_stack)


async def test_keys_held_for_a_start_with_nothing_to_study_do_not_reach_the_decks(make_app, db_path, monkeypatch):
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE items SET status = 'suspended' WHERE deck = (SELECT id FROM decks WHERE name = 'facts')")
    async with starting(make_app, monkeypatch) as (app, pilot, release):
        await pilot.press("1", "down")
        release.set()
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._highlighted() is not None)
        await settle(pilot)
        assert app.screen._highlighted() == "facts"  # the deck it started on; the held keys not replayed here
        names = [name for name, _ in app.deck_titles]
        app.screen.query_one("DataTable").move_cursor(row=names.index("cards"))
        await pilot.press("enter")  # another session, from the decks: nothing held for it, nothing replayed
        screen = await first_question(pilot)
        await settle(pilot)
        assert review_count(db_path) == 0 and screen.phase == "asking" and not app.starting()


async def test_two_decks_of_one_title_are_told_apart_by_their_names(make_app, db_path, tmp_path):
    from quiz.config import StudyConfig
    from quiz.study.engine import Library
    from quiz.study.importing import import_deck

    words = tmp_path / "words.tsv"
    words.write_text("#separator:tab\ndog\tanjing\ncat\tkucing\n", encoding="utf-8")
    with Library.open(db_path, config=StudyConfig(), sync_bundled=False) as library:
        for name in ("words-a", "words-b"):
            import_deck(library, words, deck_name=name)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.screen.query_one("#decks").row_count == 5)
        text = screen_text(app)
        assert "words (words-a)" in text and "words (words-b)" in text
        assert "Capitals" in text and "Capitals (" not in text  # a title of its own stays as it is


async def test_quitting_while_a_session_is_being_built_closes_the_library_after_it(make_app, monkeypatch):
    import sqlite3
    import threading

    import pytest

    from quiz.study.engine import Library

    release, built, failures = threading.Event(), threading.Event(), []
    session = Library.session

    def slow(self, *args, **kwargs):
        release.wait(10)
        try:
            return session(self, *args, **kwargs)
        except Exception as error:  # (what a connection closed under it raises, when it does not crash)
            failures.append(error)
            raise
        finally:
            built.set()

    monkeypatch.setattr(Library, "session", slow)
    app = make_app("facts")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)  # the worker is in Library.session, holding the library
        threading.Timer(0.5, release.set).start()  # it goes on while the app quits
    assert built.wait(10) and failures == []
    with pytest.raises(sqlite3.ProgrammingError):  # closed: after the worker was done with it
        app.library.db.conn.execute("SELECT 1")
