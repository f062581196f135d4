"""The Textual app against a minimal Textual app, side by side in one run: start-up, keypress, memory.

    python bench/bench_tui.py             # full run (builds the 1M-review profile on first use)
    python bench/bench_tui.py --quick     # fewer repeats and questions: a few minutes
    python bench/bench_tui.py --help

1. Start-up, whole process: from launching `quiz study russia-allies` (a fresh database, then the
   same database again: warm) and `quiz --db PROFILE study synthetic-1` (the 100k-item / 1M-review
   profile) to the first question on screen, against a minimal Textual app (one Static) to its first
   frame. Each is a child process (bench/tui_probe.py) under a pseudo-terminal (80x24) by default, so
   Textual's real driver writes real frames; --driver headless runs them with the headless driver.
   The child notes the moment (CLOCK_MONOTONIC, shared by all processes) the frame that shows the
   question has been rendered and encoded, then exits. `python -c pass` and `quiz --help` alongside.
2. Keypress to the next question painted, in process with Pilot on the profile (in a child process, so
   nothing of this bench's own heap is in its way): the right key for
   each kind (80% right answers), then Enter; from the key to the frame that shows the result. The
   minimal app's floor: a key that changes its Static's text.
3. Peak memory (peak RSS, VmHWM) of a child studying ~100 questions of the profile headless, beside the
   minimal app driven the same way and the engine alone (no Textual).

Profiles are bench/synthetic_profile.py databases cached in the system temp folder (as bench_engine.py
uses them); every run works on copies. The child processes get their own XDG folders and no config
file, so nothing of the user's is read or written. Prints Markdown.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import tui_probe  # noqa: E402
from bench_engine import copy_db, profile_path  # noqa: E402

PROBE = str(BENCH / "tui_probe.py")
TARGET_START = 1.5  # x the minimal app
TARGET_P50_MS, TARGET_P99_MS, TARGET_RSS_MIB = 8.0, 16.0, 100.0


# -- child processes -----------------------------------------------------------------------------
def child_env(home: Path) -> dict:
    # PYTHONDONTWRITEBYTECODE (set in some shells) would make every run compile quiz's modules again,
    # while Textual's bytecode, written by pip at install, is read: unfair to quiz, and not what an
    # installed quiz does (pip compiles it too). The warm-up round writes quiz's bytecode.
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEXTUAL", "QUIZ_")) and key != "PYTHONDONTWRITEBYTECODE"}
    env.update({
        "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"), "QUIZ_CONFIG": str(home / "config" / "none.toml"),
        "TERM": "xterm-256color", "COLORTERM": "truecolor", "PYTHONPATH": str(ROOT),
    })
    env.pop("NO_COLOR", None)
    return env


def launch(argv: list[str], env: dict, driver: str, size: tuple[int, int] = (80, 24),
           timeout: float = 300) -> tuple[float, bytes]:
    """Run argv to its end; returns (seconds from launch to exit, what it wrote to the terminal)."""
    output = bytearray()
    if driver == "pty":
        import fcntl
        import pty
        import struct
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))

        def drain() -> None:
            while True:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    return
                if not data:
                    return
                output.extend(data)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        started = time.monotonic()
        process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                                   start_new_session=True)
        os.close(slave)
        try:
            process.wait(timeout=timeout)
        finally:
            ended = time.monotonic()
            if process.poll() is None:
                process.kill()
                process.wait()
            reader.join(timeout=2)
            os.close(master)
    else:
        started = time.monotonic()
        process = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=timeout)
        ended = time.monotonic()
        output.extend(process.stdout + process.stderr)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {process.returncode}:\n"
                           f"{bytes(output).decode(errors='replace')[-2000:]}")
    return ended - started, bytes(output)


def first_frame(mode: str, env: dict, driver: str, folder: Path, quiz_args: list[str] = ()) -> dict:
    """Launch a probe; seconds from launch to the awaited frame, and to the process's end."""
    out = folder / "probe.json"
    out.unlink(missing_ok=True)
    argv = [sys.executable, PROBE, mode, "--out", str(out)]
    if driver == "headless":
        argv.append("--headless")
    if quiz_args:
        argv += ["--", *quiz_args]
    started = time.monotonic()
    total, screen = launch(argv, env, driver)
    result = json.loads(out.read_text())
    result["first"] = result["painted"] - started
    result["total"] = total
    if driver == "pty" and result.get("prompt"):
        # The question's text really went to the terminal (its first words, between escape codes).
        words = result["prompt"].split()[:2]
        text = screen.decode("utf-8", errors="replace")
        result["on_terminal"] = all(word in text for word in words)
    return result


def wall(argv: list[str], env: dict) -> float:
    return launch(argv, env, "headless")[0]


# -- statistics ----------------------------------------------------------------------------------
def pick(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


# -- 1. start-up ---------------------------------------------------------------------------------
def startup(args, folder: Path, profile: Path) -> list[str]:
    env = child_env(folder / "home")
    quiz_script = str(Path(sys.executable).with_name("quiz"))
    rows: dict[str, list[dict]] = collections.defaultdict(list)

    def once(record: bool, rep: int) -> None:
        fresh = folder / f"fresh-{rep}.db"
        runs = [
            ("`python -c pass`", lambda: {"first": wall([sys.executable, "-c", "pass"], env)}),
            ("`quiz --help`", lambda: {"first": wall([quiz_script, "--help"], env)}),
            ("minimal Textual app (one Static), first frame",
             lambda: first_frame("startup-minimal", env, args.driver, folder)),
            ("`quiz study russia-allies`, fresh database",
             lambda: first_frame("startup-quiz", env, args.driver, folder,
                                 ["--db", str(fresh), "study", "russia-allies"])),
            ("`quiz study russia-allies`, warm (second run)",
             lambda: first_frame("startup-quiz", env, args.driver, folder,
                                 ["--db", str(fresh), "study", "russia-allies"])),
            ("`quiz study synthetic-1`, 100k/1M profile (warm)",
             lambda: first_frame("startup-quiz", env, args.driver, folder,
                                 ["--db", str(profile), "study", "synthetic-1"])),
        ]
        if args.skip_profile_startup:
            runs.pop()
        for name, run in runs:
            result = run()
            if record:
                rows[name].append(result)

    print(f"start-up: 1 warm-up round, then {args.runs} rounds ...", file=sys.stderr)
    once(False, -1)  # bytecode caches, the page cache, and the profile's first open (it registers
    #                  the bundled decks in it)
    for rep in range(args.runs):
        once(True, rep)
    minimal = statistics.median(r["first"] for r in rows["minimal Textual app (one Static), first frame"])
    lines = [
        f"### Start-up, whole process ({args.runs} runs each, interleaved; driver: {args.driver}, 80x24)",
        "",
        "| launch | to first question / frame, median | p90 | x minimal app | process end, median | "
        "peak RSS at that frame |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, results in rows.items():
        firsts = [r["first"] for r in results]
        median = statistics.median(firsts)
        ratio = f"{median / minimal:.2f}x" if "pass" not in name and "--help" not in name else ""
        totals = [r["total"] for r in results if "total" in r]
        rss = [r["peak_rss_mib"] for r in results if "peak_rss_mib" in r]
        lines.append(f"| {name} | {ms(median)} | {ms(pick(firsts, 0.9))} | {ratio} | "
                     f"{ms(statistics.median(totals)) if totals else ''} | "
                     f"{f'{statistics.median(rss):.0f} MiB' if rss else ''} |")
    lines.append("")
    studies = {name: statistics.median(r["first"] for r in results) for name, results in rows.items()
               if name.startswith("`quiz study")}
    for name, median in studies.items():
        lines.append(f"- {name}: {median / minimal:.2f}x the minimal app; target <= {TARGET_START}x: "
                     f"{verdict(median / minimal <= TARGET_START)}")
    seen = [r for results in rows.values() for r in results if "on_terminal" in r]
    if seen:
        lines.append(f"- the question's text was in the bytes written to the terminal in "
                     f"{sum(r['on_terminal'] for r in seen)} of {len(seen)} runs")
    kinds = collections.Counter(r.get("kind") for results in rows.values() for r in results if r.get("kind"))
    lines.append(f"- first questions shown: {dict(kinds)}")
    return lines


# -- 2. keypress ---------------------------------------------------------------------------------
def keypress(args, folder: Path, profile: Path) -> list[str]:
    env = child_env(folder / "home")
    db = folder / "keys.db"
    copy_db(profile, db)
    settings = folder / "keys.toml"
    # Enough new cards and reviews today for a few hundred questions in one session.
    settings.write_text("[study]\nnew_per_day = 200\nreviews_per_day = 2000\n")
    size = f"{args.size[0]}x{args.size[1]}"
    print(f"keypress: {args.answers} questions with Pilot ...", file=sys.stderr)
    out = folder / "floor.json"
    launch([sys.executable, PROBE, "floor", "--out", str(out), "--answers", str(args.floor_presses), "--size", size],
           env, "headless")
    floor = json.loads(out.read_text())["latencies"]
    out = folder / "keys.json"
    argv = [sys.executable, PROBE, "keys", "--out", str(out), "--db", str(db), "--deck", "synthetic-1",
            "--answers", str(args.answers), "--settings", str(settings), "--size", size]
    if args.profile_keys:
        html = Path.cwd() / "bench_tui_keys.html"
        argv += ["--profile-html", str(html)]
    launch(argv, env, "headless", timeout=3600)
    result = json.loads(out.read_text())
    run = argparse.Namespace(steps=[argparse.Namespace(**step) for step in result["steps"]],
                             questions=result["questions"], kinds=result["kinds"],
                             first_question=result["first_question"])
    if args.profile_keys:
        print(f"pyinstrument profile of the keypress windows: {html}", file=sys.stderr)

    groups: dict[str, list] = collections.defaultdict(list)
    for step in run.steps:
        typed = step.kind in tui_probe.TYPED_KINDS
        name = {"answer": "answer typed (type-in, cloze: Enter)" if typed else "answer a choice (mcq, t/f, 1-9)",
                "next": "Enter: next question", "reveal": "flashcard: space reveals",
                "grade": "flashcard: 1-4 grades, next question", "toggle": "select-all: toggle an option"}
        groups[name[step.action]].append(step)
    everything = [s for s in run.steps]
    lines = [
        f"### Keypress to frame, in process with Pilot ({run.questions} questions on the 100k/1M profile, "
        f"{len(everything)} keys, {args.size[0]}x{args.size[1]})",
        "",
        f"Questions by kind: {dict(sorted(run.kinds.items(), key=lambda kv: -kv[1]))}.",
        "",
        "| key | n | p50 | p90 | p99 | max | frames until idle (median) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, steps: list) -> str:
        latencies = [s.latency for s in steps]
        frames = statistics.median(s.frames for s in steps)
        return (f"| {name} | {len(steps)} | {ms(statistics.median(latencies))} | {ms(pick(latencies, 0.9))} | "
                f"{ms(pick(latencies, 0.99))} | {ms(max(latencies))} | {frames:g} |")

    for name, steps in groups.items():
        lines.append(row(name, steps))
    lines.append(row("**every key**", everything))
    question_keys = [s for s in run.steps if s.action in ("next", "grade")]
    lines.append(row("**to the next question (Enter, or a flashcard grade)**", question_keys))
    lines.append(f"| minimal app: a key that changes its one Static | {len(floor)} | {ms(statistics.median(floor))} | "
                 f"{ms(pick(floor, 0.9))} | {ms(pick(floor, 0.99))} | {ms(max(floor))} | |")
    lines.append("")
    p50 = statistics.median(s.latency for s in everything) * 1000
    p99 = pick([s.latency for s in everything], 0.99) * 1000
    lines.append(f"- every key: p50 {p50:.1f} ms (target < {TARGET_P50_MS:g} ms: {verdict(p50 < TARGET_P50_MS)}), "
                 f"p99 {p99:.1f} ms (target < {TARGET_P99_MS:g} ms: {verdict(p99 < TARGET_P99_MS)})")
    cpu = [getattr(s, "cpu", 0.0) for s in everything]
    lines.append(f"- the UI thread's CPU time from key to frame (thread_time: what the machine's load does not "
                 f"inflate, unlike wall time): p50 {statistics.median(cpu) * 1000:.1f} ms, "
                 f"p90 {pick(cpu, 0.9) * 1000:.1f} ms, p99 {pick(cpu, 0.99) * 1000:.1f} ms")
    lines.append(f"- in process, the first question of the profile took {ms(run.first_question)} from app start")
    lines += ["", "Where a key's time goes (mean ms per key, exclusive; \"other\" is message passing between "
              "widgets, mounting, the event loop):", "",
              "| key | total | screen code | engine | styles | layout | render | encode | gc | other |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, steps in [*groups.items(), ("every key", everything)]:
        mean = {phase: statistics.mean(s.phases.get(phase, 0.0) for s in steps) * 1000
                for phase in ("screen code", "engine", "styles", "layout", "render", "encode", "gc")}
        total = statistics.mean(s.latency for s in steps) * 1000
        other = total - sum(mean.values())
        lines.append(f"| {name} | {total:.1f} | " + " | ".join(f"{v:.1f}" for v in mean.values())
                     + f" | {other:.1f} |")
    slow = sorted(everything, key=lambda s: -s.latency)[: max(1, len(everything) // 100)]
    lines += ["", "The slowest 1% of keys:", "", "| key | kind | ms | biggest phases |", "|---|---|---:|---|"]
    for step in slow:
        top = sorted(step.phases.items(), key=lambda kv: -kv[1])[:3]
        lines.append(f"| {step.action} | {step.kind} | {step.latency * 1000:.1f} | "
                     + ", ".join(f"{phase} {seconds * 1000:.1f}" for phase, seconds in top) + " |")
    return lines


# -- 3. memory -----------------------------------------------------------------------------------
def memory(args, folder: Path, profile: Path) -> list[str]:
    env = child_env(folder / "home")
    settings = folder / "memory.toml"
    settings.write_text("[study]\nnew_per_day = 200\nreviews_per_day = 2000\n")
    print(f"memory: {args.memory_answers} questions headless ...", file=sys.stderr)
    rows = []

    def child(mode: str, *extra: str) -> dict:
        out = folder / f"{mode}.json"
        launch([sys.executable, PROBE, mode, "--out", str(out), *extra], env, "headless")
        return json.loads(out.read_text())

    db = folder / "memory.db"
    copy_db(profile, db)
    quiz = child("memory-quiz", "--db", str(db), "--deck", "synthetic-1", "--answers", str(args.memory_answers),
                 "--settings", str(settings))
    rows.append((f"quiz app, studying {quiz['questions']} questions of the profile", quiz))
    minimal = child("memory-minimal", "--answers", str(args.memory_answers))
    rows.append((f"minimal Textual app, {args.memory_answers} keys", minimal))
    copy_db(profile, db)
    engine = child("memory-engine", "--db", str(db), "--deck", "synthetic-1", "--answers", str(args.memory_answers),
                   "--settings", str(settings))
    rows.append((f"engine alone (no Textual), {engine['questions']} questions of the profile", engine))
    fresh = folder / "memory-fresh.db"
    small = child("memory-quiz", "--db", str(fresh), "--deck", "russia-allies", "--answers",
                  str(min(args.memory_answers, 60)), "--settings", str(settings))
    rows.append((f"quiz app, {small['questions']} questions of russia-allies (fresh database)", small))
    lines = [
        "### Peak memory of a child process, headless (VmHWM: peak RSS; see the note on ru_maxrss)",
        "",
        "| process | peak RSS | RSS along the way |",
        "|---|---:|---|",
    ]
    for name, result in rows:
        along = ", ".join(f"{k} {v:.0f}" for k, v in result.get("rss_mib", {}).items())
        lines.append(f"| {name} | {result['peak_rss_mib']:.0f} MiB | {along + ' MiB' if along else ''} |")
    lines.append("")
    lines.append(f"- quiz on the profile: {quiz['peak_rss_mib']:.0f} MiB (target < {TARGET_RSS_MIB:g} MiB: "
                 f"{verdict(quiz['peak_rss_mib'] < TARGET_RSS_MIB)}); the minimal Textual app: "
                 f"{minimal['peak_rss_mib']:.0f} MiB")
    lines.append("- ru_maxrss is not used: on Linux a child started by subprocess (vfork + exec) inherits its "
                 "parent's ru_maxrss as a floor, so every child here would report at least this bench's own peak "
                 f"(ru_maxrss of the quiz child: {quiz['ru_maxrss_mib']:.0f} MiB, of the minimal app: "
                 f"{minimal['ru_maxrss_mib']:.0f} MiB)")
    return lines


def machine() -> str:
    from importlib.metadata import version

    load = os.getloadavg()
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip() or "not a git checkout"
    return (f"Python {platform.python_version()}, Textual {version('textual')}, {os.cpu_count()} CPUs, "
            f"load average {load[0]:.2f} at the start; tree {ROOT} ({commit}).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 start-up runs, 80 questions, 60 for memory")
    parser.add_argument("--runs", type=int, help="start-up runs of each launch (default 15; --quick 5)")
    parser.add_argument("--answers", type=int, help="questions for the keypress timing (default 300; --quick 80)")
    parser.add_argument("--memory-answers", type=int, default=100)
    parser.add_argument("--floor-presses", type=int, default=200)
    parser.add_argument("--driver", choices=["pty", "headless"], default="pty",
                        help="start-up under a pseudo-terminal (default) or Textual's headless driver")
    parser.add_argument("--size", default="80x24", help="terminal size for the keypress timing")
    parser.add_argument("--only", choices=["startup", "keys", "memory"], action="append",
                        help="run only these parts (repeatable)")
    parser.add_argument("--skip-profile-startup", action="store_true",
                        help="leave out the profile's start-up (it takes seconds per run)")
    parser.add_argument("--profile-keys", action="store_true",
                        help="also profile every keypress window with pyinstrument (writes bench_tui_keys.html)")
    args = parser.parse_args()
    args.runs = args.runs or (5 if args.quick else 15)
    args.answers = args.answers or (80 if args.quick else 300)
    if args.quick:
        args.memory_answers = min(args.memory_answers, 60)
        args.floor_presses = min(args.floor_presses, 100)
    width, height = (int(n) for n in args.size.lower().split("x"))
    args.size = (width, height)
    parts = args.only or ["startup", "keys", "memory"]

    profile = profile_path(1_000_000)
    header = machine()
    with tempfile.TemporaryDirectory(prefix="bench-tui-") as name:
        folder = Path(name)
        work_profile = folder / "profile.db"
        copy_db(profile, work_profile)
        os.environ.update({key: value for key, value in child_env(folder / "home").items()
                           if key.startswith(("XDG_", "QUIZ_"))})
        sections = []
        if "startup" in parts:
            sections.append(startup(args, folder, work_profile))
        if "keys" in parts:
            sections.append(keypress(args, folder, work_profile))
        if "memory" in parts:
            sections.append(memory(args, folder, work_profile))
    print(f"## bench_tui\n\n{header}\n")
    for lines in sections:
        print("\n".join(lines))
        print()


if __name__ == "__main__":
    main()
