"""Text imports: Anki's CSV/TSV/TXT with its headers, Quizlet exports, and the real files Anki wrote."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from quiz.formats.anki_notes import content_card_id, guid_card_id
from quiz.formats.problems import DeckError
from quiz.formats.text_deck import (
    detect_encoding,
    iter_text_rows,
    read_quizlet,
    read_text_deck,
)
from quiz.questions.generator import generate

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared/fixtures is not there")


def write(tmp_path: Path, text: str, name: str = "deck.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def pairs(deck) -> list[tuple[str, str]]:
    return [(card.front.get("en"), card.back.get("en")) for card in deck.cards]


def error_of(path: Path, **options) -> str:
    with pytest.raises(DeckError) as caught:
        read_text_deck(path, **options)
    return str(caught.value)


# -- the real exports ---------------------------------------------------------------------------
@needs_fixtures
def test_anki_notes_export():
    deck = read_text_deck(FIXTURES / "anki" / "chemistry-notes.txt")
    assert deck.id == "chemistry" and deck.title.get("en") == "Chemistry"
    assert len(deck.cards) == 71 and not deck.warnings
    basic = [c for c in deck.cards if c.note_type.startswith("Basic (and reversed card)")]
    cloze = [c for c in deck.cards if c.note_type.startswith("Cloze")]
    assert len(basic) == 60 and len(cloze) == 11
    assert len({c.guid for c in basic}) == 30 and len({c.guid for c in cloze}) == 8
    assert {c.deck_path for c in basic} == {("Chemistry", "Elements")}
    assert {c.deck_path for c in cloze} == {("Chemistry", "Sentences")}
    hydrogen, reverse = basic[0], basic[1]
    assert (hydrogen.front.get("en"), hydrogen.back.get("en")) == ("H", "Hydrogen (Z = 1)")  # <b>H</b> as text
    assert (reverse.front.get("en"), reverse.back.get("en")) == ("Hydrogen (Z = 1)", "H")
    assert hydrogen.tags == ("element", "period-1") and hydrogen.guid == "uEfrcfd9u&"
    assert hydrogen.id == guid_card_id("uEfrcfd9u&", 0) and reverse.id == guid_card_id("uEfrcfd9u&", 1)
    iron = next(c for c in basic if c.front.get("en") == "Fe")
    assert iron.back.get("en") == "Iron (Z = 26)\n[image: red-square.png]"
    by_front = {c.front.get("en"): c for c in cloze}
    neon = by_front["The noble gas with atomic number 10 is [a gas in signs]."]
    assert neon.back.get("en") == "neon"
    gold = by_front["Gold's symbol [...] comes from the Latin [...]."]  # c1 twice: one card
    assert gold.back.get("en") == "Au, aurum"
    assert gold.explain.get("en") == "Gold's symbol Au comes from the Latin aurum."
    assert "Table salt is sodium [...] & it dissolves in water." in by_front  # &amp; decoded
    assert "The lightest element is [...].\nIt has atomic number 1." in by_front  # <br> a new line
    assert "The symbol Fe stands for [...], from the Latin ferrum." in by_front  # <i> stripped
    assert {c.tags for c in cloze} == {("cloze", "sentence")}


@needs_fixtures
def test_anki_cards_export():
    deck = read_text_deck(FIXTURES / "anki" / "chemistry-cards.txt")
    assert deck.id == "chemistry-cards" and len(deck.cards) == 71 and not deck.warnings
    assert pairs(deck)[:2] == [("H", "Hydrogen (Z = 1)"), ("Hydrogen (Z = 1)", "H")]
    assert all(c.id.startswith("card-") and c.guid is None for c in deck.cards)
    assert len({c.id for c in deck.cards}) == 71


@needs_fixtures
def test_notes_export_rows_and_columns():
    rows = list(iter_text_rows(FIXTURES / "anki" / "chemistry-notes.txt"))
    assert len(rows) == 38 and {len(r.fields) for r in rows} == {6}
    assert rows[0].line == 7  # six header lines
    assert rows[3].fields[0] == "wxu^wpv#_S"  # quoted by Anki because of the '#'
    rows = list(iter_text_rows(FIXTURES / "anki" / "chemistry-cards.txt"))
    assert len(rows) == 71 and {len(r.fields) for r in rows} == {2} and rows[0].line == 3


@needs_fixtures
def test_cloze_fronts_match_what_anki_shows():
    """Anki's own cards export shows each cloze card's question: ours are the same, up to white space."""
    notes = read_text_deck(FIXTURES / "anki" / "chemistry-notes.txt")
    cards = read_text_deck(FIXTURES / "anki" / "chemistry-cards.txt")
    def shown(card) -> str:  # Anki's export leaves out the image; white space aside
        return " ".join(card.front.get("en").replace("[image: red-square.png]", "").split())

    ours = {shown(c) for c in notes.cards}
    anki = {shown(c) for c in cards.cards}
    assert ours == anki


@needs_fixtures
def test_quizlet_exports():
    tab = read_quizlet(FIXTURES / "text" / "quizlet-tab.txt")
    assert pairs(tab) == [("Rusia", "Russia"), ("Korea Utara", "North Korea"), ("Belarusia", "Belarus"),
                          ("Suriah", "Syria"), ("Kuba", "Cuba")]
    custom = read_quizlet(FIXTURES / "text" / "quizlet-custom.txt", term_sep=" - ", card_sep=";")
    assert pairs(custom) == [("sekutu", "ally"), ("pakta pertahanan", "defence pact"),
                             ("senjata nuklir", "nuclear weapons"), ("pasukan", "troops")]
    assert custom.id == "quizlet-custom"


@needs_fixtures
def test_a_quizlet_custom_export_is_told_from_a_csv_by_its_layout(tmp_path):
    from quiz.formats.readers import detect_format, read_deck_file

    custom = FIXTURES / "text" / "quizlet-custom.txt"
    assert detect_format(custom) == "quizlet"
    assert pairs(read_deck_file(custom))[:2] == [("sekutu", "ally"), ("pakta pertahanan", "defence pact")]
    for name in ("quizlet-tab.txt",):
        assert detect_format(FIXTURES / "text" / name) == "text"  # a TSV: read as one
    assert detect_format(FIXTURES / "anki" / "chemistry-notes.txt") == "text"
    cases = {"a;b;c\n": "text", "one - two\n": "text", "a - b;c - d\ne - f;g - h\n": "text",
             "#separator:Semicolon\na - b;c - d\n": "text", "a - b;c\td - e": "text",
             "\ufeffa - b;c - d;": "quizlet", "a - b;c - d": "quizlet"}
    for number, (text, kind) in enumerate(cases.items()):
        path = tmp_path / f"case{number}.txt"
        path.write_text(text, encoding="utf-8")
        assert detect_format(path) == kind, text
        assert detect_format(path.with_suffix(".csv").write_text(text) and path.with_suffix(".csv")) == "text"


@needs_fixtures
def test_imported_cards_make_questions():
    deck = read_text_deck(FIXTURES / "anki" / "chemistry-notes.txt")
    questions = generate(deck, seed=1)
    kinds = {q.kind for q in questions}
    assert "flashcard" in kinds and "type_in" in kinds
    neon = next(q for q in questions if q.prompt.endswith("[a gas in signs].") and q.kind == "type_in")
    assert neon.answer_text == "neon"


# -- headers ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, sep", [("Comma", ","), ("semicolon", ";"), ("TAB", "\t"), ("Space", " "),
                                       ("Pipe", "|"), ("colon", ":"), ("~", "~")])
def test_separator_header(tmp_path, name, sep):
    path = write(tmp_path, f"#separator:{name}\nfront{sep}back\n")
    assert pairs(read_text_deck(path)) == [("front", "back")]


def test_unknown_separator_is_one_clear_line(tmp_path):
    message = error_of(write(tmp_path, "#separator:Banana\na,b\n"))
    assert message.startswith(f"{tmp_path / 'deck.csv'}:1: #separator: unknown separator 'Banana'")


@pytest.mark.parametrize("text, expected", [
    ("a,b\nc,d\n", ","),
    ("a\tb, with comma\nc\td\n", "\t"),
    ("a;b\nc;d, e\n", ";"),
    ("capital|Paris: France\nx|y\n", "|"),
    ('"a, b";c\n"d";e\n', ";"),
])
def test_separator_sniffed_without_header(tmp_path, text, expected):
    rows = list(iter_text_rows(write(tmp_path, text)))
    assert len(rows[0].fields) == 2, (rows, expected)


def test_html_header_and_guessing(tmp_path):
    path = write(tmp_path, "#html:false\n<b>x</b>,a &amp; b\n")
    assert pairs(read_text_deck(path)) == [("<b>x</b>", "a &amp; b")]
    path = write(tmp_path, "#html:true\n<b>x</b>,a &amp; b<br>c\n")
    assert pairs(read_text_deck(path)) == [("x", "a & b\nc")]
    path = write(tmp_path, "<b>x</b>,a &amp; b\n")  # no header: the fields look like HTML
    assert pairs(read_text_deck(path)) == [("x", "a & b")]
    path = write(tmp_path, "x < y,true\n")  # no header, no HTML
    assert pairs(read_text_deck(path)) == [("x < y", "true")]


def test_tags_notetype_deck_and_columns(tmp_path):
    path = write(tmp_path, "\n".join([
        "#separator:Semicolon", "#tags:global two", "#notetype:Basic (and reversed card)",
        "#deck:French::Verbs", "#columns:Back;Front;Tags", "#tags column:3",
        "to be;être;verb irregular", "",
    ]))
    deck = read_text_deck(path)
    assert deck.id == "french"
    assert pairs(deck) == [("être", "to be"), ("to be", "être")]  # #columns maps Front and Back by name
    assert deck.cards[0].tags == ("global", "two", "verb", "irregular")
    assert deck.cards[0].deck_path == ("French", "Verbs")
    assert deck.cards[0].note_type == "Basic (and reversed card)"


def test_notetype_deck_and_guid_columns(tmp_path):
    path = write(tmp_path, "\n".join([
        "#separator:tab", "#html:true", "#guid column:1", "#notetype column:2", "#deck column:3",
        "#tags column:6",
        "g1\tBasic\tA::B\tq1\ta1\tt1",
        "g2\tBasic (optional reversed card)\tA::C\tq2\ta2\ty\tt2",
        "g3\tBasic (type in the answer)\tA\tq3\ta3\t",
        "g4\tCloze\tA\tx {{c1::y}} {{c2::z::hint}}\textra\t",
        "g5\tMy own type\tA\tq5\ta5\t", "",
    ]))
    deck = read_text_deck(path)
    by_id = {c.id: c for c in deck.cards}
    assert set(by_id) == {guid_card_id("g1", 0), guid_card_id("g2", 0), guid_card_id("g2", 1), guid_card_id("g3", 0),
                          guid_card_id("g4", 0), guid_card_id("g4", 1), guid_card_id("g5", 0)}
    assert by_id[guid_card_id("g2", 1)].front.get("en") == "a2"  # Add Reverse was filled
    cloze = by_id[guid_card_id("g4", 1)]
    assert (cloze.front.get("en"), cloze.back.get("en")) == ("x y [hint]", "z")
    assert cloze.explain.get("en") == "x y z\nextra"
    assert by_id[guid_card_id("g1", 0)].deck_path == ("A", "B")
    assert by_id[guid_card_id("g5", 0)].note_type == "My own type"
    assert deck.id == "a"


def test_legacy_tags_line_and_comments(tmp_path):
    path = write(tmp_path, "tags:old style\n# a comment\nq,a\n#another comment\nq2,a2\n")
    deck = read_text_deck(path)
    assert pairs(deck) == [("q", "a"), ("q2", "a2")]
    assert deck.cards[0].tags == ("old", "style")


def test_bad_column_header(tmp_path):
    message = error_of(write(tmp_path, "#separator:tab\n#guid column:first\na\tb\n"))
    assert ":2: #guid column: expected a column number" in message


def test_cloze_guessed_without_notetype(tmp_path):
    deck = read_text_deck(write(tmp_path, "Paris is the capital of {{c1::France}}.\n", name="c.txt"))
    assert pairs(deck) == [("Paris is the capital of [...].", "France")]
    assert deck.cards[0].note_type == "Cloze"


# -- quoting, encodings, line numbers -----------------------------------------------------------
def test_rfc4180_quoting_with_multiline_fields(tmp_path):
    path = write(tmp_path, 'front,back\r\n"a, b","line one\r\nline ""two"""\r\nlast,row\r\n')
    rows = list(iter_text_rows(path))
    assert [r.line for r in rows] == [1, 2, 4]
    assert rows[1].fields == ["a, b", 'line one\r\nline "two"']
    deck = read_text_deck(path)
    assert pairs(deck)[1] == ("a, b", 'line one\nline "two"')


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_encodings(tmp_path, encoding):
    text = "caf\u00e9,cr\u00e8me br\u00fbl\u00e9e \u2013 \u20ac5\nna\u00efve,fa\u00e7ade\n"
    path = tmp_path / "deck.csv"
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    path.write_bytes(data)
    assert pairs(read_text_deck(path)) == [("caf\u00e9", "cr\u00e8me br\u00fbl\u00e9e \u2013 \u20ac5"),
                                           ("na\u00efve", "fa\u00e7ade")]


def test_cp1252_detected_only_when_not_utf8(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n" * 5000 + "caf\u00e9,x\n".encode("cp1252"))  # the odd byte comes late
    assert detect_encoding(path) == "cp1252"
    assert pairs(read_text_deck(path))[-1] == ("caf\u00e9", "x")
    path.write_bytes("caf\u00e9,x\n".encode())
    assert detect_encoding(path) == "utf-8"


def test_bom_is_not_part_of_the_first_header(tmp_path):
    path = write(tmp_path, "#separator:Pipe\na|b\n", encoding="utf-8-sig")
    assert pairs(read_text_deck(path)) == [("a", "b")]


def test_unclosed_quote_names_its_line(tmp_path):
    message = error_of(write(tmp_path, 'a,b\nc,"never closed\nmore\n'))
    assert message == f"{tmp_path / 'deck.csv'}:2: a quoted field starting on line 2 is never closed"


def test_bad_quoting_names_its_line(tmp_path):
    message = error_of(write(tmp_path, 'a,b\n"x"y,z\n'))
    assert message.startswith(f"{tmp_path / 'deck.csv'}:2: bad quoting")


def test_rows_without_a_card_are_warned_about(tmp_path):
    deck = read_text_deck(write(tmp_path, "q,a\nonly a front\n,only a back\nq2,a2\n"))
    assert pairs(deck) == [("q", "a"), ("q2", "a2")]
    assert deck.warnings == [f"{tmp_path / 'deck.csv'}:2: warning: no card: the front or the back is empty",
                             f"{tmp_path / 'deck.csv'}:3: warning: no card: the front or the back is empty"]


def test_no_cards_is_an_error(tmp_path):
    assert "no cards found" in error_of(write(tmp_path, "#separator:tab\n"))
    assert "no cards found" in error_of(write(tmp_path, ""))


def test_missing_file(tmp_path):
    message = error_of(tmp_path / "nope.csv")
    assert message.startswith(f"{tmp_path / 'nope.csv'}: cannot read")


# -- ids ----------------------------------------------------------------------------------------
def test_ids_are_stable_and_unique(tmp_path):
    path = write(tmp_path, "Capital of France?,Paris\nCapital of France?,Paris again\nOther,x\n")
    first = read_text_deck(path)
    ids = [c.id for c in first.cards]
    assert ids[0] == content_card_id("Capital of France?") and ids[1] == ids[0] + "-2"
    path.write_text("Other,changed\nCapital of France?,Paris (updated)\n")
    second = read_text_deck(path)
    assert [c.id for c in second.cards] == [ids[2], ids[0]]  # the same fronts keep their ids


def test_deck_id_option(tmp_path):
    deck = read_text_deck(write(tmp_path, "a,b\n"), deck_id="My Deck!")
    assert deck.id == "my-deck"


# -- Quizlet ------------------------------------------------------------------------------------
def test_quizlet_comma_and_newlines(tmp_path):
    deck = read_quizlet(write(tmp_path, "term,definition, with a comma\r\nsecond,two\r\n", name="q.txt"))
    assert pairs(deck) == [("term", "definition, with a comma"), ("second", "two")]


def test_quizlet_semicolon_cards_detected(tmp_path):
    deck = read_quizlet(write(tmp_path, "a\tb;c\td;", name="q.txt"))
    assert pairs(deck) == [("a", "b"), ("c", "d")]


def test_quizlet_custom_separators_span_chunks(tmp_path):
    body = "".join(f"term {i}::def {i}\nwith a line|||" for i in range(30_000))
    deck = read_quizlet(write(tmp_path, body, name="q.txt"), term_sep="::", card_sep="|||")
    assert len(deck.cards) == 30_000
    assert pairs(deck)[12_345] == ("term 12345", "def 12345\nwith a line")


def test_quizlet_card_without_separator_is_warned(tmp_path):
    deck = read_quizlet(write(tmp_path, "a\tb\nno separator here\n", name="q.txt"))
    assert pairs(deck) == [("a", "b")]
    assert deck.warnings == [f"{tmp_path / 'q.txt'}:2: warning: no card: no separator between term and definition"]


# -- picking the reader -------------------------------------------------------------------------
def test_read_deck_file_picks_the_reader(tmp_path):
    from quiz.formats.readers import detect_format, read_deck_file

    csv_path = write(tmp_path, "a,b\n")
    assert detect_format(csv_path) == "text" and pairs(read_deck_file(csv_path)) == [("a", "b")]
    quizlet = write(tmp_path, "x - y;z - w", name="set.txt")
    assert pairs(read_deck_file(quizlet, format="quizlet", term_sep=" - ", card_sep=";")) == [("x", "y"), ("z", "w")]
    zipped = tmp_path / "deck.bin"
    zipped.write_bytes(b"PK\x03\x04rest")
    assert detect_format(zipped) == "anki"
    with pytest.raises(DeckError, match="unknown kind of file"):
        read_deck_file(write(tmp_path, "x", name="deck.docx"))
    with pytest.raises(DeckError, match="unknown format 'pdf'"):
        read_deck_file(csv_path, format="pdf")


def test_basic_two_field_rows_take_the_short_path_to_the_same_cards():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from quiz.formats.anki_notes import BASIC, stock_cards
    from quiz.formats.html_text import html_to_text

    @settings(max_examples=200, deadline=None, derandomize=True, database=None)
    @given(st.text(max_size=8), st.text(max_size=8))
    def check(front, back):
        # a third, empty field makes no explanation: stock_cards' general case, for the same card
        assert stock_cards(BASIC, [front, back], html_to_text) == stock_cards(BASIC, [front, back, ""], html_to_text)
    check()
