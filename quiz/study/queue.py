"""Which questions a session asks, and in what order. Planned once, when the session starts.

A study session takes, in this order of priority:

1. items in (re)learning that are due now (earliest first);
2. due reviews, lowest retrievability first (it falls as elapsed time over stability grows, so the
   index answers the ordering), up to the deck's daily review limit less today's reviews;
3. new items in deck order, up to the daily new limit less today's new ones.

Questions that share a fact are siblings: once one is planned, the others are buried for the rest
of the session (as in Anki), so a fact is not asked twice in one sitting. New items are spread
evenly among the reviews, then the order is interleaved so consecutive questions differ in kind and
topic where a nearby one allows. Items in learning whose next step falls within the learn-ahead
time come back during the session (engine.py keeps them waiting by due time).

A practice (cram) session takes the deck's items (or one topic's) weakest first, answered ones
by retrievability, then the never-answered, siblings buried the same way.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from quiz.questions.question import CARD_ITEM
from quiz.store.items import Schedule, make_schedule
from quiz.store.schema import LEARNING, NEW, PRACTICE, RELEARNING, REVIEW
from quiz.text import fold

INTERLEAVE_WINDOW = 6
_PAGE = 400
_COLUMNS = ("id, qid, template, anchor, kind, facts, topic, state, step, stability, difficulty, due, last_review, "
            "answers, lapses, status, leech")


@dataclass(slots=True)
class Entry:
    """One planned question: which item, how to rebuild it, and its schedule when planned."""

    key: int  # items.id
    qid: str
    template: str
    anchor: str
    kind: str
    facts: tuple[str, ...]
    topic: str  # in the session's language
    schedule: Schedule


@dataclass(frozen=True, slots=True)
class Limits:
    """How many questions a plan may still take today."""

    new: int  # new items still allowed today
    reviews: int  # reviews still allowed today
    total: int | None = None  # the session's --limit


@lru_cache(maxsize=4096)
def _topic(topic_json: str, lang: str) -> str:
    # A deck has few topics, each item repeats its topic's JSON: decode each once.
    topics = json.loads(topic_json)
    return topics.get(lang) or next(iter(topics.values()), "")


# The id quiz.formats.anki_notes.guid_card_id gives card `ord` of an Anki note: "anki-<note hash>-<ord>".
_NOTE_CARD_ID = re.compile(r"card:(anki-[0-9a-f]{16})-[0-9]+")


def sibling_key(anchor: str) -> str | None:
    """For a card item (anchor "card:ID") whose id names its Anki note, a key the note's other cards
    share: what a plan buries them by, as it buries a fact's other questions. A reversed card, or
    another deletion of the same cloze, would give the answer away if asked the same day (Anki's
    "bury siblings"). None for any other item."""
    match = _NOTE_CARD_ID.fullmatch(anchor)
    return f"note:{match[1]}" if match else None


def _buried_by(template: str, anchor: str, facts: Iterable[str]) -> tuple[str, ...]:
    """What an item buries others by: its facts, and a card's Anki note."""
    facts = tuple(facts)
    if template == CARD_ITEM and (note := sibling_key(anchor)) is not None:
        facts += (note,)
    return facts


def _entries(rows: list[tuple], lang: str) -> Iterator[Entry]:
    # One JSON document for the page's fact lists: one decode instead of one per row. Should a
    # stored list be damaged, row by row instead, to say which item it is.
    try:
        if not all(row[5][:1] == "[" and row[5][-1:] == "]" for row in rows):
            raise ValueError("not a list")  # (else two damaged rows could join into valid JSON)
        facts = json.loads(f"[{','.join(row[5] for row in rows)}]")
        if len(facts) != len(rows) or not all(type(ids) is list for ids in facts):
            raise ValueError("not one list of fact ids per item")
    except ValueError:
        facts = [_facts(row) for row in rows]
    for row, row_facts in zip(rows, facts, strict=True):
        key, qid, template, anchor, kind, _, topic, state, step, stability, difficulty, due, last_review, \
            answers, lapses, status, leech = row
        schedule = make_schedule(state, step, stability, difficulty, due, last_review, answers, lapses, status,
                                 bool(leech))
        yield Entry(key, qid, template, anchor, kind, _buried_by(template, anchor, row_facts), _topic(topic, lang),
                    schedule)


def _facts(row: tuple) -> list:
    try:
        facts = json.loads(row[5])
    except ValueError:
        facts = None
    if type(facts) is not list:
        raise ValueError(f"item {row[1]}: its stored fact ids are damaged: {row[5][:60]!r}")
    return facts


def _matches(entry_topic_json: str, wanted: str) -> bool:
    for text in json.loads(entry_topic_json).values():
        if fold(text) == wanted or wanted in (fold(part) for part in text.split(",")):
            return True
    return False


def _pages(conn: sqlite3.Connection, where: str, order: str, params: tuple, lang: str, topic: str | None):
    """Matching items, fetched a page at a time (only as far as the plan reads).

    Each page is ordered from the items_schedule index alone (ids only: no table row is read for
    the thousands of candidates a sort looks at), then only that page's rows are read."""
    wanted = fold(topic) if topic else None
    offset = 0
    while True:
        ids = [row[0] for row in conn.execute(f"SELECT id FROM items WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                                              (*params, _PAGE, offset))]
        if ids:
            rows = {row[0]: row for row in conn.execute(
                f"SELECT {_COLUMNS} FROM items WHERE id IN ({', '.join('?' * len(ids))})", ids)}
            yield from _entries([row for key in ids if (row := rows.get(key)) is not None
                                 and (wanted is None or _matches(row[6], wanted))], lang)
        if len(ids) < _PAGE:
            return
        offset += _PAGE


def _take(entries, count: int, buried: set[str]) -> list[Entry]:
    """Up to `count` entries, skipping (burying) any that shares a fact with one already taken."""
    out: list[Entry] = []
    if count <= 0:
        return out
    for entry in entries:
        if buried.intersection(entry.facts):
            continue
        buried.update(entry.facts)
        out.append(entry)
        if len(out) >= count:
            break
    return out


def plan_study(conn: sqlite3.Connection, deck: int, lang: str, now: int, learn_ahead_ms: int, limits: Limits,
               topic: str | None = None, day_start: int | None = None) -> tuple[list[Entry], list[Entry]]:
    """(the queue, items in learning due later within the learn-ahead time). Reviews and new items
    that share a fact (or an Anki note) with an item answered since `day_start`, or with one planned
    before them, wait for another day."""
    buried: set[str] = answered_facts(conn, deck, day_start) if day_start is not None else set()
    base = "deck = ? AND status = 'active'"
    learning = list(_pages(conn, f"{base} AND state IN ({LEARNING}, {RELEARNING}) AND due <= ?", "due",
                           (deck, now + learn_ahead_ms), lang, topic))
    for entry in learning:
        buried.update(entry.facts)
    due_now = [e for e in learning if e.schedule.due <= now]
    waiting = [e for e in learning if e.schedule.due > now]
    room = None if limits.total is None else max(0, limits.total - len(due_now))
    reviews = _take(
        _pages(conn, f"{base} AND state = {REVIEW} AND due <= ?", "(? - last_review) * 1.0 / stability DESC, id",
               (deck, now, now), lang, topic),
        min(limits.reviews, room if room is not None else limits.reviews), buried)
    if room is not None:
        room -= len(reviews)
    new = _take(spread(_pages(conn, f"{base} AND state = {NEW}", "id", (deck,), lang, topic)),
                min(limits.new, room if room is not None else limits.new), buried)
    return due_now + interleave(mix(reviews, new)), waiting


def answered_facts(conn: sqlite3.Connection, deck: int, since: int) -> set[str]:
    """The facts (and Anki notes) of the deck's items answered since `since` (unix ms), practice
    aside (practice leaves the schedule alone, and what it asks first is what is due)."""
    rows = conn.execute("SELECT DISTINCT items.id, items.qid, items.template, items.anchor, items.kind, items.facts "
                        "FROM reviews JOIN items ON items.id = reviews.item "
                        f"WHERE reviews.at >= ? AND reviews.deck = ? AND reviews.type != {PRACTICE}",
                        (since, deck)).fetchall()
    facts: set[str] = set()
    for row in rows:  # (the first columns of a planned row, as _facts reads them)
        facts.update(_buried_by(row[2], row[3], _facts(row)))
    return facts


def plan_practice(conn: sqlite3.Connection, deck: int, lang: str, now: int, size: int,
                  topic: str | None = None) -> list[Entry]:
    """Weakest first: answered items by retrievability, then never-answered ones."""
    buried: set[str] = set()
    base = "deck = ? AND status = 'active'"
    seen = _take(_pages(conn, f"{base} AND state != {NEW}", "(? - last_review) * 1.0 / stability DESC, id",
                        (deck, now), lang, topic), size, buried)
    unseen = _take(spread(_pages(conn, f"{base} AND state = {NEW}", "id", (deck,), lang, topic)), size - len(seen),
                   buried)
    return interleave(seen + unseen)


def spread(entries: Iterable[Entry], chunk: int = _PAGE) -> Iterator[Entry]:
    """Deck order, but topics in turn, each turn taking the kind used least so far, chunk by chunk.

    A deck lists a relation's facts together, each fact's questions one after another, and burying
    keeps only the first question of a fact: without this every new fact would be met first as a
    true/false question, and a whole topic before the next.
    """
    for batch in _batches(entries, chunk):
        topics: dict[str, dict[str, deque[Entry]]] = {}
        for entry in batch:
            topics.setdefault(entry.topic, {}).setdefault(entry.kind, deque()).append(entry)
        used: Counter[str] = Counter()
        turns, last = deque(topics), None
        while turns:
            topic = turns.popleft()
            kinds = topics[topic]
            kind = min(kinds, key=lambda k: (k == last, used[k]))  # ties: the first in deck order
            yield kinds[kind].popleft()
            used[kind] += 1
            last = kind
            if not kinds[kind]:
                del kinds[kind]
            if kinds:
                turns.append(topic)


def _batches(entries: Iterable[Entry], size: int) -> Iterator[list[Entry]]:
    batch: list[Entry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def mix(reviews: list[Entry], new: list[Entry]) -> list[Entry]:
    """New items spread evenly among the reviews, each list keeping its own order."""
    if not reviews or not new:
        return reviews + new
    slots = [((i + 0.5) / len(reviews), 0, e) for i, e in enumerate(reviews)]
    slots += [((j + 0.5) / len(new), 1, e) for j, e in enumerate(new)]
    slots.sort(key=lambda slot: (slot[0], slot[1]))
    return [e for _, _, e in slots]


def interleave(entries: list[Entry], window: int = INTERLEAVE_WINDOW) -> list[Entry]:
    """Reorder a little so that neighbours differ in kind and topic where one nearby allows.

    Each next question is the first of the following `window` that differs from the last one in
    both kind and topic, else in either, else simply the next: priority order is kept within
    `window` places.
    """
    pending = list(entries)
    out: list[Entry] = []
    while pending:
        pick = 0
        if out:
            last = out[-1]
            nearby = pending[:window]
            both = [i for i, e in enumerate(nearby) if e.kind != last.kind and e.topic != last.topic]
            either = [i for i, e in enumerate(nearby) if e.kind != last.kind or e.topic != last.topic]
            pick = (both or either or [0])[0]
        out.append(pending.pop(pick))
    # Greedy choices can strand alike items at the end; never return something worse than given.
    return out if _alike_neighbours(out) <= _alike_neighbours(entries) else list(entries)


def _alike_neighbours(entries: list[Entry]) -> int:
    return sum(a.kind == b.kind and a.topic == b.topic for a, b in pairwise(entries))


def today_counts(conn: sqlite3.Connection, deck: int, since: int) -> dict[int, int]:
    """Review-log entries of `deck` since `since` (unix ms), by type (0 new ... 4 practice)."""
    rows = conn.execute("SELECT type, count(*) FROM reviews WHERE at >= ? AND deck = ? GROUP BY type",
                        (since, deck))
    return dict(rows.fetchall())

