"""Card decks stored a card a row (quiz.store.cards): ids, re-imports, all or nothing, older databases."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.config import StudyConfig
from quiz.formats.json_deck import card_to_json
from quiz.formats.problems import DeckError
from quiz.formats.text_deck import read_text_deck
from quiz.model import imported_card
from quiz.store import cards as card_store
from quiz.store.decks import load_model
from quiz.store.items import read_schedule
from quiz.study import importing
from quiz.study.engine import Library
from quiz.study.importing import import_deck

NOW = 1_800_000_000_000


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "quiz.db", config=StudyConfig(), clock=lambda: NOW, sync_bundled=False)
    yield lib
    lib.close()


@pytest.fixture(params=["read here", "read ahead"], autouse=True)
def reading(request, monkeypatch):
    """Every test twice: the file read in this process, and in a second one (quiz.study.read_ahead)."""
    monkeypatch.setenv("QUIZ_READ_AHEAD", "0" if request.param == "read here" else "1")
    if request.param == "read ahead":
        from quiz.study.read_ahead import _worth_it

        if not _worth_it():
            pytest.skip("reading ahead needs fork, two CPUs and no other thread")


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 3 cards: repeats and changes fall across batch boundaries."""
    monkeypatch.setattr(card_store, "BATCH", 3)


def dump(library) -> str:
    return hashlib.sha256("\n".join(library.db.conn.iterdump()).encode()).hexdigest()


def write(path, rows: list[str], header: str = "#separator:tab\n#html:false\n"):
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def cards_of(library, deck: str) -> list[tuple[str, str, str]]:
    """(id, front, back) of the stored deck's cards, in order."""
    return [(c.id, c.front.get("en"), c.back.get("en")) for c in load_model(library.db.conn, deck).cards]


def item_of(library, deck: str, card_id: str) -> int:
    return library.db.conn.execute("SELECT items.id FROM items JOIN decks ON decks.id = items.deck "
                                   "WHERE decks.name = ? AND anchor = ?", (deck, f"card:{card_id}")).fetchone()[0]


ROWS = ["dog\tanjing", "cat\tkucing", "dog\tanjing (2)", "bird\tburung", "dog\tanjing (3)", "cat\tkucing (2)",
        "fish\tikan"]


def test_repeated_fronts_get_the_ids_the_whole_deck_reader_gives(library, tmp_path, small_batches):
    path = write(tmp_path / "words.tsv", ROWS)
    report = import_deck(library, path)
    expected = [(c.id, c.front.get("en"), c.back.get("en")) for c in read_text_deck(path).cards]
    assert cards_of(library, "words") == expected
    assert len({card_id for card_id, _, _ in expected}) == len(ROWS)  # all unique: -2, -3 for the repeats
    assert (report.cards, report.added, report.notes) == (7, 7, 7)
    again = import_deck(library, path)
    assert (again.added, again.updated, again.unchanged, again.retired) == (0, 0, 7, 0)


def test_a_newer_text_file_updates_cards_keeps_progress_retires_and_restores(library, tmp_path, small_batches):
    path = write(tmp_path / "words.tsv", ROWS)
    import_deck(library, path)
    ids = {(front, back): card_id for card_id, front, back in cards_of(library, "words")}
    cat = item_of(library, "words", ids["cat", "kucing"])
    third_dog = item_of(library, "words", ids["dog", "anjing (3)"])
    conn = library.db.conn
    with conn:  # progress on two cards
        conn.execute("UPDATE items SET state = 2, stability = 5.0, due = ? WHERE id IN (?, ?)", (NOW, cat, third_dog))

    # cat's back changed, bird removed, a new card; the second dog gone, so the third is now the second
    # (a repeated front's id follows its place among the repeats, as the whole-deck reader numbers them)
    newer = ["dog\tanjing", "cat\tkucing!", "dog\tanjing (3)", "cat\tkucing (2)", "fish\tikan", "cow\tsapi"]
    write(path, newer)
    report = import_deck(library, path)
    assert (report.added, report.updated, report.unchanged, report.retired) == (1, 2, 3, 2)
    assert read_schedule(conn, cat).stability == 5.0  # changed content, progress kept
    assert [(f, b) for _, f, b in cards_of(library, "words")] == [
        ("dog", "anjing"), ("cat", "kucing!"), ("dog", "anjing (3)"), ("cat", "kucing (2)"), ("fish", "ikan"),
        ("cow", "sapi")]
    status = {anchor: s for anchor, s in conn.execute("SELECT anchor, status FROM items")}
    assert status[f"card:{ids['bird', 'burung']}"] == status[f"card:{ids['dog', 'anjing (3)']}"] == "retired"

    write(path, ROWS)  # the first file again: bird and the third dog come back with their items, cow retires
    report = import_deck(library, path)
    assert (report.added, report.updated, report.unchanged, report.retired) == (2, 2, 3, 1)  # (back: added)
    assert [(f, b) for _, f, b in cards_of(library, "words")] == [tuple(row.split("\t")) for row in ROWS]
    assert item_of(library, "words", ids["dog", "anjing (3)"]) == third_dog
    assert read_schedule(conn, third_dog).stability == 5.0  # its progress, as it was
    assert conn.execute("SELECT status FROM items WHERE id = ?", (third_dog,)).fetchone() == ("active",)


def test_a_file_failing_at_its_last_line_leaves_the_database_as_it_was(library, tmp_path, small_batches):
    path = write(tmp_path / "words.tsv", ROWS)
    import_deck(library, path)
    before = dump(library)
    broken = write(tmp_path / "broken.tsv", [*ROWS, '"never closed\tx'])
    for name in (None, "words"):  # a new deck, then an update of the stored one
        with pytest.raises(DeckError) as error:
            import_deck(library, broken, deck_name=name)
        assert "broken.tsv:10" in str(error.value) and "never closed" in str(error.value)
        assert dump(library) == before
    conn = library.db.conn
    assert conn.execute("PRAGMA ignore_check_constraints").fetchone()[0] == 0  # the status check is back
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE items SET status = 'lost' WHERE id = (SELECT min(id) FROM items)")


def test_a_cancel_while_streaming_changes_nothing(library, tmp_path, small_batches):
    path = write(tmp_path / "many.tsv", [f"front {n}\tback {n}" for n in range(12_000)])
    before = dump(library)
    seen = []

    def progress(done, total, stage):
        seen.append(stage)
        if stage == "store" and done > 0:
            raise importing.ImportCancelled

    with pytest.raises(importing.ImportCancelled):
        import_deck(library, path, progress=progress)
    assert dump(library) == before
    assert library.decks() == []


def test_a_dry_run_of_a_streamed_file_reports_what_the_import_does(library, tmp_path):
    path = write(tmp_path / "words.tsv", ROWS)
    before = dump(library)
    dry = import_deck(library, path, dry_run=True)
    assert dump(library) == before
    real = import_deck(library, path)
    assert {**dry.to_dict(), "dry_run": False} == real.to_dict()


def test_the_deck_a_text_file_names_is_the_deck_id(library, tmp_path):
    header = "#separator:tab\n#html:false\n#deck column:3\n"
    one = write(tmp_path / "one.tsv", ["a\tb\tFrench::Verbs", "c\td\tFrench::Nouns"], header)
    two = write(tmp_path / "two.tsv", ["a\tb\tFrench", "c\td\tSpanish"], header)
    assert import_deck(library, one).deck == read_text_deck(one).id == "french"
    assert import_deck(library, two).deck == read_text_deck(two).id == "two"
    assert import_deck(library, one, deck_name="verbs").deck == "verbs"  # named: the title is still the rows'
    assert [d.title for d in library.decks() if d.deck == "verbs"] == [read_text_deck(one, deck_id="verbs").title
                                                                       .get("en")] == ["French"]


def test_a_deck_stored_whole_by_an_older_quiz_is_updated_in_place(library, tmp_path):
    path = write(tmp_path / "words.tsv", ROWS)
    old = read_text_deck(path)
    library.add_deck(old, origin="imported", path=str(path))  # as quiz stored an import before (format 'json')
    conn = library.db.conn
    assert conn.execute("SELECT format FROM decks WHERE name = 'words'").fetchone() == ("json",)
    cat = item_of(library, "words", old.cards[1].id)
    with conn:
        conn.execute("UPDATE items SET state = 2, stability = 7.0 WHERE id = ?", (cat,))
    report = import_deck(library, path)
    assert (report.added, report.updated, report.unchanged, report.retired) == (0, 0, 7, 0)
    assert conn.execute("SELECT format FROM decks WHERE name = 'words'").fetchone() == ("cards",)
    assert item_of(library, "words", old.cards[1].id) == cat and read_schedule(conn, cat).stability == 7.0
    assert cards_of(library, "words") == [(c.id, c.front.get("en"), c.back.get("en")) for c in old.cards]


def test_a_text_reimport_keeps_the_suspensions_the_stored_cards_have(library, tmp_path):
    path = write(tmp_path / "words.tsv", ROWS)
    import_deck(library, path)
    dog = item_of(library, "words", cards_of(library, "words")[0][0])
    conn = library.db.conn
    with conn:
        conn.execute("UPDATE items SET status = 'suspended' WHERE id = ?", (dog,))
    report = import_deck(library, path)
    assert (report.unchanged, report.unsuspended) == (7, 0)
    assert conn.execute("SELECT status FROM items WHERE id = ?", (dog,)).fetchone() == ("suspended",)


def test_a_database_before_card_rows_opens_with_its_decks(tmp_path):
    path = tmp_path / "quiz.db"
    with Library.open(path, config=StudyConfig(), clock=lambda: NOW, sync_bundled=False) as lib:
        lib.add_deck(read_text_deck(write(tmp_path / "words.tsv", ROWS)), origin="imported")
        with lib.db.conn as conn:
            conn.execute("ALTER TABLE items DROP COLUMN card")
            conn.execute("PRAGMA user_version = 4")
    with Library.open(path, config=StudyConfig(), clock=lambda: NOW, sync_bundled=False) as lib:
        columns = [row[1] for row in lib.db.conn.execute("PRAGMA table_info(items)")]
        assert columns[-1] == "card"
        assert len(cards_of(lib, "words")) == 7


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(card_id=text, front=text, back=text, explain=st.none() | text, tags=st.lists(text, max_size=3).map(tuple),
       guid=st.none() | text, ord=st.integers(0, 20), deck_path=st.lists(text, max_size=3).map(tuple),
       note_type=st.none() | text, suspended=st.booleans(), media=st.lists(text, max_size=2).map(tuple))
def test_an_imported_row_s_card_json_is_the_card_s(card_id, front, back, explain, tags, guid, ord, deck_path,
                                                   note_type, suspended, media):
    row = card_store.imported_card_row(card_id, front, back, explain, tags, guid, ord, deck_path, note_type,
                                       suspended, media)
    card = imported_card(card_id, front, back, explain, tags, guid, ord, deck_path, note_type, suspended, media)
    assert row == card_store.card_row(card)
    assert row.json == card_to_json(card)


def test_a_streamed_file_s_progress_goes_forward(library, tmp_path):
    path = write(tmp_path / "many.tsv", [f"front {n}\tback {n}" for n in range(20_000)])
    seen = []
    import_deck(library, path, progress=lambda *step: seen.append(step))
    dones = [done for done, _, _ in seen]
    assert dones == sorted(dones) and len(set(dones)) > 3  # forward, and not in one jump
    assert seen[-1] == (importing.PROGRESS_TOTAL, importing.PROGRESS_TOTAL, "done")


def test_the_deck_id_counts_only_rows_that_make_cards(library, tmp_path):
    header = "#separator:tab\n#html:false\n#deck column:3\n"
    path = write(tmp_path / "words.tsv", ["front1\tback1\tFrench::A", "front2\t\tSpanish", "front3\tback3\tFrench"],
                 header)  # the Spanish row has no back: no card, so every card is French's
    assert import_deck(library, path).deck == read_text_deck(path).id == "french"


def test_a_card_back_after_being_retired_arrives_as_new_on_its_old_item(library, tmp_path):
    path = write(tmp_path / "words.tsv", ROWS)
    import_deck(library, path)
    bird = item_of(library, "words", next(c for c, f, _ in cards_of(library, "words") if f == "bird"))
    write(path, [row for row in ROWS if not row.startswith("bird")])
    assert import_deck(library, path).retired == 1
    write(path, ROWS)
    report = import_deck(library, path)
    assert (report.added, report.updated, report.unchanged) == (1, 0, 6)
    assert (report.questions_added, report.questions_updated) == (0, 1)  # its item, with its history
    assert item_of(library, "words", next(c for c, f, _ in cards_of(library, "words") if f == "bird")) == bird


def rows_of(*cards):
    return [card_store.card_row(card) for card in cards]


def write_cards(library, rows, *, follow: bool) -> card_store.CardSync:
    conn = library.db.conn
    with conn:
        key = conn.execute("SELECT id FROM decks WHERE name = 'd'").fetchone()
        if key is None:
            key = (conn.execute("INSERT INTO decks (name, title, languages, origin, format, source, source_hash, "
                                "added_at, updated_at) VALUES ('d', '\"d\"', '[]', 'imported', 'cards', '{}', '', "
                                "0, 0)").lastrowid,)
        writer = card_store.CardWriter(conn, key[0], "d", languages=("en",), follow_suspensions=follow)
        for row in rows:
            writer.add(row)
        return writer.finish()


def card(card_id: str, suspended: bool = False):
    return imported_card(card_id, f"front {card_id}", "back", None, (), None, 0, (), "Basic", suspended)


def test_suspensions_follow_the_file_or_stay_as_they_are(library):
    conn = library.db.conn

    def status(card_id):
        return conn.execute("SELECT status FROM items WHERE anchor = ?", (f"card:{card_id}",)).fetchone()[0]

    sync = write_cards(library, rows_of(card("a", True), card("b"), card("c", True)), follow=True)
    assert (sync.added, sync.suspended) == (3, 2) and status("a") == status("c") == "suspended"
    sync = write_cards(library, rows_of(card("a"), card("b", True)), follow=True)  # c retired, a b flipped
    assert (sync.suspended, sync.unsuspended, sync.retired) == (1, 1, 1)
    assert (status("a"), status("b"), status("c")) == ("active", "suspended", "retired")
    sync = write_cards(library, rows_of(card("a"), card("b", True), card("c", True)), follow=True)
    assert (sync.restored, sync.suspended) == (1, 1) and status("c") == "suspended"  # back, suspended as it comes
    # A file that cannot say (a text export): every card keeps its suspension; one coming back is active.
    write_cards(library, rows_of(card("a"), card("b")), follow=False)
    sync = write_cards(library, rows_of(card("a"), card("b"), card("c")), follow=False)
    assert (sync.unchanged, sync.restored, sync.suspended, sync.unsuspended) == (2, 1, 0, 0)
    assert (status("a"), status("b"), status("c")) == ("active", "suspended", "active")
    stored = {c.id: c.suspended for c in card_store.load_cards(conn, 1)}
    assert stored == {"a": False, "b": True, "c": False}  # the stored cards say what their items do


def test_many_repeats_of_one_front_are_numbered_in_one_pass(library, tmp_path, small_batches):
    path = write(tmp_path / "same.tsv", [f"same front\tback {n}" for n in range(300)])
    looked_up = []
    library.db.conn.set_trace_callback(lambda sql: looked_up.append(sql) if "WHERE qid = ?" in sql else None)
    try:
        import_deck(library, path)
        first = len(looked_up)
        assert import_deck(library, path).unchanged == 300
    finally:
        library.db.conn.set_trace_callback(None)
    ids = [c for c, _, _ in cards_of(library, "same")]
    assert ids == [ids[0]] + [f"{ids[0]}-{n}" for n in range(2, 301)]
    # a lookup or two a repeat, not one for every number below it (300 repeats: 45,000)
    assert first <= 2 * 300 and len(looked_up) - first <= 2 * 300


def test_a_file_making_no_cards_says_why(library, tmp_path):
    path = write(tmp_path / "empty.tsv", ["front only\t", "\tback only"])
    with pytest.raises(DeckError, match=r"no cards found \(.*empty\.tsv:3: warning: no card: the front or the back is "
                                        r"empty\)"):
        import_deck(library, path)
    assert library.decks() == []


def test_a_text_export_s_pictures_stay_the_cards_media(library):
    """Anki's "Notes in Plain Text" keeps <img>: re-imported over the package's deck, a card still
    shows its file (the package put it in the deck's media folder), and an .apkg export takes it."""
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "anki"
    if not fixtures.is_dir():
        pytest.skip("needs ../shared/fixtures")
    import_deck(library, fixtures / "chemistry-modern.apkg")
    before = {c.id: c.media for c in load_model(library.db.conn, "chemistry").cards if c.media}
    import_deck(library, fixtures / "chemistry-notes.txt")
    after = {c.id: c.media for c in load_model(library.db.conn, "chemistry").cards if c.media}
    assert after == before == {card_id: ("red-square.png",) for card_id in before} and len(before) >= 1


def test_a_row_repeating_a_guid_is_skipped_whole(library, tmp_path, small_batches):
    header = "#separator:tab\n#html:false\n#guid column:1\n#notetype:Cloze\n"
    rows = ["g1\t{{c1::Jakarta}} is a city", "g2\t{{c1::Paris}} is a city", "g1\t{{c1::Jakarta}} is in {{c2::Java}}",
            "g1\t{{c1::Jakarta}} again"]
    path = write(tmp_path / "guids.tsv", rows, header)
    report = import_deck(library, path)
    whole = read_text_deck(path)
    assert cards_of(library, "guids") == [(c.id, c.front.get("en"), c.back.get("en")) for c in whole.cards]
    assert (report.cards, report.notes) == (2, 2)  # the third and fourth rows: g1 again, skipped whole
    assert [w.split(": ", 1)[1] for w in report.warnings] == [
        "warning: skipped: the same guid as an earlier row"] * 2
    assert [w.rsplit(":", 4)[1] for w in report.warnings] == ["7", "8"]  # their lines (after 4 header lines)


@pytest.mark.parametrize("rows", [
    ["g1\tdog\tanjing", "g1\tdog\tanjing (2)", "g2\tcat\tkucing", "g1\tdog\tanjing (3)"],  # a guid three times
    ["g1\tdog\tanjing", "g1 \tcat\tkucing"],  # another note: its guid has a space more
    [" \tdog\tanjing", " \tcat\tkucing"],  # a guid of white space, twice
])
def test_rows_repeating_a_guid_import_as_the_whole_file_reader_reads_them(library, tmp_path, small_batches, rows):
    header = "#separator:tab\n#html:false\n#guid column:1\n#notetype:Basic (and reversed card)\n"
    path = write(tmp_path / "guids.tsv", rows, header)
    report = import_deck(library, path)
    whole = read_text_deck(path)
    assert cards_of(library, "guids") == [(c.id, c.front.get("en"), c.back.get("en")) for c in whole.cards]
    assert (report.cards, report.warnings) == (len(whole.cards), whole.warnings)
    assert report.sample == [(c.front.get("*"), c.back.get("*")) for c in whole.cards[:5]]
