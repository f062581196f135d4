"""Reading a file in a second process while this one stores (quiz.study.read_ahead)."""

from __future__ import annotations

import os
import threading

import pytest

from quiz.formats.problems import DeckError, Problem
from quiz.study import read_ahead as module
from quiz.study.read_ahead import read_ahead

pytestmark = pytest.mark.skipif(not module._worth_it(), reason="needs fork and two CPUs")


def no_child_left() -> bool:
    """No child process of this one, running or unreaped."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_rows_progress_and_result_come_through_in_order():
    seen = []

    def produce(progress, emit, announce, tell):
        for n in range(2_500):
            if n % 1_000 == 0:
                progress(n, 2_500)
            yield ("row", n, n % 3 == 0, "text" * (n % 5))

    rows = read_ahead(produce, label="x.tsv", progress=lambda done, total: seen.append(("progress", done)),
                      finish=lambda: {"warnings": ["w"], "notes": 7})
    for row in rows:
        seen.append(row)
    assert [item for item in seen if item[0] == "row"] == [("row", n, n % 3 == 0, "text" * (n % 5))
                                                         for n in range(2_500)]
    # each progress after the rows read before it, as the reader called it
    assert [i for i, item in enumerate(seen) if item[0] == "progress"] == [0, 1_001, 2_002]
    assert rows.result == {"warnings": ["w"], "notes": 7}
    assert no_child_left()


def test_work_is_done_while_the_child_has_nothing_ready_and_the_rows_still_come_in_order():
    import time

    def produce(progress, emit, announce, tell):
        for n in range(40):
            time.sleep(0.002)  # a reader slower than this process
            emit((n,))
            if n % 10 == 9:
                progress(n, 40)  # (sends the rows so far)

    steps = []

    def idle() -> bool:
        steps.append(len(steps))
        return len(steps) < 25  # 25 steps of work to do, then none

    rows = read_ahead(produce, label="x")
    rows.idle = idle
    assert list(rows) == [(n,) for n in range(40)]
    assert len(steps) >= 25  # all of it done in the waits (once done, asked again at each wait)
    assert no_child_left()


def test_a_deck_error_in_the_child_is_raised_here_after_the_rows_before_it():
    def produce(progress, emit, announce, tell):
        yield (1,)
        yield (2,)
        raise DeckError([Problem("x.tsv", 9, "", "a quoted field starting on line 9 is never closed")])

    got = []
    with pytest.raises(DeckError) as error:
        for row in read_ahead(produce, label="x.tsv"):
            got.append(row)
    assert got == [(1,), (2,)]
    assert str(error.value) == "x.tsv:9: a quoted field starting on line 9 is never closed"
    assert no_child_left()


def test_a_child_that_dies_is_one_clear_error():
    def produce(progress, emit, announce, tell):
        yield (1,)
        os._exit(3)

    with pytest.raises(DeckError, match=r"^x\.tsv: could not be read to the end"):
        list(read_ahead(produce, label="x.tsv"))
    assert no_child_left()


def test_stopping_early_stops_the_child():
    def produce(progress, emit, announce, tell):
        n = 0
        while True:  # never ends by itself
            yield (n,)
            n += 1

    rows = iter(read_ahead(produce, label="x.tsv"))
    assert [next(rows) for _ in range(5)] == [(n,) for n in range(5)]
    rows.close()
    assert no_child_left()


def test_not_from_another_thread_or_when_turned_off(monkeypatch):
    made = []
    def nothing(progress, emit, announce, tell):
        return iter(())

    thread = threading.Thread(target=lambda: made.append(read_ahead(nothing, label="x")))
    thread.start()
    thread.join()
    assert made == [None]
    monkeypatch.setenv("QUIZ_READ_AHEAD", "0")
    assert read_ahead(lambda progress, emit, announce, tell: iter(()), label="x") is None


@pytest.fixture
def library(tmp_path):
    from quiz.config import StudyConfig
    from quiz.study.engine import Library

    lib = Library.open(tmp_path / "quiz.db", config=StudyConfig(), clock=lambda: 1_800_000_000_000,
                       sync_bundled=False)
    yield lib
    lib.close()


def big_file(tmp_path):
    path = tmp_path / "big.tsv"
    path.write_text("".join(f"front {n}\tback {n}\n" for n in range(30_000)), encoding="utf-8")
    return path


def test_an_import_failing_before_its_first_row_stops_the_reader(library, tmp_path):
    from quiz.study.importing import import_deck

    with pytest.raises(DeckError, match="one quiz ships"):
        import_deck(library, big_file(tmp_path), deck_name="russia-allies")
    assert no_child_left()


def test_an_ignored_sigchld_does_not_fail_the_import(library, tmp_path):
    import signal

    from quiz.study.importing import import_deck

    before = signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # (the kernel reaps the reader itself)
    try:
        assert import_deck(library, big_file(tmp_path)).added == 30_000
    finally:
        signal.signal(signal.SIGCHLD, before)


def test_a_fork_that_fails_falls_back_to_reading_here(library, tmp_path, monkeypatch):
    import errno

    from quiz.study.importing import import_deck

    def no_fork():
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert read_ahead(lambda progress, emit, announce, tell: iter(()), label="x") is None
    assert import_deck(library, big_file(tmp_path)).added == 30_000


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """The pids of the processes forked from here on (os.fork counted)."""
    made: list[int] = []
    real_fork = os.fork

    def counted():
        pid = real_fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    return made


def test_quiz_import_of_a_text_file_reads_it_in_a_second_process(library, tmp_path, monkeypatch, forks):
    from quiz.study.importing import import_deck

    report = import_deck(library, big_file(tmp_path))
    assert len(forks) == 1 and report.added == 30_000 and no_child_left()
    monkeypatch.setenv("QUIZ_READ_AHEAD", "0")
    import_deck(library, big_file(tmp_path), deck_name="again")
    assert len(forks) == 1  # turned off: read here


ANKI = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "anki"


def dump(lib) -> str:
    """The whole database, hashed."""
    import hashlib

    return hashlib.sha256("\n".join(lib.db.conn.iterdump()).encode()).hexdigest()


def read_here(tmp_path, monkeypatch, steps):
    """What `steps(library)` returns, and the database it leaves, in a new library whose imports read
    in one process (as `library` was made)."""
    from quiz.config import StudyConfig
    from quiz.study.engine import Library

    monkeypatch.setenv("QUIZ_READ_AHEAD", "0")
    with Library.open(tmp_path / "here.db", config=StudyConfig(), clock=lambda: 1_800_000_000_000,
                      sync_bundled=False) as here:
        made = steps(here)
        return made, dump(here)


@pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")
def test_a_package_is_read_ahead_and_imports_as_read_here(library, tmp_path, monkeypatch, forks):
    from quiz.study.importing import import_deck

    ahead = import_deck(library, ANKI / "chemistry-modern.apkg")
    assert len(forks) == 1 and no_child_left()
    here, database = read_here(tmp_path, monkeypatch, lambda lib: import_deck(lib, ANKI / "chemistry-modern.apkg"))
    assert len(forks) == 1
    assert here.to_dict() == ahead.to_dict() and database == dump(library)


@pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")
def test_a_package_whose_cards_name_another_deck_than_announced_is_read_again_here(library, monkeypatch):
    from quiz.formats import anki_package
    from quiz.study.importing import import_deck

    deck_of, parent, calls = anki_package._deck, os.getpid(), []

    def first_elsewhere(*args):  # in the reading process, the announcement (the first call) names another deck
        calls.append(1)
        deck = deck_of(*args)
        if os.getpid() != parent and len(calls) == 1:
            deck.id = "elsewhere"
        return deck

    monkeypatch.setattr(anki_package, "_deck", first_elsewhere)
    report = import_deck(library, ANKI / "chemistry-modern.apkg")
    assert report.deck == "chemistry" and (report.added, report.reviews, report.suspended) == (71, 16, 1)
    assert [d.deck for d in library.decks()] == ["chemistry"] and no_child_left()


def review_calls(monkeypatch) -> list[bool]:
    """Whether each Scheduling.review call from here on is the fuzzed one (a replay at the import's end)."""
    from quiz.study.scheduler import Scheduling

    calls: list[bool] = []
    review = Scheduling.review

    def counted(self, item, schedule, rating, at_ms, *, fuzz=True):
        calls.append(fuzz)
        return review(self, item, schedule, rating, at_ms, fuzz=fuzz)

    monkeypatch.setattr(Scheduling, "review", counted)
    return calls


@pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")
def test_a_package_read_ahead_has_its_log_replayed_before_its_cards_are_all_stored(library, tmp_path,
                                                                                  monkeypatch, forks):
    from quiz.formats.anki_package import read_anki_package
    from quiz.study.importing import import_deck

    reviews = read_anki_package(ANKI / "chemistry-modern.apkg").reviews
    calls = review_calls(monkeypatch)
    report = import_deck(library, ANKI / "chemistry-modern.apkg")
    assert len(forks) == 1 and report.reviews == len(reviews) == 16
    assert calls == [False] * len(reviews)  # replayed ahead, none again at the end
    # (the database equals one read here: test_a_package_is_read_ahead_and_imports_as_read_here)
    due = library.db.conn.execute("SELECT count(*) FROM items WHERE state = 2").fetchone()[0]
    assert due > 0  # some end in review, whose due is fuzzed for the item after the replay


@pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")
def test_a_review_whose_time_another_deck_holds_is_replayed_at_the_end_as_read_here(library, tmp_path,
                                                                                    monkeypatch, forks):

    from quiz.formats.anki_package import read_anki_package
    from quiz.study.importing import import_deck

    # (the latest: the fixture's reviews are 1 ms apart, so moving an earlier one moves all after it)
    last = max(read_anki_package(ANKI / "chemistry-modern.apkg").reviews, key=lambda r: r.reviewed_at)
    words = tmp_path / "words.tsv"
    words.write_text("front\tback\n", encoding="utf-8")

    def imported(lib):  # another deck answered at the package's last review time, then the package
        import_deck(lib, words)
        item = lib.db.conn.execute("SELECT id FROM items").fetchone()[0]
        lib.db.conn.execute("INSERT INTO reviews VALUES (?, ?, 1, 'flashcard', 'en', 0, 3, 1, NULL, 900)",
                            (last.reviewed_at, item))
        lib.db.conn.commit()
        return import_deck(lib, ANKI / "chemistry-modern.apkg")

    calls = review_calls(monkeypatch)
    ahead = imported(library)
    assert len(forks) == 2  # (the text file, then the package)
    moved = sum(1 for r in read_anki_package(ANKI / "chemistry-modern.apkg").reviews if r.card_id == last.card_id)
    assert calls.count(True) == moved > 0  # that card's log, moved 1 ms, replayed at the end; the others not
    here, database = read_here(tmp_path, monkeypatch, imported)
    assert here.to_dict() == ahead.to_dict() and database == dump(library)
    assert library.db.conn.execute("SELECT count(*) FROM reviews WHERE at = ?", (last.reviewed_at + 1,)).fetchone()[0]


@pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")
def test_reviews_written_while_the_cards_come_are_those_an_import_read_here_writes(library, tmp_path, monkeypatch,
                                                                                 forks):
    import time
    import zipfile

    from anki_builder import connect, package, unzstd

    from quiz.store import cards as card_store
    from quiz.study import replay_ahead
    from quiz.study.importing import import_deck

    # Many cards, a batch of 40 at a time: the cards reviewed (every third note's, some leeches, some
    # suspended, some with a review Anki logged without a rating) are written while the rest come.
    with zipfile.ZipFile(ANKI / "chemistry.colpkg") as zf:
        db = tmp_path / "col.sqlite"
        db.write_bytes(unzstd(zf.read("collection.anki21b")))
    conn = connect(db)
    basic = conn.execute("SELECT id FROM notetypes WHERE name = 'Basic (and reversed card)'").fetchone()[0]
    deck = conn.execute("SELECT id FROM decks WHERE name LIKE 'Chemistry%Elements'").fetchone()[0]
    conn.execute("DELETE FROM revlog")
    base, day = 1_790_000_000_000, 86_400_000
    for n in range(300):
        nid = 1_700_000_000_000 + n
        conn.execute("INSERT INTO notes VALUES (?, ?, ?, 0, -1, ' bench ', ?, '', 0, 0, '')",
                     (nid, f"many-{n}", basic, f"Front {n}\x1fBack {n}"))
        for ord_ in (0, 1):
            conn.execute("INSERT INTO cards VALUES (?, ?, ?, ?, 0, -1, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                         (nid * 10 + ord_, nid, deck, ord_, -1 if n % 7 == 0 else 0))
        # Every third note's card reviewed: a leech (Easy, then forgotten 9 times), or a few answers ending
        # in review, due days later (fuzzed), the last one unrated in every other.
        if n % 3 == 0:
            eases = [4] + [1, 3] * 9 if n % 9 == 0 else [1, 2, 3, 4, 4, 0 if n % 2 else 4]
            for k, ease in enumerate(eases):
                conn.execute("INSERT INTO revlog VALUES (?, ?, -1, ?, 0, 0, 0, 5000, ?)",
                             (base + n * 1_000 + k * day, nid * 10, ease, 1 if k else 0))
    conn.commit()
    conn.close()
    path = package(tmp_path / "many.apkg", db, modern=True)

    writes = []  # how many cards were stored at each write ahead
    write = replay_ahead.ReplayAhead._write

    def counted(self):
        stored = self._writing.stored()
        wrote = write(self)
        if wrote:
            writes.append(stored)
        return wrote

    monkeypatch.setattr(replay_ahead.ReplayAhead, "_write", counted)
    monkeypatch.setattr(card_store, "BATCH", 40)  # (written a batch at a time)
    monkeypatch.setattr(module, "BATCH", 20)  # (sent a batch at a time)
    make = card_store.imported_card_row

    def slowly(*args):  # a reader slower than the store, as with a large package
        time.sleep(0.0003)
        return make(*args)

    monkeypatch.setattr(card_store, "imported_card_row", slowly)
    ahead = import_deck(library, path)
    assert len(forks) == 1 and ahead.reviews > 800 and ahead.reviews_skipped > 0 and ahead.suspended > 0
    assert writes and min(writes) < ahead.cards / 2  # some written long before the last card
    here, database = read_here(tmp_path, monkeypatch, lambda lib: import_deck(lib, path))
    assert here.to_dict() == ahead.to_dict() and database == dump(library)
    leeches = library.db.conn.execute("SELECT count(*) FROM items WHERE leech = 1 AND status = 'suspended'")
    assert leeches.fetchone()[0] > 0


def chemistry_changed(tmp_path, change, name: str = "changed.apkg"):
    """The chemistry package with its collection changed by `change(connection)`."""
    import zipfile

    from anki_builder import connect, package, unzstd

    with zipfile.ZipFile(ANKI / "chemistry.colpkg") as zf:
        db = tmp_path / "col.sqlite"
        db.write_bytes(unzstd(zf.read("collection.anki21b")))
    conn = connect(db)
    change(conn)
    conn.commit()
    conn.close()
    return package(tmp_path / name, db, modern=True)


@pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")
def test_an_anki_card_id_made_twice_has_its_log_on_the_first_card_read_ahead_or_here(library, tmp_path,
                                                                                   monkeypatch):
    from quiz.study.importing import import_deck

    reviewed = []

    def twice(conn):  # a cards table without its key, an unreviewed card given a reviewed card's id
        conn.execute("CREATE TABLE keyless AS SELECT * FROM cards")
        conn.execute("DROP TABLE cards")
        conn.execute("ALTER TABLE keyless RENAME TO cards")
        cid = conn.execute("SELECT cid FROM revlog ORDER BY id LIMIT 1").fetchone()[0]
        other = conn.execute("SELECT id FROM cards WHERE id NOT IN (SELECT cid FROM revlog) ORDER BY id DESC "
                             "LIMIT 1").fetchone()[0]
        conn.execute("UPDATE cards SET id = ? WHERE id = ?", (cid, other))
        reviewed.append(cid)

    path = chemistry_changed(tmp_path, twice)
    ahead = import_deck(library, path)
    here, database = read_here(tmp_path, monkeypatch, lambda lib: import_deck(lib, path))
    assert ahead.reviews == 16 and here.to_dict() == ahead.to_dict() and database == dump(library)
    logged = library.db.conn.execute("SELECT count(DISTINCT item) FROM reviews").fetchone()[0]
    assert logged == library.db.conn.execute("SELECT count(*) FROM items WHERE answers > 0").fetchone()[0]


@pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")
def test_the_title_read_ahead_is_that_of_the_cards_made(library, tmp_path, monkeypatch):
    from quiz.study.importing import import_deck

    def empty_card_elsewhere(conn):  # a second Anki deck whose one card is empty: announced, then not made
        columns = [row[1] for row in conn.execute("PRAGMA table_info(decks)")]
        row = list(conn.execute("SELECT * FROM decks LIMIT 1").fetchone())
        row[columns.index("id")], row[columns.index("name")] = 42, "Elsewhere"
        conn.execute(f"INSERT INTO decks VALUES ({', '.join('?' * len(row))})", row)
        basic = conn.execute("SELECT id FROM notetypes WHERE name = 'Basic'").fetchone()[0]
        conn.execute("INSERT INTO notes VALUES (77, 'empty', ?, 0, -1, '', '\x1f', '', 0, 0, '')", (basic,))
        conn.execute("INSERT INTO cards VALUES (770, 77, 42, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')")

    path = chemistry_changed(tmp_path, empty_card_elsewhere)
    ahead = import_deck(library, path, deck_name="chem")
    here, database = read_here(tmp_path, monkeypatch, lambda lib: import_deck(lib, path, deck_name="chem"))
    assert here.to_dict() == ahead.to_dict() and database == dump(library)
    assert [(deck.deck, deck.title) for deck in library.decks()] == [("chem", "Chemistry")]


@pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")
def test_a_package_reader_stopped_mid_read_leaves_no_copy_of_the_collection(library, tmp_path, monkeypatch):
    import signal
    import tempfile
    import time

    from quiz.formats import anki_package
    from quiz.study.importing import import_deck

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    read_collection = anki_package._read_collection

    def slowly(*args):  # (in the reader: its copy of the collection made, and in use)
        time.sleep(2)
        return read_collection(*args)

    monkeypatch.setattr(anki_package, "_read_collection", slowly)

    class Stopped(BaseException):  # (as Ctrl+C's KeyboardInterrupt)
        pass

    def stop(*_):
        raise Stopped

    before = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 0.5)  # the learner gives up while the reader reads the collection
    try:
        with pytest.raises(Stopped):
            import_deck(library, ANKI / "chemistry-modern.apkg")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    assert no_child_left()
    assert list(temp.rglob("*")) == []  # (the import's own scratch, and the reader's copy in it, removed)
    assert library.decks() == []


@pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")
def test_a_review_logged_past_the_year_3000_is_not_imported_read_ahead_or_here(library, tmp_path, monkeypatch):
    from quiz.study.importing import import_deck

    def far_future(conn):  # (a date can hold no such time: FSRS's replay of it failed with a traceback)
        last = conn.execute("SELECT id FROM revlog ORDER BY id DESC LIMIT 1").fetchone()[0]
        conn.execute("UPDATE revlog SET id = 9000000000000000 WHERE id = ?", (last,))

    path = chemistry_changed(tmp_path, far_future)
    ahead = import_deck(library, path)
    here, database = read_here(tmp_path, monkeypatch, lambda lib: import_deck(lib, path))
    assert ahead.reviews == 15 and here.to_dict() == ahead.to_dict() and database == dump(library)
