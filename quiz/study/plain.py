"""Plain study mode: a session over standard input and output, one line at a time.

For screen readers, pipes, scripts and slow links: no Textual, no cursor movement, no colour
unless the output is a terminal (and NO_COLOR is unset). Every line is flushed as it is written.

Each question is printed with its options numbered from 1, then one line saying what to type:
a number; numbers separated by commas for select-all; the answer itself for type-in and cloze;
for a flashcard an empty line to show the answer, then a grade 1-4. `?` means "I don't know"
(counted wrong). Invalid input is explained and asked again. After the answer is recorded, one
line starting with ✔ (right) or ✘ (wrong) gives the right answer, followed by the explanation,
the sources and when the question comes back. End of input, /quit or an empty queue ends the
session with a summary.

Commands, typed instead of an answer: /undo (take back the last answer and ask it again),
/guess (the last right answer was a guess: rate it Hard), /suspend (never ask this question
again), /quit, /help.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from quiz.study.rating import HARD as HARD_RATING
from quiz.study.rating import RATING_NAMES

if TYPE_CHECKING:
    from quiz.study.engine import Outcome, SessionSummary, Shown, StudySession

KIND_NAMES = {
    "mcq": "multiple choice", "mcq_not": "multiple choice", "true_false": "true or false",
    "multi_select": "select all that apply", "type_in": "type the answer", "cloze": "fill in the blank",
    "flashcard": "flashcard",
}
HELP = ("Commands: /undo takes back the last answer, /guess marks the last right answer as a guess "
        "(rated Hard), /suspend stops asking this question, /quit ends the session. "
        "Type ? if you don't know.")
_GREEN, _RED, _RESET = "\x1b[32m", "\x1b[31m", "\x1b[0m"
HANDLED, MOVED_ON = "handled", "moved on"


class _Quit(Exception):
    """End of input or /quit."""


class PlainStudy:
    def __init__(self, session: StudySession, stdin: TextIO | None = None, stdout: TextIO | None = None,
                 color: bool | None = None, timer: Callable[[], float] = time.monotonic):
        self.session = session
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        if color is None:
            color = self.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        self.color = color
        self.timer = timer

    # -- output -------------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def _mark(self, right: bool) -> str:
        mark = "✔" if right else "✘"
        if self.color:
            return f"{_GREEN if right else _RED}{mark}{_RESET}"
        return mark

    def read(self) -> str:
        line = self.stdin.readline()
        if not line:
            raise _Quit
        return line.rstrip("\r\n").strip()

    # -- the loop -----------------------------------------------------------------------------
    def run(self) -> SessionSummary:
        session = self.session
        if session.total == 0:
            self.say(f"Nothing to study in {session.deck.name} now.")
        else:
            self.say(f"{session.deck.name}: {session.total} questions planned. Type ? if you don't know, "
                     "/help for commands.")
        try:
            while (shown := session.next()) is not None:
                self.ask(shown)
        except (_Quit, KeyboardInterrupt):  # Ctrl-C ends the session like end of input: with a summary
            pass
        summary = session.summary()
        self.say()
        self.say(summary_line(summary, self.now()))
        return summary

    def ask(self, shown: Shown) -> None:
        question = shown.question
        self.say()
        label = KIND_NAMES.get(question.kind, question.kind)
        topic = f" · {question.topic}" if question.topic else ""
        new = " · new" if shown.is_new else ""
        self.say(f"Question {self.session.position + 1} of {self.session.total} · {label}{topic}{new}")
        self.say(question.prompt)
        for number, choice in enumerate(question.choices, 1):
            self.say(f"  {number}. {choice}")
        started = self.timer()
        if question.kind == "flashcard":
            self.flashcard(shown, started)
            return
        hint = _hint(question)
        self.say(hint)
        while True:
            text = self.read()
            handled = self.command(text, shown)
            if handled == MOVED_ON:
                return
            if handled:
                self.say(hint)
                continue
            response, problem = parse(question, text)
            if problem or response is None:
                self.say(f"{problem} {hint}" if problem else hint)
                continue
            outcome = self.session.answer(shown, response, int((self.timer() - started) * 1000))
            self.acknowledge(outcome)
            return

    def flashcard(self, shown: Shown, started: float) -> None:
        reveal = "Press Enter to show the answer."
        self.say(reveal)
        while handled := self.command(self.read(), shown):  # any other line shows the answer
            if handled == MOVED_ON:
                return
            self.say(reveal)
        self.say(f"Answer: {shown.question.answer_text}")
        if shown.question.explanation:
            self.say(f"Why: {shown.question.explanation}")
        intervals = self.session.intervals(shown)
        grades = ", ".join(
            f"{rating} {name}" + (f" ({duration_words(intervals[rating])})" if rating in intervals else "")
            for rating, name in RATING_NAMES.items())
        prompt = f"How well did you know it? {grades}:"
        self.say(prompt)
        while True:
            text = self.read()
            handled = self.command(text, shown)
            if handled == MOVED_ON:
                return
            if text in ("1", "2", "3", "4"):
                break
            self.say(prompt if handled else f"Type a grade from 1 to 4. {prompt}")
        outcome = self.session.grade(shown, int(text), int((self.timer() - started) * 1000))
        self.acknowledge(outcome, graded=True)

    def command(self, text: str, shown: Shown) -> str | None:
        """Run a /command: None if `text` is not one, MOVED_ON if `shown` is no longer the question
        (the caller returns to the session loop), else HANDLED (the caller asks again)."""
        if not text.startswith("/"):
            return None
        name = text[1:].strip().lower()
        session = self.session
        if name in ("quit", "q", "exit"):
            raise _Quit
        if name == "help":
            self.say(HELP)
        elif name == "undo":
            kind, asked = session.undo_last()
            if kind == "suspension":
                self.say("Suspension undone" + (": the question again." if asked is not None else "."))
                return MOVED_ON if asked is not None else HANDLED
            if asked is not None:
                self.say("Undone: the last question again.")
                return MOVED_ON
            self.say("Nothing to undo.")
        elif name == "guess":
            outcome = session.mark_guess()
            if outcome is None:
                self.say("Only a right answer rated Good or Easy can be marked as a guess.")
            else:
                self.say(f"Marked as a guess: rated Hard; {_due_words(outcome.next_due, self.now())}.")
        elif name == "suspend":
            session.suspend(shown.item_id)
            self.say(f"Suspended: this question will not be asked again (/undo takes it back; "
                     f"quiz unsuspend {session.deck.name} brings back the deck's suspended questions).")
            return MOVED_ON
        else:
            self.say(f"Unknown command {text!r}. {HELP}")
        return HANDLED

    def now(self) -> datetime:
        from quiz.study.scheduler import to_datetime

        return to_datetime(self.session.library.clock())

    def acknowledge(self, outcome: Outcome, graded: bool = False) -> None:
        mark = self._mark(outcome.correct)
        if graded:
            self.say(f"{mark} {RATING_NAMES[outcome.rating]}: {outcome.right_answer}")
        elif outcome.typo:
            self.say(f"{mark} Right, with a typo (rated Hard): you typed “{outcome.typed}”, "
                     f"the answer is “{outcome.expected}”.")
        elif outcome.correct:
            self.say(f"{mark} Right: {outcome.right_answer}")
        else:
            self.say(f"{mark} Wrong. The answer: {outcome.right_answer}")
        if outcome.explanation and not graded:
            self.say(f"Why: {outcome.explanation}")
        for source in outcome.sources:
            self.say(f"Source: {source_words(source)}")
        if outcome.practice:
            self.say("Practice: your schedule is unchanged.")
        else:
            slow = outcome.correct and outcome.rating == HARD_RATING and not outcome.typo and not graded
            slow = " (a slow answer)" if slow else ""
            self.say(f"Rated {RATING_NAMES[outcome.rating]}{slow}; {_due_words(outcome.next_due, self.now())}.")
        if outcome.leech:
            self.say("This question keeps slipping away: it is now a leech and suspended. Rewrite it, or "
                     f"bring it back with quiz unsuspend {self.session.deck.name}.")


# -- parsing ------------------------------------------------------------------------------------
def _hint(question) -> str:
    n = len(question.choices)
    if question.kind == "multi_select":
        return f"Your answer: the numbers of all that apply, separated by commas (1-{n}):"
    if question.kind in ("type_in", "cloze"):
        return "Your answer (type it):"
    return f"Your answer (a number, 1-{n}):"


def parse(question, text: str) -> tuple[list[int] | str | None, str]:
    """(the response, "") or (None, what is wrong); (None, "") for an empty line (ask again)."""
    if text == "?":
        return ([] if question.choices else ""), ""
    if not text:
        return None, ""
    if question.kind in ("type_in", "cloze"):
        return text, ""
    parts = text.replace(",", " ").split()
    if not all(part.isdigit() for part in parts):
        return None, "Type the number of an option."
    numbers = [int(part) for part in parts]
    wrong = [n for n in numbers if not 1 <= n <= len(question.choices)]
    if wrong:
        return None, f"There is no option {wrong[0]}."
    if len(set(numbers)) != len(numbers):
        return None, "Each option once, please."
    if question.kind != "multi_select" and len(numbers) > 1:
        return None, "One option only."
    return [number - 1 for number in numbers], ""


# -- words --------------------------------------------------------------------------------------
def duration_words(span: timedelta) -> str:
    seconds = span.total_seconds()
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600),
                       ("minute", 60)):
        if seconds >= size * (1.5 if unit in ("year", "month") else 0.9):  # 59.5 s is "1 minute"
            count = max(1, round(seconds / size))
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "less than a minute"


def _due_words(due: datetime | None, now: datetime) -> str:
    if due is None:
        return "not scheduled yet"
    return "due again now" if due <= now else f"due again in {duration_words(due - now)}"


def source_words(source: dict) -> str:
    from quiz.i18n import format_date

    date = f", {format_date(source['date'], 'en')}" if source.get("date") else ""
    return f"{source.get('outlet', '')}, “{source.get('title', '')}”{date}"


def summary_line(summary: SessionSummary, now: datetime) -> str:
    if not summary.answered:
        text = "Session over: no answers."
    else:
        minutes, seconds = divmod(round(summary.seconds), 60)
        spent = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        text = (f"Session over: {summary.answered} answered, {summary.correct} right "
                f"({round(100 * (summary.accuracy or 0))}%), {spent} answering.")
    if summary.next_due is not None:
        when = "now" if summary.next_due <= now else f"in {duration_words(summary.next_due - now)}"
        text += f" Next due {when}; {summary.due_tomorrow} due by the end of tomorrow."
    return text


def run_plain(session: StudySession, stdin: TextIO | None = None, stdout: TextIO | None = None,
              color: bool | None = None) -> SessionSummary:
    return PlainStudy(session, stdin, stdout, color).run()
