"""Probes for bench/bench_tui.py: run the Textual app (or a minimal one) and note when a frame shows.

Nothing in quiz/ is changed: the probes wrap `App._display` (the one call every frame goes through,
right after the compositor has rendered it) and check, at each frame, whether what the step waits
for is now on screen:

- a question: the study screen's prompt holds the question's text and, for choice kinds, the
  options widget holds every option and is laid out;
- feedback after an answer, a flashcard's revealed answer: that panel is laid out and visible.

Under the headless driver Textual renders each frame but does not encode it for the terminal; the
probe encodes it (`render_segments`, what a real driver writes) so headless frames cost what real
ones do, minus the write itself.

As a child process (bench_tui.py runs these):

    python bench/tui_probe.py startup-minimal --out R.json [--headless]
    python bench/tui_probe.py startup-quiz --out R.json [--headless] -- --db X.db study russia-allies
    python bench/tui_probe.py keys --out R.json --db X.db --deck synthetic-1 --answers 300 [--settings S.toml]
    python bench/tui_probe.py floor --out R.json --answers 200
    python bench/tui_probe.py memory-quiz --out R.json --db X.db --deck synthetic-1 --answers 100
    python bench/tui_probe.py memory-minimal --out R.json
    python bench/tui_probe.py memory-engine --out R.json --db X.db --deck synthetic-1 --answers 100

`keys` runs `study_with_pilot(...)`: QuizApp driven by Pilot in that process, every keypress timed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHOICE_KINDS = frozenset({"mcq", "mcq_not", "true_false", "multi_select"})
TYPED_KINDS = frozenset({"type_in", "cloze"})


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM). Not ru_maxrss: on Linux a child started with
    vfork/exec (subprocess does) inherits its parent's ru_maxrss as a floor, so a small child of a
    big parent reports the parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def ru_maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


# -- what a frame must show ----------------------------------------------------------------------
def _laid_out(widget) -> bool:
    try:
        return widget.display and widget.region.area > 0
    except Exception:
        return False


def question_on_screen(screen) -> bool:
    """The study screen shows its current question completely: prompt, and every option if any."""
    shown = getattr(screen, "shown", None)
    if shown is None or getattr(screen, "phase", None) != "asking":
        return False
    question = shown.question
    card = screen.query_one("#card")  # one widget: the prompt, then a line per option
    if not _laid_out(card) or card.prompt is None or card.prompt.plain != question.prompt:
        return False
    drawn = _drawn(card)
    if question.prompt.split()[0] not in drawn:
        return False
    if question.kind in CHOICE_KINDS:
        if getattr(card, "choices", None) != question.choices:
            return False
        if not all(text.split()[0] in drawn for text in question.choices if text.split()):
            return False
    return question.kind not in TYPED_KINDS or _laid_out(screen.query_one("#typed"))


def _drawn(card) -> str:
    """The card's text as drawn (its lines' plain text: joining them as Content costs a long card ms)."""
    return "\n".join(line.plain for line in card.lines)


def _panel_on_screen(screen) -> bool:
    card = screen.query_one("#after" if screen.shown.question.kind in TYPED_KINDS else "#card")
    return card.panel_shown and _laid_out(card) and card.panel_parts[0].plain.split("\n")[0][:10] in _drawn(card)


def feedback_on_screen(screen) -> bool:
    return getattr(screen, "phase", None) == "answered" and _panel_on_screen(screen)


def reveal_on_screen(screen) -> bool:
    return getattr(screen, "phase", None) == "revealed" and _panel_on_screen(screen)


def next_on_screen(screen) -> bool:
    """After an answer: the next question, or whatever screen replaced the study screen (summary)."""
    return question_on_screen(screen) if hasattr(screen, "shown") else True


def minimal_on_screen(screen) -> bool:
    from textual.widgets import Static

    return any(_laid_out(widget) for widget in screen.query(Static))


# -- the frame hook ------------------------------------------------------------------------------
class FrameWatch:
    """Wraps app._display. `expect(check)` arms it; the first frame for which check(screen) holds
    sets `hit` (perf_counter seconds). Every frame's time goes to `frames`."""

    def __init__(self, app, encode: bool):
        self.app = app
        self.encode = encode
        self.check = None
        self.hit: float | None = None
        self.frames: list[float] = []
        self.on_hit = None
        original = app._display

        def display(screen, renderable):
            original(screen, renderable)
            if renderable is None:
                return
            if self.encode and app.is_headless:
                self._encode(renderable)
            now = time.perf_counter()
            self.frames.append(now)
            if self.check is not None and self.hit is None and self.check(app.screen):
                self.hit = now
                self.check = None
                if self.on_hit is not None:
                    self.on_hit(now)

        app._display = display

    def _encode(self, renderable) -> None:
        """What the real driver does with a frame before writing it to the terminal."""
        renderable.render_segments(self.app.console)

    def expect(self, check) -> None:
        self.hit = None
        self.check = check


# -- start-up in a child process -----------------------------------------------------------------
def _write(out: Path, **data) -> None:
    out.write_text(json.dumps(data))


def startup_minimal(out: Path, headless: bool) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello from a minimal Textual app")

        def on_mount(self) -> None:
            watch = FrameWatch(self, encode=True)
            watch.on_hit = lambda _: painted(self)
            watch.expect(minimal_on_screen)

    def painted(app) -> None:
        _write(out, painted=time.monotonic(), peak_rss_mib=peak_rss_mib(), ru_maxrss_mib=ru_maxrss_mib())
        app.exit()

    Minimal().run(headless=headless)


def startup_quiz(out: Path, headless: bool, args: list[str]) -> None:
    """Run the `quiz` command line as the console script does; exit once the first question shows.
    Textual is imported where the command line imports it: after the head start's fork, which must
    come before it (quiz.study.head_start), so App.run is patched from there."""

    def patch_app() -> None:
        from textual.app import App

        original_run = App.run

        def run(self, *a, **k):
            k.setdefault("headless", headless)
            watch = FrameWatch(self, encode=True)
            watch.expect(question_on_screen)

            def painted(_):
                screen = self.screen
                question = screen.shown.question
                _write(out, painted=time.monotonic(), peak_rss_mib=peak_rss_mib(), ru_maxrss_mib=ru_maxrss_mib(),
                       kind=question.kind, prompt=question.prompt, choices=list(question.choices), deck=screen.deck)
                self.exit()

            watch.on_hit = painted
            return original_run(self, *a, **k)

        App.run = run

    try:
        import quiz.study.head_start as head_start
    except ImportError:  # a tree from before the head start (bench/startup_ab.py)
        patch_app()
    else:
        begin = head_start.begin

        def begin_then_patch(*a, **k):
            started = begin(*a, **k)
            patch_app()
            return started

        head_start.begin = begin_then_patch
    from quiz.cli import run as cli_run

    sys.argv = ["quiz", *args]
    try:
        cli_run()
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            raise


# -- driving a study session with Pilot ----------------------------------------------------------
@dataclass
class Step:
    action: str  # "answer", "next", "reveal", "grade", "toggle"
    kind: str
    latency: float  # key sent -> the frame showing the result
    first_frame: float | None  # key sent -> the first frame after it
    frames: int  # frames painted until the app was idle again
    phases: dict  # exclusive seconds per phase (Phases) from the key to the frame
    cpu: float = 0.0  # CPU time of the UI thread (Pilot's too) from the key to the frame: what load does not inflate


@dataclass
class Run:
    steps: list[Step] = field(default_factory=list)
    first_question: float = 0.0  # app start -> first question on screen (in process)
    questions: int = 0
    kinds: dict = field(default_factory=dict)
    rss_mib: dict = field(default_factory=dict)


class Phases:
    """Exclusive wall time per phase of the UI thread's work, by wrapping methods of one object each.

    Nested wrapped calls are subtracted from their caller, so the phases add up to at most the
    elapsed time; what is left is message passing between widgets, mounting and the rest."""

    def __init__(self):
        self.spent: dict[str, float] = {}
        self.marked: dict[str, float] | None = None
        self._mark = False
        self._stack: list[list] = []
        self._gc_started = 0.0
        import gc

        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            spent = time.perf_counter() - self._gc_started
            self.spent["gc"] = self.spent.get("gc", 0.0) + spent
            if self._stack:
                self._stack[-1][1] += spent

    def close(self) -> None:
        import gc

        gc.callbacks.remove(self._gc)

    def reset(self) -> None:
        self.spent = {}
        self.marked: dict[str, float] | None = None
        self._mark = False

    def mark(self) -> None:
        """Keep a copy of `spent` as soon as the calls now running return (into `marked`)."""
        if self._stack:
            self._mark = True
        else:
            self.marked = dict(self.spent)

    def wrap(self, obj, attribute: str, phase: str) -> None:
        original = getattr(obj, attribute)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            self._stack.append([phase, 0.0])
            try:
                return original(*args, **kwargs)
            finally:
                _, inner = self._stack.pop()
                total = time.perf_counter() - started
                self.spent[phase] = self.spent.get(phase, 0.0) + total - inner
                if self._stack:
                    self._stack[-1][1] += total
                elif self._mark:
                    self._mark = False
                    self.marked = dict(self.spent)

        setattr(obj, attribute, timed)


async def _wait_for(watch: FrameWatch, timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while watch.hit is None:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"nothing on screen after {timeout} s for {watch.check}")
        await asyncio.sleep(0.001)


async def study_with_pilot(db_path: Path, deck: str, answers: int, *, settings_path: Path | None = None,
                           size: tuple[int, int] = (80, 24), seed: int = 1, right: float = 0.8,
                           think: float = 0.03, track_rss: bool = False, profiler=None) -> Run:
    """Study `answers` questions as a learner would (right about 80% of the time), timing every key.

    `think`: seconds of idle between a frame and the next key (a person never presses within a
    frame; Textual paints on a 60 Hz timer, so a key that follows a paint within 16.7 ms waits for
    the next tick). `profiler`: anything with start()/stop() (pyinstrument, cProfile), run only
    from each key to its frame."""
    from quiz.tui.app import QuizApp

    rng = random.Random(seed)
    result = Run()
    app = QuizApp(db_path=db_path, deck=deck, settings_path=settings_path)
    watch = FrameWatch(app, encode=True)
    watch.expect(question_on_screen)
    started = time.perf_counter()
    async with app.run_test(size=size) as pilot:
        await _wait_for(watch, timeout=300)
        result.first_question = watch.hit - started
        screen = app.screen
        # A learner reads the first question before the first key: the warm-up the screen starts then
        # (imports, fsrs, the deck's names: ~100-150 ms on the profile) is done by then. Keyed 30 ms
        # after the frame, the first key raced it for the GIL (its engine call 10-25 ms, wall).
        deadline = time.perf_counter() + 10
        while not getattr(app, "_memory_settled", True) and time.perf_counter() < deadline:
            await asyncio.sleep(0.001)  # (the screen starts the warm-up right after settling memory)
        await app.workers.wait_for_complete()
        if track_rss:
            result.rss_mib["first question"] = current_rss_mib()
        phases = Phases()
        for name in ("answer", "grade", "next", "intervals"):
            phases.wrap(screen.session, name, "engine")
        for name in ("show", "answer", "reveal", "grade", "next_question", "action_number", "show_feedback"):
            phases.wrap(screen, name, "screen code")
        phases.wrap(screen, "_refresh_layout", "layout")
        phases.wrap(screen, "_compositor_refresh", "render")
        phases.wrap(watch, "_encode", "encode")
        phases.wrap(app, "update_styles", "styles")
        phases.wrap(app.stylesheet, "apply", "styles")

        cpu_hit = [0.0]

        async def key(name: str, action: str, kind: str, check) -> None:
            await asyncio.sleep(think)
            frames_before = len(watch.frames)
            watch.expect(check)
            phases.reset()

            def hit(_):
                cpu_hit[0] = time.thread_time()
                phases.mark()
                if profiler is not None:
                    profiler.stop()

            watch.on_hit = hit
            if profiler is not None:
                profiler.start()
            t0, cpu0 = time.perf_counter(), time.thread_time()
            await pilot.press(name)
            await _wait_for(watch)
            spent = phases.marked or {}
            first = next((t for t in watch.frames[frames_before:] if t >= t0), None)
            result.steps.append(Step(action, kind, watch.hit - t0, None if first is None else first - t0,
                                     len(watch.frames) - frames_before, spent, cpu_hit[0] - cpu0))

        try:
            while result.questions < answers and app.screen is screen and screen.shown is not None:
                question = screen.shown.question
                kind = question.kind
                result.kinds[kind] = result.kinds.get(kind, 0) + 1
                is_right = rng.random() < right
                if kind == "flashcard":
                    await key("space", "reveal", kind, reveal_on_screen)
                    await key("3" if is_right else "1", "grade", kind, next_on_screen)
                else:
                    if kind in TYPED_KINDS:
                        typed = screen.query_one("#typed")
                        typed.value = question.answer_text if is_right else "no idea"
                        await pilot.pause()
                        await key("enter", "answer", kind, feedback_on_screen)
                    elif kind == "multi_select":
                        picks = list(question.answer) if is_right else [
                            i for i in range(len(question.choices)) if i not in question.answer][:1]
                        for index in picks:
                            await key(str(index + 1), "toggle", kind, lambda s: True)
                        await key("enter", "answer", kind, feedback_on_screen)
                    else:
                        index = question.answer[0] if is_right else next(
                            i for i in range(len(question.choices)) if i not in question.answer)
                        name = str(index + 1) if kind != "true_false" else ("t" if index == 0 else "f")
                        await key(name, "answer", kind, feedback_on_screen)
                    await key("enter", "next", kind, next_on_screen)
                result.questions += 1
        finally:
            phases.close()
        if track_rss:
            result.rss_mib["end"] = current_rss_mib()
        app.exit()
    return result


async def minimal_with_pilot(presses: int, *, size: tuple[int, int] = (80, 24), think: float = 0.03) -> list[float]:
    """The floor: a one-Static app whose text changes on each key; seconds from key to that frame."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        BINDINGS = [("space", "next", "Next")]  # noqa: RUF012
        count = 0

        def compose(self) -> ComposeResult:
            yield Static("Question 0", id="text")

        def action_next(self) -> None:
            self.count += 1
            self.query_one("#text", Static).update(f"Question {self.count}")

    app = Minimal()
    watch = FrameWatch(app, encode=True)
    watch.expect(minimal_on_screen)
    latencies = []
    async with app.run_test(size=size) as pilot:
        await _wait_for(watch, timeout=60)
        for number in range(1, presses + 1):
            await asyncio.sleep(think)
            expected = f"Question {number}"
            watch.expect(lambda screen, expected=expected: str(screen.query_one("#text").visual) == expected)
            t0 = time.perf_counter()
            await pilot.press("space")
            await _wait_for(watch)
            latencies.append(watch.hit - t0)
        app.exit()
    return latencies


# -- memory in a child process -------------------------------------------------------------------
def memory_quiz(out: Path, db: Path, deck: str, answers: int, settings: Path | None) -> None:
    base = current_rss_mib()
    run = asyncio.run(study_with_pilot(db, deck, answers, settings_path=settings, think=0.0, track_rss=True))
    _write(out, peak_rss_mib=peak_rss_mib(), ru_maxrss_mib=ru_maxrss_mib(), questions=run.questions,
           rss_mib={"start": base, **run.rss_mib})


def memory_minimal(out: Path, presses: int) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello from a minimal Textual app")

    async def main() -> None:
        app = Minimal()
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(presses):
                await pilot.press("x")

    asyncio.run(main())
    _write(out, peak_rss_mib=peak_rss_mib(), ru_maxrss_mib=ru_maxrss_mib())


def memory_engine(out: Path, db: Path, deck: str, answers: int, settings: Path | None) -> None:
    """The engine alone (no Textual): what the deck and the session take."""
    from quiz.settings import load_settings
    from quiz.study.engine import Library

    base = current_rss_mib()
    library = Library.open(db, config=load_settings(settings).study_config())
    opened = current_rss_mib()
    session = library.session(deck)
    planned = current_rss_mib()
    rng = random.Random(1)
    count = 0
    while count < answers and (shown := session.next()) is not None:
        question = shown.question
        if question.kind == "flashcard":
            session.grade(shown, 3, 4000)
        elif question.kind in TYPED_KINDS:
            session.answer(shown, question.answer_text if rng.random() < 0.8 else "no idea", 5000)
        else:
            session.answer(shown, list(question.answer), 4000)
        count += 1
    library.close()
    _write(out, peak_rss_mib=peak_rss_mib(), ru_maxrss_mib=ru_maxrss_mib(), questions=count,
           rss_mib={"start": base, "library open": opened, "session planned": planned, "end": current_rss_mib()})


def keys(out: Path, db: Path, deck: str, answers: int, settings: Path | None, size: tuple[int, int],
         profile_html: Path | None) -> None:
    from dataclasses import asdict

    profiler = None
    if profile_html is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005, async_mode="disabled")
    run = asyncio.run(study_with_pilot(db, deck, answers, settings_path=settings, size=size, profiler=profiler))
    if profiler is not None:
        profile_html.write_text(profiler.output_html())
    _write(out, steps=[asdict(step) for step in run.steps], first_question=run.first_question,
           questions=run.questions, kinds=run.kinds, peak_rss_mib=peak_rss_mib())


def floor(out: Path, presses: int, size: tuple[int, int]) -> None:
    _write(out, latencies=asyncio.run(minimal_with_pilot(presses, size=size)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["startup-minimal", "startup-quiz", "keys", "floor", "memory-quiz",
                                         "memory-minimal", "memory-engine"])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--headless", action="store_true")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--deck", default="synthetic-1")
    parser.add_argument("--answers", type=int, default=100)
    parser.add_argument("--settings", type=Path)
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--profile-html", type=Path)
    argv = sys.argv[1:]
    rest = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    size = tuple(int(n) for n in args.size.lower().split("x"))
    if args.mode == "startup-minimal":
        startup_minimal(args.out, args.headless)
    elif args.mode == "startup-quiz":
        startup_quiz(args.out, args.headless, rest)
    elif args.mode == "keys":
        keys(args.out, args.db, args.deck, args.answers, args.settings, size, args.profile_html)
    elif args.mode == "floor":
        floor(args.out, args.answers, size)
    elif args.mode == "memory-quiz":
        memory_quiz(args.out, args.db, args.deck, args.answers, args.settings)
    elif args.mode == "memory-minimal":
        memory_minimal(args.out, args.answers)
    else:
        memory_engine(args.out, args.db, args.deck, args.answers, args.settings)


if __name__ == "__main__":
    main()
