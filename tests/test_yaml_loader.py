"""The YAML deck loader: strict, safe, and every problem reported as FILE:LINE."""

from __future__ import annotations

import textwrap

import pytest

from quiz.formats.problems import DeckError
from quiz.formats.yaml_deck import load_deck, parse_deck

HEADER = "deck: {id: t, title: T}\n"
ENTITIES = """\
entities:
  - {id: a, type: country, name: A}
  - {id: o, type: org, name: O}
relations:
  - id: in
    subject_type: country
    value_type: entity
    value_entity_type: org
    label: in
    templates: {en: {statement: "{subject} in {value}"}}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(DeckError) as caught:
        parse_deck(textwrap.dedent(text), "deck.yaml")
    return [str(p) for p in caught.value.problems]


def test_loads_the_test_deck(mini_deck):
    assert mini_deck.id == "mini"
    assert len(mini_deck.entities) == 10
    assert mini_deck.relations["member_of"].complete.values == {"csto"}
    assert mini_deck.relations["founded_year"].functional
    assert mini_deck.entities["belarus"].name.get("id") == "Belarusia"
    fact = next(f for f in mini_deck.facts if f.id == "csto_2002")
    assert fact.value == 2002 and fact.sources == ("s1",)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (HEADER + "sources:\n  - {id: s, outlet: O, title: T, date: no}\n", 3, "ambiguous"),
        (HEADER + "topics: &x [a]\nx: *x\n", 2, "aliases are not allowed"),
        ("deck: {id: t, title: T}\ndeck: {id: u, title: U}\n", 2, "duplicate key 'deck'"),
        (HEADER + "x: !!python/object/apply:os.system [ls]\n", 2, "explicit tags"),
        (HEADER + "entities:\n  - {id: a, type: country, name: A, colour: red}\n", 3, "unknown key"),
        (HEADER + "entities:\n  - {id: a, type: country}\n", 3, "name: missing"),
        (HEADER + "entities:\n  - {id: a, type: country, name: [x]}\n", 3, "expected text"),
        (HEADER + ENTITIES + "facts:\n  - {id: f, subject: zz, relation: in, value: o}\n", 13, "unknown entity 'zz'"),
        (HEADER + ENTITIES + "facts:\n  - {id: f, subject: a, relation: in, value: o, sources: [nope]}\n", 13,
         "unknown source 'nope'"),
        (HEADER + ENTITIES + "facts:\n  - {id: f, subject: a, relation: in, value: a}\n", 13, "takes a org"),
        (HEADER + ENTITIES + "facts:\n  - {id: f, subject: a, relation: out, value: o}\n", 13, "unknown relation"),
        (HEADER + ENTITIES + "facts:\n  - {id: f, subject: a, relation: in, value: o, status: rumour}\n", 13,
         "expected one of confirmed"),
        (HEADER + "entities:\n  - {id: a, type: c, name: A}\n  - {id: a, type: c, name: B}\n", 4, "duplicate entity"),
        ("deck: {id: t, title: T}\nsources: [\n", 3, "invalid YAML"),
        ("deck: {id: Bad Id, title: T}\n", 1, "not a valid id"),
        ("deck: {id: t, title: {en: T}, languages: [en, id]}\n", 1, "missing language id"),
    ],
)
def test_each_error_names_its_line(text, line, fragment):
    found = problems(text)
    assert any(p.startswith(f"deck.yaml:{line}:") and fragment in p for p in found), found


def test_template_placeholders_are_checked():
    text = HEADER + ENTITIES.replace("{subject} in {value}", "{subject} in {place}")
    assert any("unknown placeholder {place}" in p for p in problems(text))


def test_every_problem_is_reported_not_just_the_first():
    text = HEADER + "entities:\n  - {id: a, type: c}\n  - {id: b, name: B}\n"
    assert len(problems(text)) == 2


def test_yaml_11_traps_stay_text_when_quoted_and_dates_stay_strings():
    deck = parse_deck(HEADER + 'sources:\n  - {id: s, outlet: "no", title: "on", date: 2024-06-21}\n')
    source = deck.sources["s"]
    assert (source.outlet, source.title, source.date) == ("no", "on", "2024-06-21")


def test_control_and_escape_characters_are_stripped():
    deck = parse_deck(HEADER + 'entities:\n  - {id: a, type: c, name: "\\e[31mRed\\e[0m\\x00 \\e]8;;http://x\\aLink"}\n')
    assert deck.entities["a"].name.get("en") == "Red Link"


def test_markup_like_text_is_kept_literally():
    deck = parse_deck(HEADER + 'entities:\n  - {id: a, type: c, name: "[@click=app.quit]x[/]"}\n')
    assert deck.entities["a"].name.get("en") == "[@click=app.quit]x[/]"


def test_card_choices_must_contain_the_back():
    text = HEADER + "cards:\n  - {front: F, back: B, choices: [X, Z]}\n"
    assert any("exactly one choice must equal the back" in p for p in problems(text))


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(DeckError, match="cannot read"):
        load_deck(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"deck: {id: t, title: \xff}\n")
    with pytest.raises(DeckError, match=r"bad\.yaml:1: not UTF-8"):
        load_deck(bad)


def test_boolean_false_value_is_the_explicit_negative():
    from quiz.knowledge import Knowledge

    text = HEADER + textwrap.dedent("""\
        entities:
          - {id: a, type: country, name: A}
        relations:
          - {id: nuke, subject_type: country, value_type: boolean, label: nuclear,
             templates: {en: {statement: "{subject} has nuclear weapons."}}}
        facts:
          - {id: f, subject: a, relation: nuke, value: false}
        """)
    assert Knowledge(parse_deck(text)).truth("a", "nuke", True) is False
