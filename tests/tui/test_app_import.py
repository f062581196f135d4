"""The import screen: pick a file (path or tree), preview it (a dry run), import it with a progress bar.

Real files Anki wrote (../shared/fixtures/anki, whose README says what they hold), a broken file, a
hostile one, and a cancel just before the commit: a failed or cancelled import changes nothing.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from tui_helpers import query, screen_text, settle

from quiz.study.importing import PROGRESS_TOTAL
from quiz.tui.screens.import_deck import DeckFileTree, ImportScreen

ANKI = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "anki"
# What ../shared/fixtures/anki/README.md says every Anki file there holds.
NOTES, CARDS, REVIEWS, SUSPENDED = 38, 71, 16, 1

pytestmark = pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


async def open_import(pilot) -> ImportScreen:
    await settle(pilot, lambda: pilot.app.screen.query_one("#decks").row_count > 0)
    await pilot.press("i")
    await until(pilot, lambda: isinstance(pilot.app.screen, ImportScreen))
    return pilot.app.screen


async def type_path(pilot, screen: ImportScreen, path: str) -> None:
    field = screen.query_one("#import-path")
    field.focus()
    field.value = path
    await pilot.press("enter")


async def preview(pilot, screen: ImportScreen, path: str) -> None:
    await type_path(pilot, screen, path)
    await until(pilot, lambda: screen.state != "previewing", timeout=30)


async def until(pilot, condition, timeout: float = 10.0) -> None:
    """Wait for `condition` without waiting for the workers (one is held on purpose)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, screen_text(pilot.app)
        await pilot.pause(0.02)


def summary(screen: ImportScreen) -> str:
    return str(screen.query_one("#import-summary").render()) + "\n" + str(screen.query_one("#import-sample").render())


async def import_now(pilot, screen: ImportScreen) -> None:
    assert screen.state == "preview"
    await pilot.press("enter")  # the Import button has the focus
    await until(pilot, lambda: screen.state in ("done", "pick"), timeout=30)


def deck_rows(db: Path, deck: str) -> tuple[int, int, int]:
    """(items not retired, suspended items, reviews) of a stored deck."""
    key = query(db, "SELECT id FROM decks WHERE name = ?", deck)[0][0]
    items = query(db, "SELECT count(*) FROM items WHERE deck = ? AND status != 'retired'", key)[0][0]
    suspended = query(db, "SELECT count(*) FROM items WHERE deck = ? AND status = 'suspended'", key)[0][0]
    reviews = query(db, "SELECT count(*) FROM reviews WHERE deck = ?", key)[0][0]
    return items, suspended, reviews


async def test_import_a_text_export(make_app, db_path, tmp_path):
    shutil.copy(ANKI / "chemistry-notes.txt", tmp_path / "chemistry-notes.txt")
    before = query(db_path, "SELECT count(*) FROM decks")[0][0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        await preview(pilot, screen, "chemistry-notes.txt")
        assert screen.state == "preview", screen_text(app)
        report = screen.report
        assert report.dry_run and report.format == "text" and report.deck == "chemistry"
        assert (report.notes, report.cards, report.added, report.updated, report.unchanged) == \
            (NOTES, CARDS, CARDS, 0, 0)
        assert report.questions == report.questions_added == CARDS  # one a card: how it is asked is chosen when shown
        shown = summary(screen)
        assert f"Notes: {NOTES} · cards: {CARDS} · questions: {report.questions}" in shown
        assert f"Cards: {CARDS} to add · 0 to update · 0 left alone" in shown
        assert "Questions:" not in shown  # a card deck's questions are its cards: not the same line twice
        assert "H  →  Hydrogen (Z = 1)" in shown  # the first card, its HTML turned into text
        assert query(db_path, "SELECT count(*) FROM decks")[0][0] == before  # a preview changes nothing

        await import_now(pilot, screen)
        assert screen.state == "done", screen_text(app)
        assert "Deck: chemistry (imported)" in summary(screen) and "a new deck" not in summary(screen)
        assert screen.progress_seen == PROGRESS_TOTAL
        assert screen.query_one("#import-progress").percentage == 1
        assert not screen.report.dry_run and screen.report.added == CARDS
        assert deck_rows(db_path, "chemistry") == (report.questions, 0, 0)

        await pilot.press("enter")  # Done
        await until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        await until(pilot, lambda: "Chemistry" in screen_text(app))
        assert query(db_path, "SELECT count(*) FROM decks")[0][0] == before + 1
        assert app.screen._highlighted() == "chemistry"  # home points at the deck just imported


async def test_a_fact_deck_s_preview_counts_its_questions_apart_from_cards(make_app, tmp_path):
    deck = Path(__file__).resolve().parents[2] / "decks" / "russia-allies.yaml"
    shutil.copy(deck, tmp_path / "allies.yaml")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        await preview(pilot, screen, "allies.yaml")
        assert screen.state == "preview", screen_text(app)
        report = screen.report
        assert report.facts > 0 and report.cards == 0 and report.questions > 0
        shown = summary(screen)
        assert f"Facts: {report.added} to add · 0 to update · 0 left alone" in shown and "Cards:" not in shown
        assert report.added == report.facts  # the first line counts the file's facts, not cards
        assert (f"Questions: {report.questions_added} to add · {report.questions_updated} to update · "
                f"{report.questions_unchanged} left alone") in shown
        assert report.questions_added + report.questions_unchanged == report.questions


async def test_import_a_package_picked_in_the_tree(make_app, db_path, tmp_path):
    shutil.copy(ANKI / "chemistry-modern.apkg", tmp_path / "chemistry-modern.apkg")
    (tmp_path / "notes.md").write_text("not a deck")  # not importable: not listed
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        tree = screen.query_one(DeckFileTree)
        await until(pilot, lambda: len(tree.root.children) > 0)
        names = [str(node.label) for node in tree.root.children]
        assert "chemistry-modern.apkg" in names and "notes.md" not in names
        tree.focus()
        tree.cursor_line = names.index("chemistry-modern.apkg") + 1  # line 0 is the folder itself
        await pilot.press("enter")
        await until(pilot, lambda: screen.state == "preview", timeout=30)
        report = screen.report
        assert report.format == "anki" and report.dry_run
        assert (report.notes, report.cards, report.reviews, report.suspended, report.media) == \
            (NOTES, CARDS, REVIEWS, SUSPENDED, 1)
        shown = summary(screen)
        assert f"Review history: {REVIEWS} reviews (0 already here)" in shown
        assert "Format: Anki package" in shown

        await import_now(pilot, screen)
        assert screen.state == "done", screen_text(app)
        assert screen.query_one("#import-progress").percentage == 1
        items, suspended, reviews = deck_rows(db_path, "chemistry")
        assert items == report.questions and reviews == REVIEWS and suspended >= SUSPENDED
        assert (tmp_path / "media" / "chemistry" / "red-square.png").is_file()  # beside the database

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        await until(pilot, lambda: "Chemistry" in screen_text(app))


async def test_a_broken_file_shows_one_line_and_adds_nothing(make_app, db_path, tmp_path):
    (tmp_path / "broken.csv").write_text('front\tback\n"never closed\tx\n', encoding="utf-8")
    before = dump(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        await preview(pilot, screen, "broken.csv")
        await until(pilot, lambda: screen.state == "pick" and screen.query_one("#import-status").has_class("error"))
        status = str(screen.query_one("#import-status").render())
        assert status.startswith("Not imported: broken.csv:2:") and "never closed" in status
        assert "\n" not in status.strip() and "Traceback" not in screen_text(app)
        await type_path(pilot, screen, "missing.apkg")
        await until(pilot, lambda: "No such" in str(screen.query_one("#import-status").render()))
        assert str(screen.query_one("#import-status").render()) == "No such file: missing.apkg"
    assert dump(db_path) == before


async def test_hostile_names_and_text_stay_literal(make_app, db_path, tmp_path):
    name = "[bold red]x[blink]$(rm)\x1b[31m.csv"
    (tmp_path / name).write_text("#separator:tab\n#html:false\n"
                                 "[b]markup[/b] \x1b[2Jclear\t[link=http://x]y[/link]\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_import(pilot)
        tree = screen.query_one(DeckFileTree)
        await until(pilot, lambda: len(tree.root.children) > 0)
        assert "[bold red]x[blink]$(rm)[31m.csv" in screen_text(app)  # the name as written, without its ESC
        names = [str(node.label) for node in tree.root.children]
        tree.focus()
        tree.cursor_line = names.index("[bold red]x[blink]$(rm)[31m.csv") + 1
        await pilot.press("enter")
        await until(pilot, lambda: screen.state == "preview", timeout=30)
        text = screen_text(app)
        assert "[b]markup[/b]" in text and "→  [link=http://x]y[/link]" in text
        assert "\x1b" not in summary(screen) and "\x1b" not in text
        await import_now(pilot, screen)
        assert screen.state == "done"
    deck = screen.report.deck
    assert query(db_path, "SELECT count(*) FROM decks WHERE name = ?", deck)[0][0] == 1


async def test_escape_cancels_before_the_commit(make_app, db_path, tmp_path, monkeypatch):
    from quiz.study import importing

    shutil.copy(ANKI / "chemistry-modern.apkg", tmp_path / "chemistry-modern.apkg")
    reached, release = threading.Event(), threading.Event()
    import_reviews = importing._import_reviews

    def held(*args, **kwargs):  # the last step inside the transaction: hold the import there
        import_reviews(*args, **kwargs)
        if not args[4].dry_run:
            reached.set()
            release.wait(10)

    monkeypatch.setattr(importing, "_import_reviews", held)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        await preview(pilot, screen, "chemistry-modern.apkg")
        assert screen.state == "preview"
        before = dump(db_path)
        await pilot.press("enter")
        await until(pilot, lambda: reached.is_set() and screen.state == "importing")
        await pilot.press("escape")
        assert screen.state == "cancelling"
        release.set()
        await until(pilot, lambda: screen.state == "preview", timeout=15)
        assert str(screen.query_one("#import-status").render()) == "Cancelled: nothing was changed."
        assert dump(db_path) == before
        assert not (tmp_path / "media" / "chemistry").exists()


async def test_backspace_in_the_tree_goes_up_to_the_folder_above(make_app, tmp_path, monkeypatch):
    shutil.copy(ANKI / "chemistry-modern.apkg", tmp_path / "chemistry-modern.apkg")
    inner = tmp_path / "inner"
    inner.mkdir()
    monkeypatch.chdir(inner)  # the tree starts in the working folder
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        tree = screen.query_one(DeckFileTree)
        assert Path(tree.path).resolve() == inner.resolve()
        tree.focus()
        await pilot.press("backspace")
        await until(pilot, lambda: "chemistry-modern.apkg" in [str(n.label) for n in tree.root.children])
        assert Path(tree.path).resolve() == tmp_path.resolve()
        assert "Backspace: up" in screen_text(app)


@pytest.mark.parametrize(("lang", "written"), [("en", "1,234"), ("id", "1.234")])
async def test_large_counts_are_written_as_the_language_writes_them(make_app, tmp_path, lang, written):
    (tmp_path / "many.tsv").write_text("".join(f"front {n}\tback {n}\n" for n in range(1234)), encoding="utf-8")
    app = make_app(lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        await preview(pilot, screen, "many.tsv")
        assert f": {written} · " in summary(screen) and "1234" not in summary(screen)


async def test_quitting_as_an_import_ends_closes_the_library(make_app, tmp_path, monkeypatch):
    """The import's last progress call (after its commit, inside the library lock) as the learner
    quits: the worker must not wait on the quitting app, or the app could not close the library."""
    from quiz.study import importing

    (tmp_path / "words.tsv").write_text("".join(f"w{i}\tv{i}\n" for i in range(50)), encoding="utf-8")
    real, at_done = importing.import_deck, threading.Event()

    def import_deck(library, path, *, progress=None, **options):
        def held_at_the_end(done, total, stage):
            if stage == "done":  # committed: the learner quits now
                at_done.set()
                time.sleep(0.3)
            progress(done, total, stage)
        return real(library, path, progress=held_at_the_end, **options)

    monkeypatch.setattr(importing, "import_deck", import_deck)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        await type_path(pilot, screen, str(tmp_path / "words.tsv"))  # the preview: a dry run in the worker
        await until(pilot, at_done.is_set)
    with pytest.raises(sqlite3.ProgrammingError):  # closed as the app ended
        app.library.db.conn.execute("SELECT 1")
