"""Problems found in an input file, each reported as one line: `FILE:LINE: where: what`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a deck file, located by line and field."""

    file: str
    line: int  # 1-based; 0 when the problem is about the whole file
    where: str  # the field, e.g. "facts[3].value"; may be empty
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        where = f" {self.where}:" if self.where else ""
        label = "warning: " if self.severity == "warning" else ""
        return f"{place}:{where} {label}{self.message}"


class DeckError(Exception):
    """A deck that cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(str(problems[0]) if problems else "invalid deck")

    def __str__(self) -> str:
        first = str(self.problems[0]) if self.problems else "invalid deck"
        more = len(self.problems) - 1
        return first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else "")


def no_cards(path: str, warnings: list[str]) -> DeckError:
    """A file that made no card, with the first reason a row gave."""
    return DeckError([Problem(str(path), 0, "", "no cards found" + (f" ({warnings[0]})" if warnings else ""))])
