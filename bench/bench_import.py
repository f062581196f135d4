"""Import speed (issue 5): quiz against Anki's own importer on the same package, side by side in one run.

    pip install anki                       # the `bench` extra: a reference only, never a dependency (AGPL)
    python bench/bench_import.py           # prints Markdown tables
    python bench/bench_import.py --notes 20000 --rows 100000 --runs 3

1. A 20,000-note current-format .apkg (zstd, schema V18; built like the real fixture by
   bench_readers.build_apkg): whole-process `quiz import` into a fresh database against a whole
   process running Anki's importer (`Collection.import_anki_package`) into a fresh collection, and
   `quiz import` reading in one process (as on one CPU), each run timing the three in turn; then
   where quiz's time goes, from the import's own progress stages (in-process).
2. A TSV of --rows and 4x --rows rows: the streaming readers (iter_text_rows, iter_text_cards) in
   rows per second and peak Python memory (tracemalloc), a whole Deck (read_text_deck) for contrast;
   then what the target is about, `quiz import` of the file into a fresh database: the import itself
   (read, store, commit) and the whole process, in rows per second, and the process's peak RSS, which
   stays flat as the file grows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_readers import FIXTURE, build_apkg, drain, peak, write_tsv

ANKI_IMPORT = textwrap.dedent("""
    import os, sys, tempfile
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
    folder = tempfile.mkdtemp()
    col = Collection(os.path.join(folder, "collection.anki2"))
    options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)
    out = col.import_anki_package(ImportAnkiPackageRequest(package_path=sys.argv[1], options=options))
    col.close()
    print(len(out.log.new))
""")


def whole(command: list[str], runs: int) -> tuple[float, str]:
    """Median wall time of `runs` runs of a whole process, and its last output."""
    times, out = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        out = done.stdout.strip()
    return statistics.median(times), out


def stages(path: Path, folder: Path) -> dict[str, float]:
    """Seconds spent in each stage of one in-process import into a fresh database."""
    from quiz.study.engine import Library
    from quiz.study.importing import import_deck

    marks: list[tuple[str, float]] = []

    def progress(done: int, total: int, stage: str) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter()))

    db = folder / "stages.db"
    library = Library.open(db, sync_bundled=False)
    try:
        start = time.perf_counter()
        import_deck(library, path, progress=progress)
        end = time.perf_counter()
    finally:
        library.close()
    spent = {"total": end - start}
    for (stage, at), (_, after) in zip(marks, [*marks[1:], ("end", end)], strict=True):
        spent[stage] = spent.get(stage, 0) + after - at
    return spent


def apkg_tables(folder: Path, notes: int, runs: int) -> list[str]:
    path = build_apkg(folder, notes)
    quiz = [sys.executable, "-m", "quiz", "--db", str(folder / "quiz.db"), "import", str(path)]
    rows = []
    try:
        import anki  # noqa: F401

        anki_command = [sys.executable, "-c", ANKI_IMPORT, str(path)]
    except ImportError:
        anki_command = None

    def fresh_quiz(**env: str) -> float:
        for old in folder.glob("quiz.db*"):
            old.unlink()
        start = time.perf_counter()
        subprocess.run(quiz, check=True, capture_output=True, env={**os.environ, **env})
        return time.perf_counter() - start

    # Side by side: each run times quiz, Anki and quiz in one process in turn, so that a slow spell of
    # the machine falls on all three alike.
    quiz_times, anki_times, one_times, added = [], [], [], "?"
    for _ in range(runs):
        quiz_times.append(fresh_quiz())
        if anki_command is not None:
            seconds, added = whole(anki_command, 1)
            anki_times.append(seconds)
        one_times.append(fresh_quiz(QUIZ_READ_AHEAD="0"))
    reader = [sys.executable, "-c", "import sys; from quiz.formats.anki_package import read_anki_package; "
                                    f"read_anki_package(sys.argv[1], {str(folder / 'media')!r})", str(path)]
    reader_time, _ = whole(reader, runs)
    start_time, _ = whole([sys.executable, "-c", "import quiz.cli, quiz.study.importing"], runs)
    anki_time = statistics.median(anki_times) if anki_times else 0.0
    if anki_times:
        anki_row = f"| Anki's importer (whole process, fresh collection) | {anki_time * 1000:,.0f} ms | 1.00x |"
    else:
        anki_row = "| Anki's importer | not installed (pip install anki) | |"
    quiz_time, one_time = statistics.median(quiz_times), statistics.median(one_times)

    def ratio(seconds: float) -> str:
        return f"{seconds / anki_time:.2f}x" if anki_time else ""

    rows += [f".apkg (current format, zstd, V18): {notes:,} notes ({added} added by Anki), "
             f"{path.stat().st_size / 1e6:.1f} MB; median of {runs}, taken in turn", "",
             "| whole process | time | x Anki |", "|---|---:|---:|", anki_row,
             f"| `quiz import` (fresh database) | {quiz_time * 1000:,.0f} ms | {ratio(quiz_time)} |",
             f"| `quiz import`, read in one process (`QUIZ_READ_AHEAD=0`, as with one CPU) "
             f"| {one_time * 1000:,.0f} ms | {ratio(one_time)} |",
             f"| quiz's reader alone (`python -c read_anki_package(...)`) | {reader_time * 1000:,.0f} ms "
             f"| {ratio(reader_time)} |",
             f"| of which interpreter start and imports | {start_time * 1000:,.0f} ms | |", ""]
    # In a child of its own, as `quiz import` runs: this process has imported Anki (and holds its objects).
    child = subprocess.run([sys.executable, __file__, "--stages-of", str(path), "--folder", str(folder)],
                           check=True, capture_output=True, text=True)
    spent = json.loads(child.stdout)
    labels = {"read": "open the package (until its reader announces the deck)",
              "store": "read the package in a second process, store each card as it comes (and the reviewed "
                       "ones' replayed log, where it can be written ahead)",
              "reviews": "the review log left to the end: FSRS replay, log", "commit": "commit",
              "done": "media, done"}
    rows += ["| `quiz import`, in-process, by stage | time | share |", "|---|---:|---:|"]
    for stage, label in labels.items():
        if stage in spent:
            rows.append(f"| {label} | {spent[stage] * 1000:,.0f} ms | {spent[stage] / spent['total']:.0%} |")
    rows.append(f"| total | {spent['total'] * 1000:,.0f} ms | |")
    return rows


def tsv_table(folder: Path, rows: int) -> list[str]:
    from quiz.formats.text_deck import iter_text_cards, iter_text_rows, read_text_deck

    out = ["| TSV read | rows | file | time (best of 3) | rows/s | peak memory |", "|---|---:|---:|---:|---:|---:|"]
    sizes = (rows, rows * 4)
    files = {n: write_tsv(folder / f"rows-{n}.tsv", n) for n in sizes}
    cases = [("iter_text_rows (rows, streamed)", lambda p: drain(iter_text_rows(p)), sizes),
             ("iter_text_cards (cards, streamed)", lambda p: drain(iter_text_cards(p)), sizes),
             ("read_text_deck (a whole Deck)", lambda p: len(read_text_deck(p).cards), sizes[:1])]
    for name, fn, counts in cases:
        for n in counts:
            path = files[n]
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                got = fn(path)
                best = min(best, time.perf_counter() - start)
            assert got == n, (name, got, n)
            memory = peak(lambda fn=fn, path=path: fn(path))
            out.append(f"| {name} | {n:,} | {path.stat().st_size / 1e6:.1f} MB | {best * 1000:,.0f} ms | "
                       f"{n / best:,.0f} | {memory / 1e6:.1f} MB |")
    # What the target is about: `quiz import` of the file into a fresh database, the import itself
    # (read, store, commit: rows per second of the work done per row) and the whole process (with
    # interpreter start, imports, opening and closing the database); memory is the process's peak RSS
    # (VmHWM: Python's and SQLite's).
    for n in sizes:
        path, times, imports, peaks = files[n], [], [], []
        for _ in range(3):
            for old in folder.glob("tsv.db*"):
                old.unlink()
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", IMPORT_WITH_PEAK, str(folder / "tsv.db"), str(path)],
                                  check=True, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            seconds, kilobytes = done.stderr.strip().splitlines()[-1].split()
            imports.append(float(seconds))
            peaks.append(int(kilobytes))
        size = f"{path.stat().st_size / 1e6:.1f} MB"
        best, inside = min(times), min(imports)
        out.append(f"| `quiz import`: the import (read, store, commit) | {n:,} | {size} | {inside * 1000:,.0f} ms | "
                   f"{n / inside:,.0f} | |")
        out.append(f"| `quiz import`: whole process (fresh database; peak RSS) | {n:,} | {size} | "
                   f"{best * 1000:,.0f} ms | {n / best:,.0f} | {min(peaks) / 1024:.0f} MB |")
    return out


# `quiz import DB FILE` in this interpreter; on stderr's last line the import's own seconds (the
# `import_` command's call of import_deck) and the peak RSS (kB, VmHWM).
IMPORT_WITH_PEAK = textwrap.dedent("""
    import atexit, sys, time
    import quiz.study.importing as importing
    spent = []
    def timed(*args, real=importing.import_deck, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)
    importing.import_deck = timed
    def peak():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                print(sum(spent), line.split()[1], file=sys.stderr)
    atexit.register(peak)
    from quiz.cli import run
    sys.argv = ["quiz", "--db", sys.argv[1], "import", sys.argv[2]]
    run()
""")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="whole-process runs of each (the median is shown)")
    parser.add_argument("--skip-apkg", action="store_true")
    parser.add_argument("--skip-tsv", action="store_true")
    parser.add_argument("--stages-of", metavar="APKG", help=argparse.SUPPRESS)  # the child that times the stages
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stages_of:
        print(json.dumps(stages(Path(args.stages_of), Path(args.folder))))
        return
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        if not args.skip_apkg:
            if FIXTURE.exists():
                print("\n".join(apkg_tables(folder, args.notes, args.runs)))
            else:
                print(f"(no {FIXTURE}: the .apkg benchmark needs the shared fixtures)")
            print()
        if not args.skip_tsv:
            print("\n".join(tsv_table(folder, args.rows)))


if __name__ == "__main__":
    main()
