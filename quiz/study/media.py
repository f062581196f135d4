"""The media files a question shows, for the learner to open.

Cards imported from Anki keep their pictures and sounds as files in the deck's media folder
(quiz.study.importing.media_folder) and as `[image: NAME]` placeholders in their text. A question
rests on its card (`question.facts` holds the card id); its files are the card's `media` names
that exist in that folder. Names were made safe on import; a name that still points outside the
folder is ignored rather than trusted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quiz.questions.question import Question
    from quiz.study.engine import Library

# The placeholders html_text.placeholder writes: cheap to look for before reading the deck.
_PLACEHOLDER = re.compile(r"\[(?:image|audio|video)(?::[^\]\n]*)?\]")


def shows_media(question: Question) -> bool:
    """Whether the question's text has a media placeholder (then media_paths may find its files)."""
    texts = [question.prompt, question.answer_text or "", *question.choices]
    return any(_PLACEHOLDER.search(text) for text in texts)


def media_paths(library: Library, question: Question) -> list[Path]:
    """The files, in the card's order, that exist in the deck's media folder."""
    from quiz.study.importing import media_folder

    wanted = set(question.facts)
    model = library.deck_model(question.deck)
    folder = media_folder(library, question.deck).resolve()
    found: list[Path] = []
    for card in model.cards:
        if card.id not in wanted:
            continue
        for name in card.media:
            path = (folder / name).resolve()
            if path.parent == folder and path.is_file() and path not in found:
                found.append(path)
    return found
