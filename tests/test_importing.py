"""Importing deck files into the store: counts, review history, all or nothing, re-import, dry run, CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from anki_builder import connect, fixture_collection, package, png
from click.testing import CliRunner

from quiz.cli import main
from quiz.config import StudyConfig
from quiz.formats.problems import DeckError
from quiz.store.items import read_schedule
from quiz.store.reviews import entries
from quiz.study import importing
from quiz.study.engine import Library
from quiz.study.importing import import_deck, media_folder

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
ANKI = FIXTURES / "anki"
TEXT = FIXTURES / "text"
NOW = 1_800_000_000_000  # January 2027: after every review in the fixtures

pytestmark = pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")

PACKAGES = {  # file -> (review-log rows, cards suspended)
    "chemistry-modern.apkg": (16, 1),
    "chemistry-legacy.apkg": (16, 1),
    "chemistry.colpkg": (16, 1),
    "chemistry-no-scheduling.apkg": (0, 0),
}


class Clock:
    def __init__(self, ms: int = NOW):
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "quiz.db", config=StudyConfig(), clock=Clock(), sync_bundled=False)
    yield lib
    lib.close()


def dump(library) -> str:
    """The whole database as SQL: equal dumps are equal databases."""
    return hashlib.sha256("\n".join(library.db.conn.iterdump()).encode()).hexdigest()


def items(library, deck: str) -> list[tuple]:
    return library.db.conn.execute(
        "SELECT items.id, template, anchor, status, state, due FROM items JOIN decks ON decks.id = items.deck "
        "WHERE decks.name = ? ORDER BY items.id", (deck,)).fetchall()


def assert_state_is_replay_of_log(library) -> None:
    conn = library.db.conn
    for deck in library.decks():
        scheduling = library.scheduling(library._stored(deck.deck))
        for item, *_ in items(library, deck.deck):
            replayed = scheduling.replay(item, entries(conn, item))
            assert replayed.card_fields() == read_schedule(conn, item).card_fields(), item


# -- every fixture --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_every_package_imports_with_its_numbers(library, name):
    reviews, suspended = PACKAGES[name]
    report = import_deck(library, ANKI / name)
    assert (report.deck, report.format, report.cards) == ("chemistry", "anki", 71)
    assert (report.added, report.updated, report.unchanged, report.retired) == (71, 0, 0, 0)
    assert (report.reviews, report.reviews_skipped, report.suspended) == (reviews, 0, suspended)
    assert report.media == 1 and report.warnings == []

    model = library.deck_model("chemistry")
    assert len(model.cards) == 71
    assert len({card.guid for card in model.cards}) == 38  # notes
    assert {card.deck_path for card in model.cards} == {("Chemistry", "Elements"), ("Chemistry", "Sentences")}
    assert sum(card.note_type == "Cloze" for card in model.cards) == 11
    assert sum(card.suspended for card in model.cards) == suspended
    assert library.db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == reviews
    (summary,) = library.decks()
    assert summary.origin == "imported"
    assert summary.learning + summary.review == reviews  # one element card per review here
    assert (media_folder(library, "chemistry") / "red-square.png").read_bytes() == png()
    assert not [p for p in media_folder(library, "chemistry").parent.iterdir() if p.name.startswith(".")]
    assert_state_is_replay_of_log(library)


@pytest.mark.parametrize("name, options, cards", [
    ("anki/chemistry-notes.txt", {}, 71),
    ("anki/chemistry-cards.txt", {}, 71),
    ("text/quizlet-tab.txt", {"format": "quizlet"}, 5),
    ("text/quizlet-custom.txt", {"format": "quizlet", "term_sep": " - ", "card_sep": ";"}, 4),
])
def test_every_text_fixture_imports(library, name, options, cards):
    report = import_deck(library, FIXTURES / name, **options)
    assert (report.cards, report.added, report.reviews) == (cards, cards, 0)
    assert len(library.deck_model(report.deck).cards) == cards
    if name.endswith("notes.txt"):
        assert len({card.guid for card in library.deck_model(report.deck).cards}) == 38
    again = import_deck(library, FIXTURES / name, **options)
    assert (again.added, again.updated, again.unchanged) == (0, 0, cards)


def test_the_review_history_gives_due_dates(library):
    import_deck(library, ANKI / "chemistry-modern.apkg")
    conn = library.db.conn
    answered = conn.execute("SELECT DISTINCT item FROM reviews").fetchall()
    assert len(answered) == 16
    for (item,) in answered:
        schedule = read_schedule(conn, item)
        assert schedule.state != 0 and schedule.due is not None and schedule.last_review is not None
        template = conn.execute("SELECT template FROM items WHERE id = ?", (item,)).fetchone()[0]
        assert template == "card.flashcard"
    ratings = [row[0] for row in conn.execute("SELECT rating FROM reviews ORDER BY at")]
    assert sorted(ratings) == [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4
    assert all(row[0] == "flashcard" and row[1] == 0 for row in conn.execute("SELECT kind, type FROM reviews"))
    (summary,) = library.decks()
    assert summary.due > 0  # answered in November 2026, due by January 2027


def test_suspended_cards_stay_suspended_and_a_learner_unsuspending_wins(library):
    import_deck(library, ANKI / "chemistry-modern.apkg")
    model = library.deck_model("chemistry")
    (card,) = [c for c in model.cards if c.suspended]
    statuses = {row[3] for row in items(library, "chemistry") if row[2] == f"card:{card.id}"}
    assert statuses == {"suspended"}
    session = library.session("chemistry")
    qid = library.db.conn.execute("SELECT qid FROM items WHERE anchor = ? AND template = 'card.flashcard'",
                                  (f"card:{card.id}",)).fetchone()[0]
    session.unsuspend(qid)
    report = import_deck(library, ANKI / "chemistry-modern.apkg")
    assert report.suspended == 0
    assert library.db.conn.execute("SELECT status FROM items WHERE qid = ?", (qid,)).fetchone()[0] == "active"


# -- re-import, dry run, failure --------------------------------------------------------------------
@pytest.mark.parametrize("name", ["chemistry-modern.apkg", "chemistry-notes.txt"])
def test_importing_again_changes_nothing(library, name):
    first = import_deck(library, ANKI / name)
    before = dump(library)
    again = import_deck(library, ANKI / name)
    assert dump(library) == before
    assert (again.added, again.updated, again.unchanged, again.retired) == (0, 0, 71, 0)
    assert (again.reviews, again.reviews_known, again.suspended) == (0, first.reviews, 0)


def test_the_same_deck_from_each_package_is_the_same_deck(library):
    import_deck(library, ANKI / "chemistry-modern.apkg")
    before = dump(library)
    for name in ("chemistry-legacy.apkg", "chemistry.colpkg"):
        report = import_deck(library, ANKI / name)
        assert (report.unchanged, report.reviews, report.reviews_known) == (71, 0, 16)
    assert dump(library) == before


def test_a_dry_run_writes_nothing_and_reports_what_an_import_does(library, tmp_path):
    before = dump(library)
    dry = import_deck(library, ANKI / "chemistry-modern.apkg", dry_run=True)
    assert dump(library) == before
    assert library.decks() == []
    assert not media_folder(library, "chemistry").parent.exists()
    real = import_deck(library, ANKI / "chemistry-modern.apkg")
    assert dry.dry_run and not real.dry_run
    assert {**dry.to_dict(), "dry_run": False} == real.to_dict()
    after = dump(library)
    assert import_deck(library, ANKI / "chemistry-modern.apkg", dry_run=True).changed is False
    assert dump(library) == after


def test_a_failed_import_leaves_the_database_as_it_was(library, tmp_path, monkeypatch):
    import_deck(library, TEXT / "quizlet-tab.txt", format="quizlet")
    import_deck(library, ANKI / "chemistry-no-scheduling.apkg")
    before = dump(library)

    import_reviews = importing._import_reviews

    def broken(*args, **kwargs):
        import_reviews(*args, **kwargs)
        raise RuntimeError("disk on fire")

    # Fails after the deck is registered and the reviews are written, before the commit.
    monkeypatch.setattr(importing, "_import_reviews", broken)
    with pytest.raises(RuntimeError):
        import_deck(library, ANKI / "chemistry-modern.apkg", deck_name="chemistry-two")
    with pytest.raises(RuntimeError):
        import_deck(library, ANKI / "chemistry-modern.apkg")  # an update of an existing deck
    assert dump(library) == before
    assert not (media_folder(library, "chemistry-two")).exists()
    assert not [p for p in media_folder(library, "x").parent.iterdir() if p.name.startswith(".")]
    monkeypatch.undo()

    # A file that breaks the reader part-way through.
    damaged = tmp_path / "damaged.apkg"
    damaged.write_bytes((ANKI / "chemistry-legacy.apkg").read_bytes()[:20_000])
    with pytest.raises(DeckError):
        import_deck(library, damaged)
    bad = tmp_path / "bad.csv"
    bad.write_text("front\tback\n" * 50 + '"never closed\tback\n', encoding="utf-8")
    with pytest.raises(DeckError, match=r"bad\.csv:51"):
        import_deck(library, bad)
    assert dump(library) == before
    library.session("chemistry").next()  # the library still works


@pytest.mark.parametrize("name", ["chemistry-modern.apkg", "chemistry-notes.txt"])
def test_progress_goes_forward_to_the_end_and_a_cancel_changes_nothing(library, name):
    seen = []
    report = import_deck(library, ANKI / name, dry_run=True, progress=lambda *step: seen.append(step))
    dones = [done for done, _, _ in seen]
    assert dones == sorted(dones) and seen[-1] == (importing.PROGRESS_TOTAL, importing.PROGRESS_TOTAL, "done")
    assert {stage for _, _, stage in seen} >= {"read", "store", "commit", "done"}
    assert all(total == importing.PROGRESS_TOTAL for _, total, _ in seen)
    assert report.notes == 38 and report.questions == report.questions_added == report.cards == 71  # one a card
    assert len(report.sample) == importing.SAMPLE_CARDS and all(front and back for front, back in report.sample)

    before = dump(library)
    stages = {stage for _, _, stage in seen} - {"done"}
    assert ("reviews" in stages) == name.endswith(".apkg")  # a text file has no history to replay
    for stop_at in sorted(stages):
        def cancel(done, total, stage, stop_at=stop_at):
            if stage == stop_at:
                raise importing.ImportCancelled
        with pytest.raises(importing.ImportCancelled):
            import_deck(library, ANKI / name, progress=cancel)
        assert dump(library) == before, stop_at
    assert not media_folder(library, "chemistry").exists()
    done = import_deck(library, ANKI / name, progress=lambda *step: None)
    assert done.added == 71 and dump(library) != before


def test_a_deck_quiz_ships_is_not_overwritten(tmp_path):
    with Library.open(tmp_path / "quiz.db", config=StudyConfig(), clock=Clock()) as lib:
        before = dump(lib)
        with pytest.raises(DeckError, match="one quiz ships"):
            import_deck(lib, TEXT / "quizlet-tab.txt", format="quizlet", deck_name="russia-allies")
        assert dump(lib) == before


def test_quiz_import_leaves_the_bundled_decks_to_later_and_still_refuses_their_names(tmp_path):
    db = tmp_path / "quiz.db"
    named = CliRunner().invoke(main, ["--db", str(db), "import", "--format", "quizlet", "--deck", "russia-allies",
                                      str(TEXT / "quizlet-tab.txt")])
    assert named.exit_code == 1 and "one quiz ships" in named.output
    assert CliRunner().invoke(main, ["--db", str(db), "import", str(ANKI / "chemistry-modern.apkg")]).exit_code == 0
    with sqlite3.connect(db) as conn:  # an import registers its own deck only
        assert [name for (name,) in conn.execute("SELECT name FROM decks")] == ["chemistry"]
    listed = CliRunner().invoke(main, ["--db", str(db), "decks", "--json"])
    assert {deck["deck"] for deck in json.loads(listed.output)} == {"chemistry", "russia-allies"}


# -- a newer version of the file --------------------------------------------------------------------
def test_a_newer_package_updates_cards_and_keeps_progress(library, tmp_path):
    import_deck(library, ANKI / "chemistry-legacy.apkg")
    conn = library.db.conn
    # Progress made in quiz on a card Anki reviewed too (asked as in Anki).
    library.config = replace(library.config, card_questions="flashcard")
    session = library.session("chemistry")
    shown = session.next()
    assert shown.question.kind == "flashcard" and not shown.is_new  # due from Anki's reviews
    session.grade(shown, 3, 2000)
    history = {row[0]: row for row in conn.execute("SELECT * FROM reviews")}

    db = fixture_collection(tmp_path)
    anki = connect(db)
    h_note = anki.execute("SELECT id FROM notes WHERE guid = 'uEfrcfd9u&'").fetchone()[0]
    anki.execute("UPDATE notes SET flds = ? WHERE id = ?", ("<b>H</b>\x1fHydrogen, the lightest (Z = 1)", h_note))
    gone = anki.execute("SELECT id FROM notes WHERE guid = 'P@bn9l-jOh'").fetchone()[0]  # He
    anki.execute("DELETE FROM cards WHERE nid = ?", (gone,))
    anki.execute("DELETE FROM notes WHERE id = ?", (gone,))
    h_card = anki.execute("SELECT id FROM cards WHERE nid = ? AND ord = 0", (h_note,)).fetchone()[0]
    later = anki.execute("SELECT max(id) FROM revlog").fetchone()[0] + 86_400_000
    anki.execute("INSERT INTO revlog VALUES (?, ?, -1, 3, 1, 0, 2500, 4000, 1)", (later, h_card))
    anki.execute("INSERT INTO revlog VALUES (?, ?, -1, 0, 0, 0, 0, 0, 4)", (later + 1, h_card))  # set due date
    anki.commit()
    anki.close()
    newer = package(tmp_path / "newer.apkg", db, media={"red-square.png": png()})

    report = import_deck(library, newer)
    assert (report.added, report.updated, report.retired, report.unchanged) == (0, 2, 2, 67)
    # He's two reviews left with its note; H's new Good is added; the due date set by hand is no answer.
    assert (report.reviews, report.reviews_known, report.reviews_skipped) == (1, 14, 1)
    assert {row[0]: row for row in conn.execute("SELECT * FROM reviews") if row[0] in history} == history
    h_item = conn.execute("SELECT id FROM items WHERE anchor = 'card:anki-43516a1a2222cdea-0' "
                          "AND template = 'card.flashcard'").fetchone()[0]
    # Anki's Again, then the new Good (before any answer given in quiz at NOW: the log is replayed in order).
    assert [r.rating for r in entries(conn, h_item) if r.at < NOW] == [1, 3]
    assert read_schedule(conn, h_item).state != 0
    retired = {row[2] for row in items(library, "chemistry") if row[3] == "retired"}
    assert len(retired) == 2 and all(anchor.startswith("card:anki-") for anchor in retired)
    assert_state_is_replay_of_log(library)
    before = dump(library)
    assert import_deck(library, newer).changed is False
    assert dump(library) == before


def test_reviews_at_the_same_moment_in_two_decks_are_kept_apart(library):
    import_deck(library, ANKI / "chemistry-modern.apkg")
    report = import_deck(library, ANKI / "chemistry-legacy.apkg", deck_name="chemistry-copy")
    assert report.reviews == 16  # the same times as the first deck's: moved 1 ms each, as Anki does
    conn = library.db.conn
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 32
    before = dump(library)
    again = import_deck(library, ANKI / "chemistry-legacy.apkg", deck_name="chemistry-copy")
    assert (again.reviews, again.reviews_known) == (0, 16)
    assert dump(library) == before
    assert_state_is_replay_of_log(library)


# -- studying ------------------------------------------------------------------------------------------
def test_an_imported_deck_can_be_studied(library):
    import_deck(library, ANKI / "chemistry-modern.apkg")
    session = library.session("chemistry")
    shown = session.next()
    assert shown is not None and shown.question.template.startswith("card.")
    # In learning from Anki's reviews: asked as multiple choice (the config's default "mixed").
    assert shown.question.kind == "mcq" and not shown.is_new
    outcome = session.answer(shown, list(shown.question.answer), 1500)
    assert outcome.correct
    assert_state_is_replay_of_log(library)


# -- the command line ----------------------------------------------------------------------------------
@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("QUIZ_DB", raising=False)
    return CliRunner()


def invoke(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_quiz_import(runner, tmp_path):
    db = str(tmp_path / "q.db")
    dry = invoke(runner, "--db", db, "import", str(ANKI / "chemistry-modern.apkg"), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    (report,) = json.loads(dry.output)
    assert (report["added"], report["reviews"], report["suspended"], report["dry_run"]) == (71, 16, 1, True)
    assert "chemistry" not in invoke(runner, "--db", db, "decks").output

    done = invoke(runner, "--db", db, "import", str(ANKI / "chemistry-modern.apkg"),
                  str(TEXT / "quizlet-tab.txt"))
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert "imported into deck chemistry: 71 cards (71 added, 0 updated, 0 unchanged); 16 reviews" in lines[0]
    assert "deck quizlet-tab: 5 cards (5 added" in lines[1]

    custom = invoke(runner, "--db", db, "import", str(TEXT / "quizlet-custom.txt"), "--format", "quizlet",
                    "--separator", " - ", "--card-separator", ";", "--deck", "Vocabulary")
    assert custom.exit_code == 0 and "deck vocabulary: 4 cards" in custom.output
    decks = {d["deck"]: d for d in json.loads(invoke(runner, "--db", db, "decks", "--json").output)}
    assert set(decks) >= {"chemistry", "quizlet-tab", "vocabulary"}
    assert decks["chemistry"]["origin"] == "imported"


def test_quiz_import_says_each_warning_once(runner, tmp_path):
    path = tmp_path / "words.tsv"
    path.write_text("#separator:tab\ndog\tanjing\ncat\t\n", encoding="utf-8")
    done = runner.invoke(main, ["--db", str(tmp_path / "q.db"), "import", str(path)])
    assert done.exit_code == 0, done.output
    assert done.stderr.splitlines() == [f"quiz: {path}:3: warning: no card: the front or the back is empty"]


def test_quiz_import_interrupted_says_what_was_kept(runner, tmp_path, monkeypatch):
    real = importing.import_deck
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "import_deck", interrupted)
    second = TEXT / "quizlet-tab.txt"
    done = runner.invoke(main, ["--db", str(tmp_path / "q.db"), "import", str(ANKI / "chemistry-modern.apkg"),
                                str(second)])
    assert done.exit_code == 130
    assert done.stderr.splitlines()[-1] == f"quiz: {second}: interrupted: nothing imported from it (1 file imported)"

    def media_interrupted(*args, **kwargs):  # after the commit: the deck is there
        raise KeyboardInterrupt

    monkeypatch.setattr(importing, "import_deck", real)
    monkeypatch.setattr(importing, "_place_media", media_interrupted)
    package = ANKI / "chemistry-legacy.apkg"
    done = runner.invoke(main, ["--db", str(tmp_path / "q.db"), "import", str(package), "--deck", "legacy"])
    assert done.exit_code == 130
    assert done.stderr.splitlines()[-1] == f"quiz: {package}: interrupted: imported, its media may be missing " \
                                           "(1 file imported)"
    assert "legacy" in runner.invoke(main, ["--db", str(tmp_path / "q.db"), "decks"]).output


def test_quiz_import_bad_input_is_one_line_and_exit_1(runner, tmp_path):
    db = str(tmp_path / "q.db")
    bad = tmp_path / "bad.csv"
    bad.write_text('front\tback\n"never closed\tback\n', encoding="utf-8")
    not_zip = tmp_path / "not.apkg"
    not_zip.write_bytes(b"PK\x03\x04 and then nothing")
    for path, where in ((bad, "bad.csv:2:"), (not_zip, "not.apkg"), (tmp_path / "missing.apkg", "missing.apkg")):
        result = runner.invoke(main, ["--db", db, "import", str(path)])
        assert result.exit_code == 1
        (line,) = result.output.strip().splitlines()
        assert line.startswith("quiz: ") and where in line
    result = runner.invoke(main, ["--db", db, "import", str(bad), str(not_zip), "--deck", "x"])
    assert result.exit_code == 1 and "--deck takes one file" in result.output
    folder = runner.invoke(main, ["--db", db, "import", str(tmp_path)])
    assert folder.exit_code == 1 and folder.output == f"quiz: {tmp_path}: a folder: give the deck files in it " \
                                                      f"(quiz import {tmp_path}/*)\n"


def test_media_are_placed_beside_the_database(runner, tmp_path):
    db = tmp_path / "data" / "q.db"
    db.parent.mkdir()
    shutil.copy(ANKI / "chemistry-modern.apkg", tmp_path / "my deck.apkg")
    assert invoke(runner, "--db", str(db), "import", str(tmp_path / "my deck.apkg")).exit_code == 0
    assert (tmp_path / "data" / "media" / "chemistry" / "red-square.png").read_bytes() == png()
    assert sorted(p.name for p in (tmp_path / "data" / "media").iterdir()) == ["chemistry"]
    assert sqlite3.connect(db).execute("SELECT count(*) FROM reviews").fetchone()[0] == 16


def test_a_note_s_cards_are_not_planned_the_same_day(library):
    # A reversed card, or another deletion of the same cloze, gives the answer away if asked the same
    # day: a plan takes one card a note (Anki's "bury siblings"), the others stay for another day.
    from quiz.formats.readers import read_deck_file
    from quiz.study.queue import Limits, plan_study, sibling_key

    import_deck(library, ANKI / "chemistry-no-scheduling.apkg")
    cards = read_deck_file(ANKI / "chemistry-no-scheduling.apkg").cards
    note_of = {f"card:{card.id}": card.guid for card in cards}
    notes = set(note_of.values())
    assert len(notes) < len(cards)  # the fixture has reversed and multi-deletion cloze notes
    conn = library.db.conn
    (deck_key,) = conn.execute("SELECT id FROM decks WHERE name = 'chemistry'").fetchone()

    def plan() -> list[str]:
        queue, _ = plan_study(conn, deck_key, "en", NOW, 0, Limits(new=1000, reviews=1000))
        return [entry.anchor for entry in queue]

    today = plan()
    assert sorted(note_of[anchor] for anchor in today) == sorted(notes)  # every note once
    assert len({sibling_key(anchor) for anchor in today}) == len(today)
    # The siblings are still there to be asked: with today's cards out of the way, they are planned.
    conn.executemany("UPDATE items SET status = 'suspended' WHERE anchor = ?", [(a,) for a in today])
    later = plan()
    assert later and not set(later) & set(today)
    assert {note_of[anchor] for anchor in later} <= notes
    assert len(today) + len(later) <= len(cards)


def test_a_note_answered_today_keeps_its_siblings_out_of_later_sessions_that_day(tmp_path):
    from quiz.study.queue import sibling_key

    clock = Clock()
    library = Library.open(tmp_path / "quiz.db", config=StudyConfig(card_questions="flashcard"), clock=clock,
                           sync_bundled=False)
    import_deck(library, ANKI / "chemistry-no-scheduling.apkg")

    def study(limit: int) -> list[str]:
        session, notes = library.session("chemistry", limit=limit), []
        while (shown := session.next()) is not None:
            notes.append(sibling_key(shown.question.anchor))
            session.grade(shown, 3, 2_000)
            clock.ms += 10_000
        return notes

    first = study(5)
    assert len(first) >= 5 and len(set(first)) == 5  # (Good on a new card: one more step, later)
    clock.ms += 60 * 60_000  # an hour later, the same day
    second = study(5)
    assert second and not set(second) & set(first)  # none of the notes answered earlier today
    clock.ms += 24 * 60 * 60_000  # the next day: the siblings may come
    later = library.session("chemistry", limit=None)
    planned = []
    while (shown := later.next()) is not None:
        planned.append(sibling_key(shown.question.anchor))
        later.grade(shown, 4, 2_000)
    assert set(planned) & set(first)
    library.close()


def test_a_package_without_its_scheduling_leaves_the_suspensions_as_they_are(library):
    import_deck(library, ANKI / "chemistry-modern.apkg")  # one card suspended
    suspended = items_suspended(library)
    assert len(suspended) == 1
    report = import_deck(library, ANKI / "chemistry-no-scheduling.apkg")  # Anki wrote every card unsuspended
    assert (report.unsuspended, report.unchanged) == (0, 71) and items_suspended(library) == suspended


def items_suspended(library) -> list[str]:
    return [anchor for (anchor,) in library.db.conn.execute("SELECT anchor FROM items WHERE status = 'suspended'")]


def test_a_text_export_leaves_the_suspensions_a_package_made(library):
    # A text export cannot say a card is suspended: importing one into the deck keeps them as they are.
    import_deck(library, ANKI / "chemistry-modern.apkg")
    suspended = [row for row in items(library, "chemistry") if row[3] == "suspended"]
    assert suspended
    report = import_deck(library, ANKI / "chemistry-notes.txt", deck_name="chemistry")
    assert report.unsuspended == 0
    assert [row for row in items(library, "chemistry") if row[3] == "suspended"] == suspended
    again = import_deck(library, ANKI / "chemistry-modern.apkg")  # the package again: nothing to follow
    assert again.unsuspended == again.suspended == 0
    assert [row for row in items(library, "chemistry") if row[3] == "suspended"] == suspended


def test_quiz_import_shows_its_progress_on_a_terminal_only():
    import io

    from quiz.cli import _ProgressLine

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert not _ProgressLine("words.tsv", io.StringIO())  # a pipe or a log: the summary alone
    terminal = Terminal()
    with _ProgressLine("/some/folder/words.tsv", terminal) as line:
        for done in (0, 5, 400, 401, 1000):
            line(done, 1000, "store")
    line.clear()  # (once: a second clear writes nothing)
    assert line.cleared
    assert terminal.getvalue() == ("\rwords.tsv: 0%\rwords.tsv: 40%\rwords.tsv: 100%\r" + " " * 17 + "\r")
