"""Is an answer right? Choice answers by index, typed answers by folded text with typo tolerance.

- Single-answer kinds (mcq, mcq_not, true_false): right if exactly the key is chosen.
- Multi-select: right only if exactly the keys are chosen, no more, no fewer.
- Typed (type_in, cloze): compared after quiz.text.fold (case, accents, punctuation and spacing do
  not count) with the answer and every accepted form (aliases, other languages). A near miss is a
  typo: counted right, rated Hard (quiz/study/rating.py), and reported so the learner sees it.
  A near miss is at most 1 edit (a transposition is one) for answers of 5 to 8 characters and 2
  for longer ones; for answers of 3 or 4 characters only two neighbouring letters swapped ("Asai"
  for "Asia": one changed letter is as often another word); never for answers with digits (a year
  one off is a wrong year), nor when what was typed is itself another name the deck knows ("Iraq"
  for "Iran").
- An empty response (no option, no text) means "I don't know": wrong.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass

from quiz.questions.question import CHOICE_KINDS, TYPED_KINDS, Question
from quiz.text import clean, fold


@dataclass(frozen=True, slots=True)
class Check:
    """Whether an answer is right, and for a typed one, what was typed against what was meant."""

    correct: bool
    typo: bool = False
    typed: str = ""  # what was typed (typed kinds)
    expected: str = ""  # the accepted form nearest to it, for showing the difference
    given: str | None = None  # for the log: the chosen option texts, one per line, or the typed text

    def to_dict(self) -> dict:
        return asdict(self)


def check(question: Question, response: Sequence[int] | str, other_names: Collection[str] = ()) -> Check:
    """Check `response` (option indices, or typed text) against `question`.

    `other_names` are folded names the deck knows; typing one of them is never a typo.
    Raises ValueError for a response of the wrong shape (the interface's mistake, not the learner's).
    """
    if question.kind in CHOICE_KINDS:
        if isinstance(response, str) or not all(isinstance(i, int) for i in response):
            raise ValueError(f"a {question.kind} answer is a list of option indices")
        return check_choice(question, list(response))
    if question.kind in TYPED_KINDS:
        if not isinstance(response, str):
            raise ValueError(f"a {question.kind} answer is text")
        return check_typed(question, response, other_names)
    raise ValueError(f"{question.kind} questions are graded by the learner, not checked")


def check_choice(question: Question, picked: list[int]) -> Check:
    if any(not 0 <= i < len(question.choices) for i in picked) or len(set(picked)) != len(picked):
        raise ValueError(f"option indices must be distinct and within 0-{len(question.choices) - 1}")
    if question.kind != "multi_select" and len(picked) > 1:
        raise ValueError(f"a {question.kind} question takes one option")
    given = "\n".join(question.choices[i] for i in sorted(picked))
    return Check(correct=bool(picked) and sorted(picked) == sorted(question.answer), given=given)


def check_typed(question: Question, text: str, other_names: Collection[str] = ()) -> Check:
    typed = clean(text).strip()
    folded = fold(typed)
    forms = list(dict.fromkeys([question.answer_text, *question.accepted]))
    if not folded:
        return Check(correct=False, typed=typed, expected=question.answer_text, given=typed)
    if any(fold(form) == folded for form in forms):
        return Check(correct=True, typed=typed, expected=typed, given=typed)
    near = _nearest(folded, forms)
    if near is not None and folded not in other_names:
        return Check(correct=True, typo=True, typed=typed, expected=near, given=typed)
    return Check(correct=False, typed=typed, expected=question.answer_text, given=typed)


def allowed_edits(folded_answer: str) -> int:
    if any(ch.isdigit() for ch in folded_answer):
        return 0
    length = len(folded_answer)
    return 0 if length <= 4 else 1 if length <= 8 else 2


def swapped_neighbours(folded: str, target: str) -> bool:
    """A short word (3-4 letters, no digits) typed with two neighbouring letters swapped: "asai" for
    "asia". The only typo a word that short is allowed: one letter changed is as often another word
    ("iraq" for "iran"), and a year's digits swapped are another year."""
    if not 3 <= len(target) <= 4 or len(folded) != len(target) or any(ch.isdigit() for ch in target):
        return False
    diff = [i for i in range(len(target)) if folded[i] != target[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and folded[diff[0]] == target[diff[1]] \
        and folded[diff[1]] == target[diff[0]]


def _nearest(folded: str, forms: list[str]) -> str | None:
    """The accepted form within typo distance of `folded`, nearest first; None if there is none."""
    from rapidfuzz.distance import OSA

    best, best_distance = None, None
    for form in forms:
        target = fold(form)
        limit = allowed_edits(target)
        if not limit:
            if best is None and swapped_neighbours(folded, target):
                best, best_distance = form, 1
            continue
        distance = OSA.distance(folded, target, score_cutoff=limit)
        if distance <= limit and (best_distance is None or distance < best_distance):
            best, best_distance = form, distance
    return best
