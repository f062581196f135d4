"""Fixtures for the app's tests: each test gets its own database, config file, folders and a clock.

Every test starts from a copy of one prepared database (the decks in tests/tui/data, registered
once per run), with the bundled decks kept out so that what a screen shows depends only on these
files. The clock is fixed (21 June 2024, 10:00 UTC) and the time zone is UTC, so every date and
interval the app prints is the same on every machine.
"""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
import time
from pathlib import Path

import pytest
from tui_helpers import DATA, DECKS, Clock


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests in a fresh event loop (no asyncio plugin needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**arguments))
        return True
    return None


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    from quiz.study.engine import Library

    path = tmp_path_factory.mktemp("template") / "quiz.db"
    library = Library.open(path, clock=Clock(), sync_bundled=False)
    try:
        for name in DECKS:
            library.add_deck_file(DATA / f"{name}.yaml")
    finally:
        library.close()
    return path


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Nothing of the developer's (config, data, current folder, bundled decks) leaks in."""
    monkeypatch.chdir(tmp_path)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.setenv("QUIZ_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("QUIZ_DB", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr("quiz.bundled.bundled_decks", dict)
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path, template_db) -> Path:
    path = tmp_path / "quiz.db"
    source, target = sqlite3.connect(template_db), sqlite3.connect(path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return path


@pytest.fixture
def config_path(tmp_path) -> Path:
    return tmp_path / "config.toml"


@pytest.fixture
def make_app(db_path, clock):
    from quiz.tui.app import QuizApp

    def make(deck: str | None = None, **options) -> QuizApp:
        return QuizApp(db_path=db_path, deck=deck, clock=clock, **options)

    return make
