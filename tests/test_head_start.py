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
