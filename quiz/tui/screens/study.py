"""Study: one question at a time, each kind answered the way it asks to be.

The screen only renders and forwards keys: checking, scheduling and committing are the engine's
(quiz.study.engine). Every answer is committed by the engine before the feedback is drawn, so
the next question never shows before its predecessor is safe on disk.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Header, Input, ProgressBar, Static

from quiz.i18n import format_date, interval
from quiz.questions.question import CHOICE_KINDS, TYPED_KINDS
from quiz.tui.literal import clean, literal
from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.action_bar import ActionBar
from quiz.tui.widgets.choice_list import ChoiceList

ASKING, REVEALED, ANSWERED = "asking", "revealed", "answered"


class SessionReady(Message):
    def __init__(self, session, first, error: str | None = None):
        super().__init__()
        self.session = session
        self.first = first
        self.error = error


class StudyScreen(QuizScreen):
    CSS_PATH = "study.tcss"
    FOOTER_HIDDEN = frozenset({"app.settings"})  # 80 columns hold the study keys, in both languages
    BINDINGS = [
        *[Binding(str(n), f"number({n})", str(n), show=False, id=f"study.choose{n}") for n in range(1, 10)],
        Binding("t", "true_false(1)", "True", show=False, id="study.true"),
        Binding("f", "true_false(2)", "False", show=False, id="study.false"),
        # Enter, Space and g do different things as the question goes on: the hint line and the
        # buttons under the question say which. The footer keeps the same keys throughout, so it
        # is not rebuilt at every answer (that costs a few milliseconds a key).
        Binding("enter", "submit", "Submit / next", show=False, id="study.submit"),
        Binding("space", "space", "Reveal / next", show=False, id="study.space"),
        Binding("g", "guess", "Guess", show=False, id="study.guess"),
        Binding("u", "undo", "Undo", id="study.undo"),
        Binding("ctrl+z", "undo", "Undo", show=False, id="study.undo_typing"),  # works in the answer line too
        Binding("s", "suspend", "Suspend", id="study.suspend"),
        Binding("escape", "end", "End", id="study.end"),
        Binding("pageup", "scroll(-1)", "Scroll up", show=False, id="study.page_up"),
        Binding("pagedown", "scroll(1)", "Scroll down", show=False, id="study.page_down"),
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
        self.started = 0.0  # when the question appeared (app.ticks() seconds)
        self.intervals: dict = {}  # a revealed flashcard's grade -> timedelta

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="study-top"):
            yield Static(id="progress-label")
            yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
        body = VerticalScroll(id="study-body")
        body.can_focus = False  # a click on the question must not take the focus from the answer line
        with body:
            yield Static(id="prompt")
            yield ChoiceList([], id="choices")
            yield Input(id="typed")
            yield Static(id="flash-answer")
            yield Static(id="feedback")
            yield ActionBar(id="actions")
        yield Static(id="study-hint", classes="hint")
        yield Footer(compact=True)

    # -- starting ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.query_one("#prompt", Static).update(self.app.t("app.loading"))
        for widget in ("#typed", "#flash-answer", "#feedback", "#actions"):
            self.query_one(widget).display = False
        self.start_session()

    @work(thread=True, exclusive=True, group="study", exit_on_error=False)
    def start_session(self) -> None:
        from quiz.formats.problems import DeckError
        from quiz.store.database import StoreError
        from quiz.study.engine import UnknownDeck

        app = self.app
        with app._library_lock:
            try:
                library = app.opened_library()
                name = library.resolve(self.deck)
                session = library.session(name, lang=app.lang, limit=self.limit, cram=self.practice)
                first = session.next()
            except (UnknownDeck, DeckError, StoreError, OSError, ValueError) as error:
                self.post_message(SessionReady(None, None, error=str(error)))
                return
        self.post_message(SessionReady(session, first))

    def on_session_ready(self, message: SessionReady) -> None:
        if message.error:
            self.app.notify(message.error, severity="error", timeout=20, markup=False)
            self.app.pop_screen()
            return
        self.session = message.session
        self.show_title()
        self.show(message.first)

    def show_title(self) -> None:
        """The deck's title in the header (which shows it as plain text)."""
        title = self.session.deck.title
        if isinstance(title, dict):
            title = title.get(self.app.lang) or title.get("en") or next(iter(title.values()), "")
        self.sub_title = clean(title or self.session.deck.name)

    # -- rendering -----------------------------------------------------------------------------
    def show(self, shown) -> None:
        """Put a question on screen, or finish the session when there is none."""
        if shown is None:
            self.finish()
            return
        self.shown, self.outcome, self.phase, self.intervals = shown, None, ASKING, {}
        question = shown.question
        self.query_one("#prompt", Static).update(literal(question.prompt))
        choices = self.query_one("#choices", ChoiceList)
        choices.set_choices(question.choices if question.kind in CHOICE_KINDS else [],
                            question.kind == "multi_select")
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
        self.started = self.app.ticks()
        self.update_state()
        self.query_one("#study-body", VerticalScroll).scroll_home(animate=False)

    def update_state(self) -> None:
        """Everything that follows the phase: progress, hint and actions."""
        self.update_progress()
        self.update_hint()
        self.update_actions()

    def update_progress(self) -> None:
        if self.session is None:
            return
        answered = self.session.position
        total = max(self.session.total, answered + (1 if self.shown and self.phase != ANSWERED else 0), 1)
        number = answered if self.phase == ANSWERED else min(answered + 1, total)
        label = self.app.t("study.question", n=number, total=total)
        if self.practice:
            label += " · " + self.app.t("study.practice")
        self.query_one("#progress-label", Static).update(label)
        self.query_one("#progress", ProgressBar).update(total=total, progress=answered)

    def update_hint(self) -> None:
        kind = self.shown.question.kind if self.shown else ""
        key = {"true_false": "study.tf_hint", "multi_select": "study.select_hint", "flashcard": "study.reveal_hint"}
        if self.phase == ANSWERED:
            hint = self.app.t("study.continue_hint" if self.can_guess() else "study.continue_hint_plain")
        elif self.phase == REVEALED:
            hint = self.app.t("study.grade_hint")
        elif kind in TYPED_KINDS:
            hint = self.app.t("study.type_hint")
        elif not kind:
            hint = ""
        else:
            hint = self.app.t(key.get(kind, "study.choose_hint"))
        self.query_one("#study-hint", Static).update(hint)

    def update_actions(self) -> None:
        t, kind = self.app.t, self.shown.question.kind if self.shown else ""
        actions: list[tuple[str, Content | str, str]] = []
        if self.phase == ANSWERED:
            actions.append(("next", t("study.next") + "  ⏎", "-primary"))
        elif self.phase == REVEALED:
            for rating in (1, 2, 3, 4):
                when = self.intervals.get(rating)
                label = f"{rating}  {t(f'grade.{rating}')}"
                if when is not None:
                    label += "\n" + interval(when.total_seconds(), self.app.lang)
                actions.append((f"grade({rating})", label, f"-grade -grade{rating}"))
        elif kind == "multi_select":
            actions.append(("submit", t("study.submit") + "  ⏎", "-primary"))
        elif kind == "flashcard":
            actions.append(("reveal", t("study.show_answer") + "  ␣", "-primary"))
        self.query_one("#actions", ActionBar).set_actions(actions)

    def refresh_language(self) -> None:
        """The interface language changed: redraw what the screen says, and an unanswered question."""
        if self.session is not None:
            redrawn = self.session.set_language(self.app.lang)
            self.show_title()
            if redrawn is not None and self.phase == ASKING:
                self.show(redrawn)  # the unanswered question, now in the new language
        self.query_one("#typed", Input).placeholder = self.app.t("study.type_answer")
        if self.shown is None and self.session is None:
            self.query_one("#prompt", Static).update(self.app.t("app.loading"))
        if self.phase == ANSWERED and self.outcome is not None:
            self.show_feedback()
        elif self.phase == REVEALED:
            self.show_flashcard_answer()
        self.update_state()

    def elapsed_ms(self) -> int:
        return int((self.app.ticks() - self.started) * 1000)

    def can_guess(self) -> bool:
        """Whether `g` would do something: a right, checked answer not already graded Hard."""
        outcome = self.outcome
        return (self.phase == ANSWERED and outcome is not None and outcome.correct and outcome.rating > 2
                and self.shown is not None and self.shown.question.kind != "flashcard")

    # -- answering -----------------------------------------------------------------------------
    def answer(self, response) -> None:
        if self.session is None or self.shown is None or self.phase != ASKING:
            return
        question = self.shown.question
        self.outcome = self.session.answer(self.shown, response, self.elapsed_ms())
        self.phase = ANSWERED
        picked = list(response) if isinstance(response, list) else []
        if question.kind in CHOICE_KINDS:
            self.query_one("#choices", ChoiceList).show_result(question.answer, picked)
        typed = self.query_one("#typed", Input)
        if typed.display:
            typed.disabled = True
        self.set_focus(None)
        self.show_feedback()
        self.update_state()

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
            parts.append(Content.assemble(t("study.typo"), " ", *typo_diff(outcome.typed, outcome.expected)))
        parts.append(Content.assemble((t("study.answer") + " ", "bold"), literal(outcome.right_answer)))
        parts += self.explanation_lines(self.shown.question.explanation, outcome.sources)
        if outcome.leech:
            parts.append(Content.styled(t("study.leech"), "$warning"))
        elif outcome.next_due and not outcome.practice:
            seconds = (outcome.next_due - self.app.now()).total_seconds()
            parts.append(Content.styled(t("study.next_due", when=interval(seconds, self.app.lang)), "dim"))
        feedback = self.query_one("#feedback", Static)
        feedback.update(Content("\n").join(parts))
        feedback.update_classes({"-right": outcome.correct, "-wrong": not outcome.correct})
        feedback.display = True
        self.call_after_refresh(self.bring_into_view, feedback)

    def explanation_lines(self, explanation: str, sources: list[dict]) -> list[Content]:
        lines = [literal(explanation)] if explanation else []
        for source in sources:
            lines.append(Content.assemble((f"{self.app.t('study.source')}: ", "italic"),
                                          literal(_source_line(source, self.app.lang))))
        return lines

    def reveal(self) -> None:
        """Show a flashcard's answer and what each grade would schedule."""
        if self.shown is None or self.phase != ASKING or self.shown.question.kind != "flashcard":
            return
        self.phase = REVEALED
        self.intervals = self.session.intervals(self.shown)
        self.show_flashcard_answer()
        self.update_state()

    def show_flashcard_answer(self) -> None:
        question, t = self.shown.question, self.app.t
        parts = [Content.assemble((t("study.answer") + " ", "bold"), literal(question.answer_text))]
        parts += self.explanation_lines(question.explanation, question.sources)
        answer = self.query_one("#flash-answer", Static)
        answer.update(Content("\n").join(parts))
        answer.display = True
        self.call_after_refresh(self.bring_into_view, answer)

    def bring_into_view(self, widget) -> None:
        """Scroll as little as shows `widget` with the actions under it (its top, if it is too tall)."""
        body = self.query_one("#study-body", VerticalScroll)
        body.scroll_to_widget(self.query_one("#actions"), animate=False)
        body.scroll_to_widget(widget, animate=False, top=widget.outer_size.height > body.size.height)

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

    # -- keys and clicks -----------------------------------------------------------------------
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

    def on_action_bar_pressed(self, message: ActionBar.Pressed) -> None:
        if message.action in ("next", "submit"):
            self.action_submit()
        elif message.action == "reveal":
            self.reveal()
        elif message.action.startswith("grade("):
            self.grade(int(message.action[6:-1]))

    def action_scroll(self, direction: int) -> None:
        body = self.query_one("#study-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

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
        if not self.can_guess():
            return
        outcome = self.session.mark_guess()
        if outcome is not None:
            self.outcome = outcome
            self.show_feedback()
            self.update_state()
            self.app.notify(self.app.t("study.guess_marked"), markup=False)

    def action_suspend(self) -> None:
        if self.session is None or self.shown is None:
            return
        self.session.suspend(self.shown.item_id)
        self.app.notify(self.app.t("study.suspended"), markup=False)
        if self.phase != ANSWERED:  # after an answer, the feedback stays until the learner goes on
            self.next_question()

    def action_end(self) -> None:
        if self.session is None:
            self.app.pop_screen()
        else:
            self.finish()


def typo_diff(typed: str, expected: str) -> list[Content]:
    """`typed → expected`, the characters that differ underlined: the typo, shown."""
    typed, expected = clean(typed), clean(expected)
    mine, theirs = [], []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, typed, expected, autojunk=False).get_opcodes():
        if op == "equal":
            mine.append(Content(typed[a1:a2]))
            theirs.append(Content(expected[b1:b2]))
        else:
            mine.append(Content.styled(typed[a1:a2], "bold underline $error"))
            theirs.append(Content.styled(expected[b1:b2], "bold underline $success"))
    return [*mine, Content(" → "), *theirs]


def _source_line(source: dict, lang: str) -> str:
    """Outlet, “title”, date: where the fact comes from (the seed file name is for deck authors)."""
    date = f", {format_date(source['date'], lang)}" if source.get("date") else ""
    title = f", “{source['title']}”" if source.get("title") else ""
    return f"{source.get('outlet', '')}{title}{date}"
