"""Pick the reader a deck file needs: by its name, or for a zip by its first bytes.

    read_deck_file("French.apkg", media_dir=...)      # Anki package
    read_deck_file("verbs.csv")                        # Anki text export, or any CSV/TSV
    read_deck_file("set.txt", format="quizlet", term_sep=" - ", card_sep=";")
    read_deck_file("deck.yaml")                        # quiz's own format
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from quiz.formats.problems import DeckError, Problem
from quiz.model import Deck

FORMATS = ("anki", "text", "quizlet", "yaml")
_SUFFIXES = {".apkg": "anki", ".colpkg": "anki", ".csv": "text", ".tsv": "text", ".txt": "text", ".yaml": "yaml",
             ".yml": "yaml"}


def detect_format(path: str | Path) -> str | None:
    """"anki", "text", "quizlet" or "yaml" from the file's name (a zip is "anki" whatever its name; a
    .txt file laid out as Quizlet's custom export, "quizlet"); None if unknown."""
    path = Path(path)
    head = b""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SAMPLE)
            if head[:4] == b"PK\x03\x04":
                return "anki"
    except OSError:
        pass
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind == "text" and path.suffix.lower() == ".txt" and _quizlet_custom(head):
        return "quizlet"
    return kind


_SAMPLE = 1 << 16


def _quizlet_custom(head: bytes) -> bool:
    """Whether a text file's start looks like Quizlet's custom export: cards `term - definition`,
    separated by ';' on one line. (Read as a CSV, it was one row of several fields, most dropped.)"""
    text = head.decode("utf-8", "ignore").lstrip("\ufeff").rstrip("\r\n")
    if not text or "\n" in text or "\t" in text or text.startswith("#"):
        return False
    if len(head) == _SAMPLE:  # cut off: the last card may be partial
        text = text.rpartition(";")[0]
    cards = [card for card in text.split(";") if card.strip()]
    return len(cards) >= 2 and all(" - " in card for card in cards)


def read_deck_file(path: str | Path, *, format: str | None = None, media_dir: str | Path | None = None,
                   deck_id: str | None = None, progress: Callable[[int, int], None] | None = None,
                   **options) -> Deck:
    """Read any deck file quiz imports. `options` go to the reader (separator=, term_sep=, limits=, ...).

    `progress(done, total)` is called now and then while an Anki package or a text file is read
    (cards of a package, bytes of a text file); what it raises stops the reading.
    Raises DeckError, also for a file of no known kind.
    """
    kind = format or detect_format(path)
    if kind == "anki":
        from quiz.formats.anki_package import read_anki_package

        return read_anki_package(path, media_dir, deck_id=deck_id, progress=progress, **options)
    if kind == "text":
        from quiz.formats.text_deck import read_text_deck

        return read_text_deck(path, deck_id=deck_id, progress=progress, **options)
    if kind == "quizlet":
        from quiz.formats.text_deck import read_quizlet

        return read_quizlet(path, deck_id=deck_id, **options)
    if kind == "yaml":
        from quiz.formats.yaml_deck import load_deck

        return load_deck(path)
    expected = ", ".join(sorted(_SUFFIXES))
    message = f"unknown format {format!r} (one of {', '.join(FORMATS)})" if format else \
        f"unknown kind of file (expected one of {expected})"
    raise DeckError([Problem(str(path), 0, "", message)])
