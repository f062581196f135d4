"""Card decks as questions: multiple choice from other cards' answers of the same shape, type-in only
where the typed answer is short and unambiguous, a cloze with several deletions one at a time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.formats.readers import read_deck_file
from quiz.model import Card, Deck, LocalText
from quiz.questions.cloze import split_cloze
from quiz.questions.generator import N_DISTRACTORS, QuestionGenerator, generate
from quiz.questions.question import CARD_ITEM
from quiz.questions.shape import SHAPES, answer_shape, without_note
from quiz.study.checking import check_typed
from quiz.text import fold

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="needs ../shared/fixtures")


def card_deck(rows, **card_fields) -> Deck:
    cards = [Card(id=f"c{i}", front=LocalText.of(front), back=LocalText.of(back), **card_fields)
             for i, (front, back) in enumerate(rows)]
    return Deck(id="d", title=LocalText.of("D"), cards=cards)


def by_template(questions, template):
    return {q.anchor: q for q in questions if q.template == template}


# -- shapes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, shape", [
    ("1945", "year"), ("1066 AD", "year"), ("AD 79", "year"), ("42", "number"), ("-3.5", "number"),
    ("1,000", "number"), ("12%", "number"), ("Fe", "symbol"), ("H", "symbol"), ("hydrogen", "word"),
    ("Rio de Janeiro", "name"), ("Hydrogen (Z = 1)", "noted"), ("Hydrogen, the lightest (Z = 1)", "noted"),
    ("the smallest of all the elements", "phrase"), ("one\ntwo", "long"),
    (" ".join(["word"] * 13), "long"), ("f(x)", "word"),
])
def test_answer_shapes(text, shape):
    assert answer_shape(text) == shape and shape in SHAPES


def test_a_note_in_parentheses_is_also_accepted_typed_without_it():
    assert without_note("Hydrogen (Z = 1)") == "Hydrogen" and without_note("(alone)") is None
    deck = card_deck([("H", "Hydrogen (Z = 1)")])
    (type_in,) = [q for q in generate(deck) if q.kind == "type_in"]
    assert check_typed(type_in, "hydrogen").correct and check_typed(type_in, "Hydrogen (Z = 1)").correct
    assert not check_typed(type_in, "helium").correct


# -- multiple choice ----------------------------------------------------------------------------------
_years = st.integers(1000, 2099).map(str)
_numbers = st.integers(0, 999).map(str)
_symbols = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=3)
_words = st.text("abcdefghijklmnopqrstuvwxyzé", min_size=4, max_size=9)
_names = st.lists(_words, min_size=2, max_size=3).map(" ".join)
_accents = st.sampled_from(["Café", "cafe", "CAFÉ", "the cafe", "Cafe!"])  # one folded answer, written 4 ways
_answers = st.one_of(_years, _numbers, _symbols, _words, _names, _accents)


def _named_in(text: str, prompt: str) -> bool:
    import re

    return re.search(rf"(?<!\w){re.escape(text)}(?!\w)", prompt) is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(_words, _names, st.just("Same front?")), _answers,
                          st.lists(_answers, max_size=2)), min_size=1, max_size=30),
       st.integers(0, 3))
def test_card_multiple_choice_keys_and_distractors(rows, seed):
    cards = [Card(id=f"c{i}", front=LocalText.of(front), back=LocalText.of(back), accept=tuple(accept))
             for i, (front, back, accept) in enumerate(rows)]
    deck = Deck(id="d", title=LocalText.of("D"), cards=cards)
    generator = QuestionGenerator(deck, seed=seed)
    questions = by_template(generator.generate(), "card.mcq")
    fronts: dict[str, set[str]] = {}
    first: dict[str, str] = {}  # each folded answer as the first card with it writes it
    for card in cards:
        fronts.setdefault(fold(card.front.get("en")), set()).add(fold(card.back.get("en")))
        first.setdefault(fold(card.back.get("en")), card.back.get("en"))
    for card in cards:
        back, prompt = card.back.get("en"), card.front.get("en").casefold()
        shape = answer_shape(back)
        forbidden = {fold(back), *map(fold, card.accept)} | fronts[fold(card.front.get("en"))]
        usable = {folded for folded, text in first.items() if folded and folded not in forbidden
                  and answer_shape(text) == shape and not _named_in(text.casefold(), prompt)}
        q = questions.get(f"card:{card.id}")
        # A question exactly when there are enough answers of its shape to choose from.
        assert (q is not None) == (len(usable) >= N_DISTRACTORS and bool(fold(back))), (card, usable)
        if q is None:
            continue
        assert q.choices[q.answer[0]] == back == q.answer_text and len(q.answer) == 1
        assert len(q.choices) == N_DISTRACTORS + 1
        folded = [fold(choice) for choice in q.choices]
        assert len(set(folded)) == len(folded)  # no two options the same answer
        wrong = [choice for i, choice in enumerate(q.choices) if i != q.answer[0]]
        assert not {fold(w) for w in wrong} & forbidden  # never the key, an accepted answer or a same-front answer
        assert all(answer_shape(w) == shape for w in wrong)
        assert generator.one("card.mcq", q.anchor, seed=seed) == q
        assert QuestionGenerator(deck, seed=seed).one("card.mcq", q.anchor) == q  # not from a cache


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32), st.integers(100, 400), st.integers(3, 60))
def test_a_large_decks_asks_are_its_questions_and_every_draw_finds_its_options(salt, size, others):
    """The store keeps one item per card (no options drawn); a session asks it as multiple choice
    wherever generate() would, drawing with any seed. Every such draw must then be a valid question,
    in a deck too large to look at every answer."""
    import random

    from quiz.store.decks import deck_items

    rng = random.Random(salt)
    words = {"".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9))) for _ in range(size)}
    # All but a few cards share one front: none of their answers may be another's wrong option, so
    # theirs are few among many (a window of answers may hold none of them).
    rows = [("Same front?" if i >= others else f"Question {i}", word) for i, word in enumerate(sorted(words))]
    deck = card_deck(rows)
    questions = generate(deck)
    items = deck_items(deck)
    assert [(i.template, i.anchor, i.kind) for i in items] == [(CARD_ITEM, f"card:{c.id}", "flashcard")
                                                                for c in deck.cards]
    shared = {fold(back) for front, back in rows if front == "Same front?"}
    choice = {q.anchor for q in questions if q.template == "card.mcq"}
    assert choice
    for anchor in choice:
        for seed in (0, 1, 7, 123456):
            q = QuestionGenerator(deck).card_question(anchor, seed, learned=False)
            assert q is not None and q.template == "card.mcq", (anchor, seed)
            assert q == QuestionGenerator(deck, seed=seed).one("card.mcq", anchor)
            wrong = [fold(c) for i, c in enumerate(q.choices) if i != q.answer[0]]
            assert len(set(wrong)) == N_DISTRACTORS and fold(q.answer_text) not in wrong
            if q.prompt == "Same front?":
                assert not set(wrong) & shared


def test_one_card_question_rebuilt_is_the_generated_one_and_a_flashcard_needs_no_other_card():
    rows = [(f"Question {i}", f"answer{chr(97 + i % 26)}{i}") for i in range(40)] + [("Same", "x"), ("Same", "y")]
    deck = card_deck(rows)
    for question in generate(deck, seed=5):
        assert QuestionGenerator(deck, seed=5).one(question.template, question.anchor) == question
    generator = QuestionGenerator(deck)
    assert generator.one("card.flashcard", "card:c0").answer_text == "answera0"
    assert generator._pool is None  # the other cards' answers are only gathered for a choice or a typed answer
    assert generator.one("card.mcq", "card:c0") is not None and generator._pool is not None
    assert generator.one("card.type_in", "card:c40") is None  # "Same" has two answers: typing one is a guess


def test_a_card_with_too_few_answers_of_its_shape_gets_no_multiple_choice():
    deck = card_deck([("Battle of Hastings", "1066"), ("Fall of Rome", "476"), ("Moon landing", "1969"),
                      ("Symbol of iron", "Fe"), ("Symbol of gold", "Au"), ("Largest planet", "Jupiter")])
    # Three years, two symbols, one word: no answer has three others of its shape.
    assert by_template(generate(deck), "card.mcq") == {}
    deck.cards.append(Card(id="c6", front=LocalText.of("Columbus"), back=LocalText.of("1492")))
    questions = by_template(generate(deck), "card.mcq")
    assert set(questions) == {"card:c0", "card:c1", "card:c2", "card:c6"}
    assert all(set(q.choices) == {"1066", "476", "1969", "1492"} for q in questions.values())


def test_options_change_with_the_seed_and_stay_for_a_seed():
    rows = [(f"Q{i}", f"answer{chr(97 + i)}x") for i in range(20)]
    deck = card_deck(rows)
    draws = {tuple(QuestionGenerator(deck, seed=seed).one("card.mcq", "card:c0").choices) for seed in range(8)}
    assert len(draws) > 1
    assert QuestionGenerator(deck, seed=3).one("card.mcq", "card:c0") == \
        QuestionGenerator(deck, seed=3).one("card.mcq", "card:c0")


def test_authored_choices_win_over_drawn_ones():
    deck = card_deck([(f"Q{i}", f"word{chr(97 + i)}") for i in range(6)])
    deck.cards[0] = Card(id="c0", front=LocalText.of("Q0"), back=LocalText.of("worda"),
                         choices=tuple(LocalText.of(c) for c in ("worda", "other", "thing")))
    questions = by_template(generate(deck), "card.mcq")
    assert sorted(questions["card:c0"].choices) == ["other", "thing", "worda"]
    assert "card:c1" in questions


# -- how a card is asked ---------------------------------------------------------------------------
def test_a_card_is_asked_by_mode_and_by_whether_it_is_learned():
    # c0: short answer with others of its shape (choice and typed); c1: its own long answer (neither).
    rows = [(f"Q{i}", f"answer{chr(97 + i)}x") for i in range(6)]
    rows.append(("Tell the story", "A long answer that nobody would type out and no other card shares"))
    deck = card_deck(rows)
    generator = QuestionGenerator(deck)
    kinds = {}
    for mode in ("mixed", "flashcard", "choice", "typed"):
        for learned in (False, True):
            for anchor in ("card:c0", "card:c6"):
                question = generator.card_question(anchor, 3, learned=learned, mode=mode)
                kinds[mode, learned, anchor] = question.kind
                # What a session shows is a question generate() lists, drawn with the session's seed.
                assert question == QuestionGenerator(deck, seed=3).one(question.template, anchor)
    assert {key: kind for key, kind in kinds.items() if key[2] == "card:c0"} == {
        ("mixed", False, "card:c0"): "mcq", ("mixed", True, "card:c0"): "type_in",
        ("flashcard", False, "card:c0"): "flashcard", ("flashcard", True, "card:c0"): "flashcard",
        ("choice", False, "card:c0"): "mcq", ("choice", True, "card:c0"): "mcq",
        ("typed", False, "card:c0"): "type_in", ("typed", True, "card:c0"): "type_in"}
    assert {kind for key, kind in kinds.items() if key[2] == "card:c6"} == {"flashcard"}
    assert generator.card_question("card:gone", 0, learned=False) is None


def test_a_multi_deletion_cloze_is_typed_one_deletion_at_a_time_by_the_draw():
    deck = Deck(id="d", title=LocalText.of("D"), cards=[
        Card(id="z", front=LocalText.of("[...] and [...] are noble gases"), back=LocalText.of("Helium, Neon"),
             explain=LocalText.of("Helium and Neon are noble gases"), note_type="Cloze")])
    generator = QuestionGenerator(deck)
    asked = {generator.card_question("card:z", seed, learned=True).answer_text for seed in range(6)}
    assert asked == {"Helium", "Neon"}
    assert generator.card_question("card:z", 0, learned=False).kind == "flashcard"  # no choice for several gaps


# -- type-in ----------------------------------------------------------------------------------------
def test_type_in_only_for_short_unambiguous_answers():
    sentence = "The element with the smallest atomic mass of all, found in water"
    deck = Deck(id="d", title=LocalText.of("D"), cards=[
        Card(id="r0", front=LocalText.of("H"), back=LocalText.of(sentence), guid="g", ord=0,
             note_type="Basic (and reversed card)"),
        Card(id="r1", front=LocalText.of(sentence), back=LocalText.of("H"), guid="g", ord=1,
             note_type="Basic (and reversed card)"),
        Card(id="a1", front=LocalText.of("A color?"), back=LocalText.of("red")),
        Card(id="a2", front=LocalText.of("a color"), back=LocalText.of("blue")),
        Card(id="ok", front=LocalText.of("Capital of France?"), back=LocalText.of("Paris")),
    ])
    typed = {q.anchor for q in generate(deck) if q.kind == "type_in"}
    # Not the long sentence; the symbol, yes. Not "A color?", which wants red or blue.
    assert typed == {"card:r1", "card:ok"}


@needs_fixtures
def test_the_chemistry_package_as_questions(tmp_path):
    deck = read_deck_file(FIXTURES / "anki" / "chemistry-modern.apkg", media_dir=tmp_path)
    generator = QuestionGenerator(deck, seed=0)
    questions = generator.generate()
    cards = {card.id: card for card in deck.cards}
    mcqs = by_template(questions, "card.mcq")
    typed = [q for q in questions if q.template == "card.type_in"]

    # The symbol asked, the element named: options are all "Name (Z = n)"; the other way, all symbols.
    h = next(c for c in deck.cards if c.front.get("en") == "H")
    assert mcqs[f"card:{h.id}"].answer_text == "Hydrogen (Z = 1)"
    assert all(answer_shape(o) == "noted" and "(Z = " in o for o in mcqs[f"card:{h.id}"].choices)
    back = next(c for c in deck.cards if c.front.get("en") == "Hydrogen (Z = 1)")
    assert all(answer_shape(o) == "symbol" for o in mcqs[f"card:{back.id}"].choices)
    for q in mcqs.values():
        card = cards[q.anchor.removeprefix("card:")]
        assert q.choices[q.answer[0]] == card.back.get("en")
        assert len({fold(c) for c in q.choices}) == 4

    # "Gold's symbol {{c1::Au}} comes from the Latin {{c1::aurum}}.": each deletion asked on its own.
    gold = next(c for c in deck.cards if c.back.get("en") == "Au, aurum")
    parts = sorted((q for q in typed if q.facts == [gold.id]), key=lambda q: q.anchor)
    assert [(q.prompt, q.answer_text) for q in parts] == [
        ("Gold's symbol [...] comes from the Latin aurum.", "Au"),
        ("Gold's symbol Au comes from the Latin [...].", "aurum")]
    assert f"card:{gold.id}" not in mcqs
    # The iron card shows an image on its back: too long to type.
    iron = next(c for c in deck.cards if c.front.get("en") == "Fe")
    assert "\n" in iron.back.get("en") and not any(q.anchor == f"card:{iron.id}" for q in typed)
    # The hint stays in the question; the cloze answer is typed.
    neon = next(q for q in typed if q.answer_text == "neon")
    assert neon.prompt == "The noble gas with atomic number 10 is [a gas in signs]."
    assert check_typed(neon, "Neon").correct

    for q in questions:  # every question rebuilt from its template and anchor, for another seed too
        assert generator.one(q.template, q.anchor) == q
        again = generator.one(q.template, q.anchor, seed=7)
        assert again is not None and again.id == q.id and again.answer_text == q.answer_text


# -- cloze cards taken apart ------------------------------------------------------------------------
def test_split_cloze():
    one = split_cloze("Water is made of [...] and oxygen.", "hydrogen", "Water is made of hydrogen and oxygen.\nH2O")
    assert one.texts == ("Water is made of ", " and oxygen.") and one.answers == ("hydrogen",)
    assert one.extra == "H2O" and one.sentence == "Water is made of hydrogen and oxygen." and one.spans() == [(17, 25)]
    hint = split_cloze("It is [a gas] here.", "neon", "It is neon here.")
    assert hint.hints == ("a gas",) and hint.asked(0) == "It is [a gas] here."
    two = split_cloze("[...] and [...]", "a, b", "a and b")
    assert two.answers == ("a", "b") and two.asked(1) == "a and [...]"
    assert split_cloze("x [...] y", "z", "x q y") is None  # does not fit
    assert split_cloze("x [...] y", "z", None) is None
    assert split_cloze("[...] [...]", "a, b, c", "a b, c") is None  # three answers for two gaps


def test_split_cloze_is_quick_on_a_front_full_of_brackets():
    front = "[" * 1500 + "]" * 1500
    start = time.perf_counter()
    assert split_cloze(front, "[", "[" * 1501 + "]" * 1500 + "x") is None or True
    split_cloze("[...]" * 700, ", ".join(["a"] * 700), "a" * 700)
    assert time.perf_counter() - start < 1.0
