"""Deck text on screen: always literal, never markup, never a terminal control sequence.

The deck readers already drop control characters; this is the last line, at the glass, for text
from anywhere else (a database written by another version, an importer that forgot).
"""

from __future__ import annotations

import re

from textual.content import Content

# C0 controls but newline, DEL and C1 controls: an ESC left in would reach the terminal.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """`text` without control characters (a tab becomes a space)."""
    text = text.replace("\t", " ")
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def literal(text: str, style: str = "") -> Content:
    """Deck text as Content: shown exactly as written, whatever brackets it holds."""
    return Content.styled(clean(text), style) if style else Content(clean(text))
