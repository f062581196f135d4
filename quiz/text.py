"""Text hygiene: what deck text may contain, and how typed answers are compared."""

from __future__ import annotations

import re
import unicodedata

# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other 2-byte escapes,
# and their 8-bit C1 forms. Removed whole so no fragment like "[31m" is left behind.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?         # CSI
    # OSC, DCS, SOS, PM, APC strings run to BEL or ST; unterminated, only the introducer goes. The
    # body never crosses another ESC, so no introducer rescans the rest of the text (linear time).
    | (?:\x1b\]|\x9d)(?:[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c))?
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])(?:[^\x1b\x9c]*(?:\x1b\\|\x9c))?
    | \x1b[@-Z\\-_]                           # other two-byte escapes
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 and C1 controls except tab and newline, DEL, and the bidirectional overrides that can make
# text display in a different order than it is stored.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Remove terminal escape sequences and control characters; keep tabs and newlines."""
    if text.isprintable():  # the common case: nothing to do
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an) ")


def fold(text: str) -> str:
    """The comparable form of an answer: no case, accents, punctuation, extra spaces or a
    leading English article ("the Caribbean" and "caribbean" are the same answer)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _LEADING_ARTICLE.sub("", _NOT_WORD.sub(" ", bare).strip())
