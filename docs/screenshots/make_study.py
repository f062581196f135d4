"""Make docs/screenshots/study.svg: the study screen, a question answered, its feedback shown.

Run from the checkout: `python docs/screenshots/make_study.py`. It studies the bundled deck in a
throwaway database, at a fixed time, with Textual's own SVG export (App.save_screenshot).
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = (100, 30)
NOW_MS = int(datetime(2025, 3, 3, 9, 0, tzinfo=UTC).timestamp() * 1000)


async def shoot(db: Path, config: Path) -> None:
    from quiz.tui.app import QuizApp

    app = QuizApp(db_path=db, deck="russia-allies", lang="en", settings_path=config, clock=lambda: NOW_MS)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause()
            if getattr(app.screen, "shown", None) is not None:
                break
        screen = app.screen
        question = screen.shown.question
        wrong = next(i for i in range(len(question.choices)) if i not in question.answer)
        await pilot.press(str(wrong + 1))
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        app.save_screenshot(filename="study.svg", path=str(HERE))


def main() -> None:
    from quiz.study.engine import Library

    with tempfile.TemporaryDirectory() as folder:
        db, config = Path(folder) / "quiz.db", Path(folder) / "config.toml"
        Library.open(db, clock=lambda: NOW_MS).close()  # registers the bundled decks
        with sqlite3.connect(db) as conn:  # a four-option question comes first
            conn.execute("UPDATE items SET status = 'suspended' WHERE kind != 'mcq' OR template NOT LIKE 'mcq.%'")
        asyncio.run(shoot(db, config))
    print(HERE / "study.svg")


if __name__ == "__main__":
    main()
