"""The session queue's ordering helpers: interleaving, mixing new among reviews, spreading topics."""

from __future__ import annotations

from itertools import pairwise

from quiz.store.items import Schedule
from quiz.study.queue import Entry, interleave, mix, spread


def entry(key: int, kind: str = "mcq", topic: str = "a", facts: tuple[str, ...] = ()) -> Entry:
    return Entry(key, f"q{key}", "t", "x", kind, facts or (f"f{key}",), topic, Schedule())


def repeats(entries) -> int:
    return sum(a.kind == b.kind and a.topic == b.topic for a, b in pairwise(entries))


def test_interleave_separates_neighbours_of_the_same_kind_and_topic():
    # Blocks of three alike: mcq/a, mcq/b, cloze/a, cloze/b.
    entries = [entry(i, kind="mcq" if i < 6 else "cloze", topic="a" if i % 6 < 3 else "b") for i in range(12)]
    mixed = interleave(entries)
    assert sorted(e.key for e in mixed) == list(range(12))
    assert repeats(entries) == 8 and repeats(mixed) <= 1


def test_interleave_never_makes_things_worse():
    entries = [entry(i, kind="mcq" if i < 6 else "cloze", topic="a" if i % 2 else "b") for i in range(12)]
    assert repeats(interleave(entries)) <= repeats(entries) == 0


def test_interleave_keeps_priority_within_the_window():
    entries = [entry(i, kind=["mcq", "cloze", "true_false"][i % 3]) for i in range(30)]
    for place, e in enumerate(interleave(entries, window=6)):
        assert abs(place - e.key) < 6


def test_interleave_does_nothing_it_cannot_improve():
    same = [entry(i) for i in range(5)]
    assert [e.key for e in interleave(same)] == [0, 1, 2, 3, 4]


def test_new_items_are_spread_evenly_among_reviews():
    reviews = [entry(i, kind="r") for i in range(8)]
    new = [entry(100 + i, kind="n") for i in range(2)]
    order = [e.kind for e in mix(reviews, new)]
    assert order.count("n") == 2 and order[0] == "r" and order[-1] == "r"
    first, second = [i for i, k in enumerate(order) if k == "n"]
    assert second - first >= 4
    assert mix([], new) == new and mix(reviews, []) == reviews


def test_spread_takes_topics_in_turn_and_varies_kinds():
    # Deck order: all of topic a (each fact asked true/false first, then mcq), then topic b.
    entries = []
    for topic in ("a", "b"):
        for fact in range(3):
            for kind in ("true_false", "mcq"):
                entries.append(entry(len(entries), kind=kind, topic=topic, facts=(f"{topic}{fact}",)))
    order = list(spread(entries))
    assert sorted(e.key for e in order) == list(range(12))
    assert [e.topic for e in order[:4]] == ["a", "b", "a", "b"]
    assert {e.kind for e in order[:2]} == {"true_false", "mcq"}


def test_a_page_of_planned_rows_decodes_as_row_by_row_and_a_damaged_row_is_named():
    import pytest

    from quiz.study.queue import _entries

    def row(key: int, facts: str) -> tuple:
        return (key, f"q{key}", "t", "x", "mcq", facts, '{"en": "a"}', 0, None, None, None, None, None, 0, 0,
                "active", 0)

    rows = [row(1, '["f1"]'), row(2, '["f2", "f3"]'), row(3, '[]')]
    assert [e.facts for e in _entries(rows, "en")] == [("f1",), ("f2", "f3"), ()]
    # Two damaged lists that would join into valid JSON still fail, naming an item.
    damaged = [row(1, '["a"],["b"'), row(2, '"c"]')]
    with pytest.raises(ValueError, match="item q1"):
        list(_entries(damaged, "en"))
    with pytest.raises(ValueError, match="item q2"):
        list(_entries([row(1, '["a"]'), row(2, "{")], "en"))


def test_a_card_item_s_sibling_key_names_its_anki_note():
    from hypothesis import given
    from hypothesis import strategies as st

    from quiz.formats.anki_notes import guid_card_id
    from quiz.study.queue import sibling_key

    @given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20), st.integers(0, 200),
           st.integers(0, 200))
    def same_note_same_key(guid, other, ord_a, ord_b):
        key = sibling_key(f"card:{guid_card_id(guid, ord_a)}")
        assert key is not None and key == sibling_key(f"card:{guid_card_id(guid, ord_b)}")
        if other != guid:
            assert sibling_key(f"card:{guid_card_id(other, ord_a)}") != key

    same_note_same_key()
    for anchor in ("card:card-0123456789ab", "card:card-0123456789ab-2", "card:anki-xyz-1", "card:mine",
                   "f1", "subject:org:member_of", "card:anki-0123456789abcdef-1#2"):
        assert sibling_key(anchor) is None, anchor


def test_a_planned_card_item_carries_its_note_among_its_facts():
    from quiz.questions.question import CARD_ITEM
    from quiz.study.queue import _entries

    def row(key: int, template: str, anchor: str, facts: str) -> tuple:
        return (key, f"q{key}", template, anchor, "flashcard", facts, '{"en": "a"}', 0, None, None, None, None,
                None, 0, 0, "active", 0)

    rows = [row(1, CARD_ITEM, "card:anki-0123456789abcdef-1", '["anki-0123456789abcdef-1"]'),
            row(2, CARD_ITEM, "card:card-0123456789ab", '["card-0123456789ab"]'),
            row(3, "fact.statement", "card:anki-0123456789abcdef-1", '["f3"]')]
    assert [e.facts for e in _entries(rows, "en")] == [
        ("anki-0123456789abcdef-1", "note:anki-0123456789abcdef"), ("card-0123456789ab",), ("f3",)]
