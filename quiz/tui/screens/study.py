"""Study: one question at a time, each kind answered the way it asks to be.

The screen only renders and forwards keys: checking, scheduling and committing are the engine's
(quiz.study.engine). Every answer is committed by the engine before the feedback is drawn, so
the next question never shows before its predecessor is safe on disk.
"""

from __future__ import annotations

from functools import partial

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from quiz.i18n import format_date, interval
from quiz.questions.question import CHOICE_KINDS, TYPED_KINDS
from quiz.tui.literal import clean, literal
from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.answer_line import AnswerLine
from quiz.tui.widgets.buttons import Button, ButtonRow
from quiz.tui.widgets.options import Card

ASKING, REVEALED, ANSWERED = "asking", "revealed", "answered"
BAR = 20  # cells of the progress bar
GRADE_STYLES = {1: "bold on $error 40%", 2: "bold on $warning 40%", 3: "bold on $success 40%",
                4: "bold on $primary 40%"}
PRIMARY = "bold $foreground on $primary"
# The key line at the bottom, where a footer would be: (key, binding id for its words, action).
KEY_LINE = (("u", "study.undo", "undo"), ("s", "study.suspend", "suspend"), ("esc", "study.end", "end"),
            ("?", "app.help", "app.help"), ("^p", "app.palette", "app.command_palette"))


class SessionReady(Message):
    def __init__(self, session, first, error: str | None = None):
        super().__init__()
        self.session = session
        self.first = first
        self.error = error


class StudyScreen(QuizScreen):
    """Speed matters here (issue 4: a key to the next frame within 16 ms): few widgets, none mounted,
    removed or restyled per question, no Header or Footer (the Footer rebuilds at every focus change,
    and leaks: textual#6666). The question, its options, the feedback and the buttons are one widget
    (Card) drawn once per key; it keeps the view's height, so most keys need no layout. When one is
    needed, lay_out_now() makes it happen in the frame that follows the key, not one tick later."""

    CSS_PATH = "study.tcss"
    AUTO_FOCUS = None  # only the answer line takes the focus, and only for typed kinds
    BINDINGS = [
        *[Binding(str(n), f"number({n})", str(n), show=False, id=f"study.choose{n}") for n in range(1, 10)],
        Binding("t", "true_false(1)", "True", show=False, id="study.true"),
        Binding("f", "true_false(2)", "False", show=False, id="study.false"),
        # Enter, Space and g do different things as the question goes on: the hint line and the
        # buttons under the question say which.
        Binding("enter", "submit", "Submit / next", show=False, id="study.submit"),
        Binding("space", "space", "Reveal / next", show=False, id="study.space"),
        Binding("g", "guess", "Guess", show=False, id="study.guess"),
        Binding("u", "undo", "Undo", id="study.undo"),
        Binding("ctrl+z", "undo", "Undo", show=False, id="study.undo_typing"),  # works in the answer line too
        Binding("s", "suspend", "Suspend", id="study.suspend"),
        Binding("m", "open_media", "Open media", show=False, id="study.media"),
        Binding("ctrl+o", "open_media", "Open media", show=False, id="study.media_typing"),  # in the answer line
        Binding("escape", "end", "End", id="study.end"),
        Binding("pageup", "scroll(-1)", "Scroll up", show=False, id="study.page_up"),
        Binding("pagedown", "scroll(1)", "Scroll down", show=False, id="study.page_down"),
    ]

    HELP_SECTION = "help.study"  # help opened here lists the study keys first

    def __init__(self, deck: str, limit: int | None = None, practice: bool = False, topic: str | None = None,
                 opened_by_app: bool = False):
        """`opened_by_app`: the app builds the session (QuizApp.prepare_session) and hands it over
        with session_prepared(); else the screen builds it once mounted."""
        super().__init__()
        self.deck = deck
        self.limit = limit
        self.practice = practice
        self.topic = topic
        self._opened_by_app = opened_by_app
        self._prepared: SessionReady | None = None  # handed over before the screen was mounted
        self._session = None
        # A head start's first question (quiz.study.head_start.FirstQuestion), on screen before the
        # session is: the app's worker builds it holding the library lock, and leaves it in `built`.
        self._early = None
        self._early_painted = None
        self.built: SessionReady | None = None
        self.shown = None
        self.outcome = None
        self.phase = ASKING
        self.title_text = ""
        self.started = 0.0  # when the question appeared (app.ticks() seconds)
        self.intervals: dict = {}  # a revealed flashcard's grade -> timedelta
        self._collect_pending = False

    def compose(self) -> ComposeResult:
        yield Static(id="study-top", markup=False)
        body = VerticalScroll(id="study-body")
        body.can_focus = False  # a click on the question must not take the focus from the answer line
        with body:
            yield Card(id="card")  # prompt, options, and (but for typed kinds) feedback and buttons
            yield AnswerLine(id="typed")
            yield Card(id="after")  # typed kinds: feedback and buttons, under the answer line
        yield Static(id="study-hint", classes="hint", markup=False)
        yield ButtonRow(id="study-keys", pad=0, gap=2, center=False, hover="underline")

    # -- starting ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.top = self.query_one("#study-top", Static)
        self.body = self.query_one("#study-body", VerticalScroll)
        self.card = self.query_one("#card", Card)
        self.typed = self.query_one("#typed", AnswerLine)
        self.after = self.query_one("#after", Card)
        self.hint = self.query_one("#study-hint", Static)
        self.keys = self.query_one("#study-keys", ButtonRow)
        for widget in (self.typed, self.after):
            widget.display = False
        # Locked until a typed question shows: hidden, it may still get the focus (and would take the
        # keys pressed while the screen waits for its first question).
        self.typed.set_locked(True)
        self.typed.placeholder = self.app.t("study.type_answer")
        self.show_keys()
        if self._early is not None:
            self.show_early_question()
        if self._prepared is not None:
            self.on_session_ready(self._prepared)
            return
        if self._early is not None:
            return
        self.update_progress()  # "Opening your decks…" until the session is ready
        if not self._opened_by_app:
            self.start_session()

    @property
    def session(self):
        """The session (quiz.study.engine.StudySession), or None before it is ready. With a head
        start's question on screen, the session is waited for here, on first use (a key): the app's
        worker holds the library lock until it is built. None for that use if its first question is
        not the one on screen (the deck changed meanwhile): that one is shown instead, and the key
        that asked is not applied to it."""
        if self._session is None and self._early is not None:
            if self._early_painted is not None:
                self._early_painted.set()  # (the worker waits for it before building the session)
            with self.app._library_lock:
                ready = self.built
            if ready is not None and not self.adopt(ready):
                return None
        return self._session

    @session.setter
    def session(self, session) -> None:
        self._session = session

    def has_session(self) -> bool:
        """Whether the session has been handed over (a head start's question would come too late)."""
        return self._session is not None or self._prepared is not None

    def show_early(self, first, painted=None) -> None:
        """Show a head start's first question (quiz.study.head_start.FirstQuestion) until the session
        comes: now, or once mounted; `painted` (a threading.Event) is set once it is on screen."""
        self._early = first
        self._early_painted = painted
        if self.is_mounted:
            self.show_early_question()

    def show_early_question(self) -> None:
        first = self._early
        self.show_title(first.title, first.deck)
        if self.practice:
            self.app.notify(self.app.t("study.practice"), markup=False)
        self.show(first.shown)
        self.call_after_refresh(self.app.release_held_keys, self)  # (once this screen is the one keys go to)
        if self._early_painted is not None:
            self.call_after_refresh(self._early_painted.set)

    def adopt(self, ready: SessionReady) -> bool:
        """Take the session built for the head start's question on screen; whether its first question
        is that one (else it is shown instead)."""
        from quiz.study.head_start import same_question

        self._early = None
        if ready.error is not None or ready.session is None:
            return False  # (the app says why and closes: QuizApp._session_prepared)
        self._session = session = ready.session
        self.show_title(session.deck.title, session.deck.name)  # (in the language it was built in)
        self.call_after_refresh(self.first_painted)
        if ready.first is None or self.shown is None or not same_question(ready.first, self.shown):
            if ready.first is None:
                self.shown = None  # (nothing to study after all: not a session ended with a question up)
            self.show(ready.first)
            return False
        self.shown = ready.first
        return True

    def on_key(self, event) -> None:
        if self.app.hold_key(event):  # (the start's keys: after those held before, not ahead of them)
            event.stop()
            event.prevent_default()

    def on_screen_resume(self) -> None:
        if self.shown is not None:  # (help, settings or the palette opened before the question: now closed)
            self.app.release_held_keys(self)

    def open_session(self, app, planned_at: int | None = None) -> SessionReady:
        """Build this screen's session and its first question (in a worker, holding the library lock;
        `app`: the screen may not be on it yet). `planned_at`: plan it, and draw its first question,
        at that time (ms): a head start's."""
        from quiz.formats.problems import DeckError
        from quiz.store.database import StoreError
        from quiz.study.engine import UnknownDeck

        try:
            library = app.opened_library()
            name = library.resolve(self.deck)
            session = library.session(name, lang=app.lang, limit=self.limit, cram=self.practice, topic=self.topic,
                                      planned_at=planned_at)
            return SessionReady(session, session.next(now=planned_at))
        except (UnknownDeck, DeckError, StoreError, OSError, ValueError) as error:
            return SessionReady(None, None, error=str(error))

    @work(thread=True, exclusive=True, group="study", exit_on_error=False)
    def start_session(self) -> None:
        with self.app._library_lock:
            ready = self.open_session(self.app)
        self.post_message(ready)

    def session_prepared(self, ready: SessionReady) -> None:
        """The session the app built (on the UI thread): shown now if the screen is up, else at mount."""
        if self.is_mounted:
            self.on_session_ready(ready)
        else:
            self._prepared = ready

    def on_session_ready(self, message: SessionReady) -> None:
        if message.error:
            self.app.notify(message.error, severity="error", timeout=20, markup=False)
            while self in self.app.screen_stack and self.app.screen is not self:
                self.app.pop_screen()  # help or the palette, opened while the session was being built
            self.app.go_home()
            return
        if self._session is not None:
            return  # (adopted already, by a key on the head start's question)
        if self._early is not None:
            self.adopt(message)
            return
        self.session = message.session
        self.show_title(message.session.deck.title, message.session.deck.name)
        if self.practice and message.first is not None:  # (the top line has room for one word at 80 columns)
            self.app.notify(self.app.t("study.practice"), markup=False)
        self.show(message.first)
        if self.shown is not None:
            self.call_after_refresh(self.app.release_held_keys, self)
        self.call_after_refresh(self.first_painted)

    def first_painted(self) -> None:
        """The first question is on screen: while the learner reads it, load what the first answer
        needs (rapidfuzz, fsrs, the deck's names: ~100 ms that would otherwise land on that key)."""
        self.app.settle_memory()
        self.warm_up()

    @work(thread=True, exclusive=True, group="study-warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        with self.app._library_lock:  # answer() and grade() take it too: never two threads in the engine
            if self._session is not None:
                self._session.warm_up()

    def show_title(self, title: str | dict, name: str) -> None:
        if isinstance(title, dict):
            title = title.get(self.app.lang) or title.get("en") or next(iter(title.values()), "")
        self.title_text = clean(title or name)

    # -- rendering -----------------------------------------------------------------------------
    def show(self, shown) -> None:
        """Put a question on screen, or finish the session when there is none."""
        if shown is None:
            self.finish()
            return
        self.shown, self.outcome, self.phase, self.intervals = shown, None, ASKING, {}
        question = shown.question
        typed_kind = question.kind in TYPED_KINDS
        laid_out = self.card.fill == typed_kind or self.typed.display != typed_kind or self.after.display
        self.card.set_fill(not typed_kind)  # (typed kinds: the answer line follows the prompt)
        choices = question.choices if question.kind in CHOICE_KINDS else ()
        self.card.set_question(literal(question.prompt), choices, question.kind == "multi_select")
        typed = self.typed
        typed.display = typed_kind
        # Once focused, the answer line keeps the focus (locked while it is not for typing, then keys
        # pass through it to the screen): a focus change restyles, a frame's worth of time per key.
        if typed_kind:
            typed.value = ""
            typed.set_locked(False)
            if self.focused is not typed:
                typed.focus()
        else:
            typed.set_locked(True)
            if self.focused is not None and self.focused is not typed:
                self.set_focus(None)
        self.after.display = False
        self.after.set_question(None)
        self.started = self.app.ticks()
        self.update_progress()
        self.update_state()
        if self.body.scroll_offset:  # (scrolling to where it is still costs a refresh)
            self.body.scroll_home(animate=False)
        self.redraw(laid_out)

    def panel_card(self) -> Card:
        """Where the feedback and the buttons go: under the answer line for typed kinds."""
        return self.after if self.shown is not None and self.shown.question.kind in TYPED_KINDS else self.card

    def redraw(self, layout: bool = False) -> None:
        """Draw the cards once for this key; lay out only if a size or a visibility changed."""
        layout = self.card.draw() or layout
        if self.after.display:
            layout = self.after.draw() or layout
        if layout:
            self.lay_out_now()
        self.collect_when_idle()

    def collect_when_idle(self, tries: int = 0) -> None:
        """Collect this key's garbage once its frame is painted, while the learner reads it."""
        if tries == 0:
            if self._collect_pending:
                return
            self._collect_pending = True
            self.call_after_refresh(self.collect_when_idle, 1)
            return
        # Called after a refresh; but the cards' own refreshes may not have reached the screen yet,
        # or a layout may follow the first frame (a resize): look again a frame later. (A timer, so
        # that the widgets' tasks run meanwhile; call_after_refresh again would not let them. One
        # frame, not less: each look is a timer, made while the key is still being drawn.)
        widgets = (self, self.top, self.body, self.card, self.typed, self.after, self.hint)
        busy = self._dirty_widgets or any(widget.message_queue_size or widget._repaint_required
                                          or widget._layout_required or widget._scroll_required
                                          for widget in widgets)
        if busy and tries < 10:
            self.set_timer(1 / 60, partial(self.collect_when_idle, tries + 1))
            return
        self._collect_pending = False
        self.prepare_panel()
        self.app.collect_garbage()

    def prepare_panel(self) -> None:
        """While the learner reads the question: wrap its explanation for the panel that answering
        (or revealing) shows, so that key does not."""
        if self.shown is not None and self.phase == ASKING:
            question = self.shown.question
            self.panel_card().prepare(self.answer_lines(question.answer_text, question.sources))

    def lay_out_now(self) -> None:
        """Lay out in the frame that follows this key, not one 60 Hz tick later: the widgets' own
        layout requests reach the screen only after it has painted a frame without them. No repaint
        of the screen itself: only what moved or changed is drawn again."""
        self.refresh(repaint=False, layout=True)

    def set_line(self, widget: Static, content: Content | str) -> None:
        """Update a one-line widget only if its text changed, without a layout (its size is fixed)."""
        key = (content.plain, tuple(content.spans)) if isinstance(content, Content) else content  # (== ignores styles)
        if getattr(widget, "_shown_line", None) != key:
            widget._shown_line = key
            widget.update(content, layout=False)

    def update_state(self) -> None:
        """Everything that follows the phase: hint and actions. (The progress line changes with the
        question only: one widget less to draw again after an answer.)"""
        self.update_hint()
        self.update_actions()

    def update_progress(self) -> None:
        t = self.app.t
        session = self._session  # (not a head start's, which is not waited for here)
        if session is None and self._early is None:
            self.set_line(self.top, t("app.loading"))
            return
        answered = session.position if session is not None else 0  # before the question on screen
        if self.phase == ANSWERED:
            answered -= 1
        total = max(session.total if session is not None else self._early.total,
                    answered + (1 if self.shown else 0), 1)
        number = min(answered + 1, total)
        done = min(BAR, round(BAR * answered / total))
        parts = [(t("study.question", n=number, total=total), "$foreground 60%"), "  ",
                 ("━" * done, "$primary"), ("━" * (BAR - done), "$foreground 15%"), "  ",
                 (self.title_text, "bold")]
        if self.practice:
            parts += [" · ", (t("study.practice_short"), "italic $foreground 60%")]  # (said in full at the start)
        self.set_line(self.top, Content.assemble(*parts))

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
        if self.shown is not None and self.shows_media():
            media = self.app.t("study.media_hint_typing" if kind in TYPED_KINDS and self.phase == ASKING
                               else "study.media_hint")
            hint = f"{hint} · {media}" if hint else media
        self.set_line(self.hint, hint)

    def shows_media(self) -> bool:
        """Whether the question on screen has a picture or sound placeholder (an Anki card's media)."""
        from quiz.study.media import shows_media

        return shows_media(self.shown.question)

    def update_actions(self) -> None:
        t, kind = self.app.t, self.shown.question.kind if self.shown else ""
        buttons: list[Button] = []
        if self.phase == ANSWERED:
            buttons.append(Button("next", (t("study.next") + "  ⏎",), PRIMARY))
        elif self.phase == REVEALED:
            for rating in (1, 2, 3, 4):
                when = self.intervals.get(rating)
                lines = (f"{rating}  {t(f'grade.{rating}')}",)
                if when is not None:
                    lines += (interval(when.total_seconds(), self.app.lang),)
                buttons.append(Button(f"grade({rating})", lines, GRADE_STYLES[rating]))
        elif kind == "multi_select":
            buttons.append(Button("submit", (t("study.submit") + "  ⏎",), PRIMARY))
        elif kind == "flashcard":
            buttons.append(Button("reveal", (t("study.show_answer") + "  ␣",), PRIMARY))
        card = self.panel_card()
        if buttons != card.buttons:
            card.set_buttons(buttons)

    def show_keys(self) -> None:
        """The keys line: what a footer would say, in the interface language, clickable."""
        t = self.app.t
        self.keys.set_buttons([Button(action, (Content.assemble((key, "bold $accent"), " ", t(f"bind.{binding}")),))
                               for key, binding, action in KEY_LINE])

    def refresh_language(self) -> None:
        """The interface language changed: redraw what the screen says, and an unanswered question."""
        self.session  # noqa: B018 - a head start's session is waited for (and may replace the question)
        if (session := self._session) is not None:
            with self.app._library_lock:
                redrawn = session.set_language(self.app.lang)
            self.show_title(session.deck.title, session.deck.name)
            if redrawn is not None and self.phase == ASKING:
                self.show(redrawn)  # the unanswered question, now in the new language
        self.typed.placeholder = self.app.t("study.type_answer")
        if self.phase == ANSWERED and self.outcome is not None:
            self.show_feedback()
        elif self.phase == REVEALED:
            self.show_flashcard_answer()
        self.show_keys()
        self.update_progress()
        self.update_state()
        if self.shown is not None:
            self.redraw()

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
        with self.app._library_lock:  # (uncontended unless the warm-up is still running)
            self.outcome = self.session.answer(self.shown, response, self.elapsed_ms())
        self.phase = ANSWERED
        picked = list(response) if isinstance(response, list) else []
        if question.kind in CHOICE_KINDS:
            self.card.show_result(question.answer, picked)
        # The answer line keeps what was typed, and the focus, but takes no more keys: Enter, Space,
        # u, g and s are the screen's again. (Not `disabled`, nor a blur: both restyle it.)
        self.typed.set_locked(True)
        self.show_feedback()
        self.update_state()
        self.redraw(self.after.display)

    def grade(self, rating: int) -> None:
        if self.session is None or self.shown is None or self.phase != REVEALED:
            return
        with self.app._library_lock:
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
        parts += self.answer_lines(outcome.right_answer, outcome.sources)
        if outcome.leech:
            parts.append(Content.styled(t("study.leech"), "$warning"))
        elif outcome.next_due and not outcome.practice:
            seconds = (outcome.next_due - self.app.now()).total_seconds()
            parts.append(Content.styled(t("study.next_due", when=interval(seconds, self.app.lang)), "dim"))
        self.show_panel(parts, "-right" if outcome.correct else "-wrong")

    def show_panel(self, content: list[Content], kind: str) -> None:
        """The panel under the question: feedback (-right, -wrong) or a flashcard's answer (-reveal);
        drawn by the next redraw()."""
        card = self.panel_card()
        card.set_panel(content, kind)
        if card is self.after and not self.after.display:
            self.after.display = True
            self.after.forget_drawn()
        self.call_after_refresh(self.bring_into_view)

    def answer_lines(self, answer: str, sources: list[dict]) -> list[Content]:
        """"Answer: …", then the question's explanation and sources: what feedback and a revealed
        flashcard show (and prepare_panel wraps ahead)."""
        heading = Content.assemble((self.app.t("study.answer") + " ", "bold"), literal(answer))
        return [heading, *self.explanation_lines(self.shown.question.explanation, sources)]

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
        if self.session is None:
            return
        self.phase = REVEALED
        with self.app._library_lock:  # the engine is never in two threads at once (the warm-up's)
            self.intervals = self.session.intervals(self.shown)
        self.show_flashcard_answer()
        self.update_state()
        self.redraw()

    def show_flashcard_answer(self) -> None:
        question = self.shown.question
        self.show_panel(self.answer_lines(question.answer_text, question.sources), "-reveal")

    def bring_into_view(self) -> None:
        """Scroll as little as shows the panel with the buttons under it (its top, if it is too tall)."""
        card = self.panel_card()
        if self.body.max_scroll_y == 0 or not card.panel_shown:
            return
        region = card.panel_region().translate(card.virtual_region.offset)
        too_tall = region.height > self.body.scrollable_content_region.height
        self.body.scroll_to_region(region, animate=False, top=too_tall)

    def next_question(self) -> None:
        with self.app._library_lock:
            shown = self.session.next()
        self.show(shown)

    def finish(self) -> None:
        from quiz.tui.screens.summary import SummaryScreen

        summary = None
        if self.session is not None:
            with self.app._library_lock:
                summary = self.session.summary()
        deck = self.session.deck.name if self.session is not None else None
        if summary is None or summary.answered == 0:
            # Ended with a question on screen: there was something to study, just no answer yet.
            self.app.notify(self.app.t("study.ended_unanswered" if self.shown is not None else "study.empty"),
                            markup=False)
            self.app.go_home(deck)
            return
        self.app.switch_screen(SummaryScreen(summary, deck))

    # -- keys and clicks -----------------------------------------------------------------------
    def action_number(self, number: int) -> None:
        if self.shown is None:
            return
        kind = self.shown.question.kind
        if self.phase == REVEALED and 1 <= number <= 4:
            self.grade(number)
        elif self.phase == ASKING and kind in CHOICE_KINDS and number <= len(self.shown.question.choices):
            if kind == "multi_select":
                self.card.toggle(number - 1)
            else:
                self.answer([number - 1])

    def on_card_picked(self, message: Card.Picked) -> None:
        self.action_number(message.index + 1)

    async def on_button_row_pressed(self, message: ButtonRow.Pressed) -> None:
        await self.run_action(message.action)  # the key line

    def on_card_pressed(self, message: Card.Pressed) -> None:
        if message.action in ("next", "submit"):
            self.action_submit()
        elif message.action == "reveal":
            self.reveal()
        elif message.action.startswith("grade("):
            self.grade(int(message.action[6:-1]))

    def action_scroll(self, direction: int) -> None:
        if direction > 0:
            self.body.scroll_page_down(animate=False)
        else:
            self.body.scroll_page_up(animate=False)

    def action_true_false(self, number: int) -> None:
        if self.shown is not None and self.shown.question.kind == "true_false":
            self.action_number(number)

    def action_submit(self) -> None:
        if self.phase == ANSWERED:
            self.next_question()
        elif self.phase == ASKING and self.shown is not None:
            kind = self.shown.question.kind
            if kind == "multi_select":
                selected = self.card.selected()
                if selected:
                    self.answer(selected)
                else:  # (a stray Enter, one too many after the last question, is not an answer)
                    self.app.notify(self.app.t("study.select_first"), markup=False)
            elif kind == "flashcard":
                self.reveal()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.phase == ASKING and event.value.strip():
            self.answer(event.value)
        elif self.phase == ANSWERED:  # the answer line kept the focus somehow: Enter still goes on
            self.next_question()

    def action_space(self) -> None:
        if self.phase == ANSWERED:
            self.next_question()
        elif self.phase == ASKING:
            self.reveal()

    def action_undo(self) -> None:
        if self.session is None:
            return
        with self.app._library_lock:
            kind, shown = self.session.undo_last()
        if kind == "suspension":  # an `s` taken back: the question comes back if it was being asked
            self.app.notify(self.app.t("study.unsuspended"), markup=False)
            if shown is not None:
                self.show(shown)
            return
        if shown is None:
            self.app.notify(self.app.t("study.nothing_to_undo"), markup=False)
            return
        self.app.notify(self.app.t("study.undone"), markup=False)
        self.show(shown)

    def action_guess(self) -> None:
        if not self.can_guess():
            return
        with self.app._library_lock:
            outcome = self.session.mark_guess()
        if outcome is not None:
            self.outcome = outcome
            self.show_feedback()
            self.update_state()
            self.redraw()
            self.app.notify(self.app.t("study.guess_marked"), markup=False)

    def action_suspend(self) -> None:
        if self.session is None or self.shown is None:
            return
        with self.app._library_lock:
            self.session.suspend(self.shown.item_id)
        self.app.notify(self.app.t("study.suspended", deck=self.session.deck.name), markup=False)
        if self.phase != ANSWERED:  # after an answer, the feedback stays until the learner goes on
            self.next_question()

    def action_open_media(self) -> None:
        """Open the question's media files with the system's viewer; say where they are, too (over
        SSH there is no viewer, but the path is still useful)."""
        if self.session is None or self.shown is None or not self.shows_media():
            return
        from quiz.study.importing import media_folder
        from quiz.study.media import media_paths

        with self.app._library_lock:
            library = self.app.opened_library()
            paths = media_paths(library, self.shown.question)
            folder = media_folder(library, self.shown.question.deck)
        if not paths:
            self.app.notify(self.app.t("study.media_missing", folder=str(folder)), severity="warning", markup=False)
            return
        for path in paths:
            self.app.open_url(path.as_uri())
            self.app.notify(self.app.t("study.media_opened", path=str(path)), markup=False)

    def action_end(self) -> None:
        if self.session is None:
            self.app.go_home()
        else:
            self.finish()


def typo_diff(typed: str, expected: str) -> list[Content]:
    """`typed → expected`, the characters that differ underlined: the typo, shown."""
    from difflib import SequenceMatcher  # only when there is a typo: not at start-up

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

