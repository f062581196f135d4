"""The rating policy: how an answer becomes an FSRS rating (1 Again, 2 Hard, 3 Good, 4 Easy).

Auto-graded questions (every kind but flashcards):

- A wrong answer is **Again**.
- A right answer is **Good**, except:
  - **Hard** if it was slow: longer than `slow_ms` plus `slow_ms_per_char` for every character of
    the prompt and options (reading takes time), plus `typed_extra_ms` for typed answers;
  - **Hard** if it was a typo: a typed answer within a small edit distance of an accepted one
    (quiz/study/checking.py), and the learner is told so;
  - **Hard** if the learner marks it as a guess afterwards (StudySession.mark_guess);
  - **Easy** only if it was fast (under `fast_ms` plus `fast_ms_per_char` per character, plus
    `typed_extra_ms` / 4 for typed answers) *and* the item is mature: in review with a current
    interval of at least `mature_days` (Anki's "mature"). A fast answer to a young item is Good:
    speed on the first few meetings says little about memory.

Flashcards are graded by the learner after seeing the answer (1-4), unchanged.

Every threshold can be changed in the `[rating]` table of config.toml (quiz/config.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}


@dataclass(frozen=True, slots=True)
class RatingPolicy:
    """How a checked answer's correctness and speed become an FSRS rating."""

    slow_ms: int = 10_000  # a right answer slower than this (plus reading time) is Hard
    slow_ms_per_char: int = 50
    fast_ms: int = 2_000  # a right answer faster than this (plus reading time) may be Easy
    fast_ms_per_char: int = 15
    typed_extra_ms: int = 10_000  # typing takes longer than pressing a number
    mature_days: float = 21.0  # Easy only for items whose current interval is at least this

    def rate(self, *, correct: bool, elapsed_ms: int, chars: int, typed: bool, typo: bool = False,
             interval_days: float | None = None) -> int:
        """The rating of an auto-graded answer.

        `chars` is the length of the prompt and options, `interval_days` the item's current
        interval (None while it is new or learning).
        """
        if not correct:
            return AGAIN
        if typo:
            return HARD
        extra = self.typed_extra_ms if typed else 0
        if elapsed_ms > self.slow_ms + self.slow_ms_per_char * chars + extra:
            return HARD
        fast = elapsed_ms < self.fast_ms + self.fast_ms_per_char * chars + extra // 4
        if fast and interval_days is not None and interval_days >= self.mature_days:
            return EASY
        return GOOD

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RatingPolicy:
        return cls(**data)
