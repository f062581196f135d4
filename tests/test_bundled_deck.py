"""The bundled deck: complete, cited, bilingual, in our own words, and rich enough to study."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import SEEDS

from quiz.bundled import load, resolve_deck_path
from quiz.lint import lint
from quiz.questions.generator import generate
from quiz.questions.question import KINDS


@pytest.fixture(scope="module")
def deck():
    return load("russia-allies")


def test_size(deck):
    assert deck.id == "russia-allies"
    assert len(deck.entities) >= 25
    assert len(deck.facts) >= 80
    assert deck.languages == ("en", "id")


def test_every_fact_is_cited_and_explained_in_both_languages(deck):
    for fact in deck.facts:
        assert fact.sources, fact.id
        assert all(source in deck.sources for source in fact.sources)
        assert fact.explain is not None and fact.explain.languages() == {"en", "id"}, fact.id


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is beside the checkout in CI")
def test_every_seed_article_is_a_source_and_cited(deck):
    seeds = {path.name for path in SEEDS.glob("*.txt")}
    assert {source.seed for source in deck.sources.values()} == seeds
    cited = Counter(source for fact in deck.facts for source in fact.sources)
    for source in deck.sources.values():
        assert cited[source.id] >= 5, f"{source.seed} is cited by only {cited[source.id]} facts"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is beside the checkout in CI")
def test_no_sentence_is_copied_from_an_article():
    """No run of 8 words of the deck (outside source titles) appears in an article."""
    run = 8
    article_runs = set()
    for path in SEEDS.glob("*.txt"):
        words = _words(path.read_text(encoding="utf-8"))
        article_runs |= {tuple(words[i:i + run]) for i in range(len(words) - run + 1)}
    text = resolve_deck_path("russia-allies").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^\s*title: .*$", "", text)  # headlines are quoted as titles, on purpose
    words = _words(text)
    copied = [" ".join(words[i:i + run]) for i in range(len(words) - run + 1)
              if tuple(words[i:i + run]) in article_runs]
    assert copied == []


def test_the_deck_lints_clean(deck):
    assert [str(w) for w in lint(deck)] == []


@pytest.mark.parametrize("lang", ["en", "id"])
def test_enough_questions_of_every_kind(deck, lang):
    questions = generate(deck, lang=lang)
    assert len({q.id for q in questions}) >= 150
    assert set(Counter(q.kind for q in questions)) == set(KINDS)
    for q in questions:
        assert q.lang == lang and q.prompt and q.sources


def test_alleged_and_denied_claims_are_never_keys_or_wrong_options_elsewhere(deck):
    from quiz.knowledge import Knowledge

    knowledge = Knowledge(deck)
    disputed = {(f.subject, f.relation) for f in deck.facts if f.status in ("alleged", "denied")}
    assert disputed, "the deck records the disputed Iranian personnel claim"
    for q in generate(deck):
        if q.template in ("mcq.ask_subject", "multi_select.ask_subjects", "mcq_not.ask_subject_not"):
            relation = knowledge.fact_by_id[q.facts[0]].relation
            for subject, disputed_relation in disputed:
                if disputed_relation == relation:
                    name = deck.entities[subject].name.get("en")
                    assert name not in q.choices, (q.prompt, name)


def test_troop_question_offers_north_korea_and_never_iran(deck):
    asked = [q for q in generate(deck, kinds=["mcq"]) if "troops" in q.prompt and q.template == "mcq.ask_subject"]
    assert asked
    for q in asked:
        assert q.choices[q.answer[0]] == "North Korea"
        assert "Iran" not in q.choices
