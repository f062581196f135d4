"""The in-memory deck model every deck format produces and the question generator reads.

Plain frozen dataclasses with no behaviour beyond lookups: formats build them, the generator
and the store read them. Nothing here imports YAML, SQLite or Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LANGUAGES = ("en", "id")
STATUSES = ("confirmed", "reported", "alleged", "denied")
# Confirmed and reported facts are taken as true; alleged and denied ones are unknown.
TRUE_STATUSES = frozenset({"confirmed", "reported"})
VALUE_TYPES = ("entity", "year", "number", "date", "text", "boolean")
TEMPLATE_KEYS = (
    "statement", "negative",  # true/false, cloze
    "ask_value", "ask_value_not", "ask_values",  # questions about the value of a subject
    "ask_subject", "ask_subject_not", "ask_subjects",  # questions about the subjects of a value
)

ValueType = Literal["entity", "year", "number", "date", "text", "boolean"]


@dataclass(frozen=True, slots=True)
class LocalText:
    """Text in one or more languages; a single string stands for every language."""

    by_lang: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, value: str | dict[str, str]) -> LocalText:
        if isinstance(value, str):
            return cls((("*", value),))
        return cls(tuple(sorted(value.items())))

    def get(self, lang: str) -> str:
        """The text in `lang`, else English, else any language there is."""
        fallback = None
        for key, text in self.by_lang:  # at most a few pairs: a scan beats building a dict
            if key == lang or key == "*":
                return text
            if key == "en" or fallback is None:
                fallback = text
        return fallback or ""

    def all(self) -> list[str]:
        return [text for _, text in self.by_lang]

    def languages(self) -> set[str]:
        return {lang for lang, _ in self.by_lang}

    def to_plain(self) -> str | dict[str, str]:
        table = dict(self.by_lang)
        return table["*"] if set(table) == {"*"} else table


@dataclass(frozen=True, slots=True)
class Source:
    """An article a fact cites: outlet, title, date, and the seed file it came from."""

    id: str
    outlet: str
    title: str
    date: str | None = None
    date_note: str | None = None
    seed: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"id": self.id, "seed": self.seed, "outlet": self.outlet, "title": self.title, "date": self.date}


@dataclass(frozen=True, slots=True)
class Entity:
    """Something facts are about (a country, an organisation), with its names in each language."""

    id: str
    type: str
    name: LocalText
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Completeness:
    """What the deck lists in full for a relation; everything else is open (unknown)."""

    all: bool = False
    values: frozenset[str | int] = frozenset()
    subjects: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Relation:
    """A kind of fact (member of, founded in): its types, question templates and what is complete."""

    id: str
    subject_type: str
    value_type: ValueType
    label: LocalText
    templates: dict[str, dict[str, str]]  # lang -> template key -> template
    value_entity_type: str | None = None
    topic: LocalText | None = None
    functional: bool = False
    complete: Completeness = field(default_factory=Completeness)

    def template(self, lang: str, key: str) -> str | None:
        return self.templates.get(lang, {}).get(key) or self.templates.get("en", {}).get(key)


@dataclass(frozen=True, slots=True)
class Fact:
    """One statement of the deck: subject, relation, value, and how sure the sources are."""

    id: str
    subject: str
    relation: str
    # An entity id or date (str), a year or number (int), text (LocalText) or a boolean.
    value: str | int | bool | LocalText
    status: str = "confirmed"
    negated: bool = False
    as_of: str | None = None
    sources: tuple[str, ...] = ()
    explain: LocalText | None = None
    accept: tuple[str, ...] = ()

    @property
    def is_true(self) -> bool:
        """A positive fact the deck vouches for."""
        return not self.negated and self.status in TRUE_STATUSES

    @property
    def is_false(self) -> bool:
        """An explicit negative the deck vouches for."""
        return self.negated and self.status in TRUE_STATUSES


@dataclass(frozen=True, slots=True)
class Card:
    """An authored or imported card: a front and a back, with what else counts as right."""

    id: str
    front: LocalText
    back: LocalText
    accept: tuple[str, ...] = ()
    choices: tuple[LocalText, ...] = ()
    explain: LocalText | None = None
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    # Set by the importers (quiz.formats.text_deck, quiz.formats.anki_package); defaults elsewhere.
    guid: str | None = None  # the Anki note's guid (or a text export's guid column); None when there is none
    ord: int = 0  # which card of its note: the template index, or the cloze number minus one
    deck_path: tuple[str, ...] = ()  # the Anki deck it sits in, split at "::": ("Chemistry", "Elements")
    note_type: str | None = None  # the Anki note type's name: "Basic (and reversed card)", "Cloze", ...
    suspended: bool = False  # suspended in Anki (queue -1): imported, but not to be scheduled
    media: tuple[str, ...] = ()  # names of the media files the card shows (keys of Deck.media_files)


def slots_maker(cls):
    """A function making `cls` (a frozen slots dataclass without __post_init__) from every field,
    positionally, in field order: the same object as cls(...) makes, without the frozen __init__'s
    object.__setattr__ per field (a large deck's model builds tens of thousands of them on every
    session start). Written out per class, as dataclasses writes __init__."""
    import dataclasses

    names = [f.name for f in dataclasses.fields(cls)]
    if getattr(cls, "__slots__", None) != tuple(names) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: not a plain slots dataclass")
    lines = [f"def make({', '.join(names)}):", "    obj = new(cls)",
             *(f"    set_{name}(obj, {name})" for name in names), "    return obj"]
    scope = {"new": object.__new__, "cls": cls, **{f"set_{name}": getattr(cls, name).__set__ for name in names}}
    exec("\n".join(lines), scope)  # our own field names, as dataclasses does it
    return scope["make"]


# Fast constructors for the importers, which make a Card and two or three LocalTexts per card of a
# deck of 100,000 cards (4-5 µs a Card through the frozen __init__, ~1 µs this way).
# tests/test_anki_package.py checks they equal the dataclass constructors field for field.
_card, _local_text = slots_maker(Card), slots_maker(LocalText)


def plain_text(value: str) -> LocalText:
    """LocalText.of(value) for a str: the same LocalText, made without the frozen __init__."""
    return _local_text((("*", value),))


def imported_card(id: str, front: str, back: str, explain: str | None, tags: tuple[str, ...], guid: str | None,
                  ord: int, deck_path: tuple[str, ...], note_type: str | None, suspended: bool = False,
                  media: tuple[str, ...] = ()) -> Card:
    """Card(id=id, front=LocalText.of(front), back=..., explain=LocalText.of(explain) if explain else None, ...),
    every other field at its default: an imported card, made without the frozen __init__."""
    return _card(id, _local_text((("*", front),)), _local_text((("*", back),)), (), (),
                 _local_text((("*", explain),)) if explain else None, tags, (), guid, ord, deck_path, note_type,
                 suspended, media)


@dataclass(frozen=True, slots=True)
class ImportedReview:
    """One row of an imported Anki review log, for replaying into FSRS."""

    card_id: str  # Card.id of the card reviewed
    reviewed_at: int  # when, in unix milliseconds (UTC)
    ease: int  # the button: 1 Again, 2 Hard, 3 Good, 4 Easy; 0 for a manual entry (kind 4 or 5) or a
    # filtered-deck review that did not reschedule. Anki's old v1 scheduler logged Easy as 3 in learning.
    duration: int  # time taken to answer, in milliseconds (Anki caps it, 60 s by default)
    kind: int  # Anki's review kind: 0 learning, 1 review, 2 relearning, 3 filtered/early,
    # 4 manual (due date set by hand), 5 rescheduled (forgotten or reset)


@dataclass(slots=True)
class Deck:
    """A whole deck: its sources, entities, relations and facts, or its cards."""

    id: str
    title: LocalText
    description: LocalText | None = None
    languages: tuple[str, ...] = ("en",)
    topics: tuple[str, ...] = ()
    sources: dict[str, Source] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    path: str | None = None
    # Set by the importers; empty elsewhere.
    reviews: list[ImportedReview] = field(default_factory=list)  # oldest first
    media_files: dict[str, str] = field(default_factory=dict)  # media name -> absolute path of the extracted file
    warnings: list[str] = field(default_factory=list)  # one line each: content skipped or changed on import
