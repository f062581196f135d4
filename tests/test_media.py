"""The media a question shows: found for the learner to open, never outside the deck's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.config import StudyConfig
from quiz.questions.generator import QuestionGenerator
from quiz.study.engine import Library
from quiz.study.importing import import_deck, media_folder
from quiz.study.media import media_paths, shows_media

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
PACKAGE = FIXTURES / "anki" / "chemistry-modern.apkg"
pytestmark = pytest.mark.skipif(not PACKAGE.is_file(), reason="shared fixtures not beside the checkout")


@pytest.fixture
def library(tmp_path):
    with Library.open(tmp_path / "q.db", config=StudyConfig(), clock=lambda: 1_750_000_000_000,
                      sync_bundled=False) as library:
        import_deck(library, PACKAGE)
        yield library


def questions(library):
    return QuestionGenerator(library.deck_model("chemistry"), "en", seed=0).generate()


def test_a_question_with_a_picture_finds_its_file(library):
    with_media = [q for q in questions(library) if shows_media(q)]
    assert with_media, "the Fe note's back shows red-square.png"
    for question in with_media:
        assert media_paths(library, question) == [(media_folder(library, "chemistry") / "red-square.png").resolve()]
    plain = [q for q in questions(library) if not shows_media(q)]
    assert plain and all(media_paths(library, q) == [] for q in plain)


def test_a_missing_file_or_a_name_outside_the_folder_is_not_offered(library, tmp_path):
    question = next(q for q in questions(library) if shows_media(q))
    picture = media_folder(library, "chemistry") / "red-square.png"
    picture.unlink()
    assert media_paths(library, question) == []
    # A card whose media name climbs out of the folder (a store edited by hand): ignored.
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"x")
    model = library.deck_model("chemistry")
    card = next(c for c in model.cards if c.id in question.facts)
    object.__setattr__(card, "media", ("../../secret.png", "../secret.png"))
    assert media_paths(library, question) == []
