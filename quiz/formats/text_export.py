"""Write a deck as an Anki text file (tab-separated, with Anki's headers), for Anki or any spreadsheet.

    #separator:tab
    #html:false
    #notetype:Basic
    #columns:Front	Back	Tags	Deck
    #tags column:3
    #deck column:4
    H	Hydrogen (Z = 1)	element period-1	Chemistry::Elements

Anki (2.1.55 and later) reads the headers and imports each row as a Basic note; quiz's own text
reader (quiz.formats.text_deck) reads it back as the same cards. A card deck gives one row per card
(a cloze card as its question with `[...]` and its answer); a fact deck gives the flashcards quiz
generates from its facts, in `lang`. Fields are quoted as RFC 4180 says when they hold a tab, a
quote or a new line, or start with `#` (which would otherwise read as a comment).
"""

from __future__ import annotations

from quiz.model import Deck

_QUOTE = ("\t", '"', "\n", "\r")


def deck_rows(deck: Deck, lang: str = "en") -> list[tuple[str, str, tuple[str, ...], str]]:
    """(front, back, tags, deck path) for each card, then for each flashcard generated from facts."""
    rows = [(card.front.get(lang), card.back.get(lang), card.tags, "::".join(card.deck_path))
            for card in deck.cards]
    if deck.facts:
        from quiz.questions.generator import QuestionGenerator

        for question in QuestionGenerator(deck, lang, seed=0).generate():
            if question.kind == "flashcard" and not question.template.startswith("card."):
                tags = (question.topic,) if question.topic else ()
                rows.append((question.prompt, question.answer_text, tags, ""))
    return rows


def deck_to_csv(deck: Deck, lang: str = "en") -> str:
    rows = deck_rows(deck, lang)
    with_decks = any(path for *_, path in rows)
    columns = ["Front", "Back", "Tags", *(["Deck"] if with_decks else [])]
    lines = ["#separator:tab", "#html:false", "#notetype:Basic"]
    if not with_decks:
        lines.append("#deck:" + _one_line(deck.title.get(lang)))
    lines.append("#columns:" + "\t".join(columns))
    lines.append("#tags column:3")
    if with_decks:
        lines.append("#deck column:4")
    for front, back, tags, path in rows:
        fields = [front, back, " ".join(_tag(tag) for tag in tags)]
        if with_decks:
            fields.append(path or _one_line(deck.title.get(lang)))
        lines.append("\t".join(_field(text) for text in fields))
    return "\n".join(lines) + "\n"


def _tag(tag: str) -> str:
    """Anki tags are single words: spaces become underscores."""
    return "_".join(tag.split())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _field(text: str) -> str:
    if text.startswith("#") or any(char in text for char in _QUOTE):
        return '"' + text.replace('"', '""') + '"'
    return text
