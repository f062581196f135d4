"""Helpers for the app's tests (fixtures are in conftest.py)."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DECKS = ("facts", "cards", "hostile")
START_MS = int(datetime(2024, 6, 21, 10, 0, tzinfo=UTC).timestamp() * 1000)


class Clock:
    """A clock the test moves by hand: unix milliseconds."""

    def __init__(self, ms: int = START_MS):
        self.ms = ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += int(seconds * 1000)


def only_kinds(db: Path, deck: str, *kinds: str) -> None:
    """Suspend every item of `deck` but those of `kinds`: the session asks only those."""
    marks = ", ".join("?" * len(kinds))
    with sqlite3.connect(db) as conn:
        conn.execute(f"UPDATE items SET status = 'suspended' WHERE deck = (SELECT id FROM decks WHERE name = ?) "
                     f"AND kind NOT IN ({marks})", (deck, *kinds))
    conn.close()


def ask_cards_as(config: Path, mode: str) -> None:
    """Every card shown by the test's app asked as `mode` (quiz.config.CARD_QUESTIONS), as a learner
    would choose in the settings: written into the test's config file."""
    config.write_text(f'[study]\ncard_questions = "{mode}"\n', encoding="utf-8")


def only_cards_typed(db: Path, deck: str = "cards") -> None:
    """Suspend the deck's cards that are never typed (their author gave choices): with cards asked
    as "typed", every question is then typed."""
    from quiz.study.engine import Library

    with Library.open(db, sync_bundled=False) as library:
        anchors = [(f"card:{card.id}",) for card in library.deck_model(deck).cards if card.choices]
    with sqlite3.connect(db) as conn:
        conn.executemany("UPDATE items SET status = 'suspended' WHERE anchor = ?", anchors)
    conn.close()


def query(db: Path, sql: str, *params) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def review_count(db: Path) -> int:
    return query(db, "SELECT count(*) FROM reviews")[0][0]


async def settle(pilot, until=None, timeout: float = 5.0) -> None:
    """Let workers finish and messages drain, until `until()` holds (if given)."""
    deadline = time.monotonic() + timeout
    while True:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if until is None or until():
            await pilot.wait_for_scheduled_animations()  # and drawn (DataTable sizes its columns when idle)
            await pilot.pause()
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting on {until}; screen:\n{screen_text(pilot.app)}")
        await asyncio.sleep(0.01)


async def first_question(pilot):
    """Wait for the study screen's first question; returns the screen."""
    from quiz.tui.screens.study import StudyScreen

    await settle(pilot, lambda: isinstance(pilot.app.screen, StudyScreen) and pilot.app.screen.shown is not None)
    return pilot.app.screen


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (no styles, no control sequences)."""
    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system=None,
                      record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)
