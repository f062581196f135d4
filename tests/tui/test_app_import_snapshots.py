"""Snapshots of the import screen's preview at 80x24, in English and Indonesian.

The file is copied into the test's own folder (the current one) and typed as a relative path, so
the picture is the same on every machine. Look at a changed picture before accepting it
(`pytest tests/tui/test_app_import_snapshots.py --snapshot-update`).
"""

from __future__ import annotations

import shutil

import pytest
from test_app_import import ANKI, open_import, preview

pytestmark = pytest.mark.skipif(not ANKI.is_dir(), reason="needs ../shared/fixtures")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_import_preview(snap_compare, make_app, tmp_path, lang):
    shutil.copy(ANKI / "chemistry-notes.txt", tmp_path / "chemistry-notes.txt")

    async def previewed(pilot):
        screen = await open_import(pilot)
        await preview(pilot, screen, "chemistry-notes.txt")
        assert screen.state == "preview"

    assert snap_compare(make_app(lang=lang), terminal_size=(80, 24), run_before=previewed)
