"""Fuzzing the readers: random bytes and mutated real files give a Deck or a DeckError, nothing else.

Whatever comes back is clean text, and nothing is written outside the media folder. The runs are
derandomised so CI is repeatable; set QUIZ_FUZZ_EXAMPLES (e.g. 5000) and QUIZ_FUZZ_RANDOM=1 for a
longer hunt on a developer's machine.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from anki_builder import ANKI, FIXTURES, fixture_collection, package, unzstd, write_zip, zstd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.formats.anki_package import Limits, read_anki_package
from quiz.formats.problems import DeckError
from quiz.formats.text_deck import read_quizlet, read_text_deck
from quiz.model import Deck

pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared/fixtures is not there")

EXAMPLES = int(os.environ.get("QUIZ_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("QUIZ_FUZZ_RANDOM"),
                database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Small caps so that a mutation that grows something hits a limit quickly.
LIMITS = Limits(max_collection_bytes=4 << 20, max_media_bytes=1 << 20, max_total_bytes=16 << 20,
                max_field_chars=100_000, max_seconds=20)

TEXT_FILES = [ANKI / "chemistry-notes.txt", ANKI / "chemistry-cards.txt", FIXTURES / "text" / "quizlet-tab.txt",
              FIXTURES / "text" / "quizlet-custom.txt"]
PACKAGES = [ANKI / "chemistry-modern.apkg", ANKI / "chemistry-legacy.apkg", ANKI / "chemistry.colpkg"]


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


_TEXTS = {path: _read(path) for path in TEXT_FILES}
_PACKAGES = {path: _read(path) for path in PACKAGES}


def check_clean(deck: Deck) -> None:
    for card in deck.cards:
        texts = [card.front.get("en"), card.back.get("en"), *card.tags, *card.deck_path, *card.media]
        if card.explain:
            texts.append(card.explain.get("en"))
        for text in texts:
            assert text.replace("\n", "").replace("\t", "").isprintable() or _only_unassigned(text), repr(text)
    for line in deck.warnings:
        assert "\x1b" not in line


def _only_unassigned(text: str) -> bool:
    """isprintable() is False for unassigned code points and some separators, which clean() keeps."""
    import unicodedata

    return all(ch in "\n\t" or ch.isprintable() or unicodedata.category(ch) in ("Cn", "Zl", "Zp", "Co", "Cs", "Zs",
                                                                               "Cf")
               for ch in text)


def read_text_file(data: bytes, name: str = "deck.csv", quizlet: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            deck = read_quizlet(path) if quizlet else read_text_deck(path)
        except DeckError as error:
            assert "\n" not in str(error)
        else:
            check_clean(deck)
        assert sorted(p.name for p in Path(tmp).iterdir()) == [name]


def read_package(data: bytes, name: str = "deck.apkg") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        media = Path(tmp) / "media"
        try:
            deck = read_anki_package(path, media, limits=LIMITS)
        except DeckError as error:
            assert "\n" not in str(error)
        else:
            check_clean(deck)
            for file in deck.media_files.values():
                assert Path(file).parent == media.resolve()
        extra = {p.name for p in Path(tmp).iterdir()} - {name, "media"}
        assert not extra
        if media.exists():
            assert all(p.is_file() and not p.name.startswith(".quiz-import-") for p in media.iterdir())


def mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply edits: (kind, position, value): 0 flips a byte, 1 inserts one, 2 deletes one, 3 truncates."""
    out = bytearray(data)
    for kind, position, value in edits:
        if not out:
            break
        at = position % len(out)
        if kind == 0:
            out[at] ^= value or 1
        elif kind == 1:
            out.insert(at, value)
        elif kind == 2:
            del out[at]
        else:
            del out[at:]
    return bytes(out)


EDITS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 30), st.integers(0, 255)), min_size=1, max_size=8)
PIECES = [*',;\t|: "#\n\r\x1b\x00{}c1<>&/b\ufeff\u202eaé', "::", "{{c1::", "}}", "#html:true\n", "#separator:",
          "<br>", "&amp;", "tags:", "#guid column:1\n", "#notetype column:2\n", "Cloze", "<img src=x.png>"]
TRICKY_TEXT = st.lists(st.sampled_from(PIECES), max_size=200).map("".join)


# -- text ---------------------------------------------------------------------------------------
@FUZZ
@given(st.binary(max_size=3000))
def test_text_random_bytes(data):
    read_text_file(data)
    read_text_file(data, "q.txt", quizlet=True)


@FUZZ
@given(TRICKY_TEXT, st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_text_tricky_characters(text, encoding):
    data = text.encode(encoding, "replace")
    read_text_file(data)
    read_text_file(data, "q.txt", quizlet=True)


@FUZZ
@given(st.sampled_from(TEXT_FILES), EDITS)
def test_text_mutated_real_files(path, edits):
    data = mutate(_TEXTS[path], edits)
    read_text_file(data, "deck.txt")
    read_text_file(data, "q.txt", quizlet=True)


# -- packages -----------------------------------------------------------------------------------
@FUZZ
@given(st.binary(max_size=3000))
def test_package_random_bytes(data):
    read_package(data)


@FUZZ
@given(st.sampled_from(PACKAGES), EDITS)
def test_package_mutated_real_files(path, edits):
    read_package(mutate(_PACKAGES[path], edits))


_COLLECTIONS: dict[str, bytes] = {}


def collection_bytes(which: str) -> bytes:
    if not _COLLECTIONS:
        with tempfile.TemporaryDirectory() as tmp:
            _COLLECTIONS["legacy"] = fixture_collection(Path(tmp)).read_bytes()
            _COLLECTIONS["modern"] = fixture_collection(Path(tmp), True, "m").read_bytes()
    return _COLLECTIONS[which]


@FUZZ
@given(st.sampled_from(["legacy", "modern"]), EDITS)
def test_package_mutated_collection(which, edits):
    """Corrupt SQLite inside a well-formed package: the zip and zstd layers are fine, the database is not."""
    modern = which == "modern"
    db = mutate(collection_bytes(which), [(0, p, v) if k == 3 else (k, p, v) for k, p, v in edits])
    with tempfile.TemporaryDirectory() as tmp:
        path = package(Path(tmp) / "p.apkg", db, {"red-square.png": b"png"}, modern=modern)
        data = path.read_bytes()
    read_package(data)


@FUZZ
@given(st.binary(max_size=200), st.binary(max_size=200), st.booleans())
def test_package_random_meta_and_media_list(meta, media, compress):
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.apkg"
        base.write_bytes(_PACKAGES[ANKI / "chemistry-modern.apkg"])
        with zipfile.ZipFile(base) as zf:
            members = [(info.filename, zf.read(info)) for info in zf.infolist()]
        replaced = [(name, meta if name == "meta" else (zstd(media) if compress else media) if name == "media"
                     else data) for name, data in members]
        data = write_zip(Path(tmp) / "x.apkg", replaced).read_bytes()
    read_package(data)


def test_the_fuzz_helpers_read_real_files():
    """The harness itself: the unmutated files read, so mutations start from working input."""
    for path in TEXT_FILES[:2]:
        read_text_file(_TEXTS[path], "deck.txt")
    for path in PACKAGES:
        read_package(_PACKAGES[path])
    assert unzstd(zstd(b"abc")) == b"abc"
