"""An Anki package's review log replayed while its cards are still being read.

`quiz import` of a package reads it in a second process (quiz.study.read_ahead) and stores its cards
as they come; this process waits on that reader much of the time. The review log is known before
the first card (the reader announces it), and replaying it through FSRS, card by card, is most of
what is left once the last card is stored. So it is replayed in those waits, a few cards at a
time, each card's log as the import will most likely log it: its reviews at their own times, on
an item with no log before. What the replay cannot know yet is the item, which seeds the fuzz of
the due; fsrs never reads a card's due, so the log is replayed without it and the last due fuzzed
once the item is known (Scheduling.review(fuzz=False), Scheduling.fuzzed_due).

The import then uses a replay only when the item's log is exactly the one replayed (no review
moved by a clash with another deck's, none logged before): anything else is replayed there, as
it always was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quiz.store.items import Schedule
    from quiz.study.scheduler import Scheduling

STEP = 32  # cards replayed a step (about 2 ms: a wait on the reader is a few)


@dataclass(frozen=True, slots=True)
class Replayed:
    """One card's log replayed on a new item: what it was, the state each answer was given in, and the
    schedule after the last, its due not yet fuzzed."""

    answers: tuple[tuple[int, int], ...]  # (at, rating), in time order
    states: tuple[int, ...]
    schedule: Schedule


class ReplayAhead:
    """Each card's reviews, replayed a step at a time once `start` gives the deck's scheduling."""

    def __init__(self, reviews: Iterable[tuple[int, int, int]]):
        """`reviews`: (card, at, rating) in time order, ratings 1-4: the card is any key (an Anki card id)."""
        logs: dict[int, list[tuple[int, int]]] = {}
        for card, at, rating in reviews:
            logs.setdefault(card, []).append((at, rating))
        self._todo = iter(logs.items())
        self.scheduling: Scheduling | None = None
        self.replayed: dict[int, Replayed] = {}
        self.card_ids: dict[int, str] = {}  # Anki card id -> the id of the card made of it, once known

    def start(self, scheduling: Scheduling) -> None:
        self.scheduling = scheduling

    def step(self) -> bool:
        """Replay a few cards' logs; whether there are more to do (none before `start`)."""
        scheduling = self.scheduling
        if scheduling is None:
            return False
        from quiz.store.items import Schedule

        review, replayed = scheduling.review, self.replayed
        for card, answers in self._todo:
            schedule, states = Schedule(), []
            for at, rating in answers:
                states.append(schedule.state)
                schedule = review(0, schedule, rating, at, fuzz=False)
            replayed[card] = Replayed(tuple(answers), tuple(states), schedule)
            if len(replayed) % STEP == 0:
                return True
        return False

    def by_card(self) -> dict[str, Replayed]:
        """The replays done, by the id of the card made of each Anki card."""
        card_ids = self.card_ids
        return {card_ids[card]: replayed for card, replayed in self.replayed.items() if card in card_ids}
