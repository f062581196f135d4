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
    id: str
    front: LocalText
    back: LocalText
    accept: tuple[str, ...] = ()
    choices: tuple[LocalText, ...] = ()
    explain: LocalText | None = None
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(slots=True)
class Deck:
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
