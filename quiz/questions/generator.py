"""Turn a deck's facts and cards into questions, each with exactly one provable key.

Every option shown as wrong is one the deck proves false (quiz.knowledge); an option whose truth
is unknown is never shown. Randomness comes from one `random.Random` per question, seeded by the
question id and the run's seed, so a question's options do not depend on which other questions
were generated, and the same seed gives the same output.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from functools import partial
from typing import NamedTuple

from quiz.i18n import format_date, join_list, t
from quiz.knowledge import Knowledge
from quiz.model import Card, Deck, Fact, LocalText, Relation
from quiz.questions.question import CARD_ITEM, KINDS, Question, blake2b, question_id
from quiz.text import _LEADING_ARTICLE, _NOT_WORD, fold

DIFFICULTIES = ("mixed", "near", "far")
N_DISTRACTORS = 3
BLANK = "_____"
# How many candidates to look at per question, so a deck of thousands of entities stays fast.
_POOL_LIMIT = 48
# How far into a shape's answers a card looks for its wrong options: a card whose answer is shared
# by that many others of its front gets no multiple choice rather than a slow one.
_SCAN_LIMIT = 4 * _POOL_LIMIT


class CardAsk(NamedTuple):
    """One question a card gives, before any options are drawn (QuestionGenerator._card_asks)."""

    id: str
    template: str
    kind: str
    anchor: str
    prompt: str
    answer_text: str
    accepted: list[str]  # typed answers counted as right (none for multiple choice)
    card: Card


class QuestionGenerator:
    def __init__(self, deck: Deck, lang: str = "en", seed: int = 0, difficulty: str = "mixed",
                 knowledge: Knowledge | None = None):
        if difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}")
        self.deck = deck
        self.lang = lang
        self.seed = seed
        self.difficulty = difficulty
        self.k = knowledge or Knowledge(deck)
        self._disputed_cache: dict[str, bool] = {}
        self._cards: dict[str, Card] | None = None
        self._pool: dict | None = None  # other cards' answers, for card multiple choice
        self._shared: dict[tuple, float] = {}  # features two entities share, by pair

    # -- public -------------------------------------------------------------------------------
    def generate(self, kinds: Iterable[str] | None = None, *, cards: bool = True) -> list[Question]:
        """Every question, in a fixed order. cards=False: the facts' only (card_items() has the cards')."""
        wanted = set(kinds or KINDS)
        seen: set[str] = set()
        statements: set[str] = set()  # a true/false statement asked once, however it was reached
        out: list[Question] = []
        for question in self._all(cards):
            if question.kind not in wanted or question.id in seen:
                continue
            if question.kind == "true_false":
                if question.prompt in statements:
                    continue
                statements.add(question.prompt)
            seen.add(question.id)
            out.append(question)
        return out

    def _all(self, cards: bool = True) -> Iterator[Question]:
        facts_by_relation: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.k.facts:
            facts_by_relation[fact.relation].append(fact)
        for relation in self.deck.relations.values():
            facts = facts_by_relation.get(relation.id, [])
            for fact in facts:
                yield from self._fact_questions(relation, fact, self._disputed(relation.id))
            yield from self._subject_groups(relation, facts)
            yield from self._value_groups(relation, facts)
        if cards:
            for card in self.deck.cards:
                yield from self._card_questions(card)

    # -- rendering ----------------------------------------------------------------------------
    def name(self, entity_id: str) -> str:
        return self.k.entities[entity_id].name.get(self.lang)

    def show(self, relation: Relation, value: Hashable) -> str:
        kind = relation.value_type
        if kind == "entity":
            return self.name(value)
        if kind == "date":
            return format_date(value, self.lang)
        if isinstance(value, LocalText):
            return value.get(self.lang)
        return str(value)

    def accepted(self, relation: Relation, value: Hashable, fact: Fact | None = None) -> list[str]:
        if relation.value_type == "entity":
            entity = self.k.entities[value]
            texts = [entity.name.get(self.lang), *entity.name.all(), *entity.aliases]
        elif relation.value_type == "date":
            texts = [format_date(value, self.lang), format_date(value, "en"), value]
        elif isinstance(value, LocalText):
            texts = [value.get(self.lang), *value.all()]
        else:
            texts = [str(value)]
        if fact is not None:
            texts += fact.accept
        return list(dict.fromkeys(texts))

    def fill(self, relation: Relation, key: str, subject: str | None, value: Hashable | None,
             blank: str | None = None) -> str | None:
        template = relation.template(self.lang, key)
        if template is None:
            return None
        subject_text = BLANK if blank == "subject" else (self.name(subject) if subject else "")
        value_text = BLANK if blank == "value" else ("" if value is None else self.show(relation, value))
        return template.format(subject=subject_text, value=value_text)

    def as_of(self, facts: Iterable[Fact]) -> str:
        dates = [f.as_of for f in facts if f.as_of]
        return f" {t('as_of', self.lang, date=format_date(max(dates), self.lang))}" if dates else ""

    def sources(self, facts: Iterable[Fact]) -> list[dict]:
        out: dict[str, dict] = {}
        for fact in facts:
            for source_id in fact.sources:
                source = self.deck.sources[source_id]
                out.setdefault(source_id, source.to_dict())
        return list(out.values())

    def explain(self, facts: Iterable[Fact]) -> str:
        """Each fact's explanation, or failing that the fact itself stated plainly."""
        texts = []
        for fact in facts:
            if fact.explain:
                texts.append(fact.explain.get(self.lang))
                continue
            relation = self.k.relations[fact.relation]
            key = "negative" if fact.negated else "statement"
            text = self.fill(relation, key, fact.subject, fact.value)
            if text and (self.k.holds(fact) or self.k.refuted(fact)):
                texts.append(text)
        return " ".join(dict.fromkeys(texts))

    def topic(self, relation: Relation) -> str:
        return (relation.topic or relation.label).get(self.lang)

    def rng(self, qid: str) -> random.Random:
        return random.Random(f"{self.seed}\x1f{qid}")

    def _question(self, kind: str, template: str, anchor: str, relation: Relation | None,
                  facts: list[Fact], **fields) -> Question:
        qid = question_id(self.deck.id, template, anchor)
        return Question(
            id=qid, kind=kind, lang=self.lang, deck=self.deck.id, template=template, anchor=anchor,
            sources=self.sources(facts), facts=[f.id for f in facts],
            topic=self.topic(relation) if relation else "", **fields,
        )

    def _choice_question(self, kind: str, template: str, anchor: str, relation: Relation,
                         facts: list[Fact], prompt: str, keys: list[str], wrong: list[str],
                         explanation: str) -> Question:
        qid = question_id(self.deck.id, template, anchor)
        options = [(text, True) for text in keys] + [(text, False) for text in wrong]
        self.rng(qid + "/order").shuffle(options)
        answer = [i for i, (_, is_key) in enumerate(options) if is_key]
        return self._question(
            kind, template, anchor, relation, facts, prompt=prompt,
            choices=[text for text, _ in options], answer=answer,
            answer_text=join_list([options[i][0] for i in answer], self.lang), explanation=explanation,
        )

    # -- candidates ---------------------------------------------------------------------------
    def _entity_pool(self, entity_type: str, near: str | None, rng: random.Random) -> tuple[list[str], bool]:
        """Candidate entities, and whether that is all of them (else a sample, nearest first)."""
        pool = self.k.entities_by_type.get(entity_type, [])
        if len(pool) <= 2 * _POOL_LIMIT:
            return list(pool), True
        picked: dict[str, None] = {}
        for feature in sorted(self.k.features.get(near, ()), key=repr) if near else ():
            sharing = self.k.by_feature[feature]
            for entity_id in rng.sample(sharing, min(8, len(sharing))):
                picked.setdefault(entity_id)
        for entity_id in rng.sample(pool, _POOL_LIMIT):
            picked.setdefault(entity_id)
        return list(picked), False

    def _value_pool(self, relation: Relation, key: Hashable, rng: random.Random) -> tuple[list[Hashable], bool]:
        kind = relation.value_type
        if kind == "entity":
            return self._entity_pool(relation.value_entity_type, key, rng)
        observed = self.k.values_by_relation.get(relation.id, [])
        exhaustive = len(observed) <= 2 * _POOL_LIMIT
        pool = list(observed) if exhaustive else rng.sample(observed, _POOL_LIMIT)
        if kind == "year":
            pool += [key + d for d in range(-12, 13) if d and 1 <= key + d <= 9999]
        elif kind == "number":
            pool += [v for v in {key + d for d in (-3, -2, -1, 1, 2, 3, 5, 10)} | {key * 2, key // 2}
                     if v >= 0]
        elif kind == "date":
            # Only dates as precise as the key: "1992" among years, not beside "June 2024".
            pool = [d for d in pool if d.count("-") == key.count("-")] + _nearby_dates(key)
        return list(dict.fromkeys(pool)), exhaustive

    def _closeness(self, relation: Relation | None, key: Hashable, other: Hashable) -> float:
        """Higher is more similar: shared features for entities, distance for numbers."""
        if isinstance(key, bool):
            return 0.0
        if isinstance(key, int) and isinstance(other, int):
            return -abs(key - other)
        if isinstance(key, str) and key in self.k.entities:
            pair = (key, other)
            if pair not in self._shared:
                self._shared[pair] = float(len(self.k.features.get(key, set()) & self.k.features.get(other, set())))
            return self._shared[pair]
        if isinstance(key, str) and isinstance(other, str):  # dates
            return -abs(_month_index(key) - _month_index(other))
        if isinstance(key, LocalText) and isinstance(other, LocalText):
            return -abs(len(key.get(self.lang)) - len(other.get(self.lang)))
        return 0.0

    def _pick(self, candidates: list[Hashable], key: Hashable, n: int, rng: random.Random,
              relation: Relation | None) -> list[Hashable]:
        if len(candidates) <= n:
            rng.shuffle(candidates)
            return candidates
        scored = [(self._closeness(relation, key, c), rng.random(), c) for c in candidates]
        if self.difficulty == "far":
            scored.sort(key=lambda item: (item[0], item[1]))
            return [c for _, _, c in scored[:n]]
        scored.sort(key=lambda item: (-item[0], item[1]))
        if self.difficulty == "near":
            return [c for _, _, c in scored[:n]]
        # mixed: the nearest half, the rest at random from what is left.
        half = (n + 1) // 2
        rest = [c for _, _, c in scored[half:]]
        return [c for _, _, c in scored[:half]] + rng.sample(rest, n - half)

    def _gather(self, pool: list[Hashable], exhaustive: bool, n: int, is_wrong, show,
                avoid: set[str], prompt: str) -> list[Hashable]:
        """The provably wrong candidates, each with a text unlike the key's and each other's,
        and none named in the question itself ("Russia" for "Russia's allies").

        From a sample of a large pool, stop once there are enough to choose from (4 per option).
        """
        limit = None if exhaustive else max(4 * n, 12)
        out, taken = [], {text.casefold() for text in avoid}
        folded_prompt = prompt.casefold()
        for candidate in pool:
            if not is_wrong(candidate):
                continue
            text = show(candidate).casefold()
            if text in taken or (text in folded_prompt and _mentions(folded_prompt, text)):
                continue
            taken.add(text)
            out.append(candidate)
            if limit and len(out) >= limit:
                break
        return out

    def wrong_values(self, relation: Relation, subject: str, key: Hashable, n: int,
                     rng: random.Random, keys_shown: list[str], prompt: str = "") -> list[Hashable]:
        pool, exhaustive = self._value_pool(relation, key, rng)
        truth = self.k.truth
        found = self._gather(
            pool, exhaustive, n,
            lambda v: v != key and v != subject and truth(subject, relation.id, v) is False,
            partial(self.show, relation), set(keys_shown) | {self.name(subject)}, prompt)
        return self._pick(found, key, n, rng, relation)

    def wrong_subjects(self, relation: Relation, value: Hashable, near: str | None, n: int,
                       rng: random.Random, keys_shown: list[str], prompt: str = "") -> list[str]:
        pool, exhaustive = self._entity_pool(relation.subject_type, near, rng)
        avoid = set(keys_shown)
        if relation.value_type == "entity":
            avoid.add(self.name(value))
        truth = self.k.truth
        found = self._gather(
            pool, exhaustive, n,
            lambda s: s != value and truth(s, relation.id, value) is False, self.name, avoid, prompt)
        return self._pick(found, near, n, rng, relation)

    # -- questions about one fact -------------------------------------------------------------
    def _fact_questions(self, relation: Relation, fact: Fact, disputed: bool,
                        only: str | None = None) -> Iterator[Question]:
        """The fact's questions; with `only` (a template), just that one, none of the others built."""
        if self.k.holds(fact):
            yield from self._true_fact(relation, fact, only)
            if disputed and only in (None, "mcq.status"):
                yield from self._status_question(relation, fact)
        elif self.k.refuted(fact):
            statement = self.fill(relation, "statement", fact.subject, fact.value)
            if statement:
                yield self._true_false(relation, fact, "true_false.negative", f"fact:{fact.id}",
                                       statement + self.as_of([fact]), False, [fact])
        elif fact.status in ("alleged", "denied"):
            yield from self._status_question(relation, fact)

    def why_false(self, relation: Relation, subject: str, value: Hashable, anchor: Fact) -> list[Fact]:
        """The facts that show "subject relation value" is false, to explain an altered statement:
        an explicit negative, the subject's one true value, or the complete list it is missing from."""
        k = self.k
        negatives = [f for f in k.facts_about(subject, relation.id) if f.value == value and k.refuted(f)]
        if negatives:
            return negatives
        if relation.functional:
            values = [f for f in k.facts_about(subject, relation.id) if k.holds(f)]
            if values:
                return values
        complete = relation.complete
        if complete.all or value in complete.values:
            listed = [f for f in k.facts_with_value(relation.id, value) if k.holds(f)]
            if listed:
                return listed
        if subject in complete.subjects:
            listed = [f for f in k.facts_about(subject, relation.id) if k.holds(f)]
            if listed:
                return listed
        return [anchor]

    def _true_false(self, relation: Relation, fact: Fact, template: str, anchor: str,
                    statement: str, is_true: bool, facts: list[Fact]) -> Question:
        choices = [t("true", self.lang), t("false", self.lang)]
        return self._question(
            "true_false", template, anchor, relation, facts,
            prompt=f"{t('true_or_false', self.lang)} {statement}", choices=choices,
            answer=[0 if is_true else 1], answer_text=choices[0 if is_true else 1],
            explanation=self.explain(facts) if len(facts) <= 2 else self.explain_list(relation, facts),
        )

    def explain_list(self, relation: Relation, facts: list[Fact]) -> str:
        """A whole list in one line: "Which countries are members of the CSTO? Armenia, Belarus, …"."""
        values = list(dict.fromkeys(f.value for f in facts))
        subjects = list(dict.fromkeys(f.subject for f in facts))
        if len(values) == 1 and (question := self.fill(relation, "ask_subjects", None, values[0])):
            return f"{question} {join_list([self.name(s) for s in subjects], self.lang)}."
        if len(subjects) == 1 and (question := self.fill(relation, "ask_values", subjects[0], None)):
            return f"{question} {join_list([self.show(relation, v) for v in values], self.lang)}."
        return self.explain(facts)

    def _true_fact(self, relation: Relation, fact: Fact, only: str | None = None) -> Iterator[Question]:
        s, v, when = fact.subject, fact.value, self.as_of([fact])
        boolean = relation.value_type == "boolean"
        statement = self.fill(relation, "statement", s, v)
        if statement and only in (None, "true_false.fact"):
            yield self._true_false(relation, fact, "true_false.fact", f"fact:{fact.id}", statement + when, True, [fact])
        if statement and only in (None, "true_false.altered"):
            qid = question_id(self.deck.id, "true_false.altered", f"fact:{fact.id}")
            rng = self.rng(qid)
            wrong = [] if boolean else self.wrong_values(relation, s, v, 1, rng, [self.show(relation, v)])
            if wrong:
                altered = self.fill(relation, "statement", s, wrong[0])
                yield self._true_false(relation, fact, "true_false.altered", f"fact:{fact.id}", altered + when, False,
                                       self.why_false(relation, s, wrong[0], fact))
            else:
                others = self.wrong_subjects(relation, v, s, 1, rng, [self.name(s)])
                if others:
                    altered = self.fill(relation, "statement", others[0], v)
                    yield self._true_false(relation, fact, "true_false.altered", f"fact:{fact.id}", altered + when,
                                           False, self.why_false(relation, others[0], v, fact))

        if not boolean and only in (None, "mcq.ask_value"):
            prompt = self.fill(relation, "ask_value", s, v)
            if prompt:
                anchor, template = f"fact:{fact.id}", "mcq.ask_value"
                key = self.show(relation, v)
                rng = self.rng(question_id(self.deck.id, template, anchor))
                wrong = self.wrong_values(relation, s, v, N_DISTRACTORS, rng, [key], prompt)
                if len(wrong) == N_DISTRACTORS:
                    yield self._choice_question(
                        "mcq", template, anchor, relation, [fact], prompt + when, [key],
                        [self.show(relation, w) for w in wrong], self.explain([fact]))

        prompt = self.fill(relation, "ask_subject", s, v) if only in (None, "mcq.ask_subject") else None
        if prompt:
            anchor, template = f"fact:{fact.id}", "mcq.ask_subject"
            key = self.name(s)
            rng = self.rng(question_id(self.deck.id, template, anchor))
            wrong = self.wrong_subjects(relation, v, s, N_DISTRACTORS, rng, [key], prompt)
            if len(wrong) == N_DISTRACTORS:
                yield self._choice_question(
                    "mcq", template, anchor, relation, [fact], prompt + when, [key],
                    [self.name(w) for w in wrong], self.explain([fact]))

        # Free recall only where the deck proves the answer unique.
        recall = only in (None, "type_in.ask_value", "cloze.value")
        if recall and not boolean and self.k.closed_values(s, relation.id) == [v]:
            answer, accepted = self.show(relation, v), self.accepted(relation, v, fact)
            prompt = self.fill(relation, "ask_value", s, v)
            if prompt:
                yield self._question("type_in", "type_in.ask_value", f"fact:{fact.id}", relation, [fact],
                                     prompt=prompt + when, answer_text=answer, accepted=accepted,
                                     explanation=self.explain([fact]))
            cloze = self.fill(relation, "statement", s, v, blank="value")
            if cloze and BLANK in cloze:
                yield self._question("cloze", "cloze.value", f"fact:{fact.id}", relation, [fact],
                                     prompt=cloze + when, answer_text=answer, accepted=accepted,
                                     explanation=self.explain([fact]))
        if only in (None, "cloze.subject") and self.k.closed_subjects(relation.id, v) == [s]:
            entity = self.k.entities[s]
            cloze = self.fill(relation, "statement", s, v, blank="subject")
            if cloze and BLANK in cloze:
                accepted = list(dict.fromkeys([self.name(s), *entity.name.all(), *entity.aliases]))
                yield self._question("cloze", "cloze.subject", f"fact:{fact.id}", relation, [fact],
                                     prompt=cloze + when, answer_text=self.name(s), accepted=accepted,
                                     explanation=self.explain([fact]))

    def _status_question(self, relation: Relation, fact: Fact) -> Iterator[Question]:
        statement = self.fill(relation, "statement", fact.subject, fact.value)
        if not statement:
            return
        statuses = ["confirmed", "reported", "alleged", "denied"]
        choices = [t(f"status.{status}", self.lang) for status in statuses]
        key = statuses.index(fact.status)
        yield self._question(
            "mcq", "mcq.status", f"fact:{fact.id}", relation, [fact],
            prompt=t("status_prompt", self.lang, statement=statement + self.as_of([fact])),
            choices=choices, answer=[key], answer_text=choices[key], explanation=self.explain([fact]),
        )

    # -- questions about several facts --------------------------------------------------------
    def _subject_groups(self, relation: Relation, facts: list[Fact]) -> Iterator[Question]:
        """Questions about every value of one subject: select-all, NOT, flashcard."""
        if relation.value_type == "boolean":
            return
        by_subject: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            if self.k.holds(fact):
                by_subject[fact.subject].append(fact)
        for subject, group in by_subject.items():
            yield from self._subject_group(relation, subject, group)

    def _subject_group(self, relation: Relation, subject: str, group: list[Fact],
                       only: str | None = None) -> Iterator[Question]:
        """One group: every true fact of `relation` about `subject` (with `only`, that template's question)."""
        values = list(dict.fromkeys(f.value for f in group))
        anchor = "subject:" + ",".join(sorted(f.id for f in group))
        keys = [self.show(relation, v) for v in values]
        when = self.as_of(group)
        closed = self.k.closed_values(subject, relation.id)

        prompt = self.fill(relation, "ask_values", subject, None)
        if prompt and len(values) >= 2 and only in (None, "multi_select.ask_values"):
            yield from self._select_all(relation, group, anchor, "multi_select.ask_values", prompt + when,
                                        keys, partial(self.wrong_values, relation, subject, values[0]),
                                        partial(self.show, relation))
        prompt = self.fill(relation, "ask_value_not", subject, None)
        if prompt and len(values) >= N_DISTRACTORS and only in (None, "mcq_not.ask_value_not"):
            template = "mcq_not.ask_value_not"
            rng = self.rng(question_id(self.deck.id, template, anchor))
            wrong = self.wrong_values(relation, subject, values[0], 1, rng, keys, prompt)
            if wrong:
                shown = rng.sample(values, N_DISTRACTORS)
                used = [f for f in group if f.value in shown]
                yield self._choice_question(
                    "mcq_not", template, anchor, relation, used, prompt + when,
                    [self.show(relation, wrong[0])], [self.show(relation, v) for v in shown],
                    self.explain(used))
        if closed and closed == values and only in (None, "flashcard.values"):
            key = "ask_values" if len(values) > 1 else "ask_value"
            prompt = self.fill(relation, key, subject, values[0])
            if prompt:
                yield self._question("flashcard", "flashcard.values", anchor, relation, group,
                                     prompt=prompt + when, answer_text=join_list(keys, self.lang),
                                     accepted=keys if len(keys) == 1 else [],
                                     explanation=self.explain(group))

    def _value_groups(self, relation: Relation, facts: list[Fact]) -> Iterator[Question]:
        """Questions about every subject that shares one value: select-all, NOT, flashcard."""
        by_value: dict[Hashable, list[Fact]] = defaultdict(list)
        for fact in facts:
            if self.k.holds(fact):
                by_value[fact.value].append(fact)
        for value, group in by_value.items():
            yield from self._value_group(relation, value, group)

    def _value_group(self, relation: Relation, value: Hashable, group: list[Fact],
                     only: str | None = None) -> Iterator[Question]:
        """One group: every true fact of `relation` with `value` (with `only`, that template's question)."""
        subjects = list(dict.fromkeys(f.subject for f in group))
        anchor = "value:" + ",".join(sorted(f.id for f in group))
        keys = [self.name(s) for s in subjects]
        when = self.as_of(group)
        closed = self.k.closed_subjects(relation.id, value)

        prompt = self.fill(relation, "ask_subjects", None, value)
        if prompt and len(subjects) >= 2 and only in (None, "multi_select.ask_subjects"):
            yield from self._select_all(relation, group, anchor, "multi_select.ask_subjects", prompt + when,
                                        keys, partial(self.wrong_subjects, relation, value, subjects[0]),
                                        self.name)
        prompt = self.fill(relation, "ask_subject_not", None, value)
        if prompt and len(subjects) >= N_DISTRACTORS and only in (None, "mcq_not.ask_subject_not"):
            template = "mcq_not.ask_subject_not"
            rng = self.rng(question_id(self.deck.id, template, anchor))
            wrong = self.wrong_subjects(relation, value, subjects[0], 1, rng, keys, prompt)
            if wrong:
                shown = rng.sample(subjects, N_DISTRACTORS)
                used = [f for f in group if f.subject in shown]
                yield self._choice_question(
                    "mcq_not", template, anchor, relation, used, prompt + when,
                    [self.name(wrong[0])], [self.name(s) for s in shown], self.explain(used))
        if closed and closed == subjects and only in (None, "flashcard.subjects"):
            prompt = self.fill(relation, "ask_subjects", None, value)
            if prompt:
                yield self._question("flashcard", "flashcard.subjects", anchor, relation, group,
                                     prompt=prompt + when, answer_text=join_list(keys, self.lang),
                                     explanation=self.explain(group))

    def _select_all(self, relation: Relation, group: list[Fact], anchor: str, template: str, prompt: str,
                    keys: list[str], find_wrong, show) -> Iterator[Question]:
        rng = self.rng(question_id(self.deck.id, template, anchor))
        n_keys = min(len(keys), rng.randint(1, 4))
        wrong = find_wrong(5 - n_keys, rng, keys, prompt)
        if not wrong or n_keys + len(wrong) < 4:
            return
        shown_keys = rng.sample(keys, n_keys)
        used = [f for f in group if show(f.value if template.endswith("values") else f.subject) in shown_keys]
        yield self._choice_question(
            "multi_select", template, anchor, relation, used,
            f"{prompt} {t('select_all', self.lang)}", shown_keys, [show(w) for w in wrong],
            self.explain(used))

    # -- authored cards -----------------------------------------------------------------------
    def card_items(self) -> Iterator[tuple[str, str, Card]]:
        """What the store keeps of a card deck: one item per card, as Anki schedules them, with its
        flashcard's template (CARD_ITEM), as (question id, anchor, card); a study session chooses,
        each time it shows the card, whether to ask it as that, as multiple choice or typed
        (card_question). Nothing else of the card is worked out here (an import stores 40,000)."""
        deck = self.deck.id
        for card in self.deck.cards:
            anchor = f"card:{card.id}"
            yield question_id(deck, CARD_ITEM, anchor), anchor, card

    def card_question(self, anchor: str, seed: int, *, learned: bool, mode: str = "mixed") -> Question | None:
        """A card's item (CARD_ITEM at `anchor`) as the question to show now, its options drawn with
        `seed`. `mode` (quiz.config.CARD_QUESTIONS): "mixed" asks multiple choice while the card is
        being learned and typed once it is `learned` (in review), where the card allows them; else
        its flashcard. "choice" and "typed" ask that way where the card allows; "flashcard" never
        otherwise. A multi-deletion cloze is typed one deletion at a time, chosen by the seed."""
        card = self._card(anchor)
        if card is None:
            return None
        asks = self._card_asks(card, CARD_ITEM if mode == "flashcard" else None)
        flashcard = asks[0]  # (always first)
        choice = [ask for ask in asks if ask.kind == "mcq"]
        typed = [ask for ask in asks if ask.kind == "type_in"]
        if mode == "mixed":
            choice, typed = ([], typed) if learned else (choice, [])
        if typed and mode != "choice":
            ask = typed[seed % len(typed)]
        elif choice and mode != "typed":
            ask = choice[0]
        else:
            ask = flashcard
        saved, self.seed = self.seed, seed
        try:
            # (A draw always finds what the ask found; should one not, the flashcard still can be asked.)
            return self._card_question(ask) or self._card_question(flashcard)
        finally:
            self.seed = saved

    def _card(self, anchor: str) -> Card | None:
        if self._cards is None:
            self._cards = {c.id: c for c in self.deck.cards}
        return self._cards.get(anchor.partition(":")[2].partition("#")[0])  # "ID#2": a cloze's second deletion

    def _card_asks(self, card: Card, template: str | None = None) -> list[CardAsk]:
        """A card as a flashcard; as multiple choice (its own choices, or other cards' answers of the
        same shape, quiz.questions.shape); as type-in where the answer is short and unambiguous, a cloze
        card with several deletions one deletion at a time. `template`: only the asks of that
        template (a flashcard shown needs nothing of the other cards)."""
        front, back = card.front.get(self.lang), card.back.get(self.lang)
        anchor = f"card:{card.id}"
        deck = self.deck.id
        accepted = list(dict.fromkeys([back, *card.back.all(), *card.accept]))
        asks = []
        if template in (None, "card.flashcard"):
            asks.append(CardAsk(question_id(deck, "card.flashcard", anchor), "card.flashcard", "flashcard", anchor,
                                front, back, accepted, card))
        if template not in (None, "card.mcq", "card.type_in"):
            return asks
        mcq = CardAsk(question_id(deck, "card.mcq", anchor), "card.mcq", "mcq", anchor, front, back, [], card)
        if card.choices:
            if template != "card.type_in":
                asks.append(mcq)
            return asks
        cloze, several = self._cloze(card, front, back)
        if template != "card.type_in" and not several and \
                len(self._card_distractors(card, front, back, accepted, None)) >= N_DISTRACTORS:
            asks.append(mcq)
        if template == "card.mcq":
            return asks
        if cloze is not None and several:
            for i, answer in enumerate(cloze.answers):
                if _typeable(answer):
                    part = f"{anchor}#{i + 1}"
                    asks.append(CardAsk(question_id(deck, "card.type_in", part), "card.type_in", "type_in", part,
                                        cloze.asked(i), answer, [answer], card))
        elif not several and _typeable(back) and not self._ambiguous(card):
            from quiz.questions.shape import without_note

            head = without_note(back)
            asks.append(CardAsk(question_id(deck, "card.type_in", anchor), "card.type_in", "type_in", anchor, front,
                                back, list(dict.fromkeys([*accepted, *([head] if head else [])])), card))
        return asks

    def _card_questions(self, card: Card) -> Iterator[Question]:
        for ask in self._card_asks(card):
            question = self._card_question(ask)
            if question is not None:
                yield question

    def _card_question(self, ask: CardAsk) -> Question | None:
        """The question an ask stands for, its options drawn (None only if they cannot be, which
        _card_asks rules out)."""
        card = ask.card
        common = {"lang": self.lang, "deck": self.deck.id, "anchor": ask.anchor, "facts": [card.id],
                  "sources": [self.deck.sources[s].to_dict() for s in card.sources if s in self.deck.sources],
                  "topic": ", ".join(card.tags), "explanation": card.explain.get(self.lang) if card.explain else ""}
        if ask.kind != "mcq":
            return Question(id=ask.id, kind=ask.kind, template=ask.template, prompt=ask.prompt,
                            answer_text=ask.answer_text, accepted=ask.accepted, **common)
        if card.choices:
            options = [choice.get(self.lang) for choice in card.choices]
            self.rng(ask.id + "/order").shuffle(options)
            return Question(id=ask.id, kind="mcq", template=ask.template, prompt=ask.prompt, choices=options,
                            answer=[options.index(ask.answer_text)], answer_text=ask.answer_text, **common)
        return self._card_mcq(ask, common)

    def _cloze(self, card: Card, front: str, back: str):
        """(its deletions or None, whether it has several) for a card of a cloze note; (None, False) else."""
        if card.note_type is None or not card.note_type.lower().startswith("cloze"):
            return None, False
        from quiz.questions.cloze import split_cloze

        cloze = split_cloze(front, back, card.explain.get(self.lang) if card.explain else None)
        if cloze is None:  # not taken apart: several deletions if it shows several gaps
            return None, len(_GAP.findall(front)) > 1
        return cloze, len(cloze.answers) > 1

    def _card_pool(self) -> dict:
        """What multiple choice and type-in need to know of every card, worked out once:
        "shape": each shape's answers, (folded answer, answer, folded front, card id), once per folded
        answer; "answers": the folded answers given to each folded front; "cards": each card's
        (folded answer, folded front, shape)."""
        if self._pool is None:
            from quiz.questions.shape import answer_shape

            by_shape: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
            answers: dict[str, set[str]] = defaultdict(set)
            cards: dict[str, tuple[str, str, str]] = {}
            seen: set[str] = set()
            for card in self.deck.cards:
                back, front = card.back.get(self.lang), card.front.get(self.lang)
                folded, folded_front, shape = _fold(back), _fold(front), answer_shape(back)
                cards[card.id] = (folded, folded_front, shape)
                answers[folded_front].add(folded)
                if not folded or folded in seen or self._cloze(card, front, back)[1]:
                    continue
                seen.add(folded)
                by_shape[shape].append((folded, back, folded_front, card.id))
            order = random.Random(self.deck.id)  # not the seed's: a question draws its own window from it
            for pool in by_shape.values():
                order.shuffle(pool)
            self._pool = {"shape": by_shape, "answers": answers, "cards": cards}
        return self._pool

    def _ambiguous(self, card: Card) -> bool:
        """Whether cards with this card's front want different answers (then typing one is a guess)."""
        pool = self._card_pool()
        return len(pool["answers"][pool["cards"][card.id][1]]) > 1

    def _card_distractors(self, card: Card, front: str, back: str, accepted: list[str],
                          start: int | None) -> list[str]:
        """Other cards' answers of the same shape that may stand beside this card's answer as wrong
        options: none equal (folded) to the key, an accepted answer, another option or an answer of
        a card with the same front, none named in the question.

        start=None: the first N_DISTRACTORS of them in the shape's (shuffled) answers, looking at
        _SCAN_LIMIT answers at most; the card is asked as multiple choice only if there are that many.
        A draw (`start`, a random place): a small deck's every one, from there; a large deck's in a
        window from there (2 per option, then more), then from the start as above, so a draw always
        finds what the ask found."""
        pool = self._card_pool()
        folded_key, folded_front, shape = pool["cards"][card.id]
        everyone = pool["shape"].get(shape, [])
        if not folded_key or len(everyone) < N_DISTRACTORS:
            return []
        if start is None:
            windows = [(0, _SCAN_LIMIT)]
        elif len(everyone) <= 2 * _POOL_LIMIT:
            windows = [(start, len(everyone))]
        else:
            windows = [(start, 2 * N_DISTRACTORS), (start, _POOL_LIMIT), (0, _SCAN_LIMIT)]
        same_front = pool["answers"][folded_front]  # the key among them
        taken = {_fold(text) for text in accepted if text != back}
        folded_prompt = front.casefold()
        found: list[str] = []
        count = len(everyone)
        for at, size in windows:
            end = min(at + size, count)
            # Indices, not a slice: the first window is looked at for every card of a large deck.
            for i in itertools.chain(range(at, end), range(at + size - end if at else 0)):
                folded, text, other_front, card_id = everyone[i]
                if folded in same_front or folded in taken or other_front == folded_front or card_id == card.id:
                    continue
                lowered = text.casefold()
                if lowered in folded_prompt and _mentions(folded_prompt, lowered):
                    continue
                taken.add(folded)
                found.append(text)
                if start is None and len(found) == N_DISTRACTORS:
                    return found
            if len(found) >= N_DISTRACTORS:
                break
        return found

    def _card_mcq(self, ask: CardAsk, common: dict) -> Question | None:
        """Multiple choice from other cards' answers of the same shape (_card_distractors)."""
        pool = self._card_pool()
        everyone = pool["shape"].get(pool["cards"][ask.card.id][2], [])
        if len(everyone) < N_DISTRACTORS:
            return None
        # The draw: one hash of the seed and the question, not a random.Random per card (seeding one
        # costs more than the rest of the question, times 40,000 cards on a large import).
        draw = int.from_bytes(blake2b(f"{self.seed}\x1f{ask.id}".encode(), digest_size=16).digest(), "big")
        draw, start = divmod(draw, len(everyone))
        back = ask.answer_text
        accepted = list(dict.fromkeys([back, *ask.card.back.all(), *ask.card.accept]))
        found = self._card_distractors(ask.card, ask.prompt, back, accepted, start)
        if len(found) < N_DISTRACTORS:
            return None
        # Nearest in length first (mixed: half of them), as the fact questions do with their values;
        # ties in the window's random order.
        length = len(back)
        scored = sorted(found, key=lambda text: abs(len(text) - length))
        if self.difficulty == "near":
            wrong = scored[:N_DISTRACTORS]
        elif self.difficulty == "far":
            wrong = scored[-N_DISTRACTORS:]
        else:
            half = (N_DISTRACTORS + 1) // 2
            rest = scored[half:]
            wrong = scored[:half]
            for _ in range(N_DISTRACTORS - half):
                draw, pick = divmod(draw, len(rest))
                wrong.append(rest.pop(pick))
        order = _ORDERS[draw % len(_ORDERS)]
        shown = [back, *wrong]
        options = [shown[i] for i in order]
        return Question(id=ask.id, kind="mcq", template=ask.template, prompt=ask.prompt, choices=options,
                        answer=[order.index(0)], answer_text=back, **common)

    # -- one question, rebuilt ----------------------------------------------------------------
    def one(self, template: str, anchor: str, seed: int | None = None) -> Question | None:
        """Rebuild one question from its template and anchor, with `seed` (default: the generator's).

        Lets a study session re-draw one item's options without generating the whole deck.
        None when the deck no longer supports that question (its facts changed or went away).
        """
        if seed is not None and seed != self.seed:
            saved, self.seed = self.seed, seed
            try:
                return self.one(template, anchor)
            finally:
                self.seed = saved
        scope, _, rest = anchor.partition(":")
        if scope == "card":
            card = self._card(anchor)
            if card is None:
                return None
            ask = next((a for a in self._card_asks(card, template) if a.anchor == anchor), None)
            return self._card_question(ask) if ask is not None else None
        elif scope == "fact":
            fact = self.k.fact_by_id.get(rest)
            if fact is None:
                return None
            relation = self.k.relations[fact.relation]
            candidates = self._fact_questions(relation, fact, self._disputed(relation.id), template)
        elif scope in ("subject", "value"):
            group = [self.k.fact_by_id.get(fact_id) for fact_id in rest.split(",")]
            if not group or any(f is None or not self.k.holds(f) for f in group):
                return None
            first = group[0]
            relation = self.k.relations[first.relation]
            # In deck order, as generate() groups them (the anchor lists them sorted): the options
            # drawn from the group depend on its order.
            ids = {f.id for f in group}
            same = (self.k.facts_about(first.subject, first.relation) if scope == "subject"
                    else self.k.facts_with_value(first.relation, first.value))
            group = [f for f in same if f.id in ids]
            if len(group) != len(ids):
                return None  # not one subject's (or one value's) facts: no such group
            if scope == "subject":
                candidates = self._subject_group(relation, first.subject, group, template)
            else:
                candidates = self._value_group(relation, first.value, group, template)
        else:
            return None
        return next((q for q in candidates if q.template == template and q.anchor == anchor), None)

    def _disputed(self, relation_id: str) -> bool:
        """Whether any claim of this relation is alleged or denied (then every claim gets a status question)."""
        if relation_id not in self._disputed_cache:
            self._disputed_cache[relation_id] = any(
                f.status in ("alleged", "denied") for f in self.k.facts if f.relation == relation_id)
        return self._disputed_cache[relation_id]


_GAP = re.compile(r"\[[^\[\]\n]*\]")  # a cloze gap as the front shows it: [...] or [hint]
TYPE_IN_CHARS, TYPE_IN_WORDS = 40, 4
_ORDERS = list(itertools.permutations(range(N_DISTRACTORS + 1)))  # the ways to order a card's options


def _fold(text: str) -> str:
    """quiz.text.fold, without its Unicode work for ASCII text (the same result, several times faster:
    a large deck folds every card's front and back once)."""
    if text.isascii():
        return _LEADING_ARTICLE.sub("", _NOT_WORD.sub(" ", text.lower()).strip())
    return fold(text)


def _typeable(answer: str) -> bool:
    """Short enough to type and to check: one line, at most TYPE_IN_WORDS words and TYPE_IN_CHARS
    characters (a parenthesised note at the end not counted), not only punctuation."""
    from quiz.questions.shape import without_note

    text = without_note(answer) or answer
    return "\n" not in answer and len(text) <= TYPE_IN_CHARS and len(text.split()) <= TYPE_IN_WORDS \
        and bool(_fold(text))


def _mentions(folded_text: str, folded_name: str) -> bool:
    """Whether a name occurs in a text as a whole word or phrase (both already casefolded): as
    `(?<!\\w)name(?!\\w)` would find it, without compiling a pattern per name (a large card deck
    has tens of thousands of them)."""
    if not folded_name:
        return False
    at = folded_text.find(folded_name)
    while at != -1:
        end = at + len(folded_name)
        before = at and _word_char(folded_text[at - 1])
        after = end < len(folded_text) and _word_char(folded_text[end])
        if not before and not after:
            return True
        at = folded_text.find(folded_name, at + 1)
    return False


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \\w matches in a str pattern


def _month_index(iso: str) -> int:
    parts = iso.split("-")
    return int(parts[0]) * 12 + (int(parts[1]) - 1 if len(parts) > 1 else 0)


def _nearby_dates(iso: str) -> list[str]:
    """Dates of the same precision as `iso`, a few months or years away."""
    parts = iso.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return [str(year + d) for d in range(-6, 7) if d]
    out = []
    for d in (-14, -7, -3, -2, -1, 1, 2, 3, 7, 12):
        index = _month_index(iso) + d
        month = f"{index // 12:04d}-{index % 12 + 1:02d}"
        out.append(month if len(parts) == 2 else f"{month}-{parts[2]}")
    return [date for date in out if _valid_day(date)]


def _valid_day(iso: str) -> bool:
    import datetime

    parts = iso.split("-")
    if len(parts) < 3:
        return True
    try:
        datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return False
    return True


def generate(deck: Deck, lang: str = "en", seed: int = 0, kinds: Iterable[str] | None = None,
             difficulty: str = "mixed") -> list[Question]:
    """All questions for `deck` in `lang`; deterministic for a given seed."""
    return QuestionGenerator(deck, lang=lang, seed=seed, difficulty=difficulty).generate(kinds)
