"""Study days: where each one starts, in the learner's time zone, with `day_starts_at`.

A study day starts at `day_starts_at` local time (quiz.study.clock.day_start); the boundaries of a
span of days are listed once, and a review time finds its day by bisection, so a million reviews are
placed in days without a datetime per review. Days are numbered by their local date's ordinal.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime

from quiz.study.clock import day_start


class StudyDays:
    """The study days from the one holding `first_ms` to `days_after` days after the one holding `now_ms`."""

    def __init__(self, first_ms: int, now_ms: int, day_starts_at: int = 4, days_after: int = 31):
        self.day_starts_at = day_starts_at
        self.today_start = day_start(now_ms, day_starts_at)
        start = day_start(min(first_ms, now_ms), day_starts_at)
        self.starts: list[int] = []
        self.ordinals: list[int] = []
        ordinal = _local_date(start).toordinal()
        end = day_start(now_ms, day_starts_at, days_after + 1)
        offset = 0
        while True:
            moment = day_start(start, day_starts_at, offset)
            if moment > end:
                break
            self.starts.append(moment)
            self.ordinals.append(ordinal + offset)
            offset += 1
        self.today = self.ordinal(now_ms)

    def ordinal(self, at_ms: int) -> int:
        """The study day (a date ordinal) holding `at_ms`."""
        index = bisect_right(self.starts, at_ms) - 1
        beyond = index == len(self.starts) - 1 and at_ms >= day_start(self.starts[-1], self.day_starts_at, 1)
        if index < 0 or beyond:
            return _local_date(day_start(at_ms, self.day_starts_at)).toordinal()  # outside the span
        return self.ordinals[index]

    def spans(self, since: int, until: int) -> list[tuple[int, int, int]]:
        """(ordinal, from, to) of each study day in the span, cut to [since, until): times in unix ms."""
        out = []
        ends = [*self.starts[1:], day_start(self.starts[-1], self.day_starts_at, 1)]
        first = max(0, bisect_right(self.starts, since) - 1)
        for ordinal, start, end in zip(self.ordinals[first:], self.starts[first:], ends[first:], strict=True):
            if start >= until:
                break
            if end > since:
                out.append((ordinal, max(start, since), min(end, until)))
        return [span for span in out if span[1] < span[2]]

    def start(self, ordinal: int) -> int:
        """The unix ms at which study day `ordinal` starts."""
        index = ordinal - self.ordinals[0]
        if 0 <= index < len(self.starts):
            return self.starts[index]
        return day_start(self.starts[0], self.day_starts_at, index)


def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def _local_date(ms: int) -> date:
    return datetime.fromtimestamp(ms / 1000).date()


def zone_key(day_starts_at: int) -> str:
    """What study days depend on: the hour and the zone's offsets (sampled over the years, DST included)."""
    samples = [day_start(ms, day_starts_at) % 86_400_000 for ms in
               (1_600_000_000_000 + k * 2_628_000_000 for k in range(0, 120, 5))]
    return f"{day_starts_at}:" + ",".join(map(str, samples))
