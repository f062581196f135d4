"""An Anki package's review log replayed, and written, while its cards are still being read.

`quiz import` of a package reads it in a second process (quiz.study.read_ahead) and stores its cards
as they come; this process waits on that reader much of the time. The review log is known before
the first card (the reader announces it), and replaying it through FSRS, card by card, then writing
each reviewed item's schedule and log, is most of what is left once the last card is stored. So it
is done in those waits, a few cards at a time (`step`).

A replay is made before its item is known, and the item seeds the fuzz of the due: fsrs never reads
a card's due, so the log is replayed without it and the last due fuzzed once the item is known
(Scheduling.review(fuzz=False), Scheduling.fuzzed_due).

The import's own replay (importing._import_reviews) moves a review whose time the log already holds
1 ms later, and leaves out one it holds for the same item. Writing ahead is for the case where
neither can happen, checked when the cards start coming: a deck new to the library, and a review
log whose times are all its own (none repeated in the file, none already in the library's log).
Then every review keeps its time, and a card's log and schedule are exactly its replay: written
once the reader has told which card an Anki card became (`told`) and that card is stored. Otherwise
the replays wait for the import, which uses one only where the item's log is exactly it.

How an imported answer is logged (log_row) and what an import writes for a replayed item
(as_imported) are the import's own rules, kept here for both: importing._import_reviews uses them too.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

    from quiz.formats.anki_package import Revlog
    from quiz.store.items import Schedule
    from quiz.study.scheduler import Scheduling

STEP = 32  # cards replayed or written a step (a ms or two: a wait on the reader is a few)


@dataclass(frozen=True, slots=True)
class Replayed:
    """One card's log replayed on a new item: what it was, the state each answer was given in, and the
    schedule after the last, its due not yet fuzzed."""

    answers: tuple[tuple[int, int], ...]  # (at, rating), in time order
    states: tuple[int, ...]
    schedule: Schedule

    def log_rows(self, item: int, deck_key: int, lang: str, entries: list[tuple[int, int, int]]) -> list[tuple]:
        """The log's rows of these answers on `item`, `entries` being them as (at, rating, ms)."""
        return [log_row(at, item, deck_key, lang, state, rating, ms)
                for (at, rating, ms), state in zip(entries, self.states, strict=True)]

    def schedule_on(self, item: int, scheduling: Scheduling) -> Schedule:
        """The schedule after the last answer, on `item`: its due fuzzed as the item's (its status and
        leech mark as replayed, which as_imported settles)."""
        from quiz.store.items import make_schedule

        state, step, stability, difficulty, due, last_review, count, lapses = self.schedule.card_fields()
        due = scheduling.fuzzed_due(item, count - 1, self.answers[-1][0], due, state)
        return make_schedule(state, step, stability, difficulty, due, last_review, count, lapses,
                             self.schedule.status, self.schedule.leech)


def log_row(at: int, item: int, deck_key: int, lang: str, state: int, rating: int, ms: int) -> tuple:
    """An imported flashcard answer as the review log stores it (reviews.append_many): `state` is the
    item's state when it was given."""
    return (at, item, deck_key, "flashcard", lang, state, rating, int(rating > 1), None, ms)


def as_imported(schedule: Schedule, status_before: str, was_leech: bool) -> Schedule:
    """What an import writes for an item whose log replays to `schedule`: its status kept, but suspended
    if it is a leech now and was not before."""
    from quiz.store.items import make_schedule
    from quiz.store.schema import SUSPENDED

    return make_schedule(*schedule.card_fields(), SUSPENDED if schedule.leech and not was_leech else status_before,
                         schedule.leech or was_leech)


@dataclass(slots=True)
class Writing:
    """Where the reviews written ahead go: the import's transaction, and how far its cards are stored."""

    conn: sqlite3.Connection
    deck_key: int
    deck_id: str
    lang: str
    stored: Callable[[], int]  # how many of the deck's cards are written so far


class ReplayAhead:
    """Each card's reviews, replayed a step at a time once `start` gives the deck's scheduling, and
    written ahead when `start` says where and that is safe (see the module doc)."""

    def __init__(self, revlog: list[Revlog]):
        """`revlog`: the package's review log, as the reader announced it."""
        # The rows that become the deck's reviews (anki_package.reviews_of) for the cards made: those
        # rated 1-4 are replayed and logged, the others (ease 0) counted as skipped.
        from quiz.formats.anki_package import is_review
        from quiz.store.reviews import MAX_MS

        self._logs: dict[int, list[tuple[int, int, int]]] = {}  # Anki card id -> (at, rating, ms)
        self._unrated: dict[int, int] = {}  # Anki card id -> its reviews without a rating
        self._times: list[int] = []
        for row in revlog:
            if not is_review(row):
                continue
            rid, cid, ease, taken, _ = row
            self._times.append(rid)
            if ease:
                self._logs.setdefault(cid, []).append((rid, ease, max(0, min(taken, MAX_MS))))
            else:
                self._unrated[cid] = self._unrated.get(cid, 0) + 1
        self._todo = iter(self._logs.items())
        self.scheduling: Scheduling | None = None
        self.replayed: dict[int, Replayed] = {}
        self.card_ids: dict[int, str] = {}  # Anki card id -> the id of the card made of it, once known
        self._writing: Writing | None = None
        self._told: deque[tuple[int, str, int]] = deque()  # (Anki card id, card id, its place among the cards)
        self.written: set[str] = set()  # the cards whose reviews are written
        self.reviews = self.skipped = 0  # log entries written, reviews skipped (unrated), for them

    def start(self, scheduling: Scheduling, writing: Writing | None = None) -> None:
        """Replay with `scheduling` from now on; write ahead into `writing` if it is safe (module doc)."""
        self.scheduling = scheduling
        if writing is not None and len(set(self._times)) == len(self._times) and \
                not _held(writing.conn, self._times):
            self._writing = writing

    def told(self, values: list[tuple[int, str, int]]) -> None:
        """What the reader tells: (Anki card id, the id of the card made of it, its place among the cards)."""
        if self._writing is not None:
            self._told.extend(value for value in values if value[0] in self._logs)  # (a rated review or more)

    def step(self) -> bool:
        """Write, or else replay, a few cards; whether there is more to do now (nothing before `start`)."""
        if self.scheduling is None:
            return False
        if self._writing is not None and self._write():
            return True
        return self._replay()

    def finish(self) -> None:
        """Do what is left (the cards all stored)."""
        while self.step():
            pass

    def by_card(self) -> dict[str, Replayed]:
        """The replays done, by the id of the card made of each Anki card."""
        card_ids = self.card_ids
        return {card_ids[card]: replayed for card, replayed in self.replayed.items() if card in card_ids}

    def _replay(self) -> bool:
        """Replay a few cards' logs, in the log's order; whether there are more."""
        done = 0
        for card, _ in self._todo:
            if card not in self.replayed:  # (else replayed to be written)
                self._replay_one(card)
                done += 1
                if done == STEP:
                    return True
        return False

    def _replay_one(self, card: int) -> Replayed:
        from quiz.store.items import Schedule

        review, log = self.scheduling.review, self._logs[card]
        schedule, states = Schedule(), []
        for at, rating, _ in log:
            states.append(schedule.state)
            schedule = review(0, schedule, rating, at, fuzz=False)
        done = self.replayed[card] = Replayed(tuple((at, rating) for at, rating, _ in log), tuple(states), schedule)
        return done

    def _write(self) -> bool:
        """Write the reviews of a few cards told, replayed and stored; whether one was written."""
        from quiz.store import reviews as log
        from quiz.store.cards import card_qid
        from quiz.store.items import write_schedules

        writing, replayed, told = self._writing, self.replayed, self._told
        stored = writing.stored()
        ready = []
        while told and told[0][2] < stored and len(ready) < STEP:  # (told in the order the cards come)
            ready.append(told.popleft())
        if not ready:
            return False
        qids = {card_qid(writing.deck_id, card_id): (cid, card_id) for cid, card_id, _ in ready}
        items = writing.conn.execute(f"SELECT id, qid, status, leech FROM items WHERE qid IN "
                                     f"({', '.join('?' * len(qids))})", tuple(qids)).fetchall()
        rows, schedules = [], []
        for item, qid, status, was_leech in items:  # (a card not found, renumbered as a repeat, is left to the import)
            cid, card_id = qids[qid]
            done = replayed.get(cid) or self._replay_one(cid)
            rows += done.log_rows(item, writing.deck_key, writing.lang, self._logs[cid])
            schedules.append((item, as_imported(done.schedule_on(item, self.scheduling), status, bool(was_leech))))
            self.written.add(card_id)
            self.skipped += self._unrated.get(cid, 0)
        write_schedules(writing.conn, schedules)
        log.append_many(writing.conn, rows)
        self.reviews += len(rows)
        return True


def _held(conn: sqlite3.Connection, times: list[int]) -> bool:
    """Whether the library's log holds one of these times already."""
    for start in range(0, len(times), 500):
        batch = times[start:start + 500]
        if conn.execute(f"SELECT 1 FROM reviews WHERE at IN ({', '.join('?' * len(batch))}) LIMIT 1",
                        batch).fetchone():
            return True
    return False
