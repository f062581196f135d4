"""Question generation: the bundled deck and a synthetic 5,000-entity deck, side by side.

    python bench/bench_generate.py            # prints a Markdown table
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_deck import build, to_yaml

from quiz.bundled import resolve_deck_path
from quiz.formats.yaml_deck import load_deck
from quiz.questions.generator import generate


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def row(name: str, path: Path, repeat: int) -> str:
    load_s, deck = timed(lambda: load_deck(path), repeat)
    gen_s, questions = timed(lambda: generate(deck, lang="en"), repeat)
    gen_id_s, _ = timed(lambda: generate(deck, lang="id"), repeat)
    return (f"| {name} | {len(deck.entities):,} | {len(deck.facts):,} | {len(questions):,} | "
            f"{load_s * 1000:,.0f} ms | {gen_s * 1000:,.0f} ms | {gen_id_s * 1000:,.0f} ms |")


def main() -> None:
    print("| deck | entities | facts | questions (en) | load YAML | generate en | generate id |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(row("russia-allies (bundled)", resolve_deck_path("russia-allies"), 5))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.yaml"
        path.write_text(to_yaml(build(5000)))
        print(row("synthetic, 5,000 entities", path, 3))


if __name__ == "__main__":
    main()
