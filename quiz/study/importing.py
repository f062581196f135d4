"""Importing deck files into the store, with their Anki review history: headless, all or nothing.

    report = import_deck(library, "Chemistry.apkg")                 # or dry_run=True
    report.added, report.updated, report.unchanged, report.retired  # cards (and facts)
    report.reviews, report.suspended, report.warnings

One import is one SQLite transaction:

1. The file is read (quiz.formats.readers) before the database is touched; an Anki package's media
   go into a staging folder beside the media folder. A text file (CSV/TSV) is not read whole first:
   its cards are stored as they are read (step 2), so memory stays flat however long the file, and
   from the command line it is parsed in a second process while this one stores
   (quiz.study.read_ahead).
2. A card deck is stored a card a row (quiz.store.cards): each card is its item, the card kept in it,
   so the deck is rebuilt from the database alone. Cards keep their ids (Anki GUIDs, or a content
   hash where there are none), so a newer version of the file updates changed cards and keeps their
   progress. A deck with facts (a YAML fact deck) is registered whole, as its JSON model
   (Library.add_deck).
3. The Anki review log goes into quiz's review log against each card's flashcard question (ease
   1-4 is the FSRS rating; ease-0 rows, which are due dates set by hand or resets, are no answers
   and are skipped), and the item's FSRS state is set by replaying its whole log, as
   Scheduling.replay does: the stored state is always the replay of the log. A review already in
   the log (the same item at the same time) is not added again.
4. Cards suspended in Anki are suspended, as they arrive (a card the learner unsuspends in quiz
   stays unsuspended when the same file is imported again); a text file cannot say, so its cards
   keep the suspensions they have.

Any failure rolls the transaction back: the database is exactly as it was. The staged media are
moved into `<data folder>/media/<deck>/` only after the commit. A dry run does the same work and
rolls it back, so its report is what the import would do.

`progress(done, total, stage)` (optional) follows the work: `total` is PROGRESS_TOTAL, `stage` one
of "read", "store", "reviews", "commit", "done". It is called from the importing thread; an
exception it raises before the commit (a cancel button's) aborts the import, rolled back like any
failure; it is called once after the commit, with done == total and stage "done".
"""

from __future__ import annotations

import contextlib
import filecmp
import itertools
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.formats.problems import DeckError, Problem

if TYPE_CHECKING:
    import sqlite3

    from quiz.formats.anki_package import PackageRead
    from quiz.model import Deck
    from quiz.store.cards import CardRow
    from quiz.store.decks import StoredDeck
    from quiz.store.items import Schedule
    from quiz.study.engine import Library
    from quiz.study.read_ahead import ReadAhead
    from quiz.study.replay_ahead import ReplayAhead, Replayed
    from quiz.study.scheduler import Scheduling

PROGRESS_TOTAL = 1000
SAMPLE_CARDS = 5  # cards shown in a report's sample (the app's preview)
# Where each stage starts, of PROGRESS_TOTAL: reading the file is most of a small import's time.
_STAGE_START = {"read": 0, "store": 400, "reviews": 800, "commit": 950, "done": PROGRESS_TOTAL}

Progress = Callable[[int, int, str], None]


class ImportCancelled(Exception):
    """Raised by a progress callback to stop an import before its commit: nothing is changed."""


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, for a dry run, would do). Counts are of cards (and facts, for YAML
    fact decks), not of the questions made from them."""

    path: str
    format: str
    deck: str = ""
    cards: int = 0  # cards in the file
    facts: int = 0  # facts in the file (a YAML fact deck)
    notes: int = 0  # Anki notes the cards come from (a card without a guid is its own note, reversed or not)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0  # in the stored deck but no longer in the file: kept with their history, not shown
    reviews: int = 0  # review-log rows added
    reviews_known: int = 0  # already in the log (imported before)
    reviews_skipped: int = 0  # not answers (ease 0), or of cards not imported
    suspended: int = 0  # cards newly suspended (suspended in the file)
    unsuspended: int = 0  # cards no longer suspended in the file, unsuspended
    media: int = 0  # media files the deck's cards show
    questions: int = 0  # the deck's questions after the import (not retired)
    questions_added: int = 0
    questions_updated: int = 0  # wording or answer changed: progress kept
    questions_unchanged: int = 0
    questions_retired: int = 0
    sample: list[tuple[str, str]] = field(default_factory=list)  # the first cards' (front, back), as text
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired or self.reviews or self.suspended
                    or self.unsuspended)

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        """One line: `deck: 71 cards: 71 added, 0 updated, ...`."""
        verb = "would import" if self.dry_run else "imported"
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.retired:
            parts.append(f"{self.retired} retired")
        what = f"{self.cards} card{'s' if self.cards != 1 else ''}"
        if self.facts:
            what += f" and {self.facts} fact{'s' if self.facts != 1 else ''}"
        text = f"{self.path}: {verb} into deck {self.deck}: {what} ({', '.join(parts)})"
        if self.reviews or self.reviews_known:
            text += f"; {self.reviews} reviews" + (f" ({self.reviews_known} already there)" if self.reviews_known
                                                    else "")
        if self.suspended:
            text += f"; {self.suspended} suspended"
        if self.unsuspended:
            text += f"; {self.unsuspended} unsuspended"
        if self.media:
            text += f"; {self.media} media file{'s' if self.media != 1 else ''}"
        return text


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def media_root(library: Library) -> Path:
    """Where imported media live: `media/` beside the database (the data folder, for the default one)."""
    return Path(library.path).parent / "media"


def media_folder(library: Library, deck: str) -> Path:
    """The folder of one deck's media files (names as in Card.media)."""
    return media_root(library) / deck


def import_deck(library: Library, path: str | os.PathLike, *, deck_name: str | None = None, dry_run: bool = False,
                format: str | None = None, progress: Progress | None = None, **options) -> ImportReport:
    """Import one deck file into the library. Raises DeckError (a bad file, a name that is taken),
    sqlite3.Error, and whatever `progress` raises (ImportCancelled); the database is then left as it was.

    `deck_name` names the deck (slugged into a deck id); by default the file's deck or file name.
    `progress(done, total, stage)` follows the work (see the module doc).
    `options` go to the reader (separator=, term_sep=, card_sep=, limits=, ...).
    """
    from quiz.formats.anki_notes import slug
    from quiz.formats.readers import detect_format, read_deck_file

    path = Path(path)
    kind = format or detect_format(path) or "unknown"
    report = ImportReport(path=str(path), format=kind, dry_run=dry_run)
    staging: Path | None = None
    tick = _ticker(progress)
    try:
        if kind == "anki" and not dry_run:
            root = media_root(library)
            try:
                root.mkdir(parents=True, exist_ok=True)
                staging = Path(tempfile.mkdtemp(prefix=".import-", dir=root))
            except OSError as error:
                raise DeckError([Problem(str(path), 0, "", f"cannot write media into {root}: "
                                                           f"{error.strerror or error}")]) from None
        deck_id = slug(deck_name) if deck_name else None
        tick("read", 0, 1)
        if kind == "text":
            _import_text(library, path, deck_id, report, dry_run, tick, progress, options)
        elif kind == "anki" and _import_package_ahead(library, path, deck_id, staging, report, dry_run, tick,
                                                      progress, options):
            pass
        else:
            reading = (lambda done, total: tick("read", done, total)) if progress is not None else None
            deck = read_deck_file(path, format=format, media_dir=staging, deck_id=deck_id, progress=reading,
                                  **options)
            if deck_id and deck.id != deck_id:  # a YAML deck names itself
                deck.id = deck_id
            report.deck = deck.id
            for name, value in _file_facts(deck).items():
                setattr(report, name, value)
            if deck.facts or deck.entities or deck.relations:
                lang = _lang(deck)
                report.sample = [(card.front.get(lang), card.back.get(lang)) for card in deck.cards[:SAMPLE_CARDS]]
                _import(library, deck, path, report, dry_run, tick)
            else:
                from quiz.store.cards import card_row

                _import_cards(library, deck, map(card_row, deck.cards), path, report, dry_run, tick,
                              follow_suspensions=_says_suspensions(kind, deck))
            if staging is not None and not dry_run:
                with _after_commit():
                    _place_media(deck, staging, media_folder(library, deck.id), report)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    if progress is not None:
        with _after_commit():
            progress(PROGRESS_TOTAL, PROGRESS_TOTAL, "done")
    return report


class _Unforeseen(Exception):
    """A package read ahead made a deck other than the one announced before its cards."""


def _import_package_ahead(library: Library, path: Path, deck_id: str | None, staging: Path | None,
                          report: ImportReport, dry_run: bool, tick: Callable[[str, int, int], None],
                          progress: Progress | None, options: dict) -> bool:
    """An Anki package read in a second process while this one stores its cards, where that is safe
    (quiz.study.read_ahead): whether it was (False: the caller reads it here). The deck's id, and
    whether the file says what is suspended, are announced before its first card, from all the
    collection's decks and cards; in the rare file whose cards made say otherwise (some make none),
    the import is undone here and the caller reads it again itself."""
    from quiz.formats.anki_package import stream_anki_package
    from quiz.store.cards import imported_card_row
    from quiz.study.read_ahead import read_ahead

    made: list[PackageRead] = []
    revlog: list = []
    # The reader's temporary copy of the collection goes in a folder of this process's, removed here
    # however the reader ends (killed, it could not remove it itself).
    scratch = tempfile.mkdtemp(prefix="quiz-read-")

    def produce(reading, emit, announce, tell) -> None:  # (in the reading process)
        def start(deck: Deck, scheduled: bool, log: list) -> None:
            revlog.extend(log)
            announce((deck, scheduled, log))
        made.append(stream_anki_package(path, staging, deck_id=deck_id, progress=reading, on_start=start,
                                        on_card=emit, make=imported_card_row, on_reviewed=lambda *told: tell(told),
                                        scratch=scratch, **options))

    def finish() -> dict:  # (in the reading process, once it is done)
        read = made[0]
        deck = read.deck
        reviewed = {cid: read.card_ids[cid] for _, cid, *_ in revlog if cid in read.card_ids}
        return {"id": deck.id, "title": deck.title, "scheduled": _says_suspensions("anki", deck, read.suspended),
                "reviewed": reviewed, "media_files": deck.media_files,
                "facts": _file_facts(deck, read.notes, read.media)}

    storing = _storing(progress)
    try:
        ahead = read_ahead(produce, label=str(path), progress=storing, finish=finish)
        if ahead is None:
            return False
        return _import_read_ahead(library, path, ahead, staging, report, dry_run, tick)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _import_read_ahead(library: Library, path: Path, ahead: ReadAhead, staging: Path | None, report: ImportReport,
                       dry_run: bool, tick: Callable[[str, int, int], None]) -> bool:
    """_import_package_ahead once the package's reader is started: whether it was imported."""
    from quiz.formats.anki_package import reviews_of
    from quiz.study.replay_ahead import ReplayAhead

    with ahead:
        header, scheduled, log = ahead.announced()
        report.deck = header.id
        # The review log replayed, and written where that is safe, while this process waits on the reader.
        replays = ReplayAhead(log)
        ahead.idle, ahead.told = replays.step, replays.told

        def cards() -> Iterator[tuple]:
            yield from ahead
            done = ahead.result
            if done["id"] != header.id or done["scheduled"] != scheduled:
                raise _Unforeseen  # (inside the transaction: undone)
            # (the title too is from the decks of the cards made: the deck row is written after them)
            header.title, header.reviews = done["title"], reviews_of(log, done["reviewed"])
            header.media_files = done["media_files"]
            replays.card_ids = done["reviewed"]
            for name, value in done["facts"].items():
                setattr(report, name, value)
            header.warnings = list(report.warnings)  # (before "no cards found" may need them)

        try:
            _import_cards(library, header, cards(), path, report, dry_run, tick,
                          follow_suspensions=scheduled, streamed=True, replays=replays)
        except _Unforeseen:
            for name, value in asdict(ImportReport(path=report.path, format=report.format, dry_run=dry_run)).items():
                setattr(report, name, value)
            return False
    if staging is not None and not dry_run:
        with _after_commit():
            _place_media(header, staging, media_folder(library, header.id), report)
    return True


def _storing(progress: Progress | None) -> Callable[[int, int], None] | None:
    """A reader's progress(done, total) as the import's, where reading is storing (cards stored as
    they are read): one stage, from the start to the reviews'."""
    if progress is None:
        return None

    def storing(done: int, total: int) -> None:
        progress(_STAGE_START["reviews"] * min(done, total) // max(total, 1), PROGRESS_TOTAL, "store")
    return storing


@contextlib.contextmanager
def _after_commit() -> Iterator[None]:
    """Work after an import's commit: a Ctrl+C there is marked `committed` (the deck is imported; only
    the media may be missing), so that the caller does not say nothing was imported."""
    try:
        yield
    except KeyboardInterrupt as interrupt:
        interrupt.committed = True
        raise


def _import_text(library: Library, path: Path, deck_id: str | None, report: ImportReport, dry_run: bool,
                 tick: Callable[[str, int, int], None], progress: Progress | None, options: dict) -> None:
    """A text file, streamed: each card is stored as it is read, so memory stays flat however long the
    file; read in a second process while this one stores where that is safe (quiz.study.read_ahead)."""
    from quiz.formats.text_deck import stream_text_deck
    from quiz.store.cards import imported_card_row
    from quiz.study.read_ahead import read_ahead

    storing = _storing(progress)
    header, read_cards = stream_text_deck(path, deck_id=deck_id, make=imported_card_row, **options)
    report.deck = header.id
    notes = [0]
    ahead = read_ahead(lambda progress, emit, announce, tell: read_cards(progress, notes), label=str(path),
                       progress=storing, finish=lambda: (header.warnings, notes[0]))

    def from_ahead() -> Iterator[tuple]:
        yield from ahead
        header.warnings[:], notes[0] = ahead.result  # (before "no cards found" may need them)

    rows = read_cards(storing, notes) if ahead is None else from_ahead()
    with ahead or contextlib.nullcontext():  # the reading process stopped however this ends
        _import_cards(library, header, rows, path, report, dry_run, tick, follow_suspensions=False, streamed=True)
    report.notes = notes[0]
    report.warnings = list(header.warnings)


def _ticker(progress: Progress | None) -> Callable[[str, int, int], None]:
    """tick(stage, done, total): `done` of `total` through a stage, as overall progress."""
    if progress is None:
        return lambda stage, done, total: None
    stages = list(_STAGE_START)

    def tick(stage: str, done: int, total: int) -> None:
        start = _STAGE_START[stage]
        end = _STAGE_START[stages[stages.index(stage) + 1]] if stage != "done" else start
        progress(start + (end - start) * min(done, total) // max(total, 1), PROGRESS_TOTAL, stage)
    return tick


def _lang(deck: Deck) -> str:
    return deck.languages[0] if deck.languages else "en"


def _file_facts(deck: Deck, notes: int | None = None, media: int | None = None) -> dict:
    """What an import reports of the file it read: its warnings, notes and media (counted in the deck's
    cards, unless the reader counted them)."""
    return {"warnings": list(deck.warnings), "notes": _notes(deck) if notes is None else notes,
            "media": len({name for card in deck.cards for name in card.media}) if media is None else media}


def _notes(deck: Deck) -> int:
    """The notes the cards come from: one per guid; a card without one is its own (the first card of
    a reversed pair, ord 0, counts it)."""
    guids = {card.guid for card in deck.cards if card.guid}
    return len(guids) + sum(1 for card in deck.cards if not card.guid and card.ord == 0)


@contextlib.contextmanager
def _all_or_nothing(library: Library, name: str) -> Iterator[None]:
    """The one transaction of an import of deck `name`: rolled back on any failure, and for a dry run
    (_DryRun raised inside, and swallowed here); the library forgets what it held of the deck."""
    from quiz.store.database import transaction

    try:
        with transaction(library.db):
            yield
    except _DryRun:
        library._forget(name)
    except BaseException:
        library._forget(name)
        raise
    else:
        library._committed()


def _refuse_bundled(conn: sqlite3.Connection, name: str, path: Path) -> StoredDeck | None:
    """The stored deck `name`, if any; DeckError if it is one quiz ships."""
    from quiz.bundled import bundled_decks
    from quiz.store.decks import stored_deck

    existing = stored_deck(conn, name)
    if (existing is not None and existing.origin == "bundled") or name in bundled_decks():
        raise DeckError([Problem(str(path), 0, "", f"deck {name!r} is one quiz ships: "
                                                   "import it under another name (--deck NAME)")])
    return existing


def _end(conn: sqlite3.Connection, deck_key: int, report: ImportReport, dry_run: bool,
         tick: Callable[[str, int, int], None]) -> None:
    """The deck's questions counted; the last moment a cancel takes effect; a dry run undone."""
    report.questions = conn.execute("SELECT count(*) FROM items WHERE deck = ? AND status != 'retired'",
                                    (deck_key,)).fetchone()[0]
    report.questions_unchanged = report.questions - report.questions_added - report.questions_updated
    tick("commit", 0, 1)
    if dry_run:
        raise _DryRun


def _import(library: Library, deck: Deck, path: Path, report: ImportReport, dry_run: bool,
            tick: Callable[[str, int, int], None]) -> None:
    from quiz.store.decks import deck_source, load_model, source_hash, stored_deck

    conn = library.db.conn
    tick("store", 0, 1)
    # The parsed deck goes to the store as its JSON model: no YAML written here and parsed again there.
    source = deck_source(deck)
    entries = {**{("card", c.id): c for c in deck.cards}, **{("fact", f.id): f for f in deck.facts}}
    report.cards, report.facts = len(deck.cards), len(deck.facts)
    with _all_or_nothing(library, deck.id):
        existing = _refuse_bundled(conn, deck.id, path)
        old: dict = {}
        same_text = existing is not None and conn.execute(
            "SELECT source_hash = ? FROM decks WHERE id = ?", (source_hash(source), existing.key)).fetchone()[0]
        if existing is not None and not same_text:
            try:
                model = load_model(conn, deck.id)
                old = {**{("card", c.id): c for c in model.cards}, **{("fact", f.id): f for f in model.facts}}
            except DeckError:
                old = {}
        if same_text:
            report.unchanged = len(entries)
        else:
            for key, entry in entries.items():
                if key not in old:
                    report.added += 1
                elif old[key] != entry:
                    report.updated += 1
                else:
                    report.unchanged += 1
            report.retired = sum(1 for key in old if key not in entries)
        sync = library.add_deck(deck, origin="imported", path=str(path), deck_json=source)
        stored = stored_deck(conn, deck.id)
        report.questions_added, report.questions_updated = sync.added, sync.changed + sync.restored
        report.questions_retired = sync.retired
        tick("reviews", 0, 1)
        _import_reviews(conn, library.scheduling(stored), stored.key, deck, report, tick)
        if not same_text:
            _suspensions(conn, stored.key, deck, old, report)
        _end(conn, stored.key, report, dry_run, tick)


def _import_cards(library: Library, deck: Deck, cards: Iterable[CardRow], path: Path, report: ImportReport,
                  dry_run: bool, tick: Callable[[str, int, int], None], *, follow_suspensions: bool,
                  streamed: bool = False, replays: ReplayAhead | None = None) -> None:
    """Import a card deck a card a row (quiz.store.cards): `deck` is the deck's header (its cards, if
    any, are not looked at: `cards` are written, as they come) and its review log, if any.
    `streamed`: the cards are read as they are written, and say how far the storing is themselves."""
    from quiz.formats.json_deck import card_from_json, card_to_json
    from quiz.formats.problems import no_cards
    from quiz.store.cards import CardRow, CardWriter, card_qid
    from quiz.store.decks import CARDS, begin_card_deck, finish_card_deck, load_model, stored_deck

    conn = library.db.conn
    lang = _lang(deck)
    if not streamed:
        tick("store", 0, 1)
    with _all_or_nothing(library, deck.id):
        existing = _refuse_bundled(conn, deck.id, path)
        legacy = None
        if existing is not None and existing.format != CARDS:  # stored whole before: its cards to compare
            try:
                legacy = {card_qid(deck.id, card.id): card_to_json(card)
                          for card in load_model(conn, deck.id).cards}
            except DeckError:
                legacy = None
        now = library.clock()
        key = begin_card_deck(conn, deck, origin="imported", path=str(path), now_ms=now)
        scheduling = library.scheduling(stored_deck(conn, deck.id))
        writer = CardWriter(conn, key, deck.id, languages=deck.languages, follow_suspensions=follow_suspensions,
                            legacy=legacy)
        if replays is not None:  # (reviews written ahead only into a deck new here)
            from quiz.study.replay_ahead import Writing

            replays.start(scheduling, Writing(conn, key, deck.id, lang, lambda: writer.written) if writer.fresh
                          else None)
        cards = iter(cards)
        for row in itertools.islice(cards, SAMPLE_CARDS):
            writer.add(row)
            card = card_from_json(CardRow(*row).json)  # (a CardRow, or a plain tuple from a reading process)
            report.sample.append((card.front.get(lang), card.back.get(lang)))
        writer.add_all(cards)
        sync = writer.finish()
        if replays is not None:
            replays.finish()  # (what the waits left, the last cards stored)
        if not sync.cards:
            raise no_cards(path, deck.warnings)
        finish_card_deck(conn, key, deck, sync.content, origin="imported", path=str(path), now_ms=now)
        library._forget(deck.id)
        report.cards = sync.cards
        # A card back after being retired is added, to the learner (as a card new to the deck), and
        # an item restored with its progress, to the questions.
        report.added, report.updated, report.unchanged = sync.added + sync.restored, sync.updated, sync.unchanged
        report.retired, report.suspended, report.unsuspended = sync.retired, sync.suspended, sync.unsuspended
        report.questions_added, report.questions_updated = sync.added, sync.updated + sync.restored
        report.questions_retired = sync.retired
        if deck.reviews:  # (no "replaying the history" for a file without one)
            tick("reviews", 0, 1)
            if replays is None:
                _import_reviews(conn, scheduling, key, deck, report, tick)
            else:
                report.reviews, report.reviews_skipped = replays.reviews, replays.skipped
                _import_reviews(conn, scheduling, key, deck, report, tick, ahead=replays.by_card(),
                                written=replays.written)
        _end(conn, key, report, dry_run, tick)


def _import_reviews(conn: sqlite3.Connection, scheduling: Scheduling, deck_key: int, deck: Deck,
                    report: ImportReport, tick: Callable[[str, int, int], None],
                    ahead: dict[str, Replayed] | None = None, written: set[str] = frozenset()) -> None:
    """Append the Anki review log to the flashcard items and replay each changed item's log. `ahead`:
    card id -> its log replayed already (quiz.study.replay_ahead), used where it is the item's log;
    `written`: the cards whose reviews are written already (and counted in the report), left out."""
    from quiz.store import reviews as log
    from quiz.store.cards import card_qid
    from quiz.store.items import read_schedules, write_schedules
    from quiz.store.schema import PRACTICE
    from quiz.study.replay_ahead import as_imported, log_row

    reviews = [entry for entry in deck.reviews if entry.card_id not in written] if written else deck.reviews
    if not reviews:
        return
    # The items of the cards reviewed, found by qid alone (it names the deck and the template): its
    # index answers, without reading the items themselves (scattered over the deck's just written).
    card_ids = list(dict.fromkeys(entry.card_id for entry in reviews))
    items: dict[str, int] = {}
    for start in range(0, len(card_ids), 500):
        qids = {card_qid(deck.id, card_id): card_id for card_id in card_ids[start:start + 500]}
        items.update((qids[qid], key) for key, qid in conn.execute(
            f"SELECT id, qid FROM items WHERE qid IN ({', '.join('?' * len(qids))})", tuple(qids)))
    lang = _lang(deck)
    taken: dict[int, int] = {}  # at -> item, for rows added by this import
    # Who already holds each review's own time in the log, asked in batches (one query per review
    # was a third of this stage); a time moved by a clash is asked on its own.
    times = sorted({entry.reviewed_at for entry in reviews})
    holders: dict[int, int] = {}
    for start in range(0, len(times), 500):
        batch = times[start:start + 500]
        holders.update(conn.execute(f"SELECT at, item FROM reviews WHERE at IN ({', '.join('?' * len(batch))})",
                                    batch))
    asked = set(times)

    def owner(at: int) -> int | None:
        if at in taken:
            return taken[at]
        if at in asked:
            return holders.get(at)
        row = conn.execute("SELECT item FROM reviews WHERE at = ?", (at,)).fetchone()
        return row[0] if row else None

    added: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # item -> (at, rating, ms)
    answers: dict[int, list[tuple[int, int]]] = defaultdict(list)  # item -> (at, rating), to compare with a replay
    card_of: dict[int, str] = {}  # item -> card id
    for entry in sorted(reviews, key=lambda r: r.reviewed_at):
        item = items.get(entry.card_id)
        if item is None or not 1 <= entry.ease <= 4:
            report.reviews_skipped += 1
            continue
        # The log's key is the time, unique over all items: a clash with another item's answer
        # moves this one 1 ms later (as Anki's revlog does); the same item at that time is this
        # very review, imported before.
        at = entry.reviewed_at
        while (who := owner(at)) is not None and who != item:
            at += 1
        if who == item:
            report.reviews_known += 1
            continue
        taken[at] = item
        added[item].append((at, entry.ease, max(0, min(int(entry.duration), log.MAX_MS))))
        answers[item].append((at, entry.ease))
        card_of[item] = entry.card_id
    # Each item's log so far, in one pass (item by item would scan the log once per item).
    logged = log.item_logs(conn, "deck = ?", (deck_key,), only=added) if added else {}
    befores = read_schedules(conn, list(added))
    rows: list[tuple] = []  # the log entries to add, as log.append writes them
    schedules: list[tuple[int, Schedule]] = []
    for done, (item, new) in enumerate(added.items()):
        if done % 500 == 0:
            tick("reviews", done, len(added))
        before = befores[item]
        replayed = ahead.get(card_of[item]) if ahead else None
        if replayed is not None and item not in logged and replayed.answers == tuple(answers[item]):
            # Replayed ahead, as this very log: only the due's fuzz, which depends on the item, is left.
            rows += replayed.log_rows(item, deck_key, lang, new)
            schedule = replayed.schedule_on(item, scheduling)
        else:
            # (at, type or None for a new entry, rating, ms): a new entry's type is the state it is answered in.
            merged = sorted([(r.at, r.type, r.rating, r.ms) for r in logged.get(item, ())] +
                            [(at, None, rating, ms) for at, rating, ms in new], key=lambda entry: entry[0])
            schedule = type(before)()
            # Scheduling.replay, step by step, so each added row records the state it was answered in.
            for at, kind, rating, ms in merged:
                if kind is None:
                    rows.append(log_row(at, item, deck_key, lang, schedule.state, rating, ms))
                if kind == PRACTICE:
                    schedule = scheduling.practice(schedule)
                else:
                    schedule = scheduling.review(item, schedule, rating, at)
        schedules.append((item, as_imported(schedule, before.status, before.leech)))
    # In key order: the items' pages, and the log's (keyed by time), are then written in turn.
    schedules.sort(key=lambda pair: pair[0])
    rows.sort(key=lambda row: row[0])
    write_schedules(conn, schedules)
    log.append_many(conn, rows)
    report.reviews += len(rows)


# Formats that cannot say a card is suspended: their cards' suspensions are left as they are (a text
# export of an Anki deck would otherwise unsuspend what its package suspended).
_NO_SUSPENSIONS = frozenset({"text", "quizlet"})


def _says_suspensions(kind: str, deck: Deck, suspended: bool | None = None) -> bool:
    """Whether the file says which cards are suspended. Not a text file, nor a package exported
    without its scheduling (Anki then writes every card new and unsuspended, and no review log):
    one with neither a review nor a suspended card is taken as that, so that importing it over the
    deck does not unsuspend what the learner suspended. `suspended`: whether a card is, when the
    deck's cards are not at hand."""
    if suspended is None:
        suspended = any(card.suspended for card in deck.cards)
    return kind not in _NO_SUSPENSIONS and (bool(deck.reviews) or suspended)


def _suspensions(conn: sqlite3.Connection, deck_key: int, deck: Deck, old: dict, report: ImportReport) -> None:
    """Follow the file's suspensions as they change: a card suspended in the file is suspended when it
    arrives or becomes suspended; one no longer suspended there is unsuspended (unless a leech)."""
    wanted: dict[str, bool] = {}  # item anchor -> suspended, for the cards whose suspension changed
    for card in deck.cards:
        before = old.get(("card", card.id))
        was = before.suspended if before is not None else False
        if card.suspended != was:
            wanted[f"card:{card.id}"] = card.suspended
    if not wanted:
        return
    # The deck's items of those cards, a batch of anchors a pass (anchors are not indexed: SQLite looks
    # through the deck's items once a batch, instead of handing every item to Python).
    suspend, unsuspend = [], []
    suspended, unsuspended = set(), set()
    anchors = list(wanted)
    rows = itertools.chain.from_iterable(
        conn.execute(f"SELECT id, anchor, status, leech FROM items WHERE deck = ? AND anchor IN "
                     f"({', '.join('?' * len(batch))})", (deck_key, *batch))
        for batch in (anchors[start:start + 500] for start in range(0, len(anchors), 500)))
    for key, anchor, status, leech in rows:
        target = wanted.get(anchor)
        if target is True and status == "active":
            suspend.append((key,))
            suspended.add(anchor)
        elif target is False and status == "suspended" and not leech:
            unsuspend.append((key,))
            unsuspended.add(anchor)
    conn.executemany("UPDATE items SET status = 'suspended' WHERE id = ?", suspend)
    conn.executemany("UPDATE items SET status = 'active' WHERE id = ?", unsuspend)
    report.suspended += len(suspended)
    report.unsuspended += len(unsuspended)


def _place_media(deck: Deck, staging: Path, target: Path, report: ImportReport) -> None:
    """Move the staged media files into the deck's media folder (after the commit: a failure here
    leaves the import done, with a warning)."""
    try:
        target.mkdir(parents=True, exist_ok=True)
        for staged in sorted(deck.media_files.values()):
            source = Path(staged)
            if source.resolve().parent != staging.resolve() or not source.is_file():
                continue
            destination = target / source.name
            if destination.is_file() and filecmp.cmp(source, destination, shallow=False):
                continue
            os.replace(source, destination)
    except OSError as error:
        report.warnings.append(str(Problem(report.path, 0, "", f"media not copied into {target}: "
                                                              f"{error.strerror or error}", severity="warning")))
