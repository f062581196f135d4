"""Read a YAML deck (docs/deck-format.md) into the deck model, reporting every problem by line."""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Callable
from pathlib import Path

from quiz.formats.problems import DeckError, Problem
from quiz.formats.strict_yaml import MAX_YAML_BYTES, YamlProblem, line_of, load_yaml
from quiz.model import (
    LANGUAGES,
    STATUSES,
    TEMPLATE_KEYS,
    VALUE_TYPES,
    Card,
    Completeness,
    Deck,
    Entity,
    Fact,
    LocalText,
    Relation,
    Source,
)

_DECK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,127}$")
_DATE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
_PLACEHOLDERS = {"subject", "value"}

# Each section's keys: key -> required?
_DECK_KEYS = {"id": True, "title": True, "description": False, "languages": False, "topics": False}
_SOURCE_KEYS = {"id": True, "outlet": True, "title": True, "date": False, "date_note": False,
                "seed": False, "url": False}
_ENTITY_KEYS = {"id": True, "type": True, "name": True, "aliases": False, "tags": False}
_RELATION_KEYS = {"id": True, "subject_type": True, "value_type": True, "value_entity_type": False,
                  "label": True, "templates": True, "topic": False, "functional": False,
                  "complete": False}
_FACT_KEYS = {"id": True, "subject": True, "relation": True, "value": True, "status": False,
              "negated": False, "as_of": False, "sources": False, "explain": False, "accept": False}
_CARD_KEYS = {"id": False, "front": True, "back": True, "accept": False, "choices": False,
              "explain": False, "tags": False, "sources": False,
              # What an importer keeps of where a card came from (see Card in quiz.model).
              "guid": False, "deck": False, "note_type": False, "ord": False, "suspended": False,
              "media": False}
_TOP_KEYS = {"deck": True, "sources": False, "entities": False, "relations": False, "facts": False,
             "cards": False}


class _Reader:
    """Walks the parsed document, collecting problems instead of stopping at the first."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ()

    def error(self, line: int, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, where, message))

    # -- shapes -------------------------------------------------------------------------------
    def mapping(self, node: object, line: int, where: str, keys: dict[str, bool]) -> dict | None:
        if not isinstance(node, dict):
            self.error(line, where, f"expected a mapping, got {_kind(node)}")
            return None
        for key in node:
            if key not in keys:
                close = [k for k in keys if _similar(str(key), k)]
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.error(line_of(node, key, line), f"{where}.{key}".lstrip("."), f"unknown key{hint}")
        for key, required in keys.items():
            if required and node.get(key) is None:
                self.error(line_of(node, None, line), f"{where}.{key}".lstrip("."), "missing")
        return node

    def items(self, parent: dict, key: str, where: str) -> list[tuple[int, object, str]]:
        node = parent.get(key)
        if node is None:
            return []
        line = line_of(parent, key)
        if not isinstance(node, list):
            self.error(line, where, f"expected a list, got {_kind(node)}")
            return []
        return [(line_of(node, i, line), item, f"{where}[{i}]") for i, item in enumerate(node)]

    def field(self, node: dict, key: str, where: str, check: Callable, default: object = None) -> object:
        """Validate node[key] with `check(value, line, where)`; missing gives `default`."""
        if key not in node or node[key] is None:
            return default
        return check(node[key], line_of(node, key), f"{where}.{key}")

    # -- scalars ------------------------------------------------------------------------------
    def text_str(self, value: object, line: int, where: str) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(line, where, f"expected text, got {_kind(value)}")
            return None
        text = str(value).strip()
        if not text:
            self.error(line, where, "must not be empty")
            return None
        return text

    def ident(self, value: object, line: int, where: str, pattern: re.Pattern = _ITEM_ID) -> str | None:
        if not isinstance(value, str) or not pattern.match(value):
            self.error(line, where, f"{value!r} is not a valid id (lowercase letters, digits, '_' or '-')")
            return None
        return value

    def boolean(self, value: object, line: int, where: str) -> bool | None:
        if not isinstance(value, bool):
            self.error(line, where, f"expected true or false, got {_kind(value)}")
            return None
        return value

    def count(self, value: object, line: int, where: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.error(line, where, f"expected a whole number from 0, got {_kind(value)}")
            return None
        return value

    def deck_path(self, value: object, line: int, where: str) -> tuple[str, ...]:
        text = self.text_str(value, line, where)
        if text is None:
            return ()
        parts = tuple(part.strip() for part in text.split("::"))
        if not all(parts):
            self.error(line, where, f"{text!r} has an empty deck name between '::'")
            return ()
        return parts

    def date(self, value: object, line: int, where: str) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not _DATE.match(value):
            self.error(line, where, f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
            return None
        return value

    def str_list(self, value: object, line: int, where: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.error(line, where, f"expected a list, got {_kind(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            text = self.text_str(item, line_of(value, i, line), f"{where}[{i}]")
            if text is not None:
                out.append(text)
        return tuple(out)

    def local_text(self, value: object, line: int, where: str) -> LocalText | None:
        """Text: a string, or a mapping from language to string with every deck language."""
        if isinstance(value, dict):
            table = {}
            for lang, text in value.items():
                if lang not in LANGUAGES:
                    self.error(line_of(value, lang, line), f"{where}.{lang}",
                               f"unknown language (expected one of {', '.join(LANGUAGES)})")
                    continue
                checked = self.text_str(text, line_of(value, lang, line), f"{where}.{lang}")
                if checked is not None:
                    table[lang] = checked
            missing = [lang for lang in self.languages if lang not in value]
            if missing:
                self.error(line, where, f"missing language {', '.join(missing)}")
            return LocalText.of(table) if table else None
        text = self.text_str(value, line, where)
        return LocalText.of(text) if text is not None else None


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"number {value}"
    return f"text {str(value)[:40]!r}"


def _similar(a: str, b: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio() > 0.75


def load_deck(path: str | Path) -> Deck:
    """Load and validate a YAML deck. Raises DeckError listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise DeckError([Problem(name, 0, "", f"file too large ({size} bytes; the limit is "
                                                 f"{MAX_YAML_BYTES})")])
        raw = path.read_bytes()
    except OSError as error:
        raise DeckError([Problem(name, 0, "", f"cannot read: {error.strerror or error}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DeckError([Problem(name, line, "", "not UTF-8 text")]) from None
    return parse_deck(text, name)


def parse_deck(text: str, file: str = "<deck>") -> Deck:
    try:
        document = load_yaml(text)
    except YamlProblem as problem:
        raise DeckError([Problem(file, problem.line, "", problem.message)]) from None
    reader = _Reader(file)
    deck = _build(reader, document)
    if reader.problems or deck is None:
        raise DeckError(reader.problems or [Problem(file, 0, "", "empty deck")])
    deck.path = file
    return deck


def _build(r: _Reader, doc: object) -> Deck | None:
    top = r.mapping(doc, 1, "", _TOP_KEYS)
    if top is None:
        return None
    meta = r.mapping(top.get("deck"), line_of(top, "deck", 1), "deck", _DECK_KEYS) if "deck" in top else None
    if meta is None:
        return None
    languages = r.field(meta, "languages", "deck", r.str_list, ("en",))
    for i, lang in enumerate(languages):
        if lang not in LANGUAGES:
            r.error(line_of(meta, "languages"), f"deck.languages[{i}]", f"unknown language {lang!r}")
    r.languages = tuple(lang for lang in languages if lang in LANGUAGES) or ("en",)
    deck = Deck(
        id=r.field(meta, "id", "deck", lambda v, ln, w: r.ident(v, ln, w, _DECK_ID), "") or "",
        title=r.field(meta, "title", "deck", r.local_text) or LocalText.of(""),
        description=r.field(meta, "description", "deck", r.local_text),
        languages=r.languages,
        topics=r.field(meta, "topics", "deck", r.str_list, ()),
    )
    seen_ids: dict[tuple[str, str], int] = {}

    def unique(kind: str, ident: str | None, line: int, where: str) -> bool:
        if ident is None:
            return False
        if (kind, ident) in seen_ids:
            r.error(line, where, f"duplicate {kind} id {ident!r} (first on line {seen_ids[kind, ident]})")
            return False
        seen_ids[kind, ident] = line
        return True

    for line, node, where in r.items(top, "sources", "sources"):
        node = r.mapping(node, line, where, _SOURCE_KEYS)
        if node is None:
            continue
        ident = r.field(node, "id", where, r.ident)
        source = Source(
            id=ident or "",
            outlet=r.field(node, "outlet", where, r.text_str) or "",
            title=r.field(node, "title", where, r.text_str) or "",
            date=r.field(node, "date", where, r.date),
            date_note=r.field(node, "date_note", where, r.text_str),
            seed=r.field(node, "seed", where, r.text_str),
            url=r.field(node, "url", where, r.text_str),
        )
        if unique("source", ident, line, where):
            deck.sources[source.id] = source

    for line, node, where in r.items(top, "entities", "entities"):
        node = r.mapping(node, line, where, _ENTITY_KEYS)
        if node is None:
            continue
        ident = r.field(node, "id", where, r.ident)
        entity = Entity(
            id=ident or "",
            type=r.field(node, "type", where, r.ident) or "",
            name=r.field(node, "name", where, r.local_text) or LocalText.of(""),
            aliases=r.field(node, "aliases", where, r.str_list, ()),
            tags=r.field(node, "tags", where, r.str_list, ()),
        )
        if unique("entity", ident, line, where):
            deck.entities[entity.id] = entity

    for line, node, where in r.items(top, "relations", "relations"):
        relation = _relation(r, node, line, where, deck)
        if relation and unique("relation", relation.id, line, where):
            deck.relations[relation.id] = relation

    for line, node, where in r.items(top, "facts", "facts"):
        fact = _fact(r, node, line, where, deck)
        if fact and unique("fact", fact.id, line, where):
            deck.facts.append(fact)

    for line, node, where in r.items(top, "cards", "cards"):
        card = _card(r, node, line, where, deck)
        if card and unique("card", card.id, line, where):
            deck.cards.append(card)
    return deck


def _relation(r: _Reader, node: object, line: int, where: str, deck: Deck) -> Relation | None:
    node = r.mapping(node, line, where, _RELATION_KEYS)
    if node is None:
        return None
    ident = r.field(node, "id", where, r.ident)
    value_type = node.get("value_type")
    if value_type not in VALUE_TYPES:
        r.error(line_of(node, "value_type", line), f"{where}.value_type",
                f"expected one of {', '.join(VALUE_TYPES)}, got {value_type!r}")
        value_type = None
    value_entity_type = r.field(node, "value_entity_type", where, r.ident)
    if value_type == "entity" and not value_entity_type:
        r.error(line, f"{where}.value_entity_type", "missing (required when value_type is entity)")
    templates = _templates(r, node.get("templates"), line_of(node, "templates", line), f"{where}.templates",
                           value_type)
    complete = _completeness(r, node, line, where, value_type, deck)
    if ident is None or value_type is None:
        return None
    return Relation(
        id=ident,
        subject_type=r.field(node, "subject_type", where, r.ident) or "",
        value_type=value_type,
        value_entity_type=value_entity_type,
        label=r.field(node, "label", where, r.local_text) or LocalText.of(ident),
        templates=templates,
        topic=r.field(node, "topic", where, r.local_text),
        functional=bool(r.field(node, "functional", where, r.boolean, False)),
        complete=complete,
    )


def _templates(r: _Reader, node: object, line: int, where: str, value_type: str | None) -> dict:
    if not isinstance(node, dict):
        r.error(line, where, f"expected a mapping of language to templates, got {_kind(node)}")
        return {}
    out: dict[str, dict[str, str]] = {}
    for lang, table in node.items():
        lang_line = line_of(node, lang, line)
        if lang not in LANGUAGES:
            r.error(lang_line, f"{where}.{lang}", "unknown language")
            continue
        if not isinstance(table, dict):
            r.error(lang_line, f"{where}.{lang}", f"expected a mapping, got {_kind(table)}")
            continue
        out[lang] = {}
        for key, template in table.items():
            key_where, key_line = f"{where}.{lang}.{key}", line_of(table, key, lang_line)
            if key not in TEMPLATE_KEYS:
                r.error(key_line, key_where, f"unknown template (expected one of {', '.join(TEMPLATE_KEYS)})")
                continue
            text = r.text_str(template, key_line, key_where)
            if text is None:
                continue
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            except ValueError as error:
                r.error(key_line, key_where, f"bad template: {error}")
                continue
            unknown = names - _PLACEHOLDERS
            if unknown:
                r.error(key_line, key_where, f"unknown placeholder {{{sorted(unknown)[0]}}} "
                                             "(use {subject} and {value})")
            out[lang][key] = text
    for lang in r.languages:
        if lang not in out:
            r.error(line, where, f"missing language {lang}")
    keysets = {lang: set(table) for lang, table in out.items()}
    if len({frozenset(k) for k in keysets.values()}) > 1:
        r.error(line, where, "every language must have the same templates")
    return out


def _completeness(r: _Reader, node: dict, line: int, where: str, value_type: str | None,
                  deck: Deck) -> Completeness:
    spec = node.get("complete")
    if spec is None:
        return Completeness()
    spec_line, spec_where = line_of(node, "complete", line), f"{where}.complete"
    if spec == "all":
        return Completeness(all=True)
    if not isinstance(spec, dict):
        r.error(spec_line, spec_where, "expected 'all' or a mapping with 'values' and/or 'subjects'")
        return Completeness()
    r.mapping(spec, spec_line, spec_where, {"values": False, "subjects": False})
    values = spec.get("values") or []
    subjects = spec.get("subjects") or []
    if not isinstance(values, list) or not isinstance(subjects, list):
        r.error(spec_line, spec_where, "values and subjects must be lists")
        return Completeness()
    for i, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            r.error(line_of(values, i, spec_line), f"{spec_where}.values[{i}]", "expected an id or a number")
    return Completeness(values=frozenset(v for v in values if isinstance(v, (str, int))),
                        subjects=frozenset(s for s in subjects if isinstance(s, str)))


def _fact(r: _Reader, node: object, line: int, where: str, deck: Deck) -> Fact | None:
    node = r.mapping(node, line, where, _FACT_KEYS)
    if node is None:
        return None
    ident = r.field(node, "id", where, r.ident)
    subject = r.field(node, "subject", where, r.ident)
    relation_id = r.field(node, "relation", where, r.ident)
    relation = deck.relations.get(relation_id) if relation_id else None
    if relation_id and relation is None:
        r.error(line_of(node, "relation", line), f"{where}.relation", f"unknown relation {relation_id!r}")
    if subject:
        entity = deck.entities.get(subject)
        if entity is None:
            r.error(line_of(node, "subject", line), f"{where}.subject", f"unknown entity {subject!r}")
        elif relation and entity.type != relation.subject_type:
            r.error(line_of(node, "subject", line), f"{where}.subject",
                    f"{subject!r} is a {entity.type}, but {relation.id} takes a {relation.subject_type}")
    value = _fact_value(r, node, line, where, relation, deck)
    status = node.get("status", "confirmed")
    if status not in STATUSES:
        r.error(line_of(node, "status", line), f"{where}.status",
                f"expected one of {', '.join(STATUSES)}, got {status!r}")
    sources = r.field(node, "sources", where, r.str_list, ())
    for i, source in enumerate(sources):
        if source not in deck.sources:
            r.error(line_of(node, "sources", line), f"{where}.sources[{i}]", f"unknown source {source!r}")
    if None in (ident, subject, relation, value):
        return None
    return Fact(
        id=ident,
        subject=subject,
        relation=relation.id,
        value=value,
        status=status if status in STATUSES else "confirmed",
        negated=bool(r.field(node, "negated", where, r.boolean, False)),
        as_of=r.field(node, "as_of", where, r.date),
        sources=sources,
        explain=r.field(node, "explain", where, r.local_text),
        accept=r.field(node, "accept", where, r.str_list, ()),
    )


def _fact_value(r: _Reader, node: dict, line: int, where: str, relation: Relation | None,
                deck: Deck) -> object:
    if "value" not in node or node["value"] is None or relation is None:
        return None
    value, value_line, value_where = node["value"], line_of(node, "value", line), f"{where}.value"
    kind = relation.value_type
    if kind == "entity":
        entity = deck.entities.get(value) if isinstance(value, str) else None
        if entity is None:
            r.error(value_line, value_where, f"unknown entity {value!r}")
            return None
        if entity.type != relation.value_entity_type:
            r.error(value_line, value_where,
                    f"{value!r} is a {entity.type}, but {relation.id} takes a {relation.value_entity_type}")
            return None
        return value
    if kind in ("year", "number"):
        if isinstance(value, bool) or not isinstance(value, int) or (kind == "year" and not 1 <= value <= 9999):
            r.error(value_line, value_where, f"expected a {kind}, got {_kind(value)}")
            return None
        return value
    if kind == "date":
        return r.date(value, value_line, value_where)
    if kind == "boolean":
        return r.boolean(value, value_line, value_where)
    return r.local_text(value, value_line, value_where)


def _card(r: _Reader, node: object, line: int, where: str, deck: Deck) -> Card | None:
    node = r.mapping(node, line, where, _CARD_KEYS)
    if node is None:
        return None
    front = r.field(node, "front", where, r.local_text)
    back = r.field(node, "back", where, r.local_text)
    choices: list[LocalText] = []
    for i, choice in enumerate(node.get("choices") or []):
        text = r.local_text(choice, line_of(node["choices"], i, line), f"{where}.choices[{i}]")
        if text is not None:
            choices.append(text)
    if choices and back is not None:
        for lang in r.languages:
            keys = [c for c in choices if c.get(lang) == back.get(lang)]
            if len(keys) != 1:
                r.error(line_of(node, "choices", line), f"{where}.choices",
                        f"exactly one choice must equal the back ({back.get(lang)!r}), found {len(keys)}")
                break
    ident = r.field(node, "id", where, r.ident)
    if front is None or back is None:
        return None
    if ident is None and "id" not in node:
        # Derived from the front, so re-ordering cards keeps their progress.
        ident = "card-" + hashlib.sha1(front.get("en").encode()).hexdigest()[:12]
    sources = r.field(node, "sources", where, r.str_list, ())
    for i, source in enumerate(sources):
        if source not in deck.sources:
            r.error(line_of(node, "sources", line), f"{where}.sources[{i}]", f"unknown source {source!r}")
    return Card(
        id=ident or "",
        front=front,
        back=back,
        accept=r.field(node, "accept", where, r.str_list, ()),
        choices=tuple(choices),
        explain=r.field(node, "explain", where, r.local_text),
        tags=r.field(node, "tags", where, r.str_list, ()),
        sources=sources,
        guid=r.field(node, "guid", where, r.text_str),
        ord=r.field(node, "ord", where, r.count, 0) or 0,
        deck_path=r.field(node, "deck", where, r.deck_path, ()),
        note_type=r.field(node, "note_type", where, r.text_str),
        suspended=bool(r.field(node, "suspended", where, r.boolean, False)),
        media=r.field(node, "media", where, r.str_list, ()),
    )
