"""Decks in the store, and their items kept in step with the deck's questions.

A deck is stored whole (its source text and format), so a deck that is not a file quiz ships
(one imported from elsewhere) is rebuilt from the database alone. Registering a deck whose text
changed upserts its items by stable question id: an unchanged question keeps its progress, a new
one arrives as new, one whose facts went away is retired (history kept, never shown), and a retired
one whose facts came back is active again with its old progress. A question whose wording or
answer changed keeps its progress too, and its new content hash records the change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from quiz.store.database import transaction
from quiz.store.schema import ACTIVE, NEW, RETIRED, REVIEW, SUSPENDED

if TYPE_CHECKING:
    import sqlite_utils

    from quiz.model import Deck

ORIGINS = ("bundled", "file", "imported")


@dataclass(frozen=True, slots=True)
class ItemContent:
    """What the store keeps of one question: enough to rebuild it, group it and notice changes."""

    qid: str
    template: str
    anchor: str
    kind: str
    facts: tuple[str, ...]
    topic: dict[str, str]  # lang -> topic
    hash: str


@dataclass(slots=True)
class SyncReport:
    deck: str
    added: int = 0
    changed: int = 0
    retired: int = 0
    restored: int = 0
    unchanged: int = 0
    skipped: bool = False  # the stored deck was already this text: nothing was parsed

    def to_dict(self) -> dict:
        return asdict(self)


def _parsers() -> dict[str, Callable[[str, str], Deck]]:
    from quiz.formats.yaml_deck import parse_deck

    return {"yaml": parse_deck}


def source_hash(source: str) -> str:
    """Identifies a deck text and the quiz version whose generator turned it into items."""
    from quiz import __version__

    return hashlib.blake2b(f"{__version__}\x1f{source}".encode(), digest_size=16).hexdigest()


def parse(source: str, fmt: str, name: str) -> Deck:
    """The deck model from stored text; raises DeckError as loading the file would."""
    parsers = _parsers()
    if fmt not in parsers:
        raise ValueError(f"unknown deck format {fmt!r}")
    return parsers[fmt](source, name)


def deck_items(deck: Deck) -> list[ItemContent]:
    """The union over the deck's languages of the generated questions, in generator order."""
    from quiz.knowledge import Knowledge
    from quiz.questions.generator import QuestionGenerator

    knowledge = Knowledge(deck)
    by_id: dict[str, list] = {}
    for lang in deck.languages or ("en",):
        for question in QuestionGenerator(deck, lang, seed=0, knowledge=knowledge).generate():
            by_id.setdefault(question.id, []).append(question)
    items = []
    for qid, versions in by_id.items():
        first = versions[0]
        right = [
            (q.lang, q.kind, q.prompt, q.answer_text, sorted(q.accepted), sorted(q.choices[i] for i in q.answer))
            for q in versions
        ]
        digest = hashlib.blake2b(json.dumps([right, first.facts], ensure_ascii=False).encode(), digest_size=8)
        items.append(ItemContent(qid, first.template, first.anchor, first.kind, tuple(first.facts),
                                 {q.lang: q.topic for q in versions}, digest.hexdigest()))
    return items


def register(db: sqlite_utils.Database, source: str, *, origin: str, path: str | None = None,
             fmt: str = "yaml", now_ms: int) -> SyncReport:
    """Store the deck written in `source` and bring its items up to date. Raises DeckError."""
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {', '.join(ORIGINS)}")
    digest = source_hash(source)
    known = db.conn.execute("SELECT name FROM decks WHERE source_hash = ?", (digest,)).fetchone()
    if known:
        return SyncReport(known[0], skipped=True)
    deck = parse(source, fmt, path or "<deck>")
    items = deck_items(deck)
    row = {
        "name": deck.id, "title": json.dumps(deck.title.to_plain(), ensure_ascii=False),
        "languages": json.dumps(list(deck.languages)), "origin": origin, "path": path, "format": fmt,
        "source": source, "source_hash": digest, "updated_at": now_ms,
    }
    with transaction(db) as conn:
        existing = conn.execute("SELECT id FROM decks WHERE name = ?", (deck.id,)).fetchone()
        if existing:
            deck_key = existing[0]
            db["decks"].update(deck_key, row)
        else:
            deck_key = db["decks"].insert({**row, "added_at": now_ms}).last_pk
        report = _sync_items(db, deck_key, items)
    report.deck = deck.id
    return report


def _sync_items(db: sqlite_utils.Database, deck_key: int, items: list[ItemContent]) -> SyncReport:
    conn = db.conn
    stored = {qid: (key, digest, status) for key, qid, digest, status in
              conn.execute("SELECT id, qid, hash, status FROM items WHERE deck = ?", (deck_key,))}
    report = SyncReport("")
    new_rows, changed, restored = [], [], []
    for item in items:
        content = {"template": item.template, "anchor": item.anchor, "kind": item.kind,
                   "facts": json.dumps(list(item.facts)), "topic": json.dumps(item.topic, ensure_ascii=False),
                   "hash": item.hash}
        if item.qid not in stored:
            new_rows.append({"deck": deck_key, "qid": item.qid, **content, "status": ACTIVE, "state": NEW})
            continue
        key, digest, status = stored[item.qid]
        if status == RETIRED:
            restored.append(key)
        if digest != item.hash or status == RETIRED:
            changed.append((content, key))
        else:
            report.unchanged += 1
    wanted = {item.qid for item in items}
    gone = [(key,) for qid, (key, _, status) in stored.items() if qid not in wanted and status != RETIRED]
    if new_rows:
        db["items"].insert_all(new_rows, batch_size=500)
    for content, key in changed:
        db["items"].update(key, content)
    conn.executemany("UPDATE items SET status = 'retired' WHERE id = ?", gone)
    conn.executemany("UPDATE items SET status = 'active' WHERE id = ?", [(key,) for key in restored])
    report.added, report.retired, report.restored = len(new_rows), len(gone), len(restored)
    report.changed = len(changed) - len(restored)
    return report


@dataclass(frozen=True, slots=True)
class StoredDeck:
    key: int  # the row id
    name: str
    title: str | dict[str, str]
    languages: tuple[str, ...]
    origin: str
    path: str | None
    format: str
    desired_retention: float | None
    new_per_day: int | None
    reviews_per_day: int | None


_DECK_COLUMNS = "id, name, title, languages, origin, path, format, desired_retention, new_per_day, reviews_per_day"


def _stored(row: tuple) -> StoredDeck:
    key, name, title, languages, *rest = row
    return StoredDeck(key, name, json.loads(title), tuple(json.loads(languages)), *rest)


def stored_decks(conn) -> list[StoredDeck]:
    return [_stored(row) for row in conn.execute(f"SELECT {_DECK_COLUMNS} FROM decks ORDER BY name")]


def stored_deck(conn, name: str) -> StoredDeck | None:
    row = conn.execute(f"SELECT {_DECK_COLUMNS} FROM decks WHERE name = ?", (name,)).fetchone()
    return _stored(row) if row else None


def load_model(conn, name: str) -> Deck:
    """Rebuild a stored deck's model from its stored text."""
    row = conn.execute("SELECT source, format, coalesce(path, name) FROM decks WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise KeyError(name)
    return parse(row[0], row[1], row[2])


def counts(conn, now_ms: int) -> dict[int, dict]:
    """Per deck key: new, learning, due, review, suspended, retired, total, last_review (unix ms).

    One pass over the items_schedule index, never the table. `due` counts active items that were
    answered before and are due by `now_ms`; `total` is every item that is not retired.
    """
    out: dict[int, dict] = {}
    rows = conn.execute(
        "SELECT deck, status, state, count(*), sum(due <= ?), max(last_review) FROM items "
        "GROUP BY deck, status, state", (now_ms,))
    for deck, status, state, number, due, last in rows:
        entry = out.setdefault(deck, {"new": 0, "learning": 0, "due": 0, "review": 0, "suspended": 0,
                                      "retired": 0, "total": 0, "last_review": None})
        if last is not None and (entry["last_review"] is None or last > entry["last_review"]):
            entry["last_review"] = last
        if status == RETIRED:
            entry["retired"] += number
            continue
        entry["total"] += number
        if status == SUSPENDED:
            entry["suspended"] += number
        elif state == NEW:
            entry["new"] += number
        else:
            entry["review" if state == REVIEW else "learning"] += number
            entry["due"] += due or 0
    return out
