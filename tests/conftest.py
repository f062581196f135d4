from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture
def mini_path() -> Path:
    return DATA / "mini.yaml"


@pytest.fixture
def mini_deck(mini_path):
    from quiz.formats.yaml_deck import load_deck

    return load_deck(mini_path)


class ManualClock:
    """A clock the test moves by hand: unix milliseconds."""

    def __init__(self, ms: int):
        self.ms = ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, **span) -> None:
        self.ms += int(timedelta(**span).total_seconds() * 1000)


@pytest.fixture
def start_ms() -> int:
    """When the test's clock starts (a module overrides this fixture to start elsewhere)."""
    return 1_750_000_000_000


@pytest.fixture
def clock(start_ms) -> ManualClock:
    return ManualClock(start_ms)


@pytest.fixture
def library(tmp_path, mini_path, clock):
    """A library holding the mini deck, on the test's clock (`library.clock`)."""
    from quiz.config import StudyConfig
    from quiz.study.engine import Library

    lib = Library.open(tmp_path / "quiz.db", config=StudyConfig(), clock=clock, sync_bundled=False)
    lib.add_deck_file(mini_path)
    yield lib
    lib.close()
