"""What a deck proves true, proves false, and leaves unknown.

The world is open: a fact the deck does not list is unknown, not false. Something is known false
only through an explicit negative, a functional relation whose subject already has a true value,
or a completeness declaration (docs/deck-format.md). The generator asks this module, and only
this module, whether an option may be shown as wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from functools import cached_property

from quiz.model import Deck, Entity, Fact, Relation

TRUE, FALSE, UNKNOWN = True, False, None


class Knowledge:
    """Indexes over a deck's facts, and the three-valued truth of any statement."""

    def __init__(self, deck: Deck):
        self.deck = deck
        self.relations: dict[str, Relation] = deck.relations
        self.entities: dict[str, Entity] = deck.entities
        self.facts: list[Fact] = [_canonical(f, deck.relations[f.relation]) for f in deck.facts]
        self.fact_by_id = {f.id: f for f in self.facts}
        self._by_triple: dict[tuple[str, str, Hashable], list[Fact]] = defaultdict(list)
        self._by_subject: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        self._by_value: dict[tuple[str, Hashable], list[Fact]] = defaultdict(list)
        self.entities_by_type: dict[str, list[str]] = defaultdict(list)
        self.values_by_relation: dict[str, list[Hashable]] = defaultdict(list)
        self._has_true_cache: dict[tuple[str, str], bool] = {}

        for entity in deck.entities.values():
            self.entities_by_type[entity.type].append(entity.id)
        seen_values: dict[str, set] = defaultdict(set)
        for fact in self.facts:
            self._by_triple[fact.subject, fact.relation, fact.value].append(fact)
            self._by_subject[fact.subject, fact.relation].append(fact)
            self._by_value[fact.relation, fact.value].append(fact)
            if fact.value not in seen_values[fact.relation]:
                seen_values[fact.relation].add(fact.value)
                self.values_by_relation[fact.relation].append(fact.value)

    # -- similarity ---------------------------------------------------------------------------
    # Only distractors of entity questions use these: built on first use, not before the first
    # question (a 5,000-entity deck spends ~20 ms here), usually by a session's warm-up.
    @property
    def features(self) -> dict[str, set[tuple]]:
        """Per entity, the (relation, value), (relation, subject) and tag features it takes part in."""
        return self._similarity[0]

    @property
    def by_feature(self) -> dict[tuple, list[str]]:
        """Per feature, the entities that have it, in deck order."""
        return self._similarity[1]

    @cached_property
    def _similarity(self) -> tuple[dict[str, set[tuple]], dict[tuple, list[str]]]:
        # Built in locals and published whole. (Python 3.11's cached_property makes a second thread
        # wait; 3.12+ lets it build an equal copy. In the app every engine call holds one lock anyway.)
        features: dict[str, set[tuple]] = defaultdict(set)
        by_feature: dict[tuple, list[str]] = defaultdict(list)

        def add(entity_id: str, feature: tuple) -> None:
            if feature not in features[entity_id]:
                features[entity_id].add(feature)
                by_feature[feature].append(entity_id)

        entities = self.entities
        for fact in self.facts:
            if fact.is_true:
                add(fact.subject, ("v", fact.relation, fact.value))
                if isinstance(fact.value, str) and fact.value in entities:
                    add(fact.value, ("s", fact.relation, fact.subject))
        for entity in entities.values():
            for tag in entity.tags:
                add(entity.id, ("tag", tag))
        return features, by_feature

    # -- lookups ------------------------------------------------------------------------------
    def facts_about(self, subject: str, relation: str) -> list[Fact]:
        return self._by_subject.get((subject, relation), [])

    def facts_with_value(self, relation: str, value: Hashable) -> list[Fact]:
        return self._by_value.get((relation, value), [])

    def holds(self, fact: Fact) -> bool:
        """A positive fact the deck vouches for and nothing contradicts."""
        return not fact.negated and self.stated(fact.subject, fact.relation, fact.value) is True

    def refuted(self, fact: Fact) -> bool:
        """An explicit negative the deck vouches for and nothing contradicts."""
        return fact.negated and self.stated(fact.subject, fact.relation, fact.value) is False

    # -- truth --------------------------------------------------------------------------------
    def stated(self, subject: str, relation_id: str, value: Hashable) -> bool | None:
        """What the deck's own facts say of this statement: True, False, or None.

        None when no fact states it, when only alleged or denied claims do, or when facts contradict.
        """
        said_true = said_false = False
        for fact in self._by_triple.get((subject, relation_id, value), ()):
            said_true |= fact.is_true
            said_false |= fact.is_false
        return said_true if said_true != said_false else UNKNOWN

    def truth(self, subject: str, relation_id: str, value: Hashable) -> bool | None:
        """True, False, or None (unknown) for "subject relation value"."""
        relation = self.relations[relation_id]
        if (subject, relation_id, value) in self._by_triple:
            return self.stated(subject, relation_id, value)
        entity = self.entities.get(subject)
        if entity is None or entity.type != relation.subject_type:
            return UNKNOWN
        if relation.value_type == "entity":
            value_entity = self.entities.get(value) if isinstance(value, str) else None
            if value_entity is None or value_entity.type != relation.value_entity_type:
                return UNKNOWN
        if relation.functional and self._has_true_value(subject, relation_id):
            return FALSE
        complete = relation.complete
        if complete.all or value in complete.values or subject in complete.subjects:
            return FALSE
        return UNKNOWN

    def _has_true_value(self, subject: str, relation_id: str) -> bool:
        key = (subject, relation_id)
        if key not in self._has_true_cache:
            self._has_true_cache[key] = any(
                self.stated(subject, relation_id, f.value) is True for f in self.facts_about(subject, relation_id))
        return self._has_true_cache[key]

    def closed_values(self, subject: str, relation_id: str) -> list[Hashable] | None:
        """Every value the subject has, if the deck proves the list complete; else None."""
        relation = self.relations[relation_id]
        facts = self.facts_about(subject, relation_id)
        verdicts = {f.value: self.stated(subject, relation_id, f.value) for f in facts}
        true = [value for value, verdict in verdicts.items() if verdict is True]
        if UNKNOWN in verdicts.values():
            return None  # a claim that is neither in nor out
        if relation.functional and true:
            return true if len(true) == 1 else None
        complete = relation.complete
        return true if complete.all or subject in complete.subjects else None

    def closed_subjects(self, relation_id: str, value: Hashable) -> list[str] | None:
        """Every subject with this value, if the deck proves the list complete; else None."""
        relation = self.relations[relation_id]
        complete = relation.complete
        if not (complete.all or value in complete.values):
            return None
        facts = self.facts_with_value(relation_id, value)
        verdicts = {f.subject: self.truth(f.subject, relation_id, value) for f in facts}
        if UNKNOWN in verdicts.values():
            return None
        return [subject for subject, verdict in verdicts.items() if verdict is True]


def _canonical(fact: Fact, relation: Relation) -> Fact:
    """A boolean fact `value: false` is the explicit negative of `value: true`."""
    if relation.value_type == "boolean" and fact.value is False:
        from dataclasses import replace

        return replace(fact, value=True, negated=not fact.negated)
    return fact
