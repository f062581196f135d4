"""Anki packages: every real fixture read and checked against what its README says it holds."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from anki_builder import ANKI, FIXTURES, connect, execute, fixture_collection, package, png, unzstd, write_zip

from quiz.formats.anki_notes import guid_card_id
from quiz.formats.anki_package import read_anki_package, safe_media_name
from quiz.formats.problems import DeckError
from quiz.formats.text_deck import read_text_deck

pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared/fixtures is not there")
PACKAGES = ["chemistry-modern.apkg", "chemistry-legacy.apkg", "chemistry-no-scheduling.apkg", "chemistry.colpkg"]
SCHEDULED = {"chemistry-modern.apkg", "chemistry-legacy.apkg", "chemistry.colpkg"}


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    out = {}
    for name in PACKAGES:
        media = tmp_path_factory.mktemp("media")
        out[name] = (read_anki_package(ANKI / name, media), media)
    return out


@pytest.mark.parametrize("name", PACKAGES)
def test_readme_numbers(decks, name):
    deck, media = decks[name]
    assert deck.id == "chemistry" and deck.title.get("en") == "Chemistry" and not deck.warnings
    assert len(deck.cards) == 71
    assert len({c.guid for c in deck.cards}) == 38  # 38 notes
    types = Counter(c.note_type for c in deck.cards)
    assert types == {"Basic (and reversed card)": 60, "Cloze": 11}
    assert len({c.guid for c in deck.cards if c.note_type == "Cloze"}) == 8
    assert Counter(c.ord for c in deck.cards if c.note_type != "Cloze") == {0: 30, 1: 30}
    assert {c.deck_path for c in deck.cards} == {("Chemistry", "Elements"), ("Chemistry", "Sentences")}
    assert {c.deck_path for c in deck.cards if c.note_type == "Cloze"} == {("Chemistry", "Sentences")}
    tags = Counter(c.tags for c in deck.cards if c.ord == 0 or c.note_type == "Cloze")
    assert set(tags) == {("element", "period-1"), ("element", "light"), ("element", "heavy"), ("cloze", "sentence")}
    assert sum(n for t, n in tags.items() if t[0] == "element") == 30
    scheduled = name in SCHEDULED
    assert len(deck.reviews) == (16 if scheduled else 0)
    assert sum(c.suspended for c in deck.cards) == (1 if scheduled else 0)
    assert set(deck.media_files) == {"red-square.png"}
    assert Path(deck.media_files["red-square.png"]).read_bytes() == png()
    assert [p.name for p in media.iterdir()] == ["red-square.png"]  # and nothing else (no staging left)
    assert not any("update to the latest Anki" in c.front.get("en") for c in deck.cards)  # the dummy collection


def test_the_same_cards_from_every_package_and_the_notes_export(decks):
    reference = {c.id: (c.front, c.back, c.explain, c.tags, c.deck_path, c.ord) for c in decks[PACKAGES[0]][0].cards}
    for name in PACKAGES[1:]:
        assert {c.id: (c.front, c.back, c.explain, c.tags, c.deck_path, c.ord) for c in decks[name][0].cards} == \
            reference
    notes = read_text_deck(ANKI / "chemistry-notes.txt")
    assert {c.id for c in notes.cards} == set(reference)
    for card in notes.cards:  # HTML exported as text the same way, the note types' names aside
        assert (card.front, card.back, card.explain) == reference[card.id][:3]


def test_basic_and_reversed_cards(decks):
    deck = decks["chemistry-modern.apkg"][0]
    by_id = {c.id: c for c in deck.cards}
    iron, norri = by_id[guid_card_id("oH`0CH,T_s", 0)], by_id[guid_card_id("oH`0CH,T_s", 1)]
    assert iron.front.get("en") == "Fe"  # <b>Fe</b>
    assert iron.back.get("en") == "Iron (Z = 26)\n[image: red-square.png]"
    assert (norri.front.get("en"), norri.back.get("en")) == ("Iron (Z = 26)\n[image: red-square.png]", "Fe")
    assert iron.media == norri.media == ("red-square.png",)
    assert iron.tags == ("element", "heavy") and iron.note_type == "Basic (and reversed card)"


def test_cloze_cards(decks):
    cloze = {c.front.get("en"): c for c in decks["chemistry-modern.apkg"][0].cards if c.note_type == "Cloze"}
    assert len(cloze) == 11
    hint = cloze["The noble gas with atomic number 10 is [a gas in signs]."]
    assert hint.back.get("en") == "neon" and hint.explain.get("en") == "The noble gas with atomic number 10 is neon."
    twice = cloze["Gold's symbol [...] comes from the Latin [...]."]
    assert twice.back.get("en") == "Au, aurum" and twice.ord == 0
    water = [c for front, c in cloze.items() if front.startswith("Water is made of")]
    assert sorted((c.ord, c.front.get("en"), c.back.get("en")) for c in water) == [
        (0, "Water is made of [...] and oxygen.", "hydrogen"), (1, "Water is made of hydrogen and [...].", "oxygen")]
    assert "Table salt is sodium [...] & it dissolves in water." in cloze
    assert "The lightest element is [...].\nIt has atomic number 1." in cloze
    assert "The symbol Fe stands for [...], from the Latin ferrum." in cloze


def test_review_log(decks):
    deck = decks["chemistry-modern.apkg"][0]
    reviews = deck.reviews
    card_ids = {c.id for c in deck.cards}
    assert all(r.card_id in card_ids for r in reviews)
    assert [r.reviewed_at for r in reviews] == sorted(r.reviewed_at for r in reviews)
    assert [r.ease for r in reviews] == [1, 2, 3, 4] * 4  # Again, Hard, Good, Easy in turn
    assert {r.kind for r in reviews} == {0}  # all learning steps of new cards
    assert all(r.reviewed_at > 1_600_000_000_000 for r in reviews)  # unix milliseconds
    reviewed = {c.id: c for c in deck.cards if c.id in {r.card_id for r in reviews}}
    assert {c.note_type for c in reviewed.values()} == {"Basic (and reversed card)"}
    suspended = [c for c in deck.cards if c.suspended]
    assert len(suspended) == 1 and suspended[0].id not in reviewed


def test_without_media_dir_nothing_is_extracted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    deck = read_anki_package(ANKI / "chemistry-modern.apkg")
    assert deck.media_files == {} and list(tmp_path.iterdir()) == []
    assert any("[image: red-square.png]" in c.back.get("en") for c in deck.cards)


def test_reimport_replaces_media_in_place(tmp_path):
    first = read_anki_package(ANKI / "chemistry-modern.apkg", tmp_path)
    second = read_anki_package(ANKI / "chemistry-legacy.apkg", tmp_path)
    assert first.media_files == second.media_files and len(list(tmp_path.iterdir())) == 1


def test_deck_id_option_and_default_deck(tmp_path):
    assert read_anki_package(ANKI / "chemistry.colpkg", deck_id="My Chemistry").id == "my-chemistry"


# -- other note types, built on the fixture's collections ----------------------------------------
OPTIONAL, TYPING, BASIC = 1795419416296, 1795419416297, 1795419416294
ELEMENTS = 1795419416393


def add_note(db: Path, nid: int, guid: str, mid: int, fields: list[str], ords: list[int], deck: int = ELEMENTS,
             tags: str = " extra ", odid: int = 0) -> None:
    conn = connect(db)
    conn.execute("INSERT INTO notes VALUES (?, ?, ?, 0, -1, ?, ?, '', 0, 0, '')",
                 (nid, guid, mid, tags, "\x1f".join(fields)))
    for ord_ in ords:
        conn.execute("INSERT INTO cards VALUES (?, ?, ?, ?, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?, 0, '')",
                     (nid * 10 + ord_, nid, deck, ord_, odid))
    conn.commit()
    conn.close()


def colpkg_collection(tmp_path: Path) -> Path:
    with zipfile.ZipFile(ANKI / "chemistry.colpkg") as zf:
        data = unzstd(zf.read("collection.anki21b"))
    db = tmp_path / "col.sqlite"
    db.write_bytes(data)
    return db


def test_optional_reversed_type_in_and_basic(tmp_path):
    db = colpkg_collection(tmp_path)
    add_note(db, 1, "opt-yes", OPTIONAL, ["Front A", "Back A", "y"], [0, 1])
    add_note(db, 2, "opt-no", OPTIONAL, ["Front B", "Back B", ""], [0])
    add_note(db, 3, "typing", TYPING, ["Capital of France?", "Paris"], [0])
    add_note(db, 4, "basic", BASIC, ["<div>Q</div><div>two</div>", "A&nbsp;&lt;b&gt;"], [0])
    execute(db, "INSERT INTO decks VALUES (7, 'Filtered', 0, -1, X'', X'1200')")
    add_note(db, 5, "filtered", BASIC, ["in a filtered deck", "x"], [0], deck=7, odid=ELEMENTS)
    deck = read_anki_package(package(tmp_path / "more.apkg", db, modern=True))
    by_id = {c.id: c for c in deck.cards}
    assert len(deck.cards) == 71 + 6
    assert by_id[guid_card_id("opt-yes", 1)].front.get("en") == "Back A"
    assert guid_card_id("opt-no", 1) not in by_id
    typing = by_id[guid_card_id("typing", 0)]
    assert (typing.front.get("en"), typing.back.get("en"), typing.explain) == ("Capital of France?", "Paris", None)
    assert typing.note_type == "Basic (type in the answer)"
    basic = by_id[guid_card_id("basic", 0)]
    assert (basic.front.get("en"), basic.back.get("en")) == ("Q\ntwo", "A <b>")
    assert by_id[guid_card_id("filtered", 0)].deck_path == ("Chemistry", "Elements")  # its home deck


def test_legacy_custom_note_type_with_conditional_template(tmp_path):
    db = fixture_collection(tmp_path)
    conn = connect(db)
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    models["42"] = {
        "id": 42, "name": "Vocab", "type": 0,
        "flds": [{"name": "Word", "ord": 0}, {"name": "Meaning", "ord": 1}, {"name": "Example", "ord": 2}],
        "tmpls": [
            {"name": "Recognise", "ord": 0, "qfmt": "{{Word}}",
             "afmt": "{{FrontSide}}<hr id=answer>{{Meaning}}{{#Example}}<br><i>{{Example}}</i>{{/Example}}"},
            {"name": "Recall", "ord": 1, "qfmt": "{{Meaning}} ({{Deck}}, {{Card}})", "afmt": "{{Word}}"},
        ],
    }
    conn.execute("UPDATE col SET models = ?", (json.dumps(models),))
    conn.commit()
    conn.close()
    add_note(db, 9, "vocab", 42, ["chat", "cat", "le chat dort"], [0, 1])
    add_note(db, 8, "vocab2", 42, ["chien", "dog", ""], [0])
    deck = read_anki_package(package(tmp_path / "legacy.apkg", db))
    by_id = {c.id: c for c in deck.cards}
    assert by_id[guid_card_id("vocab", 0)].back.get("en") == "cat\nle chat dort"
    assert by_id[guid_card_id("vocab2", 0)].back.get("en") == "dog"
    assert by_id[guid_card_id("vocab", 1)].front.get("en") == "cat (Chemistry::Elements, Recall)"
    assert by_id[guid_card_id("vocab", 1)].note_type == "Vocab"


def test_legacy1_package_without_meta(tmp_path):
    db = fixture_collection(tmp_path)
    path = write_zip(tmp_path / "old.apkg", [("collection.anki2", db.read_bytes()), ("media", b"{}")])
    deck = read_anki_package(path)
    assert len(deck.cards) == 71 and len(deck.reviews) == 16


def test_missing_media_file_is_a_warning(tmp_path):
    db = fixture_collection(tmp_path)
    deck = read_anki_package(package(tmp_path / "nomedia.apkg", db), tmp_path / "media")
    assert deck.media_files == {}
    iron = next(c for c in deck.cards if c.front.get("en") == "Fe")
    assert iron.back.get("en") == "Iron (Z = 26)\n[image: red-square.png]" and iron.media == ()


def test_packages_with_problems_are_one_line_errors(tmp_path):
    db = fixture_collection(tmp_path)
    cases = {
        "not-a-zip.apkg": (lambda p: p.write_bytes(b"hello"), "not a zip file"),
        "newer.apkg": (lambda p: write_zip(p, [("meta", b"\x08\x09"), ("collection.anki21b", b"")]),
                       "package version 9 is not supported"),
        "no-collection.apkg": (lambda p: write_zip(p, [("meta", b"\x08\x03")]), "missing"),
        "not-sqlite.apkg": (lambda p: write_zip(p, [("collection.anki21", b"x" * 5000)]), "not a valid SQLite"),
        "empty.apkg": (lambda p: write_zip(p, []), "missing"),
    }
    for name, (make, expected) in cases.items():
        path = tmp_path / name
        make(path)
        with pytest.raises(DeckError) as caught:
            read_anki_package(path)
        message = str(caught.value)
        assert message.startswith(str(path)) and expected in message and "\n" not in message, message
    assert db.exists()


def test_a_card_row_of_the_wrong_type_is_named_by_its_id(tmp_path):
    db = colpkg_collection(tmp_path)
    add_note(db, 42, "bad-card", BASIC, ["Front", "Back"], [0])
    execute(db, "UPDATE cards SET did = 'a deck' WHERE id = 420")
    with pytest.raises(DeckError, match=r"card 420: not a valid card row"):
        read_anki_package(package(tmp_path / "bad.apkg", db, modern=True))


def test_cards_come_in_note_order_whatever_the_order_of_their_ids(tmp_path):
    db = colpkg_collection(tmp_path)
    execute(db, "DELETE FROM cards", "DELETE FROM notes", "DELETE FROM revlog")
    add_note(db, 2, "second", OPTIONAL, ["B", "b", "y"], [1, 0])
    add_note(db, 1, "first", OPTIONAL, ["A", "a", "y"], [1, 0])
    execute(db, "UPDATE cards SET id = 100 - id")  # the later note's cards, and each note's reverse, first by id
    deck = read_anki_package(package(tmp_path / "order.apkg", db, modern=True))
    assert [(card.guid, card.ord) for card in deck.cards] == [("first", 0), ("first", 1), ("second", 0),
                                                               ("second", 1)]


def test_a_card_row_repeated_in_a_table_without_its_key_is_read_as_its_first_row(tmp_path):
    db = colpkg_collection(tmp_path)
    execute(db, "CREATE TABLE keyless AS SELECT * FROM cards", "DROP TABLE cards",
            "ALTER TABLE keyless RENAME TO cards")
    add_note(db, 42, "twice", BASIC, ["Front", "Back"], [0])
    execute(db, "INSERT INTO cards SELECT * FROM cards WHERE id = 420", "UPDATE cards SET queue = -1 WHERE rowid = "
            "(SELECT max(rowid) FROM cards WHERE id = 420)")  # the same card again, suspended, after it
    deck = read_anki_package(package(tmp_path / "twice.apkg", db, modern=True))
    (card,) = [card for card in deck.cards if card.guid == "twice"]
    assert not card.suspended


@pytest.mark.parametrize("name, expected", [
    ("red-square.png", "red-square.png"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("C:evil.png", "evil.png"),
    ("/abs/path.png", "path.png"),
    ("...", ""),
    ("a\x1b[31mb.png", "ab.png"),
    ("con.txt", "_con.txt"),
    ("what?.png", "what_.png"),
    ("x" * 300 + ".png", "x" * 196 + ".png"),
])
def test_safe_media_names(name, expected):
    assert safe_media_name(name) == expected


def test_image_occlusion_notes_are_skipped_with_a_warning(tmp_path):
    db = colpkg_collection(tmp_path)
    add_note(db, 6, "occlusion", 1795419416299, ["{{c1::image-occlusion:rect:left=.1:top=.2}}", "<img src=x.png>",
                                                 "", "", ""], [0])
    deck = read_anki_package(package(tmp_path / "io.apkg", db, modern=True))
    assert len(deck.cards) == 71
    assert deck.warnings == [f"{tmp_path / 'io.apkg'}: collection.anki21b: warning: skipped 1 card of note type "
                             "'Image Occlusion' (image occlusion is not supported)"]


# -- the readers' fast paths give what the general paths give -------------------------------------
from dataclasses import fields as dataclass_fields  # noqa: E402
from html import unescape  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from quiz.formats import html_text  # noqa: E402
from quiz.formats.anki_notes import (  # noqa: E402
    CLOZE,
    STOCK,
    ContentIds,
    NoteType,
    Template,
    content_card_id,
    render_card,
    simple_plan,
)
from quiz.formats.html_text import html_to_text  # noqa: E402
from quiz.model import Card, LocalText, imported_card, plain_text  # noqa: E402

FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None)
_TAGS = ["<b>", "</b>", "<i>", "</I>", "<br>", "<br/>", "<br />", "<div>", "</div>", "<p>", "<h1>", "<span>",
         "<header>", "<img src=x.png>", "<script>", "</script>", "<br x>", "<b >", "<  b>", "<", ">", "<<b>>",
         "<bx>", "<!-- c -->", "<STRONG>", "</td>", "<a1>", "<sub/>", "[sound:a.mp3]", "[sou", "nd:b.ogg]",
         "<u>", "</p>", "<em>", "</sup>", "<br  />", "<br >", "<div/>", "<p/>", "<span >", "br>", "<"]
_PIECES = st.lists(st.one_of(st.sampled_from(_TAGS), st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;",
                                                                      "&amp;lt;", "&am", "&#27;", "&ltx;", "&"]),
                             st.text(max_size=6)), max_size=12).map("".join)


@FAST
@given(_PIECES)
def test_plain_tag_stage_is_the_general_tag_stage(html):
    plain = html_text._plain_tags(html)
    if plain is not None:  # taken only where the general stage would neither drop, nor show media, nor keep a tag
        assert not html_text._SPECIAL_TAG.search(html)
        assert plain == html_text._ANY_TAG.sub("", html_text._BREAK.sub("\n", html))


def test_plain_tag_names_are_neither_special_nor_misread():
    for name in html_text._PLAIN_BLOCKS | html_text._PLAIN_INLINE:
        for tag in (f"<{name}>", f"</{name}>", f"<{name}/>", f"<{name} />", f"<{name.upper()}>"):
            assert html_text._plain_tags(tag) == ("\n" if name in html_text._PLAIN_BLOCKS else "")
            assert not html_text._SPECIAL_TAG.search(tag)
            assert bool(html_text._BREAK.fullmatch(tag)) == (name in html_text._PLAIN_BLOCKS)
    assert html_text._plain_tags("<b>x</b><img src=a.png>") is None


@FAST
@given(_PIECES)
def test_fast_unescape_is_unescape(text):
    assert html_text._unescape(text) == unescape(text)


def _note_fields(note_type: NoteType, values: list[str]) -> dict[str, str]:
    import itertools
    fields = {"Tags": "", "Type": note_type.name}
    fields.update(itertools.zip_longest(note_type.fields, values[:len(note_type.fields)], fillvalue=""))
    return fields


_TEMPLATES = st.sampled_from([
    Template("T", "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"),
    Template("T", "{{Back}}", "{{FrontSide}}\n\n<hr id=answer>\n\n{{Front}}"),
    Template("T", "{{ Extra }}", "{{FrontSide}}<hr id=\"answer\">{{Missing}}"),
    Template("T", "{{Front}}\n\n{{type:Back}}", "{{Front}}<hr id=answer>{{type:Back}}"),
    Template("T", "{{#Back}}{{Front}}{{/Back}}", "<hr id=answer>{{Back}}"),
    Template("T", "{{Tags}}", "{{FrontSide}}<hr id=answer>{{Back}}"),
])


@FAST
@given(st.lists(_TEMPLATES, min_size=1, max_size=3), st.lists(_PIECES, max_size=4),
       st.sampled_from([("Front", "Back"), ("Front", "Back", "Extra"), ("Back", "Front", "Front"), ()]),
       st.integers(-1, 3))
def test_simple_plan_is_render_cards_simple_path(templates, values, names, ord_):
    note_type = NoteType("Custom", names, tuple(templates))
    plan = simple_plan(note_type)
    general = render_card(note_type, _note_fields(note_type, values), ord_)
    simple = plan[ord_] if 0 <= ord_ < len(plan) else None
    if simple is not None:  # what _build_cards does with the plan
        question, answer = simple
        front = html_to_text(values[question].strip() if 0 <= question < len(values) else "")
        back = html_to_text(values[answer].strip() if 0 <= answer < len(values) else "") if front else ""
        assert general == ((ord_, front, back, None) if front and back else None)


@FAST
@given(st.lists(st.sampled_from(["{{c1::", "{{c2::", "{{c3::", "}}", "::", "hint", "<i>w</i>", "a", " ", "{{c0::",
                                 "{{c1::x::h}}", "<br>"]), max_size=14).map("".join), _PIECES)
def test_cloze_fast_path_and_memo_are_the_general_path(text, extra):
    stock = STOCK[CLOZE]
    # The same templates, but the question is no longer only {{cloze:Text}}: render_card's general path.
    general = NoteType("Cloze", stock.fields, (Template("Cloze", "{{cloze:Text}}{{#Nope}}x{{/Nope}}",
                                                        stock.templates[0].answer),), cloze=True)
    fields = _note_fields(stock, [text, extra])
    memo: dict[str, str] = {}
    for ord_ in range(4):
        expected = render_card(general, fields, ord_)
        assert render_card(stock, fields, ord_) == expected
        assert render_card(stock, fields, ord_, memo=memo) == expected


@FAST
@given(st.lists(st.sampled_from(["a", "b", "Paris?", "", "é", "\ud800"]), max_size=30))
def test_content_ids_are_content_card_ids_made_unique(fronts):
    compact, seen, expected = ContentIds(), set(), []
    for front in fronts:  # the plain way: the id, else the first free -2, -3, ...
        ident, n = content_card_id(front), 2
        unique = ident
        while unique in seen:
            unique, n = f"{ident}-{n}", n + 1
        seen.add(unique)
        expected.append(unique)
    assert [compact.add(front) for front in fronts] == expected


@FAST
@given(st.text(max_size=5), st.text(max_size=5), st.one_of(st.none(), st.text(max_size=5)), st.booleans(),
       st.integers(0, 5))
def test_imported_card_is_the_dataclass_constructor(front, back, explain, suspended, ord_):
    made = imported_card("id", front, back, explain, ("t",), "g", ord_, ("D",), "Basic", suspended, ("m.png",))
    expected = Card(id="id", front=LocalText.of(front), back=LocalText.of(back),
                    explain=LocalText.of(explain) if explain else None, tags=("t",), guid="g", ord=ord_,
                    deck_path=("D",), note_type="Basic", suspended=suspended, media=("m.png",))
    assert made == expected and hash(made) == hash(expected)
    assert all(getattr(made, f.name) == getattr(expected, f.name) for f in dataclass_fields(Card))
    assert plain_text(front) == LocalText.of(front)
