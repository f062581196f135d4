"""Small terminal charts for the stats screen: a year's calendar as a heatmap, and horizontal bars.

Both draw rich Text built from plain strings (labels are never parsed as markup), and both are
imported only when the stats screen opens.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Sparkline

from quiz.i18n import MONTHS

# Answers per day in four steps of colour, each a quarter of the busiest day (as Anki's calendar);
# an empty day is a dim dot.
LEVELS = ("#9be9a8", "#40c463", "#30a14e", "#216e39")
WEEKDAYS = {"en": ("Mon", "", "Wed", "", "Fri", "", ""), "id": ("Sen", "", "Rab", "", "Jum", "", "")}


def heatmap_text(days: list[dict], lang: str = "en") -> Text:
    """days: [{"date": ISO, "reviews": n}, ...] oldest first: weeks as columns, Monday to Sunday as rows."""
    if not days:
        return Text("")
    first = date.fromisoformat(days[0]["date"])
    counts = [day["reviews"] for day in days]
    top = max(counts, default=0) or 1
    pad = first.weekday()  # the first column starts on a Monday
    weeks = (pad + len(days) + 6) // 7
    grid = [[" "] * weeks for _ in range(7)]
    levels = [[-2] * weeks for _ in range(7)]
    for index, n in enumerate(counts):
        slot = pad + index
        week, weekday = divmod(slot, 7)
        levels[weekday][week] = -1 if not n else min(3, (4 * n - 1) // top)  # quarters of the busiest day
        grid[weekday][week] = "■" if n else "·"
    # A month's name goes over the first week it starts in, if there is room: three columns and a
    # space. The grid's first month is often a few days' worth: it gives way to the next month's name
    # rather than push it out (December went missing after a late November start).
    starts: list[tuple[int, int]] = []  # (week, month)
    for week in range(weeks):
        moment = date.fromordinal(first.toordinal() + max(0, week * 7 - pad))
        if not starts or moment.month != starts[-1][1]:
            starts.append((week, moment.month))
    placed: list[tuple[int, int]] = []
    for week, month in starts:
        if week + 3 > weeks:
            continue
        if placed and week < placed[-1][0] + 4:
            if len(placed) > 1 or placed[0][0] != 0:
                continue
            placed.pop()
        placed.append((week, month))
    months = [" "] * weeks
    for week, month in placed:
        months[week:week + 3] = list(MONTHS.get(lang, MONTHS["en"])[month - 1][:3])
    labels = WEEKDAYS.get(lang, WEEKDAYS["en"])
    text = Text("    " + "".join(months).rstrip() + "\n", style="dim")
    for weekday in range(7):
        text.append(f"{labels[weekday]:<4}", style="dim")
        for week in range(weeks):
            level = levels[weekday][week]
            style = "dim" if level < 0 else LEVELS[level]
            text.append(grid[weekday][week], style=style)
        if weekday < 6:
            text.append("\n")
    return text


class Heatmap(Widget):
    """A year of study days at a glance."""

    DEFAULT_CSS = """
    Heatmap { height: 8; width: auto; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.days: list[dict] = []
        self.lang = "en"

    def show(self, days: list[dict], lang: str) -> None:
        self.days, self.lang = days, lang
        self.refresh(layout=True)

    def get_content_width(self, container, viewport) -> int:
        if not self.days:
            return 1
        pad = date.fromisoformat(self.days[0]["date"]).weekday()
        return 4 + (pad + len(self.days) + 6) // 7

    def render(self) -> Text:
        return heatmap_text(self.days, self.lang)


class DaySparkline(Sparkline):
    """A sparkline of one bar per day, each as wide as the others. Sparkline spreads the days over
    the width in fractional steps (30 days across 116 columns, or even 90, came out as bars of 2, 3
    and 4): here each day's value is repeated as many times as its bar is wide, across the largest
    multiple of the number of days that fits, so that every column is one value."""

    def render(self):
        renderable = super().render()
        data, width = list(self.data or ()), self.size.width
        if 0 < len(data) <= width:
            per = width // len(data)
            renderable.data = [value for value in data for _ in range(per)]
            renderable.width = per * len(data)
        return renderable


def bars_text(rows: list[tuple[str, float, str]], width: int = 30, style: str = "green") -> Text:
    """One line per row: label, a bar as long as value is of the largest, and the value as text."""
    top = max((value for _, value, _ in rows), default=0) or 1
    label_width = max((len(label) for label, _, _ in rows), default=0)
    text = Text()
    for index, (label, value, shown) in enumerate(rows):
        cells = value / top * width
        bar = "█" * int(cells) + (" ▏▎▍▌▋▊▉"[int((cells % 1) * 8)] if cells % 1 >= 0.125 else "")
        text.append(f"{label:<{label_width}} ")
        text.append(bar, style=style)
        text.append(f" {shown}")
        if index < len(rows) - 1:
            text.append("\n")
    return text
