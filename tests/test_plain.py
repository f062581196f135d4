"""Plain study mode: numbered options, one ✔/✘ line per answer, invalid input asked again, summary at EOF."""

from __future__ import annotations

import io
import re

from quiz.config import StudyConfig
from quiz.study.engine import Library
from quiz.study.plain import PlainStudy, duration_words, parse


class Learner(io.TextIOBase):
    """Standard input that answers each prompt as it is printed: right, or with a given line."""

    def __init__(self, out: io.StringIO, answers: list[str] | None = None, limit: int = 100):
        self.out, self.answers, self.limit, self.lines = out, answers, limit, 0

    def readline(self, *_):
        self.lines += 1
        if self.lines > self.limit or (self.answers is not None and not self.answers):
            return ""
        if self.answers is not None:
            return self.answers.pop(0) + "\n"
        return right_answer(self.out.getvalue()) + "\n"


def right_answer(screen: str) -> str:
    """What a learner who knows everything types at the last prompt on `screen`."""
    block = screen[screen.rindex("\nQuestion "):]
    last = block.rstrip("\n").splitlines()[-1]
    if last.startswith("Press Enter"):
        return ""
    if last.startswith("How well"):
        return "3"
    raise AssertionError(f"no answer for {last!r}")


def run(library, answers=None, limit=100, **session):
    out = io.StringIO()
    summary = PlainStudy(library.session("mini", **session), Learner(out, answers, limit), out).run()
    return out.getvalue(), summary


def test_each_answer_gets_one_acknowledgement_line_and_eof_ends_with_a_summary(library):
    screen, summary = run(library, answers=["1"] * 5 + [""] * 3 + ["3"] * 3)
    marks = [line for line in screen.splitlines() if line.startswith(("✔", "✘"))]
    assert len(marks) == summary.answered >= 4
    assert library.db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == summary.answered
    assert re.search(r"Session over: \d+ answered, \d+ right", screen)
    assert "\x1b" not in screen  # no colour or cursor codes when not a terminal


def test_options_are_numbered_and_the_acknowledgement_gives_answer_explanation_and_source(library):
    screen, _ = run(library, answers=["1"])
    assert re.search(r"^  1\. ", screen, re.M) and re.search(r"^  2\. ", screen, re.M)
    ack = next(line for line in screen.splitlines() if line.startswith(("✔", "✘")))
    assert "True" in ack or "False" in ack or ":" in ack
    assert "Source: Outlet One, “First article”, 21 June 2024" in screen or "Source: Outlet Two" in screen


def test_invalid_input_is_asked_again_and_never_crashes(library):
    screen, summary = run(library, answers=["banana", "9", "1,2", "", "/nonsense", "1"])
    assert "Type the number of an option." in screen
    assert "There is no option 9." in screen
    assert "One option only." in screen
    assert "Unknown command" in screen
    assert summary.answered == 1


def test_dont_know_is_wrong(library):
    screen, summary = run(library, answers=["?"])
    assert summary.answered == 1 and summary.correct == 0
    assert any(line.startswith("✘ Wrong. The answer: ") for line in screen.splitlines())


def test_a_learner_who_knows_everything_is_always_right(library):
    out = io.StringIO()

    class Knower(Learner):
        def readline(self, *_):
            self.lines += 1
            if self.lines > 60:
                return ""
            screen = self.out.getvalue()
            block = screen[screen.rindex("\nQuestion "):]
            if block.rstrip("\n").splitlines()[-1].startswith(("Press Enter", "How well")):
                return right_answer(screen) + "\n"
            return knower_answer(library, session) + "\n"

    session = library.session("mini")
    summary = PlainStudy(session, Knower(out), out).run()
    assert summary.answered >= 10 and summary.correct == summary.answered
    assert "✘" not in out.getvalue()


def knower_answer(library, session) -> str:
    question = session.next().question
    if question.kind in ("type_in", "cloze"):
        return question.answer_text
    return ",".join(str(i + 1) for i in question.answer)


def test_undo_asks_the_last_question_again(library):
    screen, summary = run(library, answers=["1", "/undo", "2"])
    assert "Undone: the last question again." in screen
    questions = re.findall(r"^Question 1 of \d+ · .*$\n(.*)$", screen, re.M)
    assert len(questions) == 2 and questions[0] == questions[1]
    assert summary.answered == 1
    assert library.db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_undo_after_suspend_brings_the_question_back(library):
    screen, summary = run(library, answers=["/suspend", "/undo", "1"])
    assert summary.answered == 1
    assert "quiz unsuspend mini" in screen and "Suspension undone: the question again." in screen
    questions = re.findall(r"^Question 1 of \d+ · .*$\n(.*)$", screen, re.M)
    assert questions[0] == questions[-1]  # asked again after the suspension was taken back
    assert library.db.conn.execute("SELECT count(*) FROM items WHERE status = 'suspended'").fetchone()[0] == 0


def test_flashcards_reveal_on_an_empty_line_then_take_a_grade(tmp_path, clock):
    lib = Library.open(tmp_path / "f.db", config=StudyConfig(), clock=clock, sync_bundled=False)
    lib.add_source('deck: {id: f, title: F, languages: [en]}\ncards:\n  - {front: "Two plus two, in words?", '
                   'back: "Four, as every schoolchild knows by heart by now"}\n', origin="imported")
    out = io.StringIO()
    PlainStudy(lib.session("f"), Learner(out, ["", "7", "4"]), out).run()
    screen = out.getvalue()
    assert screen.index("Press Enter to show the answer.") < screen.index("Answer: Four")
    assert "Type a grade from 1 to 4." in screen
    assert re.search(r"1 Again \(1 minute\), 2 Hard \(6 minutes\), 3 Good \(10 minutes\), 4 Easy \(\d+ days\)",
                     screen)
    assert "✔ Easy: Four" in screen
    lib.close()


def test_colour_only_on_a_terminal(library):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    PlainStudy(library.session("mini"), Learner(out, ["1"]), out, color=None).run()
    assert "\x1b[3" in out.getvalue()
    out = Terminal()
    PlainStudy(library.session("mini"), Learner(out, ["1"]), out, color=False).run()
    assert "\x1b" not in out.getvalue()


def test_parse_answers():
    from quiz.questions.question import Question

    multi = Question(id="q", kind="multi_select", lang="en", prompt="?", deck="d", template="t",
                     choices=list("abcde"), answer=[0])
    assert parse(multi, "1, 3 5") == ([0, 2, 4], "")
    assert parse(multi, "1,1") == (None, "Each option once, please.")
    assert parse(multi, "?") == ([], "")
    assert parse(multi, "") == (None, "")


def test_durations_in_words():
    from datetime import timedelta

    assert duration_words(timedelta(seconds=330)) == "6 minutes"
    assert duration_words(timedelta(days=1)) == "1 day"
    assert duration_words(timedelta(days=70)) == "2 months"
    assert duration_words(timedelta(seconds=20)) == "less than a minute"
