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


# -- prebuilt: what registering the bundled deck makes ships with it ---------------------------------
def _items(conn) -> list[tuple]:
    return conn.execute("SELECT qid, template, anchor, kind, facts, topic, hash, status FROM items "
                        "ORDER BY id").fetchall()


def test_the_shipped_prebuilt_file_is_what_registering_the_deck_makes(tmp_path):
    import shutil

    from quiz.store.decks import prebuilt_path, write_prebuilt

    shipped = resolve_deck_path("russia-allies")
    copy = tmp_path / shipped.name
    shutil.copy(shipped, copy)
    assert prebuilt_path(shipped).read_text(encoding="utf-8") == write_prebuilt(copy).read_text(encoding="utf-8"), \
        "stale: run `python -m quiz.store.decks decks/*.yaml` after changing a bundled deck, the generator " \
        "or the version"


def test_a_bundled_deck_from_its_prebuilt_file_is_the_deck_registered_from_its_text(tmp_path, monkeypatch):
    import shutil

    from quiz.store import decks
    from quiz.store.database import open_database
    from quiz.store.decks import prebuilt_path, register

    shipped = resolve_deck_path("russia-allies")
    source = shipped.read_text(encoding="utf-8")
    made = open_database(tmp_path / "made.db", create_folder=False)
    register(made, source, origin="file", path=str(tmp_path / "elsewhere.yaml"), now_ms=1)  # no prebuilt file there
    parsed: list[str] = []
    real_parse = decks.parse
    monkeypatch.setattr(decks, "parse", lambda *args: parsed.append(args[2]) or real_parse(*args))
    shipped_db = open_database(tmp_path / "shipped.db", create_folder=False)
    register(shipped_db, source, origin="bundled", path=str(shipped), now_ms=1)
    assert parsed == []  # neither parsed nor generated
    assert _items(shipped_db.conn) == _items(made.conn) and len(_items(made.conn)) > 500
    model = "SELECT model, model_version FROM decks"
    assert shipped_db.conn.execute(model).fetchall() == made.conn.execute(model).fetchall()

    # A prebuilt file made from other text (or damaged) is not used: the deck is parsed, items complete.
    folder = tmp_path / "changed"
    folder.mkdir()
    changed = folder / shipped.name
    changed.write_text(source + "\n# a comment\n", encoding="utf-8")
    shutil.copy(prebuilt_path(shipped), prebuilt_path(changed))
    other = open_database(tmp_path / "other.db", create_folder=False)
    register(other, changed.read_text(encoding="utf-8"), origin="bundled", path=str(changed), now_ms=1)
    prebuilt_path(changed).write_text("{not json", encoding="utf-8")
    broken = open_database(tmp_path / "broken.db", create_folder=False)
    register(broken, source, origin="bundled", path=str(changed), now_ms=1)
    assert parsed == [str(changed), str(changed)]
    assert _items(other.conn) == _items(broken.conn) == _items(made.conn)


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("seed", [0, 7])
def test_each_question_is_rebuilt_alone_as_the_whole_deck_made_it(deck, lang, seed):
    # A session rebuilds one question at a time (one() builds only the template asked for): from a
    # generator that made nothing else, every question must come back exactly as generate() made it.
    from quiz.knowledge import Knowledge
    from quiz.questions.generator import QuestionGenerator

    knowledge = Knowledge(deck)
    made = QuestionGenerator(deck, lang=lang, seed=seed, knowledge=knowledge).generate()
    assert made
    for question in made:
        alone = QuestionGenerator(deck, lang=lang, seed=seed, knowledge=knowledge).one(
            question.template, question.anchor)
        assert alone == question
