"""`quiz study DECK` with a head start: the first question, drawn by another process, is on screen
before the app's own session; a key on it waits for that session and is committed to that question."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace

from test_app_session import slow_sessions, until
from test_head_start import forget
from tui_helpers import first_question, only_kinds, query, review_count, screen_text, settle

from quiz.study import head_start
from quiz.study.engine import Library


class GivenHeadStart:
    """A head start whose child has already answered (what HeadStart.result returns)."""

    def __init__(self, first):
        self.first = first
        self.cancelled = False

    def result(self, timeout: float = 0):
        return self.first

    def cancel(self) -> None:
        self.cancelled = True


async def early_question(pilot) -> None:
    """Wait until the head start's question is on screen (the app's own session is held back)."""
    await until(pilot, lambda: getattr(pilot.app.screen, "shown", None) is not None)


async def press_as_the_session_comes(pilot, release, key: str) -> None:
    """Press `key` on the early question; the held session is let go a moment later, while the key waits."""
    threading.Timer(0.2, release.set).start()
    await pilot.press(key)
    await settle(pilot)


def drawn_elsewhere(db_path, clock, deck: str = "facts", lang: str = "en"):
    """The first question as the head start's child sends it (through JSON)."""
    return head_start.parse(json.dumps(head_start.first_question(str(db_path), deck, lang, clock=clock)))


async def test_the_early_question_shows_before_the_session_and_its_answer_waits_for_it(make_app, db_path, clock,
                                                                                       monkeypatch):
    only_kinds(db_path, "facts", "mcq")
    with Library.open(db_path, clock=clock, sync_bundled=False) as library:
        session = library.session("facts")
        forgotten = session.next()
        forget(session, forgotten)  # its next step is a minute away
    clock.advance(10)
    early = drawn_elsewhere(db_path, clock)
    assert early.shown.key != forgotten.key
    clock.advance(3600)  # planned at its own time, the app would ask the forgotten one first
    release = slow_sessions(monkeypatch)
    app = make_app("facts", head_start=GivenHeadStart(early))
    async with app.run_test(size=(80, 24)) as pilot:
        await early_question(pilot)
        screen = app.screen
        assert screen._session is None and screen.shown.question.prompt == early.shown.question.prompt
        assert early.shown.question.prompt[:30] in screen_text(app)
        assert f"Question 1 of {early.total}" in screen_text(app)
        await press_as_the_session_comes(pilot, release, str(early.shown.question.answer[0] + 1))
        assert screen._session is not None and screen.phase == "answered"
        assert query(db_path, "SELECT item, correct FROM reviews ORDER BY at")[1:] == [(early.shown.key, 1)]
        await pilot.press("enter")
        await settle(pilot)
        assert screen.shown.item_id != early.shown.item_id and screen.session.position == 1


async def test_the_early_question_is_kept_when_its_session_comes_first(make_app, db_path, clock):
    only_kinds(db_path, "facts", "mcq")
    early = drawn_elsewhere(db_path, clock)
    app = make_app("facts", head_start=GivenHeadStart(early))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_question(pilot)
        await settle(pilot, lambda: screen._session is not None)
        assert head_start.same_question(screen.shown, early.shown)
        assert screen.shown is screen.session._current  # the session's own question, not the copy sent
        await pilot.press(str(early.shown.question.answer[0] + 1))
        assert review_count(db_path) == 1


async def test_an_early_question_the_session_does_not_ask_is_replaced_and_the_key_dropped(make_app, db_path, clock,
                                                                                        monkeypatch):
    only_kinds(db_path, "facts", "mcq")
    early = drawn_elsewhere(db_path, clock)
    stale = replace(early, shown=replace(early.shown, draw=early.shown.draw + 7,
                                         question=replace(early.shown.question, prompt="A question since changed")))
    release = slow_sessions(monkeypatch)
    app = make_app("facts", head_start=GivenHeadStart(stale))
    async with app.run_test(size=(80, 24)) as pilot:
        await early_question(pilot)
        assert "A question since changed" in screen_text(app)
        await press_as_the_session_comes(pilot, release, "1")  # an answer to the stale question: not applied
        screen = app.screen
        assert review_count(db_path) == 0 and screen.phase == "asking"
        assert screen.shown.question.prompt == early.shown.question.prompt
        assert "A question since changed" not in screen_text(app)


async def test_an_early_question_in_another_language_is_not_shown(make_app, db_path, clock, monkeypatch):
    early = drawn_elsewhere(db_path, clock, lang="id")
    release = slow_sessions(monkeypatch)
    app = make_app("facts", head_start=GivenHeadStart(early))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert getattr(app.screen, "shown", None) is None  # nothing until the app's own session
        release.set()
        screen = await first_question(pilot)
        assert screen.shown.question.lang == "en"


async def test_quitting_while_the_head_start_is_still_working_does_not_wait_for_it(make_app, db_path):
    class Slow(GivenHeadStart):
        def __init__(self):
            super().__init__(None)
            self.stopped = threading.Event()

        def result(self, timeout: float = 0):
            self.stopped.wait(30)  # a child still busy (a migration, a database another process holds)
            return None

        def cancel(self) -> None:
            super().cancel()
            self.stopped.set()

    slow = Slow()
    app = make_app("facts", head_start=slow)
    began = time.monotonic()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("ctrl+q")
    assert slow.cancelled and time.monotonic() - began < 10
    assert app.library is None  # the session nobody wanted was not built


async def test_a_language_switch_while_the_early_question_shows_gives_the_session_s_title(make_app, db_path, clock,
                                                                                          monkeypatch):
    early = drawn_elsewhere(db_path, clock)
    release = slow_sessions(monkeypatch)
    app = make_app("facts", head_start=GivenHeadStart(early))
    async with app.run_test(size=(80, 24)) as pilot:
        await early_question(pilot)
        assert "CSTO facts" in screen_text(app)
        await press_as_the_session_comes(pilot, release, "ctrl+l")  # in Indonesian: not the early question
        screen = app.screen
        assert screen.shown.question.lang == "id" and screen._session is not None
        assert "Fakta CSTO" in screen_text(app) and "CSTO facts" not in screen_text(app)


async def test_an_answer_typed_before_the_early_question_shows_answers_it(make_app, db_path, clock):
    from quiz.tui.app import OPENING_NOTE_AFTER

    only_kinds(db_path, "facts", "mcq")
    early = drawn_elsewhere(db_path, clock)

    class Late(GivenHeadStart):  # the child still drawing when the key comes
        def __init__(self):
            super().__init__(early)
            self.go = threading.Event()

        def result(self, timeout: float = 0):
            self.go.wait(10)
            return early

    late = Late()
    app = make_app("facts", head_start=late)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        await pilot.press(str(early.shown.question.answer[0] + 1))  # held: no question yet
        await pilot.pause(OPENING_NOTE_AFTER + 0.2)  # the screen is up, saying it is opening, when it comes
        late.go.set()
        await settle(pilot, lambda: getattr(app.screen, "phase", None) == "answered")
        assert query(db_path, "SELECT item, correct FROM reviews") == [(early.shown.key, 1)]
