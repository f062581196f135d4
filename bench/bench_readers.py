"""The import readers: a 100,000-row TSV and a 20,000-note current-format .apkg, side by side.

    python bench/bench_readers.py                     # prints Markdown tables
    python bench/bench_readers.py --rows 100000 --notes 20000 --keep /tmp/bench-files
    python bench/bench_readers.py --base /tmp/readers-base    # and the committed tree, side by side

The TSV is read three ways: rows only (iter_text_rows), cards streamed (iter_text_cards) and a
whole Deck (read_text_deck); peak memory (tracemalloc) is compared at 10,000 and 100,000 rows:
streaming stays flat, a Deck grows with its cards. The .apkg is built like the real fixture
(chemistry-modern.apkg): its collection, with the notes scaled to --notes (three in four Basic
(and reversed card), one in four Cloze with two deletions), a review log, zstd-compressed, and
timed in-process and as a whole `python -c` process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT.parent / "shared" / "fixtures" / "anki" / "chemistry-modern.apkg"

from quiz.formats.anki_package import read_anki_package  # noqa: E402
from quiz.formats.text_deck import iter_text_cards, iter_text_rows, read_text_deck  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- TSV ----------------------------------------------------------------------------------------
def write_tsv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("#separator:tab\n#html:false\n#tags:bench\n#tags column:3\n")
        for i in range(rows):
            out.write(f"What is the word number {i} in the list?\tword-{i} (a short answer)\tbench tag{i % 7}\n")
    return path


def drain(iterator) -> int:
    count = 0
    for _ in iterator:
        count += 1
    return count


def tsv_tables(folder: Path, rows: int) -> list[str]:
    small, big = write_tsv(folder / "small.tsv", rows // 10), write_tsv(folder / "big.tsv", rows)
    out = [f"TSV: {rows:,} rows, {big.stat().st_size / 1e6:.1f} MB", "",
           "| read | rows | time | rows/s | peak memory, 1/10 the rows | peak memory, all rows |",
           "|---|---:|---:|---:|---:|---:|"]
    for name, fn in [("iter_text_rows (rows only)", lambda p: drain(iter_text_rows(p))),
                     ("iter_text_cards (cards streamed)", lambda p: drain(iter_text_cards(p))),
                     ("read_text_deck (a Deck)", lambda p: len(read_text_deck(p).cards))]:
        seconds, count = timed(lambda fn=fn: fn(big), 3)
        small_peak, big_peak = peak(lambda fn=fn: fn(small)), peak(lambda fn=fn: fn(big))
        out.append(f"| {name} | {count:,} | {seconds * 1000:,.0f} ms | {count / seconds:,.0f} | "
                   f"{small_peak / 1e6:,.1f} MB | {big_peak / 1e6:,.1f} MB |")
    return out


# -- .apkg --------------------------------------------------------------------------------------
def build_apkg(folder: Path, notes: int) -> Path:
    """A current-format package with `notes` notes, laid out like the fixture Anki wrote."""
    import sqlite3

    import zstandard

    with zipfile.ZipFile(FIXTURE) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    db = folder / "collection.sqlite"
    db.write_bytes(zstandard.ZstdDecompressor().decompressobj().decompress(members["collection.anki21b"]))
    conn = sqlite3.connect(db)
    conn.create_collation("unicase", lambda a, b: (a.lower() > b.lower()) - (a.lower() < b.lower()))
    (basic, cloze) = (conn.execute("SELECT id FROM notetypes WHERE name = ?", (name,)).fetchone()[0]
                      for name in ("Basic (and reversed card)", "Cloze"))
    elements, sentences = (conn.execute("SELECT id FROM decks WHERE name = ?", (f"Chemistry\x1f{name}",)).fetchone()[0]
                           for name in ("Elements", "Sentences"))
    conn.execute("DELETE FROM notes")
    conn.execute("DELETE FROM cards")
    conn.execute("DELETE FROM revlog")
    note_rows, card_rows, revlog_rows = [], [], []
    base = 1_700_000_000_000
    for i in range(notes):
        nid = base + i
        if i % 4:
            flds = f"<b>Symbol {i}</b>\x1fElement number {i}<br><i>a heavy one</i> &amp; rare"
            note_rows.append((nid, f"g{i:09d}", basic, " element bench ", flds))
            card_rows += [(nid * 10, nid, elements, 0, 0), (nid * 10 + 1, nid, elements, 1, -1 if i % 97 == 0 else 0)]
        else:
            flds = f"Sentence {i}: {{{{c1::hydrogen}}}} and {{{{c2::oxygen::a gas}}}} make <i>water</i>.\x1f"
            note_rows.append((nid, f"g{i:09d}", cloze, " cloze bench ", flds))
            card_rows += [(nid * 10, nid, sentences, 0, 0), (nid * 10 + 1, nid, sentences, 1, 0)]
        if i % 10 == 0:
            revlog_rows += [(base + i * 100 + k, nid * 10, 1 + k % 4, 5000, 0 if k < 2 else 1) for k in range(4)]
    conn.executemany("INSERT INTO notes VALUES (?, ?, ?, 0, -1, ?, ?, '', 0, 0, '')", note_rows)
    conn.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, 0, -1, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')", card_rows)
    conn.executemany("INSERT INTO revlog VALUES (?, ?, -1, ?, 0, 0, 0, ?, ?)", revlog_rows)
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    members["collection.anki21b"] = zstandard.ZstdCompressor().compress(db.read_bytes())
    path = folder / f"bench-{notes}.apkg"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def apkg_table(folder: Path, notes: int) -> list[str]:
    path = build_apkg(folder, notes)
    media = folder / "media"
    seconds, deck = timed(lambda: read_anki_package(path, media), 5)
    code = f"from quiz.formats.anki_package import read_anki_package; read_anki_package({str(path)!r}, {str(media)!r})"
    whole = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        whole.append(time.perf_counter() - start)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import quiz.formats.anki_package"], check=True)
    startup = time.perf_counter() - start
    return [f".apkg (current format): {notes:,} notes, {len(deck.cards):,} cards, {len(deck.reviews):,} reviews, "
            f"{path.stat().st_size / 1e6:.1f} MB", "",
            "| read | time |", "|---|---:|",
            f"| read_anki_package, in-process (best of 5) | {seconds * 1000:,.0f} ms |",
            f"| whole process: python -c read_anki_package(...) (median of 5) "
            f"| {statistics.median(whole) * 1000:,.0f} ms |",
            f"| of which interpreter start and imports | {startup * 1000:,.0f} ms |"]


_CHILD = """
import sys, time
kind, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if kind == "apkg":
    from quiz.formats.anki_package import read_anki_package
    read_anki_package(path, sys.argv[3])
else:
    from quiz.formats.text_deck import iter_text_cards
    for _ in iter_text_cards(path):
        pass
print(time.perf_counter() - start)
"""


def side_by_side(base: Path, folder: Path, notes: int, rows: int, runs: int) -> list[str]:
    """The committed tree (`base`, e.g. a `git archive HEAD` copy) and this one, alternated in fresh processes."""
    import os

    apkg, tsv = build_apkg(folder, notes), write_tsv(folder / "side.tsv", rows)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # bytecode, as installed
    trees = {"base": str(base), "this": str(ROOT)}
    for tree in trees.values():  # compile once
        subprocess.run([sys.executable, "-c", "import quiz.formats.anki_package, quiz.formats.text_deck"],
                       env={**env, "PYTHONPATH": tree}, check=True)
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(runs):
        for name, tree in trees.items():
            child = {**env, "PYTHONPATH": tree}
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", _CHILD, "apkg", str(apkg), str(folder / "media")], env=child,
                                 check=True, capture_output=True, text=True)
            times.setdefault((name, "whole"), []).append(time.perf_counter() - start)
            times.setdefault((name, "in"), []).append(float(out.stdout))
            out = subprocess.run([sys.executable, "-c", _CHILD, "tsv", str(tsv)], env=child, check=True,
                                 capture_output=True, text=True)
            times.setdefault((name, "tsv"), []).append(float(out.stdout))
    lines = [f"Side by side, {runs} alternated runs each (median, best): {notes:,}-note .apkg, {rows:,}-row TSV", "",
             "| tree | .apkg whole process | .apkg in process | TSV cards/s (iter_text_cards) |",
             "|---|---:|---:|---:|"]
    for name in trees:
        whole, inside, tsv_times = times[name, "whole"], times[name, "in"], times[name, "tsv"]
        lines.append(f"| {name} | {statistics.median(whole) * 1000:,.0f} ms ({min(whole) * 1000:,.0f}) "
                     f"| {statistics.median(inside) * 1000:,.0f} ms ({min(inside) * 1000:,.0f}) "
                     f"| {rows / statistics.median(tsv_times):,.0f} ({rows / min(tsv_times):,.0f}) |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="write the generated files here (kept) instead of a temp folder")
    parser.add_argument("--base", type=Path, help="also time this tree (e.g. `git archive HEAD` unpacked) side by side")
    parser.add_argument("--runs", type=int, default=5, help="alternated runs for --base")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        print("\n".join(tsv_tables(folder, args.rows)))
        print()
        if FIXTURE.exists():
            print("\n".join(apkg_table(folder, args.notes)))
            if args.base:
                print()
                print("\n".join(side_by_side(args.base, folder, args.notes, args.rows, args.runs)))
        else:
            print(f"(no {FIXTURE}: the .apkg benchmark needs the shared fixtures)")


if __name__ == "__main__":
    main()
