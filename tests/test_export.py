"""Exporting decks: YAML that reads back as the same deck, CSV with Anki's headers; both import again."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import main
from quiz.config import StudyConfig
from quiz.formats.problems import DeckError
from quiz.formats.readers import read_deck_file
from quiz.formats.text_deck import read_text_deck
from quiz.formats.text_export import deck_rows, deck_to_csv
from quiz.formats.yaml_deck import load_deck, parse_deck
from quiz.formats.yaml_export import deck_to_yaml
from quiz.model import Card, Deck, LocalText
from quiz.study.engine import Library
from quiz.study.importing import import_deck
from quiz.text import clean

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
NOW = 1_800_000_000_000
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="needs ../shared/fixtures")
IMPORT_ONLY = {"path", "reviews", "media_files", "warnings"}


def same_deck(a: Deck, b: Deck) -> bool:
    return all(getattr(a, f.name) == getattr(b, f.name) for f in fields(Deck) if f.name not in IMPORT_ONLY)


def fixture_decks() -> list[tuple[str, dict]]:
    if not FIXTURES.is_dir():
        return []
    out = [(str(p), {}) for p in sorted((FIXTURES / "anki").iterdir()) if p.suffix != ".md"]
    out.append((str(FIXTURES / "text" / "quizlet-tab.txt"), {"format": "quizlet"}))
    out.append((str(FIXTURES / "text" / "quizlet-custom.txt"), {"format": "quizlet", "term_sep": " - ",
                                                               "card_sep": ";"}))
    return out


# -- YAML -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [ROOT / "decks" / "russia-allies.yaml", ROOT / "tests" / "data" / "mini.yaml"])
def test_fact_decks_round_trip(path):
    deck = load_deck(path)
    text = deck_to_yaml(deck)
    again = parse_deck(text)
    assert same_deck(deck, again)
    assert deck_to_yaml(again) == text  # deterministic


@needs_fixtures
@pytest.mark.parametrize("path, options", fixture_decks())
def test_imported_decks_round_trip_with_their_anki_fields(path, options, tmp_path):
    deck = read_deck_file(path, media_dir=tmp_path, **options)
    again = parse_deck(deck_to_yaml(deck))
    assert same_deck(deck, again)
    assert [card.id for card in again.cards] == [card.id for card in deck.cards]
    if path.endswith("apkg"):
        assert any(card.suspended for card in again.cards) == ("no-scheduling" not in path)
        assert {card.media for card in again.cards} == {(), ("red-square.png",)}
        assert {card.guid for card in again.cards} == {card.guid for card in deck.cards} and None not in \
            {card.guid for card in again.cards}


_text = st.text(min_size=1, max_size=40).map(lambda s: clean(s).strip()).filter(bool)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_text, _text, st.lists(_text, max_size=2), st.integers(0, 30), st.booleans()),
                min_size=1, max_size=4))
def test_any_card_text_round_trips(rows):
    cards = [Card(id=f"c{i}", front=LocalText.of(front), back=LocalText.of(back), tags=tuple(tags), guid=front,
                  ord=number, suspended=flag, note_type=back, media=tuple(tags),
                  deck_path=tuple(part.strip() for part in front.split("::") if part.strip()))
             for i, (front, back, tags, number, flag) in enumerate(rows)]
    deck = Deck(id="any", title=LocalText.of("Any"), cards=cards)
    assert parse_deck(deck_to_yaml(deck)).cards == cards


@pytest.mark.parametrize("card, message", [
    ("{front: a, back: b, ord: -1}", "cards[0].ord: expected a whole number"),
    ("{front: a, back: b, suspended: 'yes'}", "cards[0].suspended: expected true or false"),
    ("{front: a, back: b, deck: 'A::::B'}", "cards[0].deck: 'A::::B' has an empty deck name"),
    ("{front: a, back: b, media: red.png}", "cards[0].media: expected a list"),
    ("{front: a, back: b, guidd: x}", "cards[0].guidd: unknown key (did you mean 'guid'?)"),
])
def test_the_card_import_fields_are_checked(card, message):
    with pytest.raises(DeckError) as error:
        parse_deck(f"deck: {{id: d, title: D}}\ncards:\n  - {card}\n", "d.yaml")
    assert message in str(error.value)


def test_the_card_import_fields_are_read():
    deck = parse_deck("deck: {id: d, title: D}\ncards:\n  - {id: c1, front: a, back: b, guid: 'x&y', "
                      "deck: 'Top::Sub', note_type: Cloze, ord: 2, suspended: true, media: [a.png]}\n")
    (card,) = deck.cards
    assert (card.guid, card.deck_path, card.note_type, card.ord, card.suspended, card.media) == \
        ("x&y", ("Top", "Sub"), "Cloze", 2, True, ("a.png",))


# -- CSV --------------------------------------------------------------------------------------------
def test_csv_has_anki_headers_and_reads_back():
    deck = Deck(id="x", title=LocalText.of("Odd cards"), cards=[
        Card(id="a", front=LocalText.of('#not a comment "quoted"\tand a tab'), back=LocalText.of("one\ntwo"),
             tags=("two words", "b")),
        Card(id="b", front=LocalText.of("plain"), back=LocalText.of("text")),
    ])
    text = deck_to_csv(deck)
    assert text.splitlines()[:6] == ["#separator:tab", "#html:false", "#notetype:Basic", "#deck:Odd cards",
                                     "#columns:Front\tBack\tTags", "#tags column:3"]
    assert "two_words b" in text


def _rows_read_back(text: str, tmp_path: Path) -> list[tuple]:
    path = tmp_path / "out.csv"
    path.write_text(text, encoding="utf-8")
    return [(c.front.get("en"), c.back.get("en"), c.tags, c.deck_path) for c in read_text_deck(path).cards]


def test_a_fact_deck_exports_its_generated_flashcards(tmp_path):
    deck = load_deck(ROOT / "decks" / "russia-allies.yaml")
    rows = deck_rows(deck)
    assert len(rows) > 10 and all(front and back for front, back, *_ in rows)
    back = _rows_read_back(deck_to_csv(deck), tmp_path)
    assert [(f, b) for f, b, *_ in back] == [(f, b) for f, b, *_ in rows]


# -- the commands, and importing what was exported ---------------------------------------------------
@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("QUIZ_DB", raising=False)
    return CliRunner()


def _dump(db: Path) -> str:
    with Library.open(db, config=StudyConfig(), clock=lambda: NOW, sync_bundled=False) as lib:
        return hashlib.sha256("\n".join(lib.db.conn.iterdump()).encode()).hexdigest()


@needs_fixtures
def test_exported_yaml_and_csv_import_as_the_same_cards(runner, tmp_path):
    db = tmp_path / "q.db"
    apkg = FIXTURES / "anki" / "chemistry-modern.apkg"
    assert runner.invoke(main, ["--db", str(db), "import", str(apkg)]).exit_code == 0
    for fmt, name in (("yaml", "chem.yaml"), ("csv", "chem.csv")):
        result = runner.invoke(main, ["--db", str(db), "export", "chemistry", "--format", fmt, "-o",
                                      str(tmp_path / name)])
        assert result.exit_code == 0, result.output

    with Library.open(db, config=StudyConfig(), clock=lambda: NOW, sync_bundled=False) as lib:
        original = lib.deck_model("chemistry")
        stored = lib.db.conn.execute("SELECT source FROM decks WHERE name = 'chemistry'").fetchone()[0]
    assert (tmp_path / "chem.yaml").read_text(encoding="utf-8") == stored

    # YAML into the same library: nothing changes; into a new one: the same deck.
    before = _dump(db)
    result = runner.invoke(main, ["--db", str(db), "import", str(tmp_path / "chem.yaml")])
    assert result.exit_code == 0 and "(0 added, 0 updated, 71 unchanged)" in result.output
    assert _dump(db) == before
    with Library.open(tmp_path / "fresh.db", config=StudyConfig(), clock=lambda: NOW, sync_bundled=False) as fresh:
        import_deck(fresh, tmp_path / "chem.yaml")
        assert same_deck(fresh.deck_model("chemistry"), original)
        # CSV through the text reader: the same cards (ids are content hashes: there is no guid column).
        report = import_deck(fresh, tmp_path / "chem.csv", deck_name="from-csv")
        assert report.added == 71
        again = fresh.deck_model("from-csv")
    assert [(c.front, c.back, c.tags, c.deck_path) for c in again.cards] == \
        [(c.front, c.back, c.tags, c.deck_path) for c in original.cards]


def test_export_a_bundled_deck_and_errors(runner, tmp_path):
    db = str(tmp_path / "q.db")
    out = runner.invoke(main, ["--db", db, "export", "russia-allies", "-o", "-", "--format", "yaml"])
    assert out.exit_code == 0
    assert same_deck(parse_deck(out.output), load_deck(ROOT / "decks" / "russia-allies.yaml"))
    assert runner.invoke(main, ["--db", db, "export", "mini-x", "-o", str(tmp_path / "a.yaml")]).exit_code == 1
    result = runner.invoke(main, ["--db", db, "export", "russia-allies", "-o", str(tmp_path / "a.bin")])
    assert result.exit_code == 1 and "--format" in result.output
    result = runner.invoke(main, ["--db", db, "export", "russia-allies", "-o", str(tmp_path / "no" / "a.csv")])
    assert result.exit_code == 1 and "cannot write" in result.output
    assert not (tmp_path / "no").exists()
