"""Content checks for a deck that loads: problems that make questions weak or wrong."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from quiz.formats.problems import Problem
from quiz.knowledge import Knowledge
from quiz.model import Deck
from quiz.questions.generator import QuestionGenerator


def lint(deck: Deck) -> list[Problem]:
    file = deck.path or deck.id
    warnings: list[Problem] = []

    def warn(where: str, message: str) -> None:
        warnings.append(Problem(file, 0, where, message, severity="warning"))

    knowledge = Knowledge(deck)
    cited = Counter(source for fact in deck.facts for source in fact.sources)
    cited.update(source for card in deck.cards for source in card.sources)
    for fact in deck.facts:
        if not fact.sources:
            warn(f"fact {fact.id}", "no source")
    for source in deck.sources.values():
        if not cited[source.id]:
            warn(f"source {source.id}", "cited by no fact")

    # Contradictions: the same statement both asserted and denied, or two values of a one-value relation.
    polarity: dict[tuple, set[bool]] = defaultdict(set)
    for fact in knowledge.facts:
        if fact.is_true or fact.is_false:
            polarity[fact.subject, fact.relation, fact.value].add(fact.is_true)
    for (subject, relation, _), seen in polarity.items():
        if len(seen) == 2:
            warn(f"relation {relation}", f"{subject}: a fact and its negative are both stated")
    for relation in deck.relations.values():
        if relation.functional:
            values: dict[str, set] = defaultdict(set)
            for fact in knowledge.facts:
                if fact.relation == relation.id and fact.is_true:
                    values[fact.subject].add(fact.value)
            for subject, found in values.items():
                if len(found) > 1:
                    warn(f"relation {relation.id}", f"functional, but {subject} has {len(found)} values")

    for lang in deck.languages:
        generator = QuestionGenerator(deck, lang=lang, knowledge=knowledge)
        questions = generator.generate()
        made = Counter((q.template, q.facts[0]) for q in questions if q.facts)
        for relation in deck.relations.values():
            true_facts = [f for f in knowledge.facts if f.relation == relation.id and f.is_true]
            for template_key, template in (("ask_value", "mcq.ask_value"), ("ask_subject", "mcq.ask_subject")):
                if relation.value_type == "boolean" and template_key == "ask_value":
                    continue
                if not relation.template(lang, template_key) or not true_facts:
                    continue
                missing = [f for f in true_facts if not made[template, f.id]]
                if missing and lang == deck.languages[0]:
                    warn(f"relation {relation.id}",
                         f"{template_key}: {len(missing)} of {len(true_facts)} facts cannot get "
                         f"{3} provably wrong options (add entities or declare completeness)")
            for fact in true_facts:
                _check_leak(generator, relation, fact, lang, warn)
    return warnings


def _check_leak(generator: QuestionGenerator, relation, fact, lang: str, warn) -> None:
    """A prompt that names its own answer teaches nothing."""
    checks = []
    if relation.value_type != "boolean":
        checks.append(("ask_value", generator.fill(relation, "ask_value", fact.subject, fact.value),
                       generator.show(relation, fact.value)))
    checks.append(("ask_subject", generator.fill(relation, "ask_subject", fact.subject, fact.value),
                   generator.name(fact.subject)))
    for key, prompt, answer in checks:
        if prompt and answer and re.search(rf"(?<!\w){re.escape(answer)}(?!\w)", prompt, re.IGNORECASE):
            warn(f"relation {relation.id}.templates.{lang}.{key}",
                 f"the question for fact {fact.id} contains its answer {answer!r}")
