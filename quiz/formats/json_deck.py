"""A deck model as compact JSON: the parsed form the store keeps beside each deck, read back fast.

    text = deck_to_json(deck)
    deck_from_json(text, path) == deck    # path and import-only fields aside (reviews, media_files, warnings)

Re-parsing a large YAML deck takes seconds (libyaml, then line-tracked construction and checks);
this takes tens of milliseconds. Plain JSON, read into the model's own dataclasses and nothing else:
never pickle, so nothing in the text can name a class or run code. Each object is a positional list
(the dataclass's fields in order) so the text stays small; text in several languages is a list of
[lang, text] pairs, and a fact's text value is {"t": pairs} so it is told apart from an entity id.

Anything malformed raises ValueError: the store then rebuilds the model from the deck's source.
"""

from __future__ import annotations

import json

from quiz.model import Card, Completeness, Deck, Entity, Fact, LocalText, Relation, Source, slots_maker

VERSION = 1  # of this layout; a reader never guesses at another version
# The model's classes made field by field without their frozen __init__: a 5,000-entity deck makes
# ~30,000 of them each time a session opens it.
_entity, _fact, _local_text = slots_maker(Entity), slots_maker(Fact), slots_maker(LocalText)
_make_card = slots_maker(Card)


def deck_to_json(deck: Deck) -> str:
    # Tuples are written as JSON arrays, as lists are: the model's own tuples go in as they are (a
    # deck of 40,000 cards would otherwise copy every text pair into a list first).
    doc = {
        "v": VERSION,
        "id": deck.id,
        "title": _lt(deck.title),
        "description": _lt(deck.description),
        "languages": list(deck.languages),
        "topics": list(deck.topics),
        "sources": [[s.id, s.outlet, s.title, s.date, s.date_note, s.seed, s.url] for s in deck.sources.values()],
        "entities": [[e.id, e.type, _lt(e.name), list(e.aliases), list(e.tags)] for e in deck.entities.values()],
        "relations": [
            [r.id, r.subject_type, r.value_type, _lt(r.label), r.templates, r.value_entity_type, _lt(r.topic),
             r.functional, [r.complete.all, _sorted(r.complete.values), sorted(r.complete.subjects)]]
            for r in deck.relations.values()
        ],
        "facts": [
            [f.id, f.subject, f.relation, {"t": _lt(f.value)} if isinstance(f.value, LocalText) else f.value,
             f.status, f.negated, f.as_of, list(f.sources), _lt(f.explain), list(f.accept)]
            for f in deck.facts
        ],
        "cards": [_card_fields(c) for c in deck.cards],
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _card_fields(c: Card) -> list:
    return [c.id, c.front.by_lang, c.back.by_lang, c.accept, [x.by_lang for x in c.choices],
            c.explain.by_lang if c.explain is not None else None, c.tags, c.sources, c.guid, c.ord, c.deck_path,
            c.note_type, c.suspended, c.media]


try:  # the C encoder made once: json.dumps makes one per call, half the time of encoding a card
    from json.encoder import c_make_encoder, encode_basestring

    _iterencode = c_make_encoder(None, None, encode_basestring, None, ":", ",", False, False, True)

    def _encode_fields(fields: list) -> str:
        """A card's fields (as _card_fields lists them) as card_to_json writes them."""
        return "".join(_iterencode(fields, 0))
except (ImportError, TypeError):  # an interpreter without it
    _encode_fields = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def card_to_json(card: Card) -> str:
    """One card as deck_to_json writes it among a deck's cards: how the store keeps a card a row."""
    return _encode_fields(_card_fields(card))


def card_from_json(text: str) -> Card:
    """The card card_to_json wrote. Raises ValueError if the text is not that."""
    try:
        return _card(json.loads(text))
    except ValueError:
        raise
    except (KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ValueError(f"malformed card: {error!r}") from None


def _card(fields: list) -> Card:
    (cid, front, back, accept, choices, explain, tags, sources_, guid, ordinal, deck_path, note_type,
     suspended, media) = fields
    return _make_card(_str(cid), _text(front), _text(back), tuple(accept), tuple(_text(x) for x in choices),
                      _opt_text(explain), tuple(tags), tuple(sources_), guid, _int(ordinal), tuple(deck_path),
                      note_type, bool(suspended), tuple(media))


def deck_from_json(text: str, path: str | None = None) -> Deck:
    """The deck written by deck_to_json. Raises ValueError if the text is not that.

    Only the shape is checked (each object has its fields, in lists where lists belong): the text is
    the store's own, written by deck_to_json; a damaged one fails here and is rebuilt from source.
    """
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("v") != VERSION:
            raise ValueError(f"not a version {VERSION} deck model")
        deck = Deck(
            id=_str(doc["id"]), title=_text(doc["title"]), description=_opt_text(doc["description"]),
            languages=tuple(doc["languages"]), topics=tuple(doc["topics"]), path=path,
        )
        sources = deck.sources
        for sid, outlet, title, date, date_note, seed, url in doc["sources"]:
            sources[sid] = Source(sid, outlet, title, date, date_note, seed, url)
        entities = deck.entities
        for eid, etype, name, aliases, tags in doc["entities"]:
            entities[eid] = _entity(eid, etype, _local_text(tuple(map(tuple, name))), tuple(aliases), tuple(tags))
        for rid, subject_type, value_type, label, templates, value_entity_type, topic, functional, complete \
                in doc["relations"]:
            every, values, subjects = complete
            deck.relations[rid] = Relation(
                rid, subject_type, value_type, _text(label), _templates(templates), value_entity_type,
                _opt_text(topic), bool(functional),
                Completeness(bool(every), frozenset(_value(v) for v in values), frozenset(subjects)))
        facts = deck.facts
        for fid, subject, relation, value, status, negated, as_of, sources_, explain, accept in doc["facts"]:
            if type(value) is dict:
                value = _value(value)
            facts.append(_fact(fid, subject, relation, value, status, bool(negated), as_of, tuple(sources_),
                               None if explain is None else _local_text(tuple(map(tuple, explain))), tuple(accept)))
        deck.cards.extend(map(_card, doc["cards"]))
    except ValueError:
        raise
    except (KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ValueError(f"malformed deck model: {error!r}") from None
    return deck


# -- encoding -------------------------------------------------------------------------------------
def _lt(text: LocalText | None) -> list | None:
    return None if text is None else [list(pair) for pair in text.by_lang]


def _sorted(values) -> list:
    # Deterministic text for the same deck: ints before strings, each in order.
    return sorted(values, key=lambda v: (isinstance(v, str), v))


# -- decoding: only the shapes the model allows ---------------------------------------------------
def _str(value) -> str:
    if type(value) is not str:
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value


def _int(value) -> int:
    if type(value) is not int:
        raise ValueError(f"expected a whole number, got {type(value).__name__}")
    return value


def _text(pairs) -> LocalText:
    if type(pairs) is not list:
        raise ValueError("expected text in languages")
    return LocalText(tuple((_str(lang), _str(text)) for lang, text in pairs))


def _opt_text(pairs) -> LocalText | None:
    return None if pairs is None else _text(pairs)


def _value(value):
    if type(value) in (str, int, bool, float):
        return value
    if type(value) is dict and set(value) == {"t"}:
        return _text(value["t"])
    raise ValueError(f"unexpected fact value {type(value).__name__}")


def _templates(value) -> dict[str, dict[str, str]]:
    if type(value) is not dict or any(type(t) is not dict for t in value.values()):
        raise ValueError("expected templates by language")
    return {_str(lang): {_str(k): _str(v) for k, v in table.items()} for lang, table in value.items()}
