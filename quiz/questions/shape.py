"""The shape of a card's answer: which other answers may stand beside it as multiple-choice options.

A year is offered among years, a symbol among symbols, a name among names: an option of another
shape would give the key away ("H" beside "Helium (Z = 2)"). The shapes, tried in this order on the
answer with its outer spaces stripped:

- `year`: three or four digits, optionally with BC, BCE, AD or CE before or after ("1945", "1066 AD")
- `number`: digits with an optional sign, decimal point, thousands separators, `%` or `°` ("42", "-3.5", "1,000")
- `symbol`: one word of at most 3 characters ("Fe", "H", "UK")
- `word`: one longer word ("hydrogen")
- `name`: 2 to 4 words and at most 40 characters ("Hydrogen (Z = 1)", "Rio de Janeiro")
- `phrase`: 5 to 12 words on one line
- `long`: anything longer, or on several lines

- `noted`: a symbol, word or name followed by a note in parentheses ("Hydrogen (Z = 1)",
  "Hydrogen, the lightest (Z = 1)"): offered among its like, not among bare words

Words are what str.split() finds. A longer answer with a note is measured without it (and quiz
also accepts an answer typed without its note).
"""

from __future__ import annotations

import re

SHAPES = ("year", "number", "symbol", "word", "name", "phrase", "long", "noted")
_YEAR = re.compile(r"\d{3,4}(?: ?(?:BC|BCE|AD|CE))?|(?:AD|CE) ?\d{1,4}", re.I)
_NUMBER = re.compile(r"[-+\u2212]?\d+(?:[,. ]\d+)*[%\u00b0]?")
_NOTE = re.compile(r"(.*?\w.*?)\s+\([^()\n]*\)")  # "Hydrogen (Z = 1)": an answer, then a note about it


def without_note(answer: str) -> str | None:
    """The answer without a parenthesised note at its end ("Hydrogen" for "Hydrogen (Z = 1)"), or None."""
    answer = answer.strip()
    if not answer.endswith(")"):  # the common case, without a regular expression
        return None
    match = _NOTE.fullmatch(answer)
    return match[1] if match else None


def answer_shape(text: str) -> str:
    """One of SHAPES (see the module's docstring)."""
    head = without_note(text)
    shape = _bare_shape(head if head is not None else text.strip())
    return "noted" if head is not None and shape in ("symbol", "word", "name") else shape


def _bare_shape(text: str) -> str:
    if "\n" in text:
        return "long"
    if _YEAR.fullmatch(text):
        return "year"
    if _NUMBER.fullmatch(text):
        return "number"
    words = len(text.split())
    if words <= 1:
        return "symbol" if len(text) <= 3 else "word"
    if words <= 4 and len(text) <= 40:
        return "name"
    return "phrase" if words <= 12 else "long"
