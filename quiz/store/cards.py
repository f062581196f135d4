"""A card deck's cards stored a row each, written as the importer reads them.

    writer = CardWriter(conn, deck_key, "french", languages=("en",), follow_suspensions=True)
    for card in cards:                 # a generator reading a file: nothing is held but a batch
        writer.add(card_row(card))     # (a text import makes its rows directly: imported_card_row)
    sync = writer.finish()             # sync.added, .updated, .unchanged, .retired, ...

A card is one item (template CARD_ITEM, as QuestionGenerator.card_items makes it) whose `card` column
holds the card as JSON (quiz.formats.json_deck.card_to_json). The deck's row has format 'cards' and
its JSON model without the cards as `source`; load_cards() reads the cards back in the order they
were first stored. Nothing of the whole deck is built in memory, so an import of a large file is
flat in memory and its cost is one row per card.

Ids: a card keeps its id (a guid's, or a content hash of its front); a repeated id within one import
becomes id-2, id-3, ... in file order, as quiz.formats.anki_notes.ContentIds numbers repeated fronts,
found through the database rather than a set of every id seen. A card already stored keeps its
item and progress: its JSON is replaced when it changed; one the import does not bring is retired
(history kept), and a retired one that comes back is active again.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from hashlib import blake2b
from json.encoder import encode_basestring as _string
from typing import TYPE_CHECKING, NamedTuple

from quiz.questions.question import CARD_ITEM
from quiz.store.schema import ACTIVE, NEW, RETIRED, SUSPENDED

if TYPE_CHECKING:
    from quiz.model import Card

BATCH = 2000  # cards written by one executemany: what a streaming import holds at once
# A card item's columns: what is the same for every card is written by SQLite, not bound for each.
# Its hash is empty: the card column itself is what a later import compares.
_INSERT = (f"INSERT INTO items (deck, qid, template, anchor, kind, facts, topic, hash, status, state, card) "
           f"VALUES (?, ?, '{CARD_ITEM}', 'card:' || ?3, 'flashcard', json_array(?3), ?, '', ?, {NEW}, ?)")
_UNKNOWN = object()


class CardRow(NamedTuple):
    """A card as the writer takes it: what it needs of the card, and the card as JSON."""

    id: str
    tags: tuple[str, ...]
    suspended: bool
    json: str  # quiz.formats.json_deck.card_to_json


def card_row(card: Card) -> CardRow:
    from quiz.formats.json_deck import card_to_json

    return CardRow(card.id, card.tags, card.suspended, card_to_json(card))


def imported_card_row(id: str, front: str, back: str, explain: str | None, tags: tuple[str, ...], guid: str | None,
                      ord: int, deck_path: tuple[str, ...], note_type: str | None, suspended: bool = False,
                      media: tuple[str, ...] = ()) -> CardRow:
    """card_row(imported_card(...)) made without the Card: what an import writes for each card it reads
    (the JSON written out here, a fifth of a text import's time through the encoder; a test holds them
    equal)."""
    explained = f'[["*",{_string(explain)}]]' if explain else "null"
    return CardRow(id, tags, bool(suspended), (
        f'[{_string(id)},[["*",{_string(front)}]],[["*",{_string(back)}]],[],[],{explained},{_strings(tags)},[],'
        f'{_string(guid) if guid is not None else "null"},{int(ord)},{_strings(deck_path)},'
        f'{_string(note_type) if note_type is not None else "null"},{"true" if suspended else "false"},'
        f'{_strings(media) if media else "[]"}]'))


def _strings(values: tuple[str, ...], cache: dict = {}) -> str:  # noqa: B006 (a cache: few distinct tag sets recur)
    text = cache.get(values)
    if text is None:
        text = f"[{','.join(map(_string, values))}]"
        if len(cache) < 10_000:
            cache[values] = text
    return text


def _changed(row: CardRow, **fields) -> CardRow:
    """`row` with its card's id or suspended changed (rare: a repeated id, a suspension kept)."""
    from quiz.formats.json_deck import card_from_json, card_to_json

    card = replace(card_from_json(row.json), **fields)
    return CardRow(card.id, card.tags, card.suspended, card_to_json(card))


@dataclass(slots=True)
class CardSync:
    """What writing a deck's cards did, counted in cards (a card is one item)."""

    cards: int = 0  # cards written (repeats numbered, none skipped)
    added: int = 0
    updated: int = 0  # content changed: progress kept
    unchanged: int = 0
    retired: int = 0  # stored but not brought by this import: kept with their history, not shown
    restored: int = 0  # retired before, brought back: arrives again (added, to the learner), its old item
    suspended: int = 0  # newly suspended, following the file
    unsuspended: int = 0
    content: str = ""  # a hash of every card written, in order: the deck's source_hash part


class CardWriter:
    """Writes one deck's cards into its items, a batch at a time, inside the caller's transaction.

    `follow_suspensions`: a card's `suspended` is the file's word (an Anki package): a new suspended
    card arrives suspended, and a stored card whose suspension changed in the file is suspended or
    unsuspended (unless a leech). Otherwise (a text file cannot say) a stored card keeps the
    suspension it had. `legacy`: qid -> card JSON of a deck stored whole before (format 'json'), to
    compare its cards with."""

    def __init__(self, conn: sqlite3.Connection, deck_key: int, deck_name: str, *, languages: tuple[str, ...],
                 follow_suspensions: bool, legacy: dict[str, str] | None = None):
        self.conn, self.deck_key, self.follow = conn, deck_key, follow_suspensions
        self.languages = languages
        self.legacy = legacy or {}
        self.sync = CardSync()
        self._prefix = f"{deck_name}\x1f{CARD_ITEM}\x1fcard:".encode()
        self._digest = blake2b(digest_size=16)
        self._pending: list[CardRow | tuple] = []
        self._topics: dict[tuple[str, ...], str] = {}
        self._repeats: dict[str, int] = {}  # a repeated id -> the number its next repeat tries first
        # Items with a larger id than any before were made by this import.
        self._before = conn.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()[0]
        self._fresh = conn.execute("SELECT 1 FROM items WHERE deck = ? LIMIT 1", (deck_key,)).fetchone() is None
        if not self._fresh:
            # The stored items this import brought again (the rest are retired at the end): in SQLite's
            # temporary store, not in Python, so memory stays flat however large the deck.
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_seen (id INTEGER PRIMARY KEY)")
            conn.execute("DELETE FROM temp.import_seen")

    @property
    def fresh(self) -> bool:
        """Whether the deck had no items before this import."""
        return self._fresh

    @property
    def written(self) -> int:
        """The cards written so far (added to the pending ones, not yet)."""
        return self.sync.cards

    def add(self, row: CardRow | tuple) -> None:
        self._pending.append(row)
        if len(self._pending) >= BATCH:
            self._flush()

    def add_all(self, rows: Iterable[CardRow | tuple]) -> None:
        """add() each of `rows`, a batch at a time (no call a card: a large file's import is a few)."""
        rows = iter(rows)
        while batch := list(itertools.islice(rows, BATCH - len(self._pending))):
            self._pending.extend(batch)
            if len(self._pending) >= BATCH:
                self._flush()

    def finish(self) -> CardSync:
        """Write what is pending and retire what the import did not bring; the counts."""
        self._flush()
        if not self._fresh:
            self.sync.retired = self.conn.execute(
                "UPDATE items SET status = 'retired' WHERE deck = ? AND id <= ? AND status != 'retired' "
                "AND id NOT IN (SELECT id FROM temp.import_seen)", (self.deck_key, self._before)).rowcount
            self.conn.execute("DELETE FROM temp.import_seen")
        self.sync.content = self._digest.hexdigest()
        return self.sync

    # -- writing --------------------------------------------------------------------------------
    def _qid(self, card_id: str) -> str:
        # question_id(deck, CARD_ITEM, f"card:{card_id}"), its constant part encoded once
        return blake2b(self._prefix + card_id.encode(), digest_size=8).hexdigest()

    def _topic(self, tags: tuple[str, ...]) -> str:
        topic = self._topics.get(tags)
        if topic is None:
            topic = json.dumps(card_topic(tags, self.languages), ensure_ascii=False)
            if len(self._topics) < 10_000:
                self._topics[tags] = topic
        return topic

    def _insert(self, row: CardRow, qid: str, status: str) -> tuple:
        self._digest.update(row.json.encode())
        return (self.deck_key, qid, row.id, self._topic(row.tags), status, row.json)

    def _status(self, row: CardRow) -> str:
        return SUSPENDED if self.follow and row.suspended else ACTIVE

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        if not self._fresh:
            self._careful(batch)
            return
        # The common case, a new deck: one executemany. An id repeated in the batch or met in an
        # earlier one fails the unique qid: the batch is undone and written card by card.
        digest = self._digest.copy()
        # _insert(row, _qid(row.id), _status(row)) for each row, written out: this runs for every card.
        prefix, key, topics, topic, follow = self._prefix, self.deck_key, self._topics, self._topic, self.follow
        # (Rows unpacked: a CardRow, or the plain tuple a reading process sends.)
        rows = [(key, blake2b(prefix + card_id.encode(), digest_size=8).hexdigest(), card_id,
                 topics.get(tags) or topic(tags), SUSPENDED if follow and suspended else ACTIVE, text)
                for card_id, tags, suspended, text in batch]
        self._digest.update("".join([row[3] for row in batch]).encode())  # (as an update a card)
        self.conn.execute("SAVEPOINT card_batch")
        # The status CHECK costs a third of an insert (its IN list is built again for every row);
        # the rows here carry one of two constants.
        self.conn.execute("PRAGMA ignore_check_constraints = ON")
        try:
            self.conn.executemany(_INSERT, rows)
            repeated = False
        except sqlite3.IntegrityError:
            repeated = True
        finally:
            self.conn.execute("PRAGMA ignore_check_constraints = OFF")
        if repeated:
            self.conn.execute("ROLLBACK TO card_batch")
            self.conn.execute("RELEASE card_batch")
            self._digest = digest
            self._careful(batch)
            return
        self.conn.execute("RELEASE card_batch")
        self.sync.cards += len(batch)
        self.sync.added += len(batch)
        self.sync.suspended += sum(1 for row in rows if row[4] == SUSPENDED)

    def _careful(self, batch: list[CardRow]) -> None:
        """Write a batch card by card against what is stored: new cards added, stored ones compared."""
        batch = [CardRow._make(row) for row in batch]
        qids = [self._qid(row.id) for row in batch]
        stored = self._stored(qids)
        seen = self._seen([found[0] for found in stored.values() if found[0] <= self._before])
        inserts, updates, marks = [], [], []
        for row, qid in zip(batch, qids, strict=True):
            found = stored.get(qid)
            if found is not None and (found[0] > self._before or found[0] in seen):
                row, qid, found = self._renumber(row, stored, seen)  # a repeat within this import
            if found is None:
                status = self._status(row)
                inserts.append(self._insert(row, qid, status))
                stored[qid] = (self._before + 1, status, 0, row.json)  # (an id past _before: this import's card)
                self.sync.added += 1
                self.sync.suspended += status == SUSPENDED
            elif found[1] == RETIRED:  # back in the file: arrives again, as a new card would, on its old item
                key, _, _, kept = found
                status = self._status(row)
                self._digest.update(row.json.encode())
                updates.append((row.json, self._topic(row.tags), status, key))
                self.sync.restored += 1
                self.sync.suspended += status == SUSPENDED
                seen.add(key)
                marks.append((key,))
            else:
                key, status, leech, kept = found
                old = kept if kept is not None else self.legacy.get(qid)  # (a deck stored whole: from its model)
                was = _suspended(old)
                if not self.follow and was is not None and was != row.suspended:
                    row = _changed(row, suspended=was)  # a text file cannot say: the card keeps its suspension
                target = status
                if self.follow and was is not None and was != row.suspended:
                    if row.suspended and status == ACTIVE:
                        target = SUSPENDED
                        self.sync.suspended += 1
                    elif not row.suspended and status == SUSPENDED and not leech:
                        target = ACTIVE
                        self.sync.unsuspended += 1
                self._digest.update(row.json.encode())
                if row.json != kept or target != status:
                    updates.append((row.json, self._topic(row.tags), target, key))
                if row.json != old:
                    self.sync.updated += 1
                else:
                    self.sync.unchanged += 1
                seen.add(key)
                marks.append((key,))
            self.sync.cards += 1
        self.conn.executemany(_INSERT, inserts)
        self.conn.executemany("UPDATE items SET card = ?, hash = '', topic = ?, status = ? WHERE id = ?", updates)
        if marks:
            self.conn.executemany("INSERT OR IGNORE INTO temp.import_seen (id) VALUES (?)", marks)

    def _stored(self, qids: list[str]) -> dict[str, tuple]:
        """qid -> (item id, status, leech, card JSON) of the stored items among `qids`."""
        found: dict[str, tuple] = {}
        for start in range(0, len(qids), 500):
            part = qids[start:start + 500]
            for key, qid, status, leech, text in self.conn.execute(
                    f"SELECT id, qid, status, leech, card FROM items WHERE qid IN ({', '.join('?' * len(part))})",
                    part):
                found[qid] = (key, status, leech, text)
        return found

    def _seen(self, keys: list[int]) -> set[int]:
        """Those of the stored items `keys` this import already brought."""
        if self._fresh or not keys:
            return set()
        seen: set[int] = set()
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            seen.update(key for (key,) in self.conn.execute(
                f"SELECT id FROM temp.import_seen WHERE id IN ({', '.join('?' * len(part))})", part))
        return seen

    def _renumber(self, row: CardRow, stored: dict[str, tuple], seen: set[int]) -> tuple[CardRow, str, tuple | None]:
        """A card whose id this import already wrote: the next free id-N (N from 2), with the stored
        item of that id if there is one this import has not brought yet."""
        for n in itertools.count(self._repeats.get(row.id, 2)):
            card_id = f"{row.id}-{n}"
            qid = self._qid(card_id)
            found = stored.get(qid, _UNKNOWN)
            if found is _UNKNOWN:
                found = self.conn.execute("SELECT id, status, leech, card FROM items WHERE qid = ?", (qid,)).fetchone()
                stored[qid] = found = tuple(found) if found else None
            if found is None or (found[0] <= self._before and found[0] not in seen and not self._is_seen(found[0])):
                self._repeats[row.id] = n + 1  # (as ContentIds keeps the next number of a repeated front)
                return _changed(row, id=card_id), qid, found
        raise AssertionError("unreachable")

    def _is_seen(self, key: int) -> bool:
        return not self._fresh and self.conn.execute(
            "SELECT 1 FROM temp.import_seen WHERE id = ?", (key,)).fetchone() is not None


def _suspended(text: str | None) -> bool | None:
    """A stored card's `suspended`, from its JSON; None without one."""
    if text is None:
        return None
    try:
        return bool(json.loads(text)[12])
    except (ValueError, IndexError, TypeError):
        return None


def card_topic(tags: tuple[str, ...], languages: tuple[str, ...]) -> dict[str, str]:
    """A card item's topic, in each of the deck's languages: its tags."""
    return dict.fromkeys(languages or ("en",), ", ".join(tags))


def card_qid(deck_name: str, card_id: str) -> str:
    """The question id of a card's item (as QuestionGenerator.card_items makes it)."""
    from quiz.questions.question import question_id

    return question_id(deck_name, CARD_ITEM, f"card:{card_id}")


def load_cards(conn: sqlite3.Connection, deck_key: int) -> Iterator[Card]:
    """A 'cards' deck's cards, in the order they were first stored (retired ones left out). Raises
    ValueError for a damaged row."""
    from quiz.formats.json_deck import card_from_json

    for (text,) in conn.execute("SELECT card FROM items WHERE deck = ? AND card IS NOT NULL AND status != ? "
                                "ORDER BY id", (deck_key, RETIRED)):
        yield card_from_json(text)
