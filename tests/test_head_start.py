"""The head start of `quiz study DECK`: another process draws the first question, the same one the
app's own session then asks."""

from __future__ import annotations

import json
import os
import time

import pytest

from quiz.study import head_start
from quiz.study.engine import Library

needs_fork = pytest.mark.skipif(not head_start.enabled(), reason="no fork or a single core here")


def session_at(db, planned_at: int, deck: str = "russia-allies", lang: str = "en"):
    """What the app's own session asks first when planned at `planned_at` (a later, other library)."""
    library = Library.open(db)
    try:
        session = library.session(deck, lang=lang, planned_at=planned_at)
        return session.next(now=planned_at), session.total
    finally:
        library.close()


def test_the_first_question_sent_is_the_one_the_app_s_session_asks(tmp_path):
    db = tmp_path / "quiz.db"
    first = head_start.parse(json.dumps(head_start.first_question(str(db), "russia-allies", "id")))
    assert first is not None and first.deck == "russia-allies" and first.lang == "id"
    time.sleep(0.01)  # the app plans later: the time sent, not its own, gives the same queue
    shown, total = session_at(db, first.planned_at, lang="id")
    assert head_start.same_question(first.shown, shown) and first.total == total
    assert first.shown.question.prompt == shown.question.prompt and first.shown.question.lang == "id"


def forget(session, shown) -> None:
    """Answer `shown` wrong: its item goes into learning, its next step a minute away."""
    question = shown.question
    if question.kind == "flashcard":
        session.grade(shown, 1, 1000)
    elif question.kind in ("type_in", "cloze"):
        session.answer(shown, "certainly not this", 1000)
    else:
        session.answer(shown, [next(i for i in range(len(question.choices)) if i not in question.answer)], 1000)


def test_a_session_planned_at_the_head_start_s_time_asks_what_it_drew_then(tmp_path):
    db = tmp_path / "quiz.db"
    now = [1_750_000_000_000]
    with Library.open(db, clock=lambda: now[0]) as library:
        session = library.session("russia-allies")
        forgotten = session.next()
        forget(session, forgotten)
    now[0] += 10_000  # the head start draws while that step is not due: a new question comes first
    first = head_start.parse(json.dumps(head_start.first_question(str(db), "russia-allies", clock=lambda: now[0])))
    assert first.shown.key != forgotten.key
    now[0] += 3_600_000  # the app plans later, when the step is due
    with Library.open(db, clock=lambda: now[0]) as library:
        planned = library.session("russia-allies", planned_at=first.planned_at)
        assert head_start.same_question(planned.next(now=first.planned_at), first.shown)
        # Planned at its own time, the same library asks the forgotten question first: the time matters.
        assert library.session("russia-allies").next().key == forgotten.key


def test_a_different_draw_is_not_the_same_question(tmp_path):
    db = tmp_path / "quiz.db"
    first = head_start.parse(json.dumps(head_start.first_question(str(db), "russia-allies")))
    shown, _ = session_at(db, first.planned_at)
    other = head_start.parse(json.dumps(head_start.first_question(str(db), "russia-allies")))
    other.shown.draw += 1
    assert head_start.same_question(first.shown, shown) and not head_start.same_question(other.shown, shown)


@needs_fork
def test_begin_forks_a_child_that_sends_the_first_question_and_exits(tmp_path):
    db = tmp_path / "quiz.db"
    started = head_start.begin(str(db), "russia-allies", "en")
    assert started is not None
    first = started.result()
    assert first is not None and first.deck == "russia-allies"
    with pytest.raises(ChildProcessError):  # reaped: the database is the parent's alone now
        os.waitpid(started.pid, os.WNOHANG)
    shown, _ = session_at(db, first.planned_at)
    assert head_start.same_question(first.shown, shown)
    assert started.result() is first  # asked again: the same answer, no second wait


@needs_fork
def test_a_child_that_cannot_draw_a_question_sends_nothing(tmp_path):
    started = head_start.begin(str(tmp_path / "quiz.db"), "no-such-deck")
    assert started is not None and started.result() is None


@needs_fork
def test_a_child_still_working_when_the_app_quits_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(head_start, "first_question", lambda *a, **k: time.sleep(30))
    started = head_start.begin(str(tmp_path / "quiz.db"), "russia-allies")
    began = time.monotonic()
    started.cancel()
    assert time.monotonic() - began < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)


@needs_fork
def test_cancel_while_the_app_waits_for_the_child_ends_the_wait_at_once(tmp_path, monkeypatch):
    import threading

    monkeypatch.setattr(head_start, "first_question", lambda *a, **k: time.sleep(30))
    started = head_start.begin(str(tmp_path / "quiz.db"), "russia-allies")
    got = []
    waiting = threading.Thread(target=lambda: got.append(started.result()))
    waiting.start()
    time.sleep(0.2)
    began = time.monotonic()
    started.cancel()  # the app quitting, from another thread than the one waiting
    waiting.join(5)
    assert not waiting.is_alive() and got == [None] and time.monotonic() - began < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)
    started.cancel()  # twice: nothing to do


@needs_fork
def test_a_child_that_takes_too_long_is_stopped_and_gives_no_question(tmp_path, monkeypatch):
    monkeypatch.setattr(head_start, "first_question", lambda *a, **k: time.sleep(30))
    started = head_start.begin(str(tmp_path / "quiz.db"), "russia-allies")
    assert started.result(timeout=0.2) is None
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)


def test_no_head_start_when_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv("QUIZ_HEAD_START", "0")
    assert not head_start.enabled() and head_start.begin(str(tmp_path / "quiz.db"), "russia-allies") is None


@pytest.mark.parametrize("data", [b"", b"null", b"{", b"[]", json.dumps({"version": 99}).encode(),
                                  json.dumps({"version": head_start.PAYLOAD_VERSION, "deck": "x"}).encode()])
def test_anything_but_a_first_question_is_no_head_start(data):
    assert head_start.parse(data) is None
