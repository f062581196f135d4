"""Write a deck model as a YAML deck (docs/deck-format.md): what the store keeps of an imported deck.

    text = deck_to_yaml(deck)
    parse_deck(text) == deck          # the same cards and facts, ids included (path and import-only
                                      # fields aside: reviews, media_files, warnings)

The output is deterministic (the same deck always gives the same text, so re-importing an unchanged
file finds the stored text unchanged) and is read back by the strict loader: every string that the
loader would take for something else (`no`, `y`, `1.5`, `null`, ...) is quoted. Fields at their
default are left out. Card decks and fact decks both round-trip.
"""

from __future__ import annotations

import re

import yaml

from quiz.formats.strict_yaml import _RESOLVERS
from quiz.model import Card, Completeness, Deck, Entity, Fact, LocalText, Relation, Source

_NOT_PLAIN = [re.compile(pattern) for _, pattern, _ in _RESOLVERS]
_BASE = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BASE):  # type: ignore[misc, valid-type]
    pass


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if "\n" in text:
        # A block scalar where the emitter allows one (it falls back to quoting where not).
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    if any(pattern.match(text) for pattern in _NOT_PLAIN):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


_Dumper.add_representer(str, _represent_str)


def deck_to_yaml(deck: Deck) -> str:
    """The deck as YAML text that quiz.formats.yaml_deck.parse_deck reads back as the same deck."""
    return yaml.dump(deck_to_data(deck), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=False)


def deck_to_data(deck: Deck) -> dict:
    """The YAML document as plain Python data (dicts in the documented key order)."""
    meta: dict = {"id": deck.id, "title": _text(deck.title)}
    if deck.description is not None:
        meta["description"] = _text(deck.description)
    if tuple(deck.languages) != ("en",):
        meta["languages"] = list(deck.languages)
    if deck.topics:
        meta["topics"] = list(deck.topics)
    data: dict = {"deck": meta}
    if deck.sources:
        data["sources"] = [_source(source) for source in deck.sources.values()]
    if deck.entities:
        data["entities"] = [_entity(entity) for entity in deck.entities.values()]
    if deck.relations:
        data["relations"] = [_relation(relation) for relation in deck.relations.values()]
    if deck.facts:
        data["facts"] = [_fact(fact) for fact in deck.facts]
    if deck.cards:
        data["cards"] = [card_to_data(card) for card in deck.cards]
    return data


def card_to_data(card: Card) -> dict:
    out: dict = {"id": card.id, "front": _text(card.front), "back": _text(card.back)}
    if card.accept:
        out["accept"] = list(card.accept)
    if card.choices:
        out["choices"] = [_text(choice) for choice in card.choices]
    if card.explain is not None:
        out["explain"] = _text(card.explain)
    if card.tags:
        out["tags"] = list(card.tags)
    if card.sources:
        out["sources"] = list(card.sources)
    if card.guid is not None:
        out["guid"] = card.guid
    if card.deck_path:
        out["deck"] = "::".join(card.deck_path)
    if card.note_type is not None:
        out["note_type"] = card.note_type
    if card.ord:
        out["ord"] = card.ord
    if card.suspended:
        out["suspended"] = True
    if card.media:
        out["media"] = list(card.media)
    return out


def _text(text: LocalText) -> str | dict[str, str]:
    return text.to_plain()


def _source(source: Source) -> dict:
    out: dict = {"id": source.id, "outlet": source.outlet, "title": source.title}
    for key in ("date", "date_note", "seed", "url"):
        value = getattr(source, key)
        if value is not None:
            out[key] = value
    return out


def _entity(entity: Entity) -> dict:
    out: dict = {"id": entity.id, "type": entity.type, "name": _text(entity.name)}
    if entity.aliases:
        out["aliases"] = list(entity.aliases)
    if entity.tags:
        out["tags"] = list(entity.tags)
    return out


def _relation(relation: Relation) -> dict:
    out: dict = {"id": relation.id, "subject_type": relation.subject_type, "value_type": relation.value_type}
    if relation.value_entity_type is not None:
        out["value_entity_type"] = relation.value_entity_type
    if relation.topic is not None:
        out["topic"] = _text(relation.topic)
    if relation.functional:
        out["functional"] = True
    complete = _complete(relation.complete)
    if complete is not None:
        out["complete"] = complete
    out["label"] = _text(relation.label)
    out["templates"] = {lang: dict(table) for lang, table in relation.templates.items()}
    return out


def _complete(complete: Completeness) -> str | dict | None:
    if complete.all:
        return "all"
    out: dict = {}
    if complete.values:
        # Ids and numbers mixed: numbers first, each kind in order.
        out["values"] = sorted(complete.values, key=lambda v: (isinstance(v, str), v))
    if complete.subjects:
        out["subjects"] = sorted(complete.subjects)
    return out or None


def _fact(fact: Fact) -> dict:
    value = _text(fact.value) if isinstance(fact.value, LocalText) else fact.value
    out: dict = {"id": fact.id, "subject": fact.subject, "relation": fact.relation, "value": value}
    if fact.status != "confirmed":
        out["status"] = fact.status
    if fact.negated:
        out["negated"] = True
    if fact.as_of is not None:
        out["as_of"] = fact.as_of
    if fact.sources:
        out["sources"] = list(fact.sources)
    if fact.explain is not None:
        out["explain"] = _text(fact.explain)
    if fact.accept:
        out["accept"] = list(fact.accept)
    return out
