"""An imported cloze card taken apart again: the sentence, and where each deletion sits in it.

The model keeps a cloze card as text (quiz.formats.anki_notes): its front with each deletion of its
number shown as `[...]` (or `[hint]`), its back the deleted texts joined by ", ", and its
explanation the whole sentence (then, on a new line, the note's Back Extra). From those three the
deletions can be found again, which lets the generator ask a card with several deletions one
deletion at a time, and the Anki exporter write the note back as a cloze.

    split_cloze("Gold's symbol [...] comes from the Latin [...].", "Au, aurum",
                "Gold's symbol Au comes from the Latin aurum.")
    -> Cloze(texts=("Gold's symbol ", " comes from the Latin ", "."), answers=("Au", "aurum"),
             hints=(None, None), extra="")

None when the three do not fit together (a card edited by hand, a deletion inside another).
"""

from __future__ import annotations

from typing import NamedTuple

_MAX = 4000  # longer cards are not taken apart
_MAX_DELETIONS = 20
_MAX_TRIES = 256  # placeholder positions tried: a front full of brackets is not a cloze worth finding


class Cloze(NamedTuple):
    texts: tuple[str, ...]  # the text around the deletions: one more than there are deletions
    answers: tuple[str, ...]  # each deletion's text, in order
    hints: tuple[str | None, ...]  # each deletion's hint, or None
    extra: str  # what the explanation adds after the sentence (Anki's Back Extra), or ""

    @property
    def sentence(self) -> str:
        """The whole sentence, every deletion shown."""
        return self.asked(-1)

    def asked(self, index: int) -> str:
        """The sentence with deletion `index` hidden (as `[...]` or `[hint]`) and the others shown."""
        out = [self.texts[0]]
        for i, answer in enumerate(self.answers):
            out.append(f"[{self.hints[i] or '...'}]" if i == index else answer)
            out.append(self.texts[i + 1])
        return "".join(out)

    def spans(self) -> list[tuple[int, int]]:
        """(start, end) of each deletion in the sentence."""
        out, at = [], len(self.texts[0])
        for i, answer in enumerate(self.answers):
            out.append((at, at + len(answer)))
            at += len(answer) + len(self.texts[i + 1])
        return out


def split_cloze(front: str, back: str, whole: str | None) -> Cloze | None:
    """The deletions of a cloze card (see the module's docstring); None when they cannot be found."""
    if not whole or not back or max(len(front), len(whole)) > _MAX:
        return None
    found = _one_deletion(front, back, whole)
    if found is None and front.count("[...]") >= 2:
        found = _several_deletions(front, back, whole)
    if found is None:
        return None
    cloze, sentence_end = found
    rest = whole[sentence_end:]
    if rest and not rest.startswith("\n"):
        return None
    return cloze._replace(extra=rest.lstrip("\n"))


def _one_deletion(front: str, back: str, whole: str) -> tuple[Cloze, int] | None:
    """front = before + "[hint]" + after, whole = before + back + after (+ extra)."""
    limit = 0
    while limit < min(len(front), len(whole)) and front[limit] == whole[limit]:
        limit += 1
    start, tries = front.find("["), 0
    while 0 <= start <= limit and tries < _MAX_TRIES:
        if whole.startswith(back, start):
            end = front.find("]", start)
            while end != -1 and tries < _MAX_TRIES:
                tries += 1
                after = front[end + 1:]
                sentence_end = start + len(back) + len(after)
                if whole.startswith(after, start + len(back)) and \
                        (sentence_end == len(whole) or whole[sentence_end] == "\n"):
                    hint = front[start + 1:end]
                    return Cloze((front[:start], after), (back,), (None if hint == "..." else hint,), ""), \
                        sentence_end
                end = front.find("]", end + 1)
        start = front.find("[", start + 1)
    return None


def _several_deletions(front: str, back: str, whole: str) -> tuple[Cloze, int] | None:
    """Several deletions of the same number, each shown as `[...]` (no hints), whose texts joined by
    ", " make the back. Only a back that splits at ", " into exactly as many texts is taken apart
    (linear time, whatever the card holds)."""
    texts = front.split("[...]")
    answers = back.split(", ")
    if len(answers) != len(texts) - 1 or len(answers) > _MAX_DELETIONS or not all(answers):
        return None
    cloze = Cloze(tuple(texts), tuple(answers), (None,) * len(answers), "")
    sentence = cloze.sentence
    if whole.startswith(sentence) and (len(whole) == len(sentence) or whole[len(sentence)] == "\n"):
        return cloze, len(sentence)
    return None
