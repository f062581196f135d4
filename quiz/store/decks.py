"""Decks in the store, and their items kept in step with the deck's questions.

A deck is stored with all it takes to rebuild it (its source text and format; a card deck's cards
a row each), so a deck that is not a file quiz ships (one imported from elsewhere) is rebuilt from
the database alone; beside it, its parsed model as
JSON (quiz.formats.json_deck), so a session never re-parses the source. A deck an importer has
already parsed is stored as that JSON alone (format 'json'), and a card deck an importer writes as
it reads is stored a card a row (format 'cards': quiz.store.cards). Registering a deck whose text
changed upserts its items by stable question id: an unchanged question keeps its progress, a new
one arrives as new, one whose facts went away is retired (history kept, never shown), and a retired
one whose facts came back is active again with its old progress. A question whose wording or
answer changed keeps its progress too, and its new content hash records the change.

A deck quiz ships comes with what registering it makes (`<deck>.built.json` beside the file:
its model and items, for exactly that text and this quiz version; write_prebuilt() makes it), so
the first start on a new database neither parses YAML nor generates questions. A test fails
when the file no longer equals what registering the deck makes.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quiz.questions.question import CARD_ITEM, blake2b
from quiz.store.database import transaction
from quiz.store.schema import ACTIVE, NEW, RETIRED, REVIEW, SUSPENDED

if TYPE_CHECKING:
    from quiz.model import Deck
    from quiz.store.database import Database

ORIGINS = ("bundled", "file", "imported")
CARDS = "cards"  # decks.format of a card deck stored a card a row (quiz.store.cards): `source` is the rest


class ItemContent(NamedTuple):  # a tuple: a large imported deck makes 100,000 of them
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
    """What registering a deck did to its items."""

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

    return {"yaml": parse_deck, "json": _parse_json}


def _parse_json(source: str, name: str) -> Deck:
    from quiz.formats.json_deck import deck_from_json
    from quiz.formats.problems import DeckError, Problem

    try:
        return deck_from_json(source, name)
    except ValueError as error:
        raise DeckError([Problem(name, 0, "", f"stored deck is damaged: {error}")]) from None


def source_hash(source: str) -> str:
    """Identifies a deck text and the quiz version whose generator turned it into items."""
    from quiz import __version__

    return blake2b(f"{__version__}\x1f{source}".encode(), digest_size=16).hexdigest()


def model_version() -> str:
    """What a stored model must have been made with to be used as it is: the JSON layout and quiz's version
    (a newer quiz may parse the same source differently)."""
    from quiz import __version__
    from quiz.formats.json_deck import VERSION

    return f"{VERSION}:{__version__}"


def deck_source(deck: Deck) -> str:
    """The text `register(..., deck=deck)` stores for a parsed deck (its JSON model); `source_hash` of it
    tells whether the store already holds exactly this deck."""
    from quiz.formats.json_deck import deck_to_json

    return deck_to_json(deck)


def parse(source: str, fmt: str, name: str) -> Deck:
    """The deck model from stored text; raises DeckError as loading the file would."""
    parsers = _parsers()
    if fmt not in parsers:
        raise ValueError(f"unknown deck format {fmt!r}")
    return parsers[fmt](source, name)


def deck_items(deck: Deck) -> list[ItemContent]:
    """The union over the deck's languages of the generated questions, in generator order.

    A fact question's hash is of what it asks and what counts as right, in every language. A card is
    one item (QuestionGenerator.card_items: how it is asked is chosen, and options drawn, when it is
    shown) and its hash is of the card itself: everything it is asked with is made from it."""
    from quiz.knowledge import Knowledge
    from quiz.questions.generator import QuestionGenerator
    from quiz.store.cards import card_topic

    knowledge = Knowledge(deck)
    languages = deck.languages or ("en",)
    heads: dict[str, list] = {}  # a fact question's id -> [template, anchor, kind, facts, {lang: topic}]
    rights: dict[str, list[tuple]] = {}  # a fact question's id -> per language: what it asks and accepts
    cards: dict[str, ItemContent] = {}
    topics: dict[tuple[str, ...], dict[str, str]] = {}  # a card's tags -> its topic, in every language
    for lang in languages:
        generator = QuestionGenerator(deck, lang, seed=0, knowledge=knowledge)
        for q in generator.generate(cards=False):
            if q.id not in heads:
                heads[q.id], rights[q.id] = [q.template, q.anchor, q.kind, tuple(q.facts), {}], []
            rights[q.id].append((lang, q.kind, q.prompt, q.answer_text, sorted(q.accepted),
                                 sorted(q.choices[i] for i in q.answer)))
            heads[q.id][4][lang] = q.topic
        for qid, anchor, card in generator.card_items():
            if qid in cards:
                continue  # met in an earlier language: the same card, the same topic
            topic = topics.get(card.tags)
            if topic is None:
                topic = topics[card.tags] = card_topic(card.tags, languages)
            cards[qid] = ItemContent(qid, CARD_ITEM, anchor, "flashcard", (card.id,), topic, _card_hash(card))
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    items = []
    for qid, (template, anchor, kind, facts, topic) in heads.items():
        digest = blake2b(dumps([rights[qid], facts]).encode(), digest_size=8).hexdigest()
        items.append(ItemContent(qid, template, anchor, kind, facts, topic, digest))
    items.extend(cards.values())
    return items


def _card_hash(card) -> str:
    """Of everything a card is asked with (its tags too: they are its topic)."""
    content = (card.id, card.front.by_lang, card.back.by_lang, card.accept, tuple(c.by_lang for c in card.choices),
               card.note_type, card.tags)
    return blake2b(repr(content).encode(), digest_size=8).hexdigest()


def register(db: Database, source: str | None = None, *, origin: str, path: str | None = None,
             fmt: str = "yaml", now_ms: int, deck: Deck | None = None, deck_json: str | None = None,
             file_stamp: str | None = None) -> SyncReport:
    """Store a deck and bring its items up to date. Raises DeckError.

    Either `source`, the deck's text in `fmt` (parsed here), or `deck`, a model already parsed (an
    importer's): then its JSON (deck_source) is stored as the source, format 'json', with nothing
    re-parsed; `quiz export` writes it out as YAML or CSV from the model. A caller that already made
    deck_source(deck) passes it as `deck_json` (a large deck's JSON takes a second to make).
    `file_stamp` (file_stamp()) records the file `path` was read at, so sync_file() can skip an
    unchanged file unread.
    """
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {', '.join(ORIGINS)}")
    if (source is None) == (deck is None):
        raise ValueError("give a deck's source text or its parsed model, not both")
    if deck is not None:
        source, fmt = deck_json if deck_json is not None else deck_source(deck), "json"
    digest = source_hash(source)
    known = db.conn.execute("SELECT id, name FROM decks WHERE source_hash = ?", (digest,)).fetchone()
    if known:
        if file_stamp is not None:
            with transaction(db) as conn:
                conn.execute("UPDATE decks SET file_stamp = ? WHERE id = ?", (file_stamp, known[0]))
        return SyncReport(known[1], skipped=True)
    import gc

    # Parsing, generating and storing allocate a great many objects that live on until the items are
    # written: the cyclic collector would walk them again and again while they are made (a tenth of
    # the time on a large deck, more while its items are written).
    enabled = gc.isenabled()
    gc.disable()
    try:
        built = prebuilt(path, digest) if deck is None and origin == "bundled" and path else None
        if built is not None:
            model, deck, items = built
        elif deck is None:
            deck = parse(source, fmt, path or "<deck>")
            model = deck_source(deck)  # the parsed form, so sessions need not parse `source` again
            items = deck_items(deck)
        else:
            model = None  # `source` is the model itself
            items = deck_items(deck)
        return _store(db, deck, items, {
            "name": deck.id, "title": json.dumps(deck.title.to_plain(), ensure_ascii=False),
            "languages": json.dumps(list(deck.languages)), "origin": origin, "path": path, "format": fmt,
            "source": source, "source_hash": digest, "updated_at": now_ms, "model": model,
            "model_version": model_version() if model is not None else None, "file_stamp": file_stamp,
        }, now_ms)
    finally:
        if enabled:
            gc.enable()


def _store(db: Database, deck: Deck, items: list[ItemContent], row: dict, now_ms: int) -> SyncReport:
    with transaction(db) as conn:
        existing = conn.execute("SELECT id FROM decks WHERE name = ?", (deck.id,)).fetchone()
        if existing:
            deck_key = existing[0]
            conn.execute(f"UPDATE decks SET {', '.join(f'{column} = ?' for column in row)} WHERE id = ?",
                         (*row.values(), deck_key))
        else:
            row["added_at"] = now_ms
            deck_key = conn.execute(f"INSERT INTO decks ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                                    tuple(row.values())).lastrowid
        report = _sync_items(conn, deck_key, items)
    report.deck = deck.id
    return report


def prebuilt_path(path: str | Path) -> Path:
    """Where a deck file's prebuilt model and items are: `<deck>.built.json` beside it."""
    path = Path(path)
    return path.with_name(f"{path.stem}.built.json")


def write_prebuilt(path: str | Path) -> Path:
    """Write what registering the deck file at `path` makes (its model and items) beside it."""
    source = Path(path).read_text(encoding="utf-8")
    deck = parse(source, "yaml", str(path))
    items = deck_items(deck)
    doc = {"source_hash": source_hash(source), "model_version": model_version(), "model": deck_source(deck),
           "items": [list(item) for item in items]}
    target = prebuilt_path(path)
    target.write_text(json.dumps(doc, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    return target


def prebuilt(path: str, digest: str) -> tuple[str, Deck, list[ItemContent]] | None:
    """The model (as text and as a Deck) and items prebuilt for the deck file at `path`, if made
    from the text whose source_hash is `digest` by this version of quiz; else None (then they are
    made here)."""
    from quiz.formats.json_deck import deck_from_json

    try:
        doc = json.loads(prebuilt_path(path).read_text(encoding="utf-8"))
        if doc["source_hash"] != digest or doc["model_version"] != model_version():
            return None
        items = [ItemContent(qid, template, anchor, kind, tuple(facts), dict(topic), content)
                 for qid, template, anchor, kind, facts, topic, content in doc["items"]]
        model = doc["model"]
        return model, deck_from_json(model, path), items
    except (OSError, ValueError, KeyError, TypeError):
        return None


def file_stamp(size: int, mtime_ns: int) -> str:
    """What a deck file was when read: its size, its modification time and the quiz that read it."""
    from quiz import __version__

    return f"{size}:{mtime_ns}:{__version__}"


def unchanged_file(conn: sqlite3.Connection, path: str, stamp: str) -> str | None:
    """The name of the deck last read from `path` when the file had `stamp`, else None: the file
    need not be read again."""
    row = conn.execute("SELECT name FROM decks WHERE path = ? AND file_stamp = ?", (path, stamp)).fetchone()
    return row[0] if row else None


def _sync_items(conn: sqlite3.Connection, deck_key: int, items: list[ItemContent]) -> SyncReport:
    from json.encoder import encode_basestring_ascii

    stored = {qid: (key, digest, status) for key, qid, digest, status in
              conn.execute("SELECT id, qid, hash, status FROM items WHERE deck = ?", (deck_key,))}
    report = SyncReport("")
    new_rows, changed, restored = [], [], []
    # Many items share their facts (a card's questions) and topics (a deck's tags): each JSON made once.
    facts_json: dict[tuple[str, ...], str] = {}
    topic_json: dict[int, str] = {}  # by the dict's identity: deck_items shares one among a card deck's items
    for item in items:
        facts = facts_json.get(item.facts)
        if facts is None:
            # json.dumps(list(facts)), without its per-call overhead (40,000 cards: 40,000 lists).
            facts = facts_json[item.facts] = f"[{', '.join(map(encode_basestring_ascii, item.facts))}]"
        topic = topic_json.get(id(item.topic))  # `items` keeps every dict alive: an id is never reused here
        if topic is None:
            topic = topic_json[id(item.topic)] = json.dumps(item.topic, ensure_ascii=False)
        content = (item.template, item.anchor, item.kind, facts, topic, item.hash)
        if item.qid not in stored:
            new_rows.append((deck_key, item.qid, *content, ACTIVE, NEW))
            continue
        key, digest, status = stored[item.qid]
        if status == RETIRED:
            restored.append(key)
        if digest != item.hash or status == RETIRED:
            changed.append((*content, key))
        else:
            report.unchanged += 1
    wanted = {item.qid for item in items} if stored else set()
    gone = [(key,) for qid, (key, _, status) in stored.items() if qid not in wanted and status != RETIRED]
    conn.executemany(f"INSERT INTO items (deck, qid, {', '.join(_CONTENT)}, status, state) "
                     f"VALUES ({', '.join('?' * (len(_CONTENT) + 4))})", new_rows)
    conn.executemany(f"UPDATE items SET {', '.join(f'{c} = ?' for c in _CONTENT)} WHERE id = ?", changed)
    conn.executemany("UPDATE items SET status = 'retired' WHERE id = ?", gone)
    conn.executemany("UPDATE items SET status = 'active' WHERE id = ?", [(key,) for key in restored])
    report.added, report.retired, report.restored = len(new_rows), len(gone), len(restored)
    report.changed = len(changed) - len(restored)
    return report


_CONTENT = ("template", "anchor", "kind", "facts", "topic", "hash")  # an item's columns that come from its deck


@dataclass(frozen=True, slots=True)
class StoredDeck:
    """A deck as the store keeps it: its row, title, languages and per-deck options."""

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
    parameters: tuple[float, ...] | None = None  # FSRS weights fitted to the learner; None: fsrs's defaults


_DECK_COLUMNS = ("id, name, title, languages, origin, path, format, desired_retention, new_per_day, reviews_per_day, "
                 "parameters")


def _stored(row: tuple) -> StoredDeck:
    key, name, title, languages, *rest, parameters = row
    return StoredDeck(key, name, json.loads(title), tuple(json.loads(languages)), *rest,
                      parameters=_parameters(parameters))


def _parameters(text: str | None) -> tuple[float, ...] | None:
    """decks.parameters as FSRS weights; anything but a list of numbers counts as none (fsrs's defaults)."""
    if not text:
        return None
    try:
        weights = json.loads(text)
    except ValueError:
        return None
    if not isinstance(weights, list) or not weights or \
            not all(isinstance(w, int | float) and not isinstance(w, bool) for w in weights):
        return None
    return tuple(float(w) for w in weights)


def stored_decks(conn) -> list[StoredDeck]:
    return [_stored(row) for row in conn.execute(f"SELECT {_DECK_COLUMNS} FROM decks ORDER BY name")]


def stored_deck(conn, name: str) -> StoredDeck | None:
    row = conn.execute(f"SELECT {_DECK_COLUMNS} FROM decks WHERE name = ?", (name,)).fetchone()
    return _stored(row) if row else None


def begin_card_deck(conn: sqlite3.Connection, header: Deck, *, origin: str, path: str | None,
                    now_ms: int) -> int:
    """The row of a card deck about to be written a card a row (quiz.store.cards.CardWriter), made if new:
    its key. finish_card_deck() then records what was written."""
    row = conn.execute("SELECT id FROM decks WHERE name = ?", (header.id,)).fetchone()
    if row is not None:
        return row[0]
    return conn.execute(
        "INSERT INTO decks (name, title, languages, origin, path, format, source, source_hash, added_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, '', '', ?, ?)",
        (header.id, json.dumps(header.title.to_plain(), ensure_ascii=False), json.dumps(list(header.languages)),
         origin, path, CARDS, now_ms, now_ms)).lastrowid


def finish_card_deck(conn: sqlite3.Connection, key: int, header: Deck, content: str, *, origin: str,
                     path: str | None, now_ms: int) -> bool:
    """Record a card deck's row after its cards were written: its model without the cards as `source`,
    and a source_hash of that and `content` (CardSync.content, of every card). Leaves a row that is
    already this deck alone (re-importing the same file changes nothing): whether it changed."""
    from quiz.formats.json_deck import deck_to_json

    source = deck_to_json(replace(header, cards=[]))
    digest = source_hash(f"{source}\x1f{content}")
    same = conn.execute("SELECT format = ? AND source_hash = ? FROM decks WHERE id = ?", (CARDS, digest, key))
    if same.fetchone()[0]:
        return False  # the same deck again (from this file or another with the same cards): left as it was
    values = {"title": json.dumps(header.title.to_plain(), ensure_ascii=False),
              "languages": json.dumps(list(header.languages)), "origin": origin, "path": path, "format": CARDS,
              "source": source, "source_hash": digest, "model": None, "model_version": None, "file_stamp": None}
    conn.execute(f"UPDATE decks SET {', '.join(f'{c} = ?' for c in values)}, updated_at = ? WHERE id = ?",
                 (*values.values(), now_ms, key))
    return True


def load_model(conn: sqlite3.Connection, name: str) -> Deck:
    """A stored deck's model: from its stored parsed form, or, when that is missing or was made by
    another version, from its source (and then kept for next time, if the database can be written)."""
    row = conn.execute("SELECT id, source, format, coalesce(path, name), model, model_version FROM decks "
                       "WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise KeyError(name)
    key, source, fmt, label, model, version = row
    if fmt == "json":
        return parse(source, fmt, label)
    if fmt == CARDS:
        from quiz.store.cards import load_cards

        deck = parse(source, "json", label)
        try:
            deck.cards.extend(load_cards(conn, key))
        except ValueError as error:
            from quiz.formats.problems import DeckError, Problem

            raise DeckError([Problem(label, 0, "", f"stored deck is damaged: {error}")]) from None
        return deck
    if model is not None and version == model_version():
        from quiz.formats.json_deck import deck_from_json

        try:
            return deck_from_json(model, label)
        except ValueError:
            pass  # damaged: rebuilt from the source below
    deck = parse(source, fmt, label)
    if not conn.in_transaction:  # never write inside someone else's transaction
        timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute("PRAGMA busy_timeout = 0")  # never wait for the lock: this is only a cache
        try:
            with contextlib.suppress(sqlite3.Error):  # busy or read-only: parsed again next time
                conn.execute("UPDATE decks SET model = ?, model_version = ? WHERE id = ? AND source = ?",
                             (deck_source(deck), model_version(), key, source))
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    return deck


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


if __name__ == "__main__":  # python -m quiz.store.decks decks/*.yaml: rewrite the bundled decks' prebuilt files
    import sys

    for name in sys.argv[1:]:
        print(write_prebuilt(name))
