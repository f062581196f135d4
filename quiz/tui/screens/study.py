"""Study: one question at a time, each kind answered the way it asks to be.

The screen only renders and forwards keys: checking, scheduling and committing are the engine's
(quiz.study.engine). Every answer is committed by the engine before the feedback is drawn, so
the next question never shows before its predecessor is safe on disk.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, ProgressBar, Static

from quiz.i18n import format_date, interval
from quiz.questions.question import CHOICE_KINDS, TYPED_KINDS
from quiz.tui.widgets.choice_list import ChoiceList

ASKING, REVEALED, ANSWERED = "asking", "revealed", "answered"


class SessionReady(Message):
    def __init__(self, session, first, error: str | None = None):
        super().__init__()
        self.session = session
        self.first = first
        self.error = error


class StudyScreen(Screen[None]):
    CSS_PATH = "study.tcss"
    BINDINGS = [
        *[Binding(str(n), f"number({n})", str(n), show=False, id=f"study.choose{n}") for n in range(1, 10)],
        Binding("t", "true_false(1)", "True", show=False, id="study.true"),
        Binding("f", "true_false(2)", "False", show=False, id="study.false"),
        Binding("enter", "submit", "Submit / next", id="study.submit"),
        Binding("space", "space", "Reveal / next", id="study.space"),
        Binding("u", "undo", "Undo", id="study.undo"),
        Binding("g", "guess", "Guess", id="study.guess"),
        Binding("s", "suspend", "Suspend", id="study.suspend"),
        Binding("escape", "end", "End", id="study.end"),
    ]

    def __init__(self, deck: str, limit: int | None = None, practice: bool = False):
        super().__init__()
        self.deck = deck
        self.limit = limit
        self.practice = practice
        self.session = None
        self.shown = None
        self.outcome = None
        self.phase = ASKING
        self.started = 0.0  # when the question appeared (monotonic seconds)
        self.picked: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="study-top"):
            yield Static(id="progress-label")
            yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
        with VerticalScroll(id="study-body"):
            yield Static(id="prompt")
            yield ChoiceList([], id="choices")
            yield Input(id="typed")
            yield Static(id="flash-answer")
            yield Static(id="feedback")
        yield Static(id="study-hint", classes="hint")
        yield Footer()

    # -- starting ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.query_one("#prompt", Static).update(self.app.t("app.loading"))
        for widget in ("#typed", "#flash-answer", "#feedback"):
            self.query_one(widget).display = False
        self.start_session()

    @work(thread=True, exclusive=True, group="study", exit_on_error=False)
    def start_session(self) -> None:
        from quiz.formats.problems import DeckError
        from quiz.store.database import StoreError
        from quiz.study.engine import Library, UnknownDeck

        app = self.app
        with app._library_lock:
            try:
                if app.library is None and app.library_error is None:
                    app.library = Library.open(app.db_path, config=app.settings.study_config())
                if app.library is None:
                    raise StoreError(app.library_error or "the library could not be opened")
                name = app.library.resolve(self.deck)
                session = app.library.session(name, lang=app.lang, limit=self.limit, cram=self.practice)
                first = session.next()
            except (UnknownDeck, DeckError, StoreError, OSError, ValueError) as error:
                self.post_message(SessionReady(None, None, str(error)))
                return
        self.post_message(SessionReady(session, first))

    def on_session_ready(self, message: SessionReady) -> None:
        if message.error:
            self.app.notify(message.error, severity="error", timeout=20, markup=False)
            self.app.pop_screen()
            return
        self.session = message.session
        self.show(message.first)

    # -- rendering -----------------------------------------------------------------------------
    def show(self, shown) -> None:
        """Put a question on screen, or finish the session when there is none."""
        if shown is None:
            self.finish()
            return
        self.shown, self.outcome, self.phase, self.picked = shown, None, ASKING, []
        question = shown.question
        self.query_one("#prompt", Static).update(Content(question.prompt))
        choices = self.query_one("#choices", ChoiceList)
        choices.remove_children()
        choices.choices, choices.multi = list(question.choices), question.kind == "multi_select"
        if question.kind in CHOICE_KINDS:
            choices.mount_all(choices.compose())
        choices.display = question.kind in CHOICE_KINDS
        typed = self.query_one("#typed", Input)
        typed.display = question.kind in TYPED_KINDS
        typed.value, typed.disabled = "", False
        typed.placeholder = self.app.t("study.type_answer")
        if typed.display:
            typed.focus()
        else:
            self.set_focus(None)
        self.query_one("#flash-answer", Static).display = False
        self.query_one("#feedback", Static).display = False
        self.update_progress()
        self.update_hint()
        self.started = time.monotonic()

    def update_progress(self) -> None:
        if self.session is None:
            return
        total = max(self.session.total, self.session.position + (1 if self.shown else 0))
        number = min(self.session.position + 1, total)
        label = self.app.t("study.question", n=number, total=total)
        if self.practice:
            label += " · " + self.app.t("study.practice")
        self.query_one("#progress-label", Static).update(label)
        self.query_one("#progress", ProgressBar).update(total=total, progress=self.session.position)

    def update_hint(self) -> None:
        kind = self.shown.question.kind if self.shown else ""
        key = {"true_false": "study.tf_hint", "multi_select": "study.select_hint", "flashcard": "study.reveal_hint"}
        if self.phase == ANSWERED:
            hint = self.app.t("study.continue_hint")
        elif self.phase == REVEALED:
            hint = self.app.t("study.grade_hint")
        elif kind in TYPED_KINDS:
            hint = self.app.t("study.type_answer")
        else:
            hint = self.app.t(key.get(kind, "study.choose_hint"))
        self.query_one("#study-hint", Static).update(hint)

    def refresh_language(self) -> None:
        """The interface language changed: redraw what the screen says (questions follow from the next one)."""
        self.update_progress()
        self.update_hint()

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    # -- answering -----------------------------------------------------------------------------
    def answer(self, response) -> None:
        if self.session is None or self.shown is None or self.phase != ASKING:
            return
        question = self.shown.question
        self.outcome = self.session.answer(self.shown, response, self.elapsed_ms())
        self.phase = ANSWERED
        self.picked = list(response) if isinstance(response, list) else []
        if question.kind in CHOICE_KINDS:
            self.query_one("#choices", ChoiceList).show_result(question.answer, self.picked)
        typed = self.query_one("#typed", Input)
        if typed.display:
            typed.disabled = True
        self.set_focus(None)
        self.show_feedback()
        self.update_progress()
        self.update_hint()

    def grade(self, rating: int) -> None:
        if self.session is None or self.shown is None or self.phase != REVEALED:
            return
        self.outcome = self.session.grade(self.shown, rating, self.elapsed_ms())
        self.next_question()

    def show_feedback(self) -> None:
        outcome, t = self.outcome, self.app.t
        if outcome.correct:
            verdict = Content.assemble(("✔ ", "bold $success"), (t("study.right"), "bold $success"))
        else:
            verdict = Content.assemble(("✘ ", "bold $error"), (t("study.wrong"), "bold $error"))
        parts = [verdict]
        if outcome.typo:
            parts.append(Content(t("study.typo", typed=outcome.typed, expected=outcome.expected)))
        parts.append(Content.assemble((t("study.answer_is", answer="") , "bold"), outcome.right_answer))
        if outcome.explanation:
            parts.append(Content(outcome.explanation))
        for source in outcome.sources:
            parts.append(Content.assemble((f"{t('study.source')}: ", "italic"), _source_line(source, self.app.lang)))
        if outcome.leech:
            parts.append(Content.assemble((t("study.leech"), "$warning")))
        elif outcome.next_due and not outcome.practice:
            seconds = (outcome.next_due - datetime.now(UTC)).total_seconds()
            parts.append(Content(t("study.next_due", when=interval(seconds, self.app.lang))).stylize("dim"))
        feedback = self.query_one("#feedback", Static)
        feedback.update(Content("\n").join(parts))
        feedback.set_class(outcome.correct, "-right")
        feedback.set_class(not outcome.correct, "-wrong")
        feedback.display = True
        self.query_one("#study-body", VerticalScroll).scroll_end(animate=False)

    def reveal(self) -> None:
        """Show a flashcard's answer and what each grade would schedule."""
        if self.shown is None or self.phase != ASKING or self.shown.question.kind != "flashcard":
            return
        self.phase = REVEALED
        question, t = self.shown.question, self.app.t
        intervals = self.session.intervals(self.shown)
        parts = [Content.assemble((t("study.answer_is", answer=""), "bold"), question.answer_text)]
        if question.explanation:
            parts.append(Content(question.explanation))
        for source in question.sources:
            parts.append(Content.assemble((f"{t('study.source')}: ", "italic"), _source_line(source, self.app.lang)))
        grades = [
            f"{rating} {t(f'grade.{rating}')} · {interval(intervals[rating].total_seconds(), self.app.lang)}"
            for rating in (1, 2, 3, 4) if rating in intervals
        ]
        parts.append(Content("   ".join(grades)).stylize("bold"))
        answer = self.query_one("#flash-answer", Static)
        answer.update(Content("\n").join(parts))
        answer.display = True
        self.update_hint()

    def next_question(self) -> None:
        self.show(self.session.next())

    def finish(self) -> None:
        from quiz.tui.screens.summary import SummaryScreen

        summary = self.session.summary() if self.session else None
        if summary is None or summary.answered == 0:
            self.app.notify(self.app.t("study.empty"), markup=False)
            self.app.pop_screen()
            return
        self.app.switch_screen(SummaryScreen(summary))

    # -- keys ----------------------------------------------------------------------------------
    def action_number(self, number: int) -> None:
        if self.shown is None:
            return
        kind = self.shown.question.kind
        if self.phase == REVEALED and 1 <= number <= 4:
            self.grade(number)
        elif self.phase == ASKING and kind in CHOICE_KINDS and number <= len(self.shown.question.choices):
            if kind == "multi_select":
                self.query_one("#choices", ChoiceList).toggle(number - 1)
            else:
                self.answer([number - 1])

    def on_choice_list_picked(self, message: ChoiceList.Picked) -> None:
        self.action_number(message.index + 1)

    def action_true_false(self, number: int) -> None:
        if self.shown is not None and self.shown.question.kind == "true_false":
            self.action_number(number)

    def action_submit(self) -> None:
        if self.phase == ANSWERED:
            self.next_question()
        elif self.phase == ASKING and self.shown is not None:
            kind = self.shown.question.kind
            if kind == "multi_select":
                self.answer(self.query_one("#choices", ChoiceList).selected())
            elif kind == "flashcard":
                self.reveal()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.phase == ASKING and event.value.strip():
            self.answer(event.value)

    def action_space(self) -> None:
        if self.phase == ANSWERED:
            self.next_question()
        elif self.phase == ASKING:
            self.reveal()

    def action_undo(self) -> None:
        if self.session is None:
            return
        shown = self.session.undo()
        if shown is None:
            self.app.notify(self.app.t("study.nothing_to_undo"), markup=False)
            return
        self.app.notify(self.app.t("study.undone"), markup=False)
        self.show(shown)

    def action_guess(self) -> None:
        if self.session is None or self.phase != ANSWERED or not (self.outcome and self.outcome.correct):
            return
        outcome = self.session.mark_guess()
        if outcome is not None:
            self.outcome = outcome
            self.show_feedback()
            self.app.notify(self.app.t("study.guess_marked"), markup=False)

    def action_suspend(self) -> None:
        if self.session is None or self.shown is None:
            return
        self.session.suspend(self.shown.item_id)
        self.app.notify(self.app.t("study.suspended"), markup=False)
        if self.phase != ANSWERED:
            self.next_question()

    def action_end(self) -> None:
        if self.session is None:
            self.app.pop_screen()
        else:
            self.finish()


def _source_line(source: dict, lang: str) -> str:
    date = f", {format_date(source['date'], lang)}" if source.get("date") else ""
    seed = f" ({source['seed']})" if source.get("seed") else ""
    return f"{source.get('outlet', '')}, “{source.get('title', '')}”{date}{seed}"
