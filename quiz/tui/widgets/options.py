"""The options of a choice question: numbered lines of ONE widget, clickable, always literal text.

A widget per option cost a restyle and a layout per row at every question; one Static costs one
text update. A click finds its option by line (options may wrap onto several lines).
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.geometry import Offset
from textual.message import Message
from textual.widgets import Static

from quiz.tui.literal import literal

SELECTED, KEY, WRONG, HOVER = "on $primary 30%", "bold on $success 25%", "on $error 25%", "on $boost"


class Options(Static):
    """Numbered options. Posts Picked(index) on a click; the screen decides what a pick means."""

    DEFAULT_CSS = "Options { height: auto; }"

    class Picked(Message):
        def __init__(self, index: int):
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None):
        super().__init__(markup=False, id=id)
        self.choices: list[str] = []
        self.multi = False
        self.chosen: set[int] = set()  # select-all: the options toggled on
        self.keys: set[int] | None = None  # after the answer: the right options
        self.picked: set[int] = set()  # after the answer: what the learner picked
        self.hovered: int | None = None
        self.lines: list[Content] = []

    def set_choices(self, choices: list[str], multi: bool) -> None:
        self.choices, self.multi = list(choices), multi
        self.chosen, self.keys, self.picked, self.hovered = set(), None, set(), None
        self._draw()

    def toggle(self, index: int) -> None:
        self.chosen ^= {index}
        self._draw()

    def selected(self) -> list[int]:
        return sorted(self.chosen)

    def show_result(self, keys: list[int], picked: list[int]) -> None:
        """Mark the right options, and the learner's wrong picks."""
        self.keys, self.picked, self.hovered = set(keys), set(picked), None
        self._draw()

    def mark(self, index: int) -> str:
        """"✔" a right option, "✘" a wrong pick, after the answer; marks keep right and wrong readable
        without colour (NO_COLOR, monochrome terminals)."""
        if self.keys is None:
            return ""
        return "✔" if index in self.keys else "✘" if index in self.picked else ""

    def state(self, index: int) -> str:
        """"key", "wrong", "selected", or "" : what the option's colour says."""
        if self.keys is not None:
            return "key" if index in self.keys else "wrong" if index in self.picked else ""
        return "selected" if index in self.chosen else ""

    def _draw(self) -> None:
        lines = []
        for index, text in enumerate(self.choices):
            box = ("[x] " if index in self.chosen else "[ ] ") if self.multi else ""
            line = Content.assemble((self.mark(index) or " ") + " ", (f"{index + 1}  ", "bold"), box, literal(text))
            style = {"key": KEY, "wrong": WRONG, "selected": SELECTED}.get(self.state(index), "")
            if not style and index == self.hovered:
                style = HOVER
            lines.append(line.stylize_before(style) if style else line)
        self.lines = lines
        self.update(Content("\n").join(lines))

    def _line_counts(self) -> list[int]:
        width = self.content_size.width
        return [len(line.wrap(width)) if width > 0 else 1 for line in self.lines]

    def index_at(self, y: int) -> int | None:
        """The option drawn on line `y` of the content (None below the last)."""
        top = 0
        for index, count in enumerate(self._line_counts()):
            if top <= y < top + count:
                return index
            top += count
        return None

    def offset_of(self, index: int) -> Offset:
        """Where to click (relative to the widget) to pick option `index`: on its number."""
        return Offset(2, sum(self._line_counts()[:index])) + self.styles.gutter.top_left

    def _index_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        return None if offset is None else self.index_at(offset.y)

    def on_click(self, event: events.Click) -> None:
        index = self._index_at(event)
        if index is not None:
            event.stop()
            self.post_message(self.Picked(index))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._index_at(event) if self.keys is None else None
        if index != self.hovered:
            self.hovered = index
            self._draw()

    def on_leave(self, event: events.Leave) -> None:
        if self.hovered is not None:
            self.hovered = None
            self._draw()
