"""Card questions for a 20,000-note imported deck (40,000 cards, both directions), side by side with
the generator as it was before card multiple choice (the committed quiz/questions/generator.py).

    python bench/bench_card_questions.py      # prints a Markdown table

Generating questions is part of every import (quiz.store.decks.deck_items), so this is what card
multiple choice adds to importing a large Anki package.
"""

from __future__ import annotations

import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from quiz.model import Card, Deck, LocalText
from quiz.questions.generator import QuestionGenerator

ROOT = Path(__file__).resolve().parent.parent


def deck(notes: int = 20_000, seed: int = 1) -> Deck:
    rng = random.Random(seed)
    cards = []
    for n in range(notes):
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10)))
        meaning = " ".join(
            "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 8)))
            for _ in range(rng.randint(1, 6)))
        for ord_, (front, back) in enumerate(((word, meaning), (meaning, word))):
            cards.append(Card(id=f"anki-{n:08x}-{ord_}", front=LocalText.of(front), back=LocalText.of(back),
                              guid=f"g{n}", ord=ord_, note_type="Basic (and reversed card)"))
    return Deck(id="big", title=LocalText.of("Big"), cards=cards)


def committed_generator():
    """quiz/questions/generator.py as last committed, loaded as a module of its own."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", "HEAD:quiz/questions/generator.py"],
                            capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "generator_committed.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("generator_committed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.QuestionGenerator


def timed(make, big: Deck, repeat: int = 5) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = len(make(big, "en", seed=0).generate())
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def main() -> None:
    big = deck()
    old = committed_generator()
    rows = [("committed generator (flashcard, type-in)", *timed(old, big)),
            ("this generator (flashcard, type-in, multiple choice)", *timed(QuestionGenerator, big))]
    print(f"{len(big.cards):,} cards, median of 5\n")
    print("| generator | seconds | questions |")
    print("| --- | ---: | ---: |")
    for name, seconds, count in rows:
        print(f"| {name} | {seconds:.3f} | {count:,} |")


if __name__ == "__main__":
    sys.exit(main())
