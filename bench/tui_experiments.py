"""What would make the app fast: bench_tui.py's measurements with candidate changes emulated.

    python bench/tui_experiments.py keys [--answers 100] [--rounds 2] [VARIANT ...]
    python bench/tui_experiments.py startup [--runs 7] [VARIANT ...]

Each variant runs in its own child process and patches the app at run time (quiz/ is not edited);
a variant is a comma-separated set of these changes:

keys (Pilot on the 100k/1M profile, as bench_tui.py; a variant's p50/p99 per kind of key):
  nobar      progress as text in the label instead of a ProgressBar (its Bar costs ~1 ms a render)
  nochrome   no Header and no Footer on the study screen (the hint line there lists the keys)
  nodisable  after a typed answer, leave the answer line enabled (it loses the focus anyway):
             `disabled = True` restyles it and paints a frame before the feedback's layout, and
             the layout then waits for Textual's next 60 Hz tick
  layoutnow  after answer(), show() and reveal(), call self.refresh(layout=True) on the screen:
             the widgets' own Layout messages reach the screen only after it has painted a frame
             without them, and the layout then waits for the next 60 Hz tick
  noactions  no action bar under the question (Next, Submit, the four grades)
  footerfix  Footer without data_bind on its keys (the leak of Textualize/textual#6666: every
             recompose leaves its FooterKeys alive, so the heap and every full GC grow)
  freeze     gc.freeze() once the first question is on screen
  lean       not a patch: a prototype study screen of six plain widgets on the same engine
             (lean_app below), driven the same way
startup (whole process under a pseudo-terminal, `quiz study russia-allies` on a warm database):
  noengine   the library and the session are never opened: the interface alone, to the study
             screen's first frame ("Loading")
  nohome     with a deck given, push only the study screen (no home screen and its DataTable)
  nochrome   as above
  gcoff      gc.disable() for the whole process

These patch the study screen as of commits f75d7c6 and f597c46; they will need adjusting as it changes.
The study screen has since been rebuilt along the lines of `lean` (no ProgressBar, ChoiceList, ActionBar,
Header or Footer; only the study screen at start-up): nobar, noactions, nochrome, nodisable and nohome
no longer apply; layoutnow, freeze, footerfix, noengine and gcoff still do.
Variants run interleaved, in --rounds rounds, so a drifting machine does not favour one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import tui_probe  # noqa: E402


def apply(variant: str) -> None:
    changes = set(variant.split(",")) - {"base", ""}
    from textual.widgets import Footer, Header, Static
    from textual.widgets._footer import FooterKey

    import quiz.tui.app as app_module
    import quiz.tui.screens.study as study

    screen = study.StudyScreen
    if "gcoff" in changes:
        import gc

        gc.disable()
    if "freeze" in changes:
        import gc

        ready = screen.on_session_ready

        def on_session_ready(self, message):
            ready(self, message)
            self.call_after_refresh(gc.freeze)

        screen.on_session_ready = on_session_ready
    if "nochrome" in changes:
        compose = screen.compose

        def compose_without_chrome(self):
            yield from (w for w in compose(self) if not isinstance(w, Header | Footer))

        screen.compose = compose_without_chrome
    if "footerfix" in changes:
        footer_compose = Footer.compose

        def compose_unbound(self):
            original = FooterKey.data_bind
            FooterKey.data_bind = lambda key, *a, **k: key
            try:
                yield from footer_compose(self)
            finally:
                FooterKey.data_bind = original

        Footer.compose = compose_unbound
    if "nobar" in changes:
        def update_progress(self):
            if self.session is None:
                return
            total = max(self.session.total, self.session.position + (1 if self.shown else 0))
            done = int(20 * self.session.position / max(total, 1))
            self.query_one("#progress-label", Static).update(
                f"{min(self.session.position + 1, total)}/{total} " + "█" * done + "░" * (20 - done))

        mount = screen.on_mount

        def on_mount(self):
            mount(self)
            self.query_one("#progress").display = False

        screen.update_progress, screen.on_mount = update_progress, on_mount
    if "nodisable" in changes:
        class KeepEnabled:
            """The answer line, with `disabled = ...` ignored."""

            def __init__(self, widget):
                object.__setattr__(self, "_widget", widget)

            def __getattr__(self, name):
                return getattr(self._widget, name)

            def __setattr__(self, name, value):
                if name != "disabled":
                    setattr(self._widget, name, value)

        answer = screen.answer

        def answer_keeping_input_enabled(self, response):
            query_one = self.query_one
            self.query_one = lambda selector, *a: (KeepEnabled(query_one(selector, *a)) if selector == "#typed"
                                                   else query_one(selector, *a))
            try:
                answer(self, response)
            finally:
                del self.query_one

        screen.answer = answer_keeping_input_enabled
    if "layoutnow" in changes:
        def layout_now(original):
            def now(self, *args, **kwargs):
                result = original(self, *args, **kwargs)
                self.refresh(layout=True)  # the screen's own flag, set before its next idle
                return result

            return now

        for name in ("answer", "show", "reveal"):
            setattr(screen, name, layout_now(getattr(screen, name)))
    if "noactions" in changes:
        def no_actions(self):
            self.query_one("#actions").display = False

        screen.update_actions = no_actions
    if "noengine" in changes:
        app_module.QuizApp.open_library = lambda self: None
        screen.start_session = lambda self: None
    if "nohome" in changes:
        def on_mount_study_only(app):
            deck, limit, practice = app.start
            app.push_screen(study.StudyScreen(deck, limit=limit, practice=practice))
            if "noengine" not in changes:
                app.open_library()

        app_module.QuizApp.on_mount = on_mount_study_only


# -- a lean study screen -------------------------------------------------------------------------
def lean_app(db: Path, settings: Path):
    """A prototype, not the app: the same engine behind a study screen of six plain widgets (progress
    line, prompt, options as one Static with a line per option, an Input for typed kinds, feedback,
    hint). No Header or Footer, nothing mounted or removed per question, one set_classes per change.
    Shows whether a keypress can paint within the target with Textual and this engine."""
    from textual.app import App, ComposeResult
    from textual.content import Content
    from textual.widgets import Input, Static

    from quiz.settings import load_settings
    from quiz.study.engine import Library

    class Lean(App[None]):
        AUTO_FOCUS = None  # focus only the answer line, and only for typed kinds
        CSS = """
        #progress { color: $text-muted; height: 1; margin: 0 1; }
        #prompt { text-style: bold; margin: 1 2 1 2; }
        #options { margin: 0 2; }
        #typed { margin: 0 2; max-width: 80; }
        #feedback { margin: 1 2 0 2; padding: 0 1; border-left: thick $success; }
        #feedback.-wrong { border-left: thick $error; }
        #hint { dock: bottom; height: 1; color: $text-muted; margin: 0 1; }
        """
        BINDINGS = [*[(str(n), f"number({n})", "") for n in range(1, 10)],  # noqa: RUF012
                    ("t", "number(1)", ""), ("f", "number(2)", ""), ("enter", "submit", ""), ("space", "space", "")]

        def __init__(self):
            super().__init__()
            self.library = Library.open(db, config=load_settings(settings).study_config())
            self.session = self.library.session("synthetic-1")
            self.shown, self.phase, self.outcome = None, "asking", None

        def compose(self) -> ComposeResult:
            yield Static(id="progress")
            yield Static(id="prompt")
            yield Static(id="options")
            yield Input(id="typed")
            yield Static(id="feedback")
            yield Static(id="hint")

        def on_mount(self) -> None:
            self.show(self.session.next())

        def options(self, marks: dict[int, str] | None = None) -> Content:
            lines = []
            for index, text in enumerate(self.shown.question.choices):
                mark = (marks or {}).get(index, " ")
                style = "bold $success" if mark == "✔" else "strike $error" if mark == "✘" else ""
                lines.append(Content.assemble(f"{mark} ", (f"{index + 1}  ", "bold"), (text, style)))
            return Content("\n").join(lines)

        def show(self, shown) -> None:
            if shown is None:
                self.exit()
                return
            self.shown, self.phase, self.outcome = shown, "asking", None
            question = shown.question
            self.query_one("#prompt", Static).update(Content(question.prompt))
            options = self.query_one("#options", Static)
            options.display = question.kind in tui_probe.CHOICE_KINDS
            if options.display:
                options.update(self.options())
            typed = self.query_one("#typed", Input)
            typed.display = question.kind in tui_probe.TYPED_KINDS
            if typed.display:
                typed.value = ""
                typed.focus()
            else:
                self.set_focus(None)
            self.query_one("#feedback").display = False
            total = self.session.total
            self.query_one("#progress", Static).update(f"{self.session.position + 1}/{total}")
            self.query_one("#hint", Static).update("1-9 choose · Enter next · Esc end")

        def feedback(self, lines: list) -> None:
            widget = self.query_one("#feedback", Static)
            widget.update(Content("\n").join(lines))
            widget.set_classes([] if self.outcome is None or self.outcome.correct else ["-wrong"])
            widget.display = True

        def answer(self, response) -> None:
            question = self.shown.question
            self.outcome = self.session.answer(self.shown, response, 3000)
            self.phase = "answered"
            if question.kind in tui_probe.CHOICE_KINDS:
                marks = {i: "✔" for i in question.answer}
                marks.update({i: "✘" for i in response if i not in question.answer})
                self.query_one("#options", Static).update(self.options(marks))
            verdict = Content.styled("✔ Right" if self.outcome.correct else "✘ Wrong", "bold")
            lines = [verdict, Content.assemble(("Answer: ", "bold"), self.outcome.right_answer)]
            if self.outcome.explanation:
                lines.append(Content(self.outcome.explanation))
            lines += [Content(f"Source: {s.get('outlet', '')}, {s.get('title', '')}") for s in self.outcome.sources]
            self.feedback(lines)
            self.set_focus(None)

        def action_number(self, number: int) -> None:
            kind = self.shown.question.kind
            if self.phase == "revealed" and number <= 4:
                self.session.grade(self.shown, number, 3000)
                self.show(self.session.next())
            elif self.phase == "asking" and kind in tui_probe.CHOICE_KINDS:
                self.answer([number - 1])

        def action_submit(self) -> None:
            if self.phase == "answered":
                self.show(self.session.next())

        def action_space(self) -> None:
            if self.phase == "asking" and self.shown.question.kind == "flashcard":
                self.phase = "revealed"
                intervals = self.session.intervals(self.shown)
                grades = "   ".join(f"{r} · {intervals[r]}" for r in (1, 2, 3, 4) if r in intervals)
                self.feedback([Content.assemble(("Answer: ", "bold"), self.shown.question.answer_text),
                               Content(self.shown.question.explanation), Content(grades)])

        def on_input_submitted(self, event: Input.Submitted) -> None:
            if self.phase == "asking":
                self.answer(event.value)

        def on_unmount(self) -> None:
            self.library.close()

    return Lean()


async def lean_with_pilot(db: Path, settings: Path, answers: int, think: float = 0.03) -> list:
    import random

    rng = random.Random(1)
    app = lean_app(db, settings)

    def question_painted(app_screen) -> bool:
        if app.phase != "asking" or app.shown is None:
            return False
        question = app.shown.question
        prompt = app.query_one("#prompt")
        if str(prompt.visual) != question.prompt or not tui_probe._laid_out(prompt):
            return False
        if question.kind in tui_probe.CHOICE_KINDS:
            options = app.query_one("#options")
            return tui_probe._laid_out(options) and all(c in str(options.visual) for c in question.choices)
        return True

    def feedback_painted(_) -> bool:
        return app.phase in ("answered", "revealed") and tui_probe._laid_out(app.query_one("#feedback"))

    watch = tui_probe.FrameWatch(app, encode=True)
    watch.expect(question_painted)
    steps = []
    async with app.run_test(size=(80, 24)) as pilot:
        await tui_probe._wait_for(watch, timeout=300)

        async def key(name, action, kind, check):
            await asyncio.sleep(think)
            watch.expect(check)
            t0 = time.perf_counter()
            await pilot.press(name)
            await tui_probe._wait_for(watch)
            steps.append([action, kind, watch.hit - t0, 0.0])

        done = 0
        while done < answers and app.shown is not None and app.is_running:
            question = app.shown.question
            right = rng.random() < 0.8
            if question.kind == "flashcard":
                await key("space", "reveal", question.kind, feedback_painted)
                await key("3" if right else "1", "grade", question.kind, question_painted)
            else:
                if question.kind in tui_probe.TYPED_KINDS:
                    app.query_one("#typed").value = question.answer_text if right else "no idea"
                    await pilot.pause()
                    await key("enter", "answer", question.kind, feedback_painted)
                else:
                    wrong = [i for i in range(len(question.choices)) if i not in question.answer]
                    index = question.answer[0] if right or not wrong else wrong[0]
                    await key(str(index + 1), "answer", question.kind, feedback_painted)
                await key("enter", "next", question.kind, question_painted)
            done += 1
        app.exit()
    return steps


# -- children ------------------------------------------------------------------------------------
def child_keys(variant: str, out: Path, db: Path, answers: int, settings: Path) -> None:
    apply(variant)
    run = asyncio.run(tui_probe.study_with_pilot(db, "synthetic-1", answers, settings_path=settings))
    out.write_text(json.dumps({"steps": [[s.action, s.kind, s.latency, s.phases.get("gc", 0.0)] for s in run.steps],
                               "peak_rss_mib": tui_probe.peak_rss_mib()}))


def child_lean(out: Path, db: Path, answers: int, settings: Path) -> None:
    steps = asyncio.run(lean_with_pilot(db, settings, answers))
    out.write_text(json.dumps({"steps": steps, "peak_rss_mib": tui_probe.peak_rss_mib()}))


def child_startup(variant: str, out: Path, quiz_args: list[str]) -> None:
    if "gcoff" in variant:
        import gc

        gc.disable()  # from the start of the process
    from textual.app import App

    original_run = App.run

    def run(self, *a, **k):
        apply(variant)
        watch = tui_probe.FrameWatch(self, encode=True)

        def painted(_):
            out.write_text(json.dumps({"painted": time.monotonic()}))
            self.exit()

        watch.on_hit = painted
        if "noengine" in variant:
            watch.expect(lambda screen: type(screen).__name__ == "StudyScreen")
        else:
            watch.expect(tui_probe.question_on_screen)
        return original_run(self, *a, **k)

    App.run = run
    from quiz.cli import run as cli_run

    sys.argv = ["quiz", *quiz_args]
    try:
        cli_run()
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            raise


# -- the parent ----------------------------------------------------------------------------------
def keys(args) -> None:
    import bench_tui
    from bench_engine import profile_path

    with tempfile.TemporaryDirectory(prefix="tui-exp-") as name:
        folder = Path(name)
        env = bench_tui.child_env(folder / "home")
        settings = folder / "keys.toml"
        settings.write_text("[study]\nnew_per_day = 200\nreviews_per_day = 2000\n")
        print("| variant | every key p50 / p99 | choice answer | Enter: next | typed answer | flashcard grade "
              "| GC in keys: total, max | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|---:|")
        variants = args.variants or ["base", "nobar", "noactions", "nochrome", "layoutnow", "footerfix", "freeze",
                                     "nobar,noactions,nochrome,layoutnow,freeze", "lean"]
        results: dict[str, dict] = {variant: {"steps": [], "peak_rss_mib": 0.0} for variant in variants}
        for round_ in range(args.rounds):
            for variant in variants:
                print(f"round {round_ + 1}/{args.rounds}: {variant}", file=sys.stderr)
                db = folder / "keys.db"
                bench_tui.copy_db(profile_path(1_000_000), db)
                out = folder / "keys.json"
                mode = "child-lean" if variant == "lean" else "child-keys"
                bench_tui.launch([sys.executable, __file__, mode, variant, str(out), str(db),
                                  str(args.answers), str(settings)], env, "headless", timeout=3600)
                result = json.loads(out.read_text())
                results[variant]["steps"] += result["steps"]
                results[variant]["peak_rss_mib"] = max(results[variant]["peak_rss_mib"], result["peak_rss_mib"])
        for variant, result in results.items():
            groups: dict[str, list[float]] = {}
            for action, kind, latency, _ in result["steps"]:
                typed = kind in tui_probe.TYPED_KINDS
                group = {"answer": "typed" if typed else "answer"}.get(action, action)
                groups.setdefault(group, []).append(latency * 1000)
                groups.setdefault("all", []).append(latency * 1000)
            gc_ms = [step[3] * 1000 for step in result["steps"]]

            def cell(name: str, groups=groups) -> str:
                values = groups.get(name)
                if not values:
                    return ""
                return f"{statistics.median(values):.1f} / {bench_tui.pick(values, 0.99):.1f}"

            print(f"| {variant} | {cell('all')} | {cell('answer')} | {cell('next')} | {cell('typed')} | "
                  f"{cell('grade')} | {sum(gc_ms):.0f} ms, {max(gc_ms):.0f} ms | {result['peak_rss_mib']:.0f} MiB |",
                  flush=True)


def startup(args) -> None:
    import bench_tui

    variants = ["minimal", *(args.variants or ["base", "gcoff", "noengine", "noengine,nohome",
                                                "noengine,nohome,nochrome", "nohome,nochrome,gcoff"])]
    with tempfile.TemporaryDirectory(prefix="tui-exp-") as name:
        folder = Path(name)
        env = bench_tui.child_env(folder / "home")
        db = folder / "warm.db"
        out = folder / "start.json"

        def once(variant: str) -> float:
            if variant == "minimal":
                argv = [sys.executable, bench_tui.PROBE, "startup-minimal", "--out", str(out)]
            else:
                argv = [sys.executable, __file__, "child-startup", variant, str(out), "--", "--db", str(db),
                        "study", "russia-allies"]
            started = time.monotonic()
            bench_tui.launch(argv, env, "pty")
            return json.loads(out.read_text())["painted"] - started

        for variant in variants:
            once(variant)  # warm-up (and the database's first open)
        times: dict[str, list[float]] = {variant: [] for variant in variants}
        for _ in range(args.runs):
            for variant in variants:
                times[variant].append(once(variant))
    minimal = statistics.median(times["minimal"])
    print("| variant | to first question (or frame), median | x minimal app |\n|---|---:|---:|")
    for variant, values in times.items():
        median = statistics.median(values)
        print(f"| {variant} | {median * 1000:.0f} ms | {median / minimal:.2f}x |")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child-keys":
        _, _, variant, out, db, answers, settings = sys.argv
        child_keys(variant, Path(out), Path(db), int(answers), Path(settings))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "child-lean":
        _, _, _, out, db, answers, settings = sys.argv
        child_lean(Path(out), Path(db), int(answers), Path(settings))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "child-startup":
        variant, out = sys.argv[2], Path(sys.argv[3])
        child_startup(variant, out, sys.argv[sys.argv.index("--") + 1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["keys", "startup"])
    parser.add_argument("variants", nargs="*")
    parser.add_argument("--answers", type=int, default=100, help="questions per variant and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_intermixed_args()
    if args.what == "keys":
        keys(args)
    else:
        startup(args)


if __name__ == "__main__":
    main()
