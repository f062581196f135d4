"""The study engine: the one facade every interface (plain mode, the Textual app) talks to.

    library = Library.open()                       # or Library.open("progress.db")
    session = library.session("russia-allies", lang="en")
    while (shown := session.next()) is not None:
        outcome = session.answer(shown, [2], elapsed_ms=4200)   # or .grade(shown, 3, ...) for flashcards
    print(session.summary())

Every answer is committed in its own transaction before answer()/grade() returns: the review-log
entry and the item's new FSRS state together. A Library keeps each deck's model and one question
generator per (deck, language) in memory, and re-draws one question at a time with
`generator.one(template, anchor, seed=answers)` (a card deck's card with `generator.card_question`,
which also chooses how the card is asked: multiple choice, typed or its flashcard): the options
change each time an item is shown, deterministically per item and answer count.

Practice (cram) sessions log every answer with type 4 (practice) and leave the schedule alone:
replaying the log skips them, statistics count them as answers.

Not thread-safe: use one Library from one thread at a time.
"""

from __future__ import annotations

import gc
import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.config import StudyConfig
from quiz.questions.question import CARD_ITEM
from quiz.store.schema import ACTIVE, LEARNING, PRACTICE, RELEARNING, REVIEW, SUSPENDED
from quiz.study.clock import day_start, now_ms
from quiz.study.rating import AGAIN, EASY, HARD

if TYPE_CHECKING:
    from quiz.model import Deck
    from quiz.questions.question import Question
    from quiz.store.checkpoints import Checkpointer
    from quiz.store.database import Database
    from quiz.store.decks import StoredDeck, SyncReport
    from quiz.store.items import Schedule
    from quiz.store.reviews import Review
    from quiz.study.checking import Check
    from quiz.study.queue import Entry
    from quiz.study.scheduler import Scheduling


class UnknownDeck(LookupError):
    """No deck by that name in the store, among the bundled decks, or as a file."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such deck"


# -- what the facade returns ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DeckSummary:
    """A deck's counts. `due`: answered items due now; `total`: every item that is not retired."""

    deck: str
    title: str | dict[str, str]
    new: int
    learning: int
    due: int
    review: int
    suspended: int
    retired: int
    total: int
    last_studied: datetime | None  # UTC
    origin: str = "bundled"
    languages: tuple[str, ...] = ("en",)

    def title_in(self, lang: str) -> str:
        if isinstance(self.title, str):
            return self.title
        return self.title.get(lang) or self.title.get("en") or next(iter(self.title.values()), self.deck)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["last_studied"] = self.last_studied.isoformat() if self.last_studied else None
        data["languages"] = list(self.languages)
        return data


@dataclass(slots=True)
class Shown:
    """A question on screen. `question` has its options re-drawn for this showing."""

    item_id: str  # the question's stable id
    question: Question
    is_new: bool
    key: int = field(default=0, repr=False)  # the item's row in the store
    draw: int = 0  # the seed its options were drawn with: the item's answer count


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an answer did: right or wrong, its rating, the schedule it led to, why and who says so."""

    item_id: str
    correct: bool
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    typo: bool  # right but mistyped: `typed` and `expected` show the difference
    typed: str
    expected: str
    right_answer: str
    explanation: str
    sources: list[dict]  # {"seed", "outlet", "title", "date"}
    next_due: datetime | None  # UTC; None for a never-reviewed item after practice
    leech: bool  # this answer made it a leech: it is now suspended
    practice: bool = False

    def to_dict(self) -> dict:
        data = asdict(self)
        data["next_due"] = self.next_due.isoformat() if self.next_due else None
        return data


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """A session's end: answered, accuracy, time, what is due next."""

    answered: int
    correct: int
    accuracy: float | None  # 0-1; None before any answer
    seconds: float  # time spent answering
    next_due: datetime | None  # UTC: when the deck next has something due
    due_tomorrow: int  # items due by the end of the next study day

    def to_dict(self) -> dict:
        data = asdict(self)
        data["next_due"] = self.next_due.isoformat() if self.next_due else None
        return data


@dataclass(slots=True)
class _Done:
    """An answer as committed, kept so it can be undone or re-rated."""

    shown: Shown
    entry: Entry
    before: Schedule
    after: Schedule
    review: Review
    outcome: Outcome
    step: int = 0  # when, among the session's answers and suspensions


@dataclass(slots=True)
class _Suspension:
    """A suspension made in the session, kept so it can be undone."""

    item_id: str
    step: int  # when, among the session's answers and suspensions
    asked: tuple[Shown, Entry] | None  # the question it took off the screen, if it was being asked
    queued: list[Entry]  # its places in the session it lost: in the queue,
    waiting: list[tuple[int, int, Entry]]  # a learning step to come,
    put_back: list[tuple[Shown, Entry]]  # a question undo had put aside


UNDO_DEPTH = 100  # answers a session can take back, newest first


class _Names:
    """The deck's folded names, folded only when a check asks (a near miss): most answers never do."""

    __slots__ = ("deck", "library")

    def __init__(self, library: Library, deck: str):
        self.library, self.deck = library, deck

    def __contains__(self, folded: object) -> bool:
        return folded in self.library.known_names(self.deck)

    def __iter__(self):
        return iter(self.library.known_names(self.deck))

    def __len__(self) -> int:
        return len(self.library.known_names(self.deck))


class _Conflict(Exception):
    """The store moved on (another process answered the same item): leave it alone."""


# -- the library ------------------------------------------------------------------------------
class Library:
    """The learner's decks and progress in one database."""

    def __init__(self, db: Database, path: Path, config: StudyConfig,
                 clock: Callable[[], int] = now_ms):
        self.db = db
        self.path = path
        self._config = config
        self.clock = clock
        self.problems: list[str] = []  # bundled decks that could not be loaded, one line each
        self._models: dict[str, tuple] = {}  # deck name -> (Deck, Knowledge)
        self._generators: dict[tuple[str, str], object] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._schedulers: dict[str, Scheduling] = {}
        self._checkpoints: Checkpointer | None = None

    @property
    def config(self) -> StudyConfig:
        return self._config

    @config.setter
    def config(self, config: StudyConfig) -> None:
        """New settings apply from the next session on (schedulers are rebuilt with them)."""
        self._config = config
        self._schedulers.clear()

    @classmethod
    def open(cls, db_path: str | Path | None = None, *, config: StudyConfig | None = None,
             clock: Callable[[], int] | None = None, sync_bundled: bool = True) -> Library:
        """Open the database (default: QUIZ_DB, else the user's data folder) and register the bundled
        decks. Raises quiz.store.database.StoreError with a one-line message."""
        from quiz.paths import db_path as choose
        from quiz.store.checkpoints import Checkpointer
        from quiz.store.database import open_database

        path, is_default = choose(db_path)
        library = cls(open_database(path, create_folder=is_default), path, config or StudyConfig(), clock or now_ms)
        library._checkpoints = Checkpointer(path)
        library.db.conn.execute("PRAGMA wal_autocheckpoint = 0")  # the Checkpointer's thread does it
        library._replay_merged_cards()
        if sync_bundled:
            try:
                library.sync_bundled()
            except BaseException:
                library.close()
                raise
        return library

    def _replay_merged_cards(self) -> None:
        """After the one-item-per-card migration (schema v4, quiz/store/schema.py): each card item that
        took its former multiple-choice and type-in items' answers gets the schedule its whole log
        leads to, as the store must hold. Once; the migration lists the items in card_merge."""
        conn = self.db.conn
        if conn.execute("SELECT 1 FROM card_merge LIMIT 1").fetchone() is None:
            return
        from quiz.store.database import transaction
        from quiz.store.decks import stored_decks
        from quiz.store.items import read_schedule, write_schedule
        from quiz.store.reviews import item_logs

        decks = {deck.key: deck for deck in stored_decks(conn)}
        with transaction(self.db) as conn:
            logs = item_logs(conn, "item IN (SELECT item FROM card_merge)")
            for item, deck in conn.execute("SELECT items.id, items.deck FROM card_merge "
                                           "JOIN items ON items.id = card_merge.item").fetchall():
                before = read_schedule(conn, item)
                after = self.scheduling(decks[deck]).replay(item, logs.get(item, ()))
                leech = after.leech and not before.leech  # a leech now: suspended, as answering one is
                write_schedule(conn, item, replace(after, status=SUSPENDED if leech else before.status,
                                                   leech=before.leech or after.leech))
            conn.execute("DELETE FROM card_merge")

    def close(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.close()
        self.db.conn.close()

    def _committed(self) -> None:
        """An answer was committed (WAL checkpoints follow the answers)."""
        if self._checkpoints is not None:
            self._checkpoints.committed()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- decks --------------------------------------------------------------------------------
    def sync_bundled(self) -> list[SyncReport]:
        """Register the decks quiz ships, or bring them up to date; a broken one is noted, not fatal."""
        from quiz.bundled import bundled_decks
        from quiz.formats.problems import DeckError

        reports = []
        for path in bundled_decks().values():
            try:
                reports.append(self.add_deck_file(path, origin="bundled"))
            except DeckError as error:
                self.problems.append(str(error))
        return reports

    def add_deck_file(self, path: str | Path, origin: str = "file") -> SyncReport:
        """Register a deck file (or update it from the file). Raises DeckError.

        A file whose size and modification time are those it had when last registered (by this
        version of quiz) is not read again: starting quiz does not re-read and re-hash its decks."""
        from quiz.store.decks import SyncReport, file_stamp, unchanged_file

        path = Path(path)
        try:
            info = path.stat()
        except OSError:
            info = None  # _read says why
        stamp = file_stamp(info.st_size, info.st_mtime_ns) if info is not None else None
        if stamp is not None and (name := unchanged_file(self.db.conn, str(path), stamp)) is not None:
            return SyncReport(name, skipped=True)
        return self.add_source(_read(path), origin=origin, path=str(path), file_stamp=stamp)

    def add_source(self, source: str, *, origin: str, path: str | None = None, fmt: str = "yaml",
                   file_stamp: str | None = None) -> SyncReport:
        """Register a deck given as text (`fmt`), e.g. by an importer. Raises DeckError."""
        from quiz.store.decks import register

        report = register(self.db, source, origin=origin, path=path, fmt=fmt, now_ms=self.clock(),
                          file_stamp=file_stamp)
        if not report.skipped:
            self._forget(report.deck)
        return report

    def add_deck(self, deck: Deck, *, origin: str = "imported", path: str | None = None,
                 deck_json: str | None = None) -> SyncReport:
        """Register a deck already parsed (an importer's model): stored as its JSON model, not re-parsed.
        `deck_json`: the deck's deck_source() if the caller made it already. Raises DeckError."""
        from quiz.store.decks import register

        report = register(self.db, origin=origin, path=path, now_ms=self.clock(), deck=deck, deck_json=deck_json)
        if not report.skipped:
            self._forget(report.deck)
        return report

    def resolve(self, deck: str) -> str:
        """The stored deck name for `deck`: a stored deck's name, a bundled deck id or a deck file."""
        from quiz.bundled import bundled_decks
        from quiz.store.decks import stored_deck

        path = Path(deck)
        if path.suffix in (".yaml", ".yml") or path.is_file():
            if not path.is_file():
                raise UnknownDeck(f"{deck}: no such file")
            from quiz.formats.readers import detect_format

            kind = None if path.suffix in (".yaml", ".yml") else detect_format(path)  # (a deck's start reads no more)
            if kind not in (None, "yaml"):  # (read as YAML, it would only say it is not YAML)
                what = {"anki": "an Anki package", "quizlet": "a Quizlet export"}.get(kind, "a text (CSV/TSV) deck")
                raise UnknownDeck(f"{deck}: {what}: import it first (quiz import {deck}), then study the deck it makes")
            return self.add_deck_file(path).deck
        if stored_deck(self.db.conn, deck):
            return deck
        known = sorted({d.deck for d in self.decks()} | set(bundled_decks()))
        raise UnknownDeck(f"no deck named {deck!r} (decks: {', '.join(known) or 'none'}; or give a deck file)")

    def set_deck_options(self, deck_id: str, *, desired_retention: float | None = None,
                         new_per_day: int | None = None, reviews_per_day: int | None = None) -> None:
        """A deck's own retention and daily limits (None: the configured default). From the next session on."""
        from quiz.store.database import transaction

        if desired_retention is not None and not 0.5 <= desired_retention < 1:
            raise ValueError("desired retention must be from 0.50 to 0.99")
        if any(limit is not None and limit < 0 for limit in (new_per_day, reviews_per_day)):
            raise ValueError("daily limits must not be negative")
        deck = self._stored(deck_id)
        with transaction(self.db) as conn:
            conn.execute("UPDATE decks SET desired_retention = ?, new_per_day = ?, reviews_per_day = ? WHERE id = ?",
                         (desired_retention, new_per_day, reviews_per_day, deck.key))
        self._schedulers.pop(deck.name, None)

    def suspended_cards(self, deck_id: str) -> set[str]:
        """The ids of a card deck's cards whose item is suspended (by the learner, or a leech)."""
        deck = self._stored(deck_id)
        rows = self.db.conn.execute("SELECT anchor FROM items WHERE deck = ? AND template = ? AND status = 'suspended'",
                                    (deck.key, CARD_ITEM))
        return {anchor.removeprefix("card:") for (anchor,) in rows}

    def unsuspend(self, deck_id: str, item_ids: Iterable[str] | None = None) -> int:
        """Make a deck's suspended items active again: those of `item_ids` (question ids), or every
        one; how many were. A leech stays marked as one (it is suspended again at its next lapse
        threshold). Raises UnknownDeck, or KeyError for an id not in the deck (then nothing changes)."""
        from quiz.store.database import transaction

        deck = self._stored(deck_id)
        with transaction(self.db) as conn:
            if item_ids is None:
                return conn.execute("UPDATE items SET status = 'active' WHERE deck = ? AND status = 'suspended'",
                                    (deck.key,)).rowcount
            count = 0
            for qid in item_ids:
                if conn.execute("SELECT 1 FROM items WHERE deck = ? AND qid = ?", (deck.key, qid)).fetchone() is None:
                    raise KeyError(f"no question {qid!r} in deck {deck.name!r}")
                count += conn.execute("UPDATE items SET status = 'active' WHERE deck = ? AND qid = ? "
                                      "AND status = 'suspended'", (deck.key, qid)).rowcount
            return count

    def decks(self) -> list[DeckSummary]:
        from quiz.store.decks import counts, stored_decks

        numbers = counts(self.db.conn, self.clock())
        out = []
        for deck in stored_decks(self.db.conn):
            entry = numbers.get(deck.key, {})
            last = entry.get("last_review")
            out.append(DeckSummary(
                deck=deck.name, title=deck.title, new=entry.get("new", 0), learning=entry.get("learning", 0),
                due=entry.get("due", 0), review=entry.get("review", 0), suspended=entry.get("suspended", 0),
                retired=entry.get("retired", 0), total=entry.get("total", 0),
                last_studied=_utc(last) if last is not None else None, origin=deck.origin, languages=deck.languages))
        return out

    def stats(self, deck_id: str | None = None) -> dict:
        from quiz.stats import compute

        if deck_id is not None:
            self._stored(deck_id)
        return compute(self.db.conn, self.clock(), self.config.day_starts_at, deck=deck_id)

    def answers_by_day(self, days: int, deck_id: str | None = None) -> list[dict]:
        """Answers on each of the last `days` study days, oldest first: {"day", "reviews", "correct"}."""
        from quiz.stats import by_day

        deck = self._stored(deck_id).key if deck_id is not None else None
        return by_day(self.db.conn, self.clock(), days, self.config.day_starts_at, deck)

    def session(self, deck_id: str, lang: str = "en", limit: int | None = None, cram: bool = False,
                topic: str | None = None, planned_at: int | None = None) -> StudySession:
        """A session with deck `deck_id`, planned now, or at `planned_at` (ms): the time another process
        planned the same session at, to get the same queue (quiz.study.head_start)."""
        from quiz.model import LANGUAGES

        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}")
        if limit is not None and limit < 0:
            raise ValueError("limit must not be negative")
        return StudySession(self, self._stored(deck_id), lang, limit, cram, topic, planned_at)

    # -- in memory, per deck -------------------------------------------------------------------
    def _stored(self, name: str) -> StoredDeck:
        from quiz.store.decks import stored_deck

        deck = stored_deck(self.db.conn, name)
        if deck is None:
            raise UnknownDeck(f"no deck named {name!r}")
        return deck

    def _model(self, name: str):
        if name not in self._models:
            from quiz.knowledge import Knowledge
            from quiz.store.decks import load_model

            def build():
                deck = load_model(self.db.conn, name)
                self._models[name] = (deck, Knowledge(deck))

            _made_uncollected(build)
        return self._models[name]

    def deck_model(self, name: str):
        """The stored deck's model (quiz.model.Deck), rebuilt from the database; raises UnknownDeck."""
        self._stored(name)
        return self._model(name)[0]

    def generator(self, name: str, lang: str):
        """The deck's question generator in `lang` (seed 0), built once."""
        if (name, lang) not in self._generators:
            from quiz.questions.generator import QuestionGenerator

            deck, knowledge = self._model(name)
            self._generators[name, lang] = QuestionGenerator(deck, lang, seed=0, knowledge=knowledge)
        return self._generators[name, lang]

    def knowledge(self, name: str):  # -> quiz.knowledge.Knowledge, imported lazily
        """What the stored deck proves true and false (the generator's index of its facts)."""
        return self._model(name)[1]

    def similarities(self, name: str) -> None:
        """Build the deck's entity similarities now (Knowledge builds them on first use), out of the
        collector's way as the model is."""
        knowledge = self.knowledge(name)
        _made_uncollected(lambda: knowledge.features)

    def known_names(self, name: str) -> frozenset[str]:
        """Every entity name and alias in the deck, folded: typing one of these is never a typo."""
        if name not in self._names:
            from quiz.text import fold

            deck, _ = self._model(name)
            self._names[name] = frozenset(
                fold(text) for entity in deck.entities.values() for text in (*entity.name.all(), *entity.aliases))
        return self._names[name]

    def scheduling(self, deck: StoredDeck) -> Scheduling:
        if deck.name not in self._schedulers:
            from quiz.study.scheduler import Scheduling

            self._schedulers[deck.name] = Scheduling(self.config, deck.desired_retention, deck.parameters)
        return self._schedulers[deck.name]

    def _forget(self, name: str) -> None:
        self._models.pop(name, None)
        self._names.pop(name, None)
        self._schedulers.pop(name, None)
        for key in [key for key in self._generators if key[0] == name]:
            del self._generators[key]


# -- a session --------------------------------------------------------------------------------
class StudySession:
    """One sitting with one deck: a planned queue, answers committed one by one, undo."""

    def __init__(self, library: Library, deck: StoredDeck, lang: str, limit: int | None, cram: bool,
                 topic: str | None, planned_at: int | None = None):
        from quiz.study.queue import Limits, plan_practice, plan_study, today_counts

        self.library = library
        self.deck = deck
        self.lang = lang
        self.cram = cram
        self.topic = topic
        self.position = 0  # answered so far
        self._correct = 0
        self._ms = 0
        self._current: Shown | None = None
        self._current_entry: Entry | None = None
        self._put_back: list[tuple[Shown, Entry]] = []  # on screen when an undo came: shown again next
        # Undo goes back this far: each entry holds a question and its options.
        self._done: deque[_Done] = deque(maxlen=UNDO_DEPTH)
        self._suspensions: deque[_Suspension] = deque(maxlen=UNDO_DEPTH)
        self._steps = itertools.count(1)  # orders answers and suspensions, for undo
        self._waiting: list[tuple[int, int, Entry]] = []  # (due, tiebreak, entry): learning steps
        self._tiebreak = itertools.count()
        self._scheduling = library.scheduling(deck)
        config = library.config
        self._ahead_ms = int(config.learn_ahead * 60_000)
        conn = library.db.conn
        now = self.planned_at = library.clock() if planned_at is None else planned_at
        if cram:
            queue = plan_practice(conn, deck.key, lang, now, limit if limit is not None else config.practice_size,
                                  topic)
            waiting = []
        else:
            today = day_start(now, config.day_starts_at)
            done_today = today_counts(conn, deck.key, today)
            new_per_day = deck.new_per_day if deck.new_per_day is not None else config.new_per_day
            reviews_per_day = deck.reviews_per_day if deck.reviews_per_day is not None else config.reviews_per_day
            limits = Limits(new=max(0, new_per_day - done_today.get(0, 0)),
                            reviews=max(0, reviews_per_day - done_today.get(2, 0)), total=limit)
            queue, waiting = plan_study(conn, deck.key, lang, now, self._ahead_ms, limits, topic, day_start=today)
        self._queue: deque[Entry] = deque(queue)
        for entry in waiting:
            self._wait(entry)
        self._warm_up()

    def _warm_up(self) -> None:
        """Do now what the first question would otherwise wait for: load the deck and its generator.
        What only an answer needs waits for warm_up() (or the answer)."""
        if self._queue or self._waiting:
            self.library.generator(self.deck.name, self.lang)

    def warm_up(self) -> None:
        """Do now what the first answers would otherwise wait for: fsrs and the answer checker's
        imports, rapidfuzz (~30-50 ms), the deck's folded names for typo checks (~60 ms on a
        5,000-entity deck), the similarities the next questions' options are drawn by (~20 ms).
        For an interface to call once the first question is on screen, when the learner is
        reading; harmless to skip or to call twice."""
        import rapidfuzz.distance  # noqa: F401

        import quiz.store.items
        import quiz.store.reviews
        import quiz.study.checking  # noqa: F401

        self._scheduling.fsrs  # noqa: B018 - imports fsrs and builds the deck's scheduler
        if self._queue or self._waiting:
            self.library.known_names(self.deck.name)
            self.library.similarities(self.deck.name)

    # -- progress -----------------------------------------------------------------------------
    @property
    def total(self) -> int:
        """Questions planned for this session: answered, on screen, queued, and learning steps to come."""
        return (self.position + (self._current is not None) + len(self._put_back) + len(self._queue)
                + len(self._waiting))

    # -- asking -------------------------------------------------------------------------------
    def next(self, now: int | None = None) -> Shown | None:
        """The question to show, or None when the session is over. Asking again before answering
        returns the same question. `now` (ms): the time to ask at, if not the clock's (with
        `planned_at`, to draw the question another process drew)."""
        if self._current is not None:
            return self._current
        if self._put_back:
            self._current, self._current_entry = self._put_back.pop()
            return self._current
        generator = self.library.generator(self.deck.name, self.lang)
        while (entry := self._pop(self.library.clock() if now is None else now)) is not None:
            draw = entry.schedule.answers
            question = self._ask(generator, entry, draw)
            if question is None and draw:  # this draw found no options; seed 0 always does
                draw = 0
                question = self._ask(generator, entry, 0)
            if question is None:
                continue  # the deck no longer asks this in this language
            self._current = Shown(entry.qid, question, entry.schedule.state == 0, entry.key, draw)
            self._current_entry = entry
            return self._current
        return None

    def _ask(self, generator, entry: Entry, draw: int):
        if entry.template == CARD_ITEM:  # a card: asked as its flashcard, or chosen now
            return generator.card_question(entry.anchor, draw, learned=entry.schedule.state == REVIEW,
                                           mode=self.library.config.card_questions)
        return generator.one(entry.template, entry.anchor, seed=draw)

    def set_language(self, lang: str) -> Shown | None:
        """Ask in `lang` from now on. The question on screen, if not answered yet, is drawn again in
        that language with the same options (same seed), and returned; else None."""
        from quiz.model import LANGUAGES

        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}")
        self.lang = lang
        current = self._current
        if current is None:
            return None
        generator = self.library.generator(self.deck.name, lang)
        question = generator.one(current.question.template, current.question.anchor, seed=current.draw)
        if question is None and self._current_entry is not None and self._current_entry.template == CARD_ITEM:
            # A card that cannot be asked that way in `lang`: asked as its item is there.
            question = self._ask(generator, self._current_entry, current.draw)
        if question is None:
            return None  # not asked in that language: keep the one on screen
        self._current = replace(current, question=question)
        return self._current

    def _pop(self, now: int) -> Entry | None:
        if self._waiting and self._waiting[0][0] <= now:
            return heapq.heappop(self._waiting)[2]
        if self._queue:
            return self._queue.popleft()
        if self._waiting and self._waiting[0][0] <= now + self._ahead_ms:
            return heapq.heappop(self._waiting)[2]
        return None

    def _wait(self, entry: Entry) -> None:
        heapq.heappush(self._waiting, (entry.schedule.due, next(self._tiebreak), entry))

    def _unwait(self, key: int) -> None:
        kept = [slot for slot in self._waiting if slot[2].key != key]
        if len(kept) != len(self._waiting):
            self._waiting = kept
            heapq.heapify(self._waiting)

    # -- answering ----------------------------------------------------------------------------
    def answer(self, shown: Shown, response: list[int] | str, elapsed_ms: int) -> Outcome:
        """Check and record an answer: option indices for choice kinds, text for type-in and cloze."""
        from quiz.study.checking import check

        self._require_current(shown)
        if shown.question.kind == "flashcard":
            raise ValueError("flashcards are graded by the learner: use grade()")
        result = check(shown.question, response, _Names(self.library, self.deck.name))
        question = shown.question
        chars = len(question.prompt) + sum(len(c) for c in question.choices)
        typed = question.kind in ("type_in", "cloze")

        def rate(before: Schedule) -> int:
            interval = before.interval_days if before.state == 2 else None
            return self.library.config.rating.rate(correct=result.correct, elapsed_ms=elapsed_ms, chars=chars,
                                                   typed=typed, typo=result.typo, interval_days=interval)

        return self._record(shown, rate, result, elapsed_ms)

    def grade(self, shown: Shown, rating: int, elapsed_ms: int) -> Outcome:
        """Record the learner's own grade of a flashcard: 1 Again, 2 Hard, 3 Good, 4 Easy."""
        from quiz.study.checking import Check

        self._require_current(shown)
        if shown.question.kind != "flashcard":
            raise ValueError(f"{shown.question.kind} questions are checked: use answer()")
        if rating not in range(AGAIN, EASY + 1):
            raise ValueError("a grade is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
        return self._record(shown, lambda _: rating, Check(correct=rating > AGAIN), elapsed_ms)

    def intervals(self, shown: Shown) -> dict[int, timedelta]:
        """For a flashcard: how long each grade 1-4 would put it away for. Empty in practice sessions."""
        from quiz.store.items import read_schedule

        if self.cram:
            return {}
        schedule = read_schedule(self.library.db.conn, shown.key)
        return self._scheduling.preview(shown.key, schedule, self.library.clock())

    def _require_current(self, shown: Shown) -> None:
        if self._current is None or shown is not self._current:
            raise ValueError("answer the question next() returned, once")

    def _apply(self, key: int, before: Schedule, rating: int, at: int) -> Schedule:
        if self.cram:
            return self._scheduling.practice(before)
        return self._scheduling.review(key, before, rating, at)

    def _record(self, shown: Shown, rate: Callable[[Schedule], int], result: Check, elapsed_ms: int) -> Outcome:
        from quiz.store import reviews
        from quiz.store.database import transaction
        from quiz.store.items import read_schedule, write_schedule
        from quiz.store.reviews import Review

        elapsed_ms = max(0, min(int(elapsed_ms), reviews.MAX_MS))
        key = shown.key
        with transaction(self.library.db) as conn:
            before = read_schedule(conn, key)  # fresh: another process may have answered it
            at = reviews.next_time(conn, self.library.clock())
            rating = rate(before)
            after = self._apply(key, before, rating, at)
            review = Review(at, key, self.deck.key, shown.question.kind, self.lang,
                            PRACTICE if self.cram else before.state, rating, result.correct, result.given, elapsed_ms)
            reviews.append(conn, review)
            write_schedule(conn, key, after)
        self.library._committed()
        entry = self._current_entry
        entry.schedule = after
        self._current = self._current_entry = None
        self.position += 1
        self._correct += result.correct
        self._ms += elapsed_ms
        self._requeue(entry, result.correct)
        outcome = self._outcome(shown, result, rating, before, after)
        self._done.append(_Done(shown, entry, before, after, review, outcome, next(self._steps)))
        return outcome

    def _requeue(self, entry: Entry, correct: bool) -> None:
        if self.cram:
            if not correct:  # practise a miss again a few questions later
                self._queue.insert(min(3, len(self._queue)), entry)
        elif entry.schedule.status == ACTIVE and entry.schedule.state in (LEARNING, RELEARNING):
            self._wait(entry)

    def _outcome(self, shown: Shown, result: Check, rating: int, before: Schedule, after: Schedule) -> Outcome:
        question = shown.question
        return Outcome(
            item_id=shown.item_id, correct=result.correct, rating=rating, typo=result.typo, typed=result.typed,
            expected=result.expected, right_answer=question.answer_text, explanation=question.explanation,
            sources=list(question.sources), next_due=_utc(after.due) if after.due is not None else None,
            leech=after.status == SUSPENDED and before.status == ACTIVE, practice=self.cram,
        )

    # -- changing one's mind ------------------------------------------------------------------
    def undo(self) -> Shown | None:
        """Take back the last answer: its log entry and the item's state are restored exactly, and
        the question comes back (with the same options). None if there is nothing to undo, or
        another process has answered that question since."""
        from quiz.store import reviews
        from quiz.store.database import transaction
        from quiz.store.items import read_schedule, write_schedule

        if not self._done:
            return None
        done = self._done[-1]
        key = done.shown.key
        try:
            with transaction(self.library.db) as conn:
                current = read_schedule(conn, key)
                if current.card_fields() != done.after.card_fields():
                    raise _Conflict
                if not reviews.remove_newest(conn, done.review.at, key):
                    raise _Conflict
                # A suspension made since (not by this answer) stays.
                status = done.before.status if done.after.status != done.before.status else current.status
                write_schedule(conn, key, replace(done.before, status=status))
        except _Conflict:
            return None
        self._done.pop()
        self._unwait(key)
        if self.cram:
            self._queue = deque(e for e in self._queue if e.key != key)
        if self._current is not None and self._current.key != key:
            self._put_back.append((self._current, self._current_entry))
        done.entry.schedule = replace(done.before, status=status)
        self.position -= 1
        self._correct -= done.outcome.correct
        self._ms -= done.review.ms
        self._current, self._current_entry = done.shown, done.entry
        return done.shown

    def mark_guess(self) -> Outcome | None:
        """The last answer was right but a guess: re-rate it Hard. None if it was wrong, already
        Hard, a flashcard, or the item has been answered elsewhere since."""
        from quiz.store import reviews
        from quiz.store.database import transaction
        from quiz.store.items import read_schedule, write_schedule

        if not self._done:
            return None
        done = self._done[-1]
        if not done.outcome.correct or done.outcome.rating <= HARD or done.review.kind == "flashcard":
            return None
        key = done.shown.key
        review = replace(done.review, rating=HARD)
        try:
            with transaction(self.library.db) as conn:
                current = read_schedule(conn, key)
                if current.card_fields() != done.after.card_fields():
                    raise _Conflict
                if not reviews.remove_newest(conn, review.at, key):
                    raise _Conflict
                after = replace(self._apply(key, done.before, HARD, review.at), status=current.status)
                reviews.append(conn, review)
                write_schedule(conn, key, after)
        except _Conflict:
            return None
        done.entry.schedule = after
        self._unwait(key)
        self._requeue(done.entry, True)
        outcome = replace(done.outcome, rating=HARD, next_due=_utc(after.due) if after.due is not None else None)
        self._done[-1] = replace(done, after=after, review=review, outcome=outcome)
        return outcome

    def undo_last(self) -> tuple[str | None, Shown | None]:
        """Take back the session's last answer or suspension, whichever came last: (what it was, or
        None if nothing; the question to show again, or None: a suspension made after its answer,
        or an answer another process has answered since)."""
        kind = self.last_undoable()
        if kind == "suspension":
            return kind, self.undo_suspension()
        return kind, self.undo() if kind else None

    def last_undoable(self) -> str | None:
        """What undo() would take back: "answer", "suspension", or None."""
        answer = self._done[-1].step if self._done else 0
        suspension = self._suspensions[-1].step if self._suspensions else 0
        return None if not (answer or suspension) else "suspension" if suspension > answer else "answer"

    def undo_suspension(self) -> Shown | None:
        """Take back the session's last suspension: the item is active again and, if it was being
        asked, its question is on screen again (returned, with the same options); else None."""
        if self.last_undoable() != "suspension":
            return None
        suspension = self._suspensions.pop()
        self._set_status(suspension.item_id, SUSPENDED, ACTIVE)
        self._queue.extendleft(reversed(suspension.queued))
        for slot in suspension.waiting:
            heapq.heappush(self._waiting, slot)
        self._put_back.extend(suspension.put_back)
        if suspension.asked is None:
            return None
        if self._current is not None and self._current.item_id != suspension.item_id:
            self._put_back.append((self._current, self._current_entry))
        self._current, self._current_entry = suspension.asked
        return self._current

    def suspend(self, item_id: str) -> None:
        """Never show this question again until unsuspended (undo_suspension takes it back)."""
        changed = self._set_status(item_id, ACTIVE, SUSPENDED)
        asked = None
        if self._current is not None and self._current.item_id == item_id and self._current_entry is not None:
            asked = (self._current, self._current_entry)
        if changed:  # (already suspended, a leech say: nothing for undo to take back)
            self._suspensions.append(_Suspension(
                item_id, next(self._steps), asked, [e for e in self._queue if e.qid == item_id],
                [slot for slot in self._waiting if slot[2].qid == item_id],
                [(s, e) for s, e in self._put_back if e.qid == item_id]))
        self._queue = deque(e for e in self._queue if e.qid != item_id)
        self._put_back = [(s, e) for s, e in self._put_back if e.qid != item_id]
        self._waiting = [slot for slot in self._waiting if slot[2].qid != item_id]
        heapq.heapify(self._waiting)
        if self._current is not None and self._current.item_id == item_id:
            self._current = self._current_entry = None

    def unsuspend(self, item_id: str) -> None:
        self._set_status(item_id, SUSPENDED, ACTIVE)

    def _set_status(self, item_id: str, old: str, new: str) -> bool:
        """Whether the item went from `old` to `new` (it may have been neither)."""
        from quiz.store.database import transaction

        with transaction(self.library.db) as conn:
            row = conn.execute("SELECT status FROM items WHERE qid = ? AND deck = ?", (item_id, self.deck.key))
            if row.fetchone() is None:
                raise KeyError(f"no question {item_id!r} in deck {self.deck.name!r}")
            return conn.execute("UPDATE items SET status = ? WHERE qid = ? AND status = ?",
                                (new, item_id, old)).rowcount > 0

    # -- the end ------------------------------------------------------------------------------
    def summary(self) -> SessionSummary:
        conn, now = self.library.db.conn, self.library.clock()
        where = "deck = ? AND status = 'active' AND state IN (1, 2, 3)"
        next_due = conn.execute(f"SELECT min(due) FROM items WHERE {where}", (self.deck.key,)).fetchone()[0]
        tomorrow_end = day_start(now, self.library.config.day_starts_at, days=2)
        due_tomorrow = conn.execute(f"SELECT count(*) FROM items WHERE {where} AND due < ?",
                                    (self.deck.key, tomorrow_end)).fetchone()[0]
        return SessionSummary(
            answered=self.position, correct=self._correct,
            accuracy=self._correct / self.position if self.position else None, seconds=self._ms / 1000,
            next_due=_utc(next_due) if next_due is not None else None, due_tomorrow=due_tomorrow,
        )


def _made_uncollected(make: Callable[[], object]) -> None:
    """Call make(), which makes many long-lived objects (a large deck's model: hundreds of
    thousands), with the cyclic collector off: it would walk them over and over while they are made
    (~100 ms on the profile), and at every full collection after (tens of ms, mid-answer). Freezing
    then moves everything alive out of its way."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        make()
    finally:
        if enabled:
            gc.enable()
    gc.freeze()


def _utc(ms: int) -> datetime:
    from quiz.study.scheduler import to_datetime

    return to_datetime(ms)


# quiz.formats.strict_yaml.MAX_YAML_BYTES (a test keeps them equal): that module imports YAML.
MAX_DECK_BYTES = 64 * 1024 * 1024


def _read(path: Path) -> str:
    """A deck file's text, to be stored; checked as quiz.formats.yaml_deck.load_deck checks it."""
    from quiz.formats.problems import DeckError, Problem

    try:
        size = path.stat().st_size
        if size > MAX_DECK_BYTES:
            too_large = f"file too large ({size} bytes; the limit is {MAX_DECK_BYTES})"
            raise DeckError([Problem(str(path), 0, "", too_large)])
        raw = path.read_bytes()
    except OSError as error:
        raise DeckError([Problem(str(path), 0, "", f"cannot read: {error.strerror or error}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DeckError([Problem(str(path), line, "", "not UTF-8 text")]) from None
