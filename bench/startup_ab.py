"""Start-up of two or more quiz trees side by side, alternated in one run, against the minimal app.

    git archive OLD_REV | tar -x -C /tmp/old            # (an empty folder) a tree to compare with
    python bench/startup_ab.py --runs 10 /tmp/old .     # each tree's own bench/tui_probe.py

Each round launches the minimal Textual app, then for every tree `quiz study russia-allies` (its
own database, warm after the first round) and `quiz study synthetic-1` on its own copy of the
100k-item / 1M-review profile, each under a pseudo-terminal at 80x24 (bench_tui.first_frame) with
PYTHONPATH set to the tree. The first round is a warm-up (bytecode, page cache) and is not counted.
Prints each tree's medians and their ratio to the minimal app's.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_tui
from bench_engine import profile_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("trees", nargs="+", help="quiz checkouts (each with its bench/tui_probe.py)")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    trees = [Path(tree).resolve() for tree in args.trees]
    folder = Path(tempfile.mkdtemp(prefix="startup-ab-"))
    profile = profile_path(1_000_000)
    times: dict[tuple[int, str], list[float]] = {}
    minimal: list[float] = []

    def env_for(tree: Path) -> dict:
        env = bench_tui.child_env(folder / "home")
        env["PYTHONPATH"] = str(tree)
        return env

    def first(tree: Path, mode: str, quiz_args: list[str] = ()) -> float:
        bench_tui.PROBE = str(tree / "bench" / "tui_probe.py")
        return bench_tui.first_frame(mode, env_for(tree), "pty", folder, list(quiz_args))["first"]

    copies = {number: folder / f"profile-{number}.db" for number in range(len(trees))}
    for copy in copies.values():
        shutil.copy(profile, copy)
    for round_ in range(args.runs + 1):
        counted = round_ > 0
        seconds = first(trees[0], "startup-minimal")
        if counted:
            minimal.append(seconds)
        for number, tree in enumerate(trees):
            for deck, db in (("russia-allies", folder / f"quiz-{number}.db"), ("synthetic-1", copies[number])):
                seconds = first(tree, "startup-quiz", ["--db", str(db), "study", deck])
                if counted:
                    times.setdefault((number, deck), []).append(seconds)
    base = statistics.median(minimal)
    print("| tree | russia-allies (warm) | x minimal | 100k/1M profile | x minimal |")
    print("|---|---:|---:|---:|---:|")
    print(f"| minimal Textual app, first frame | {base * 1000:,.0f} ms | 1.00x | | |")
    for number, tree in enumerate(trees):
        allies = statistics.median(times[number, "russia-allies"])
        big = statistics.median(times[number, "synthetic-1"])
        print(f"| {tree} | {allies * 1000:,.0f} ms | {allies / base:.2f}x | {big * 1000:,.0f} ms | {big / base:.2f}x |")
    print(f"\n{args.runs} alternated rounds after a warm-up; medians; pty 80x24.")


if __name__ == "__main__":
    main()
