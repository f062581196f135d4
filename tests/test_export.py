"""Exporting decks: YAML that reads back as the same deck, CSV with Anki's headers; both import again."""

from __future__ import annotations

import hashlib
import json
import zipfile
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
    from quiz.formats.yaml_deck import load_deck

    assert same_deck(load_deck(tmp_path / "chem.yaml"), original)

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


# -- Anki packages (.apkg) ----------------------------------------------------------------------------
def _apkg_cards(path: Path, tmp_path: Path) -> list[Card]:
    return read_deck_file(path, media_dir=tmp_path / "media").cards


def _note_rows(path: Path) -> list[tuple]:
    """(guid, note type name, fields, tags) of every note in a package genanki wrote, and the decks."""
    import sqlite3

    with zipfile.ZipFile(path) as archive:
        data = archive.read("collection.anki2")
    db = path.with_suffix(".sqlite")
    db.write_bytes(data)
    conn = sqlite3.connect(db)
    try:
        models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
        models = {int(k): v["name"] for k, v in models.items()}
        rows = [(guid, models[mid], flds.split("\x1f"), tags.split()) for guid, mid, flds, tags in
                conn.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY id")]
        decks = {v["name"] for v in json.loads(conn.execute("SELECT decks FROM col").fetchone()[0]).values()}
    finally:
        conn.close()
        db.unlink()
    return rows, decks


@needs_fixtures
def test_an_anki_deck_exported_as_apkg_imports_as_the_same_cards(tmp_path):
    from quiz.formats.apkg_export import write_apkg

    deck = read_deck_file(FIXTURES / "anki" / "chemistry-modern.apkg", media_dir=tmp_path / "in")
    assert write_apkg(deck, tmp_path / "out.apkg", timestamp=1_800_000_000) == 38  # 38 notes, as in Anki
    again = read_deck_file(tmp_path / "out.apkg", media_dir=tmp_path / "out")
    assert again.warnings == []

    def key(card: Card) -> tuple:
        return (card.id, card.guid, card.ord, card.front, card.back, card.explain, card.tags, card.deck_path)

    # Same ids (from the same guids and card numbers), sides, tags, decks; clozes as clozes, hint included.
    assert sorted(map(key, again.cards)) == sorted(map(key, deck.cards))
    # Suspended cards stay suspended (their import would otherwise unsuspend them).
    assert {c.id for c in again.cards if c.suspended} == {c.id for c in deck.cards if c.suspended} != set()
    rows, decks = _note_rows(tmp_path / "out.apkg")
    assert {"Chemistry::Elements", "Chemistry::Sentences"} <= decks
    types = {name for _, name, _, _ in rows}
    assert types == {"Basic (and reversed card) (quiz)", "Cloze (quiz)"}
    texts = [fields[0] for _, name, fields, _ in rows if name == "Cloze (quiz)"]
    assert "The noble gas with atomic number 10 is {{c1::neon::a gas in signs}}." in texts
    assert "Gold's symbol {{c1::Au}} comes from the Latin {{c1::aurum}}." in texts
    assert "Table salt is sodium {{c1::chloride}} &amp; it dissolves in water." in texts
    assert {guid for guid, *_ in rows} == {card.guid for card in deck.cards}


@needs_fixtures
def test_an_anki_decks_media_go_back_into_the_package(tmp_path):
    from quiz.formats.apkg_export import write_apkg

    deck = read_deck_file(FIXTURES / "anki" / "chemistry-modern.apkg", media_dir=tmp_path / "in")
    (fe,) = [card for card in deck.cards if card.media and card.ord == 0]
    write_apkg(deck, tmp_path / "out.apkg", timestamp=1_800_000_000, media_dir=tmp_path / "in")
    with zipfile.ZipFile(tmp_path / "out.apkg") as archive:
        assert json.loads(archive.read("media")) == {"0": "red-square.png"}
        assert archive.read("0") == (tmp_path / "in" / "red-square.png").read_bytes()
    rows, _ = _note_rows(tmp_path / "out.apkg")
    assert any('<img src="red-square.png">' in field for _, _, fields, _ in rows for field in fields)
    again = read_deck_file(tmp_path / "out.apkg", media_dir=tmp_path / "out")
    (back,) = [card for card in again.cards if card.id == fe.id]
    assert back.media == ("red-square.png",) and back.back == fe.back  # the placeholder again, a file behind it
    assert (tmp_path / "out" / "red-square.png").read_bytes() == (tmp_path / "in" / "red-square.png").read_bytes()
    # quiz export takes them from the library's media folder.
    db, out, package = str(tmp_path / "quiz.db"), tmp_path / "cli.apkg", FIXTURES / "anki" / "chemistry-modern.apkg"
    assert CliRunner().invoke(main, ["--db", db, "import", str(package)]).exit_code == 0
    assert CliRunner().invoke(main, ["--db", db, "export", "chemistry", "-o", str(out)]).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("media")) == {"0": "red-square.png"}
    # Without the media folder: the placeholder stays text, no file goes in.
    write_apkg(deck, tmp_path / "bare.apkg", timestamp=1_800_000_000)
    with zipfile.ZipFile(tmp_path / "bare.apkg") as archive:
        assert json.loads(archive.read("media")) == {} and "0" not in archive.namelist()


def test_only_a_cards_own_media_files_in_its_folder_become_references(tmp_path):
    from quiz.formats.apkg_export import write_apkg

    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"png")
    (folder / "x].mp3").write_bytes(b"mp3")
    (tmp_path / "secret.png").write_bytes(b"secret")
    text = "[image: a.png] [image: b.png] [image: ../secret.png] [audio: x].mp3] [image: c.png]"
    card = Card(id="c1", front=LocalText.of(text), back=LocalText.of("back"),
                media=("a.png", "b.png", "../secret.png", "x].mp3"))  # c.png: named in the text only
    deck = Deck(id="m", title=LocalText.of("M"), cards=[card])
    write_apkg(deck, tmp_path / "m.apkg", media_dir=folder)
    rows, _ = _note_rows(tmp_path / "m.apkg")
    (front,) = [fields[0] for _, _, fields, _ in rows]
    # a.png is there and listed; b.png is missing, ../secret.png is outside, x].mp3 cannot be a [sound:],
    # c.png is not the card's: all stay text.
    assert front == '<img src="a.png"> [image: b.png] [image: ../secret.png] [audio: x].mp3] [image: c.png]'
    with zipfile.ZipFile(tmp_path / "m.apkg") as archive:
        assert json.loads(archive.read("media")) == {"0": "a.png", "1": "x].mp3"}


def test_apkg_ids_are_stable_and_an_unchanged_deck_gives_the_same_bytes(tmp_path):
    from quiz.formats.apkg_export import stable_id, write_apkg

    deck = load_deck(ROOT / "tests" / "data" / "mini.yaml")
    write_apkg(deck, tmp_path / "a.apkg", timestamp=1_700_000_000)
    write_apkg(deck, tmp_path / "b.apkg", timestamp=1_700_000_000)
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()
    write_apkg(deck, tmp_path / "c.apkg", timestamp=1_700_000_500)  # changed later: newer notes, the same guids
    first, _ = _note_rows(tmp_path / "a.apkg")
    later, _ = _note_rows(tmp_path / "c.apkg")
    assert [guid for guid, *_ in first] == [guid for guid, *_ in later] and len({g for g, *_ in first}) == len(first)
    assert stable_id("d", "deck", "D") == stable_id("d", "deck", "D") != stable_id("e", "deck", "D")


def test_a_fact_deck_exports_its_questions_as_notes(tmp_path):
    from quiz.formats.apkg_export import write_apkg
    from quiz.questions.generator import generate

    deck = load_deck(ROOT / "decks" / "russia-allies.yaml")
    questions = [q for q in generate(deck) if not q.template.startswith("card.")]
    assert write_apkg(deck, tmp_path / "f.apkg") == len(questions)
    cards = _apkg_cards(tmp_path / "f.apkg", tmp_path)
    assert len(cards) == len(questions)
    by_front = {card.front.get("en"): card for card in cards}
    flash = next(q for q in questions if q.kind == "flashcard" and q.explanation and q.sources)
    card = by_front[flash.prompt]
    back = card.back.get("en")
    assert back.startswith(flash.answer_text) and flash.explanation in back
    assert f"Source: {flash.sources[0]['outlet']}" in back
    mcq = next(q for q in questions if q.kind == "mcq" and q.template == "mcq.ask_value")
    card = next(c for c in cards if c.front.get("en").startswith(mcq.prompt + "\n"))
    letters = "ABCD"
    assert card.front.get("en").splitlines()[1:] == [f"{letters[i]}. {c}" for i, c in enumerate(mcq.choices)]
    assert card.back.get("en").startswith(f"{letters[mcq.answer[0]]}. {mcq.answer_text}")


def test_hostile_text_reaches_anki_as_text(tmp_path):
    from quiz.formats.apkg_export import escape, write_apkg

    hostile = ['<script>alert(1)</script> & <b>bold</b>', "{{c1::not a cloze}} {{Front}}", "[sound:evil.mp3]",
               "&amp; stays &lt;literal&gt;", "line one\nline two"]
    cards = [Card(id=f"h{i}", front=LocalText.of(text), back=LocalText.of(f"answer {i}: {text}"), tags=("two words",))
             for i, text in enumerate(hostile)]
    deck = Deck(id="hostile", title=LocalText.of("Top::Sub"), cards=cards)
    write_apkg(deck, tmp_path / "h.apkg")
    rows, decks = _note_rows(tmp_path / "h.apkg")
    assert decks >= {"Top::Sub"}
    for _, _, values, tags in rows:
        assert tags == ["two_words"]
        for field in values:
            assert "<script" not in field and "<b>" not in field and "{{" not in field and "[sound:" not in field
    assert escape("a\nb") == "a<br>b"
    assert rows[2][2][0] == "&#91;sound:evil.mp3]"  # Anki shows it, and plays nothing
    # quiz's importer reads every other field back as it was (a "[sound:...]" it shows as a placeholder).
    again = _apkg_cards(tmp_path / "h.apkg", tmp_path)
    assert [(c.front.get("en"), c.back.get("en")) for c in again if "audio" not in c.front.get("en")] == \
        [(c.front.get("en"), c.back.get("en")) for c in cards if "sound" not in c.front.get("en")]


def test_export_apkg_command(runner, tmp_path):
    db = str(tmp_path / "q.db")
    out = tmp_path / "deck.apkg"
    result = runner.invoke(main, ["--db", db, "export", "russia-allies", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "apkg" in result.output and out.stat().st_size > 0
    first = out.read_bytes()
    assert runner.invoke(main, ["--db", db, "export", "russia-allies", "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == first  # the same deck, unchanged: the same file
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".deck.apkg")] == []  # no temporary left
    result = runner.invoke(main, ["--db", db, "export", "russia-allies", "--format", "apkg", "-o", "-"])
    assert result.exit_code == 1 and "-o" in result.output
    result = runner.invoke(main, ["--db", db, "export", "russia-allies", "-o", str(tmp_path / "no" / "a.apkg")])
    assert result.exit_code == 1 and "cannot write" in result.output and not (tmp_path / "no").exists()


def test_an_exported_file_gets_a_new_file_s_mode_or_keeps_the_one_it_replaces(runner, tmp_path):
    import os
    import stat

    db = str(tmp_path / "q.db")
    old = os.umask(0o022)
    try:
        for fmt in ("yaml", "csv", "apkg"):
            path = tmp_path / f"out.{fmt}"
            assert runner.invoke(main, ["--db", db, "export", "russia-allies", "-o", str(path)]).exit_code == 0
            assert stat.S_IMODE(path.stat().st_mode) == 0o644, fmt  # not mkstemp's owner-only 0600
            path.chmod(0o640)
            assert runner.invoke(main, ["--db", db, "export", "russia-allies", "-o", str(path)]).exit_code == 0
            assert stat.S_IMODE(path.stat().st_mode) == 0o640, fmt  # a file replaced keeps its mode
    finally:
        os.umask(old)


def test_an_export_through_a_symlink_or_into_a_pipe_writes_where_it_points(runner, tmp_path):
    import os
    import threading

    db = str(tmp_path / "q.db")
    for fmt in ("csv", "apkg"):
        real, link = tmp_path / f"real.{fmt}", tmp_path / f"link.{fmt}"
        real.write_text("old")
        link.symlink_to(real.name)
        assert runner.invoke(main, ["--db", db, "export", "russia-allies", "-o", str(link)]).exit_code == 0
        assert link.is_symlink() and real.read_bytes() != b"old" and real.stat().st_size > 100, fmt

        fifo = tmp_path / f"pipe.{fmt}"
        os.mkfifo(fifo)
        got = []
        reader = threading.Thread(target=lambda fifo=fifo, got=got: got.append(fifo.read_bytes()), daemon=True)
        reader.start()
        result = runner.invoke(main, ["--db", db, "export", "russia-allies", "--format", fmt, "-o", str(fifo)])
        reader.join(10)
        assert result.exit_code == 0, result.output
        assert fifo.is_fifo() and got and got[0] == real.read_bytes(), fmt  # what the file got, through the pipe


def test_an_export_to_dev_stdout_goes_into_the_pipe_or_the_file_the_shell_opened(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "QUIZ_CONFIG": str(tmp_path / "no-config.toml")}
    env.pop("QUIZ_DB", None)
    command = [sys.executable, "-m", "quiz", "--db", str(tmp_path / "q.db"), "export", "russia-allies",
               "--format", "csv", "-o", "/dev/stdout"]
    piped = subprocess.run(command, capture_output=True, env=env, cwd=tmp_path)  # stdout: a pipe
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"#separator:tab\n") and len(piped.stdout) > 1000
    log = tmp_path / "log.txt"
    log.write_bytes(b"earlier line\n")
    with log.open("ab") as appended:  # as the shell's >> opens it
        assert subprocess.run(command, stdout=appended, env=env, cwd=tmp_path).returncode == 0
    assert log.read_bytes() == b"earlier line\n" + piped.stdout


@needs_fixtures
def test_quiz_export_apkg_suspends_the_cards_the_learner_suspended(runner, tmp_path):
    from quiz.study.engine import Library

    db = str(tmp_path / "q.db")
    assert runner.invoke(main, ["--db", db, "import", str(FIXTURES / "anki" / "chemistry-no-scheduling.apkg")]) \
        .exit_code == 0
    with Library.open(db, sync_bundled=False) as library:
        session = library.session("chemistry")
        shown = session.next()
        session.suspend(shown.item_id)
        card_id = shown.question.anchor.removeprefix("card:")
    out = tmp_path / "out.apkg"
    assert runner.invoke(main, ["--db", db, "export", "chemistry", "-o", str(out)]).exit_code == 0
    again = read_deck_file(out, media_dir=tmp_path / "media")
    assert {card.id for card in again.cards if card.suspended} == {card_id}


def test_quiz_s_own_apkg_imported_back_changes_nothing(runner, tmp_path):
    db = str(tmp_path / "q.db")
    assert runner.invoke(main, ["--db", db, "import", str(FIXTURES / "anki" / "chemistry-modern.apkg")]).exit_code == 0
    out = tmp_path / "out.apkg"
    assert runner.invoke(main, ["--db", db, "export", "chemistry", "-o", str(out)]).exit_code == 0
    # In Anki the note types say they are quiz's; read back, they are the ones the cards came with.
    assert {name for _, name, _, _ in _note_rows(out)[0]} == {"Basic (and reversed card) (quiz)", "Cloze (quiz)"}
    assert {card.note_type for card in read_deck_file(out, media_dir=tmp_path / "media").cards} == \
        {"Basic (and reversed card)", "Cloze"}
    result = runner.invoke(main, ["--db", db, "import", str(out), "--deck", "chemistry", "--json"])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.output)
    assert (report["added"], report["updated"], report["unchanged"]) == (0, 0, 71)
    assert report["questions_updated"] == 0
