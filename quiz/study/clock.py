"""Time: unix milliseconds (UTC) inside, local study days at the edges.

A study day starts at `day_starts_at` local time (4 am by default, as Anki), so a session after
midnight still counts for the evening's day.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def day_start(at_ms: int, starts_at: int = 4, days: int = 0) -> int:
    """The start (unix ms) of the study day holding `at_ms`, moved by `days` whole days."""
    local = datetime.fromtimestamp(at_ms / 1000)  # naive local time, so DST is handled by timestamp()
    start = local.replace(hour=starts_at, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return int((start + timedelta(days=days)).timestamp() * 1000)
