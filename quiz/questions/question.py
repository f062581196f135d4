"""A generated question: what the learner sees, and what counts as right."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

try:  # hashlib's own BLAKE2, without loading hashlib's OpenSSL module (~5 ms of every start-up)
    from _blake2 import blake2b
except ImportError:  # an interpreter without it
    from hashlib import blake2b

KINDS = ("mcq", "mcq_not", "true_false", "multi_select", "type_in", "cloze", "flashcard")
CHOICE_KINDS = frozenset({"mcq", "mcq_not", "true_false", "multi_select"})
TYPED_KINDS = frozenset({"type_in", "cloze"})
# A card deck's item per card: its flashcard's template (the ids imported decks have always had);
# how the card is asked each time is chosen when it is shown (QuestionGenerator.card_question).
CARD_ITEM = "card.flashcard"


@dataclass(slots=True)
class Question:
    """What the learner is asked, and what counts as right, with why and who says so."""

    id: str  # stable: deck + template + the facts asked about; not language, seed or order
    kind: str  # one of KINDS
    lang: str
    prompt: str
    deck: str
    template: str  # which generator rule made it, e.g. "mcq.ask_subject"
    anchor: str = ""  # what it asks about: "fact:ID", "subject:IDS", "value:IDS" or "card:ID"
    choices: list[str] = field(default_factory=list)
    answer: list[int] = field(default_factory=list)  # indices into choices
    answer_text: str = ""
    accepted: list[str] = field(default_factory=list)  # typed answers counted as right
    explanation: str = ""
    sources: list[dict] = field(default_factory=list)  # {"seed", "outlet", "title", "date"}
    facts: list[str] = field(default_factory=list)  # ids of the facts (or cards) it rests on
    topic: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Question:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


def question_id(deck: str, template: str, anchor: str) -> str:
    """A short stable id; `anchor` names the facts (or group of facts) asked about."""
    digest = blake2b(f"{deck}\x1f{template}\x1f{anchor}".encode(), digest_size=8)
    return digest.hexdigest()
