"""The parsed deck kept in the store (JSON, schema v3), registering a parsed deck, file stamps,
and a deck's fitted FSRS parameters reaching its scheduler."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from quiz.config import StudyConfig
from quiz.formats.json_deck import VERSION, deck_from_json, deck_to_json
from quiz.formats.yaml_deck import load_deck
from quiz.model import Card, Completeness, Deck, Entity, Fact, LocalText, Relation, Source
from quiz.store import decks as store_decks
from quiz.store.database import open_database
from quiz.store.items import Schedule
from quiz.study import engine
from quiz.study.engine import Library

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures"
NOW = 1_750_000_000_000
IMPORT_ONLY = {"path", "reviews", "media_files", "warnings"}


def same_deck(a: Deck, b: Deck) -> bool:
    return all(getattr(a, f.name) == getattr(b, f.name) for f in fields(Deck) if f.name not in IMPORT_ONLY)


def odd_deck() -> Deck:
    """Every field the model has, at values other than its defaults."""
    both = LocalText.of({"en": "Hello", "id": "Halo"})
    return Deck(
        id="odd", title=both, description=LocalText.of("one for all"), languages=("en", "id"), topics=("t1",),
        sources={"s1": Source("s1", "Outlet", "Title", "2024-01-02", "approx.", "seed-1", "http://x")},
        entities={"a": Entity("a", "country", both, ("A1", "[A]"), ("tag",)),
                  "b": Entity("b", "country", LocalText.of("B"))},
        relations={"r": Relation("r", "country", "year", LocalText.of("R"), {"en": {"statement": "{s} {v}"}},
                                 None, LocalText.of({"en": "T"}), True,
                                 Completeness(True, frozenset({1990, "x", 2.5}), frozenset({"a"})))},
        facts=[Fact("f1", "a", "r", 1990, "reported", False, "2020", ("s1",), both, ("ninety",)),
               Fact("f2", "b", "r", LocalText.of({"en": "text", "id": "teks"}), negated=True),
               Fact("f3", "b", "r", True), Fact("f4", "a", "r", "b"), Fact("f5", "a", "r", 2.5)],
        cards=[Card("c1", both, LocalText.of("back\nline"), ("alt",), (LocalText.of("x"), both), both, ("t",),
                    ("s1",), "guid-1", 2, ("Parent", "Child"), "Cloze", True, ("a.png",)),
               Card("c2", LocalText.of("\x1b[31m[b]x[/b]"), LocalText.of("\x00"))],
        path="ignored", warnings=["not kept"],
    )


# -- the JSON form ---------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [odd_deck, lambda: load_deck(ROOT / "decks" / "russia-allies.yaml"),
                                  lambda: load_deck(ROOT / "tests" / "data" / "mini.yaml")])
def test_a_deck_model_round_trips_through_json(make):
    deck = make()
    text = deck_to_json(deck)
    again = deck_from_json(text, "where")
    assert same_deck(deck, again) and again.path == "where"
    assert deck_to_json(again) == text  # deterministic: the same deck, the same text
    values = [f.value for f in again.facts]
    assert [type(v) for v in values] == [type(f.value) for f in deck.facts]  # True stays a bool, 2.5 a float


@pytest.mark.parametrize("text", [
    "", "[]", "null", '{"v": 99}', json.dumps({"v": VERSION}), "{not json",
    deck_to_json(odd_deck()).replace('"entities":[[', '"entities":[["extra",'),
    deck_to_json(odd_deck()).replace('"title":[[', '"title":[[1,'),
    deck_to_json(odd_deck()).replace('{"t":', '{"__class__":'),
])
def test_anything_but_a_deck_model_is_refused(text):
    with pytest.raises(ValueError):
        deck_from_json(text)


# -- in the store ----------------------------------------------------------------------------------
@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "quiz.db")
    yield database
    database.close()


def _no_yaml(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr("quiz.formats.yaml_deck.parse_deck", refuse)


def test_registering_keeps_the_parsed_deck_and_sessions_use_it(db, mini_path, monkeypatch):
    source = mini_path.read_text()
    store_decks.register(db, source, origin="file", path=str(mini_path), now_ms=NOW)
    model, version = db.conn.execute("SELECT model, model_version FROM decks").fetchone()
    assert version == store_decks.model_version() and json.loads(model)["v"] == VERSION
    expected = load_deck(mini_path)
    _no_yaml(monkeypatch)
    assert same_deck(store_decks.load_model(db.conn, "mini"), expected)


@pytest.mark.parametrize("stale", ["NULL", "'0:0.0.0'", "'garbage'"])
def test_a_missing_or_older_model_is_rebuilt_from_the_source_and_kept(db, mini_path, stale):
    store_decks.register(db, mini_path.read_text(), origin="file", path=str(mini_path), now_ms=NOW)
    if stale == "'garbage'":
        db.conn.execute("UPDATE decks SET model = '{\"v\": 1, \"id\": 5}'")
    else:
        db.conn.execute(f"UPDATE decks SET model = NULL, model_version = {stale}")
    assert same_deck(store_decks.load_model(db.conn, "mini"), load_deck(mini_path))
    model, version = db.conn.execute("SELECT model, model_version FROM decks").fetchone()
    assert version == store_decks.model_version() and same_deck(deck_from_json(model), load_deck(mini_path))


def test_a_parsed_deck_is_registered_without_being_written_or_parsed_as_yaml(tmp_path, mini_path, monkeypatch):
    deck = load_deck(mini_path)
    by_text = open_database(tmp_path / "a.db")
    store_decks.register(by_text, mini_path.read_text(), origin="imported", now_ms=NOW)
    _no_yaml(monkeypatch)
    monkeypatch.setattr("quiz.formats.yaml_export.deck_to_yaml", lambda *_: pytest.fail("written as YAML"))
    by_model = open_database(tmp_path / "b.db")
    report = store_decks.register(by_model, origin="imported", path="x.apkg", now_ms=NOW, deck=deck)
    assert report.added > 0 and not report.skipped
    items = "SELECT qid, template, anchor, kind, facts, topic, hash FROM items ORDER BY qid"
    assert by_model.conn.execute(items).fetchall() == by_text.conn.execute(items).fetchall()
    assert by_model.conn.execute("SELECT format, model FROM decks").fetchone() == ("json", None)
    assert same_deck(store_decks.load_model(by_model.conn, "mini"), deck)
    again = store_decks.register(by_model, origin="imported", path="x.apkg", now_ms=NOW, deck=deck)
    assert again.skipped and again.deck == "mini"
    with pytest.raises(ValueError):
        store_decks.register(by_model, "text", origin="imported", now_ms=NOW, deck=deck)
    by_text.close()
    by_model.close()


def test_a_deck_registered_parsed_exports_and_reimports_as_the_same(tmp_path, mini_path, monkeypatch):
    from click.testing import CliRunner

    from quiz.cli import main

    monkeypatch.setenv("QUIZ_CONFIG", str(tmp_path / "none.toml"))
    db = tmp_path / "quiz.db"
    with Library.open(db, sync_bundled=False) as library:
        library.add_deck(load_deck(mini_path))
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(main, ["--db", str(db), "export", "mini", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert same_deck(load_deck(out), load_deck(mini_path))


def test_an_unchanged_deck_file_is_not_read_again(tmp_path, mini_path, monkeypatch):
    deck_file = tmp_path / "mini.yaml"
    deck_file.write_text(mini_path.read_text())
    with Library.open(tmp_path / "quiz.db", sync_bundled=False) as library:
        assert library.add_deck_file(deck_file).added > 0
        reads = []
        real = engine._read
        monkeypatch.setattr(engine, "_read", lambda path: reads.append(path) or real(path))
        assert library.add_deck_file(deck_file).skipped and reads == []
        deck_file.write_text(mini_path.read_text() + "\n# changed\n")
        report = library.add_deck_file(deck_file)
        assert reads == [deck_file] and report.added == 0 and report.unchanged > 0  # read again: a new text
        deck_file.write_text(mini_path.read_text().replace("Mini", "Mini two", 1))
        assert not library.add_deck_file(deck_file).skipped


def test_the_deck_size_limit_matches_the_yaml_loader():
    from quiz.formats.strict_yaml import MAX_YAML_BYTES

    assert engine.MAX_DECK_BYTES == MAX_YAML_BYTES


# -- FSRS parameters per deck ------------------------------------------------------------------------
def test_a_deck_s_fitted_parameters_reach_its_scheduler(tmp_path, mini_path):
    from fsrs.scheduler import DEFAULT_PARAMETERS

    fitted = [round(w * 1.1 + 0.01, 4) for w in DEFAULT_PARAMETERS]
    with Library.open(tmp_path / "quiz.db", sync_bundled=False, clock=lambda: NOW) as library:
        library.add_deck_file(mini_path)
        deck = library._stored("mini")
        assert deck.parameters is None and library.scheduling(deck).parameters == tuple(DEFAULT_PARAMETERS)
        default_after = library.scheduling(deck).review(1, Schedule(), 3, NOW)
        library.db.conn.execute("UPDATE decks SET parameters = ?", (json.dumps(fitted),))
        library.config = StudyConfig()  # settings changed: schedulers rebuilt from the next session
        deck = library._stored("mini")
        assert deck.parameters == tuple(fitted)
        scheduling = library.scheduling(deck)
        assert scheduling.parameters == tuple(fitted)
        assert scheduling.review(1, Schedule(), 3, NOW).stability != default_after.stability
        session = library.session("mini")
        shown = session.next()
        assert session._scheduling.parameters == tuple(fitted) and shown is not None


@pytest.mark.parametrize("stored", ["not json", "[]", '"x"', "[1, 2, 3]", '[true, 1]'])
def test_unusable_parameters_mean_fsrs_s_defaults(tmp_path, mini_path, stored):
    from fsrs.scheduler import DEFAULT_PARAMETERS

    with Library.open(tmp_path / "quiz.db", sync_bundled=False, clock=lambda: NOW) as library:
        library.add_deck_file(mini_path)
        library.db.conn.execute("UPDATE decks SET parameters = ?", (stored,))
        scheduling = library.scheduling(library._stored("mini"))
        assert scheduling.parameters == tuple(DEFAULT_PARAMETERS)


# -- what a session start loads ----------------------------------------------------------------------
def test_opening_a_session_imports_no_yaml_sqlite_utils_rapidfuzz_fsrs_or_hashlib(tmp_path, mini_path):
    db = tmp_path / "quiz.db"
    with Library.open(db) as library:  # registers the bundled deck (parses its YAML once)
        library.add_deck_file(mini_path)
    code = (f"from quiz.study.engine import Library\nlib = Library.open({str(db)!r})\n"
            "s = lib.session('russia-allies')\nassert s.next() is not None\n"
            "s2 = lib.session('mini')\nassert s2.next() is not None\n"
            "import sys; print(' '.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    loaded = set(out.split())
    assert not loaded & {"yaml", "sqlite_utils", "dateutil", "rapidfuzz", "fsrs", "textual"}
    assert "_hashlib" not in loaded  # BLAKE2 comes from _blake2: hashlib's OpenSSL module is ~5 ms of start-up


def test_undo_goes_back_a_bounded_number_of_answers(tmp_path, mini_path, monkeypatch):
    monkeypatch.setattr(engine, "UNDO_DEPTH", 2)
    with Library.open(tmp_path / "quiz.db", sync_bundled=False, clock=lambda: NOW) as library:
        library.add_deck_file(mini_path)
        session = library.session("mini")
        answered = []
        for _ in range(3):
            shown = session.next()
            if shown.question.kind == "flashcard":
                session.grade(shown, 3, 2000)
            else:
                session.answer(shown, list(shown.question.answer) if shown.question.kind != "type_in"
                               and shown.question.kind != "cloze" else shown.question.answer_text, 2000)
            answered.append(shown.item_id)
        assert session.undo().item_id == answered[2]
        session.next()
        assert session.undo().item_id == answered[1]
        assert session.undo() is None  # the oldest answer is beyond the bound
        assert library.db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_a_parsed_deck_with_its_json_is_not_serialised_again(tmp_path, mini_path, monkeypatch):
    deck = load_deck(mini_path)
    made = store_decks.deck_source(deck)
    db = open_database(tmp_path / "a.db")
    monkeypatch.setattr(store_decks, "deck_source", lambda *_: pytest.fail("serialised twice"))
    report = store_decks.register(db, origin="imported", now_ms=NOW, deck=deck, deck_json=made)
    assert report.added > 0
    assert db.conn.execute("SELECT source, format FROM decks").fetchone() == (made, "json")
    db.close()


def test_slots_maker_makes_what_the_dataclass_constructor_makes():
    from dataclasses import dataclass

    from quiz.model import slots_maker

    both = LocalText.of({"en": "Hello", "id": "Halo"})
    made = slots_maker(Fact)("f1", "a", "r", both, "reported", True, "2020", ("s1",), both, ("x",))
    assert made == Fact("f1", "a", "r", both, "reported", True, "2020", ("s1",), both, ("x",))
    assert type(made) is Fact and made.is_false and hash(made) == hash(Fact("f1", "a", "r", both, "reported", True,
                                                                              "2020", ("s1",), both, ("x",)))
    assert slots_maker(Entity)("a", "country", both, (), ()) == Entity("a", "country", both)
    assert slots_maker(LocalText)((("*", "x"),)) == LocalText.of("x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.id = "other"  # still frozen

    @dataclass
    class Loose:
        a: int

    with pytest.raises(TypeError):
        slots_maker(Loose)
