"""A row of clickable labels drawn by ONE widget: the buttons under a question, the keys at the bottom.

One Static instead of a widget per button: the labels change at nearly every key (Next, Submit, the
four grades with their intervals), and changing one widget's text costs a fraction of what mounting,
hiding or restyling several costs (bench/tui_experiments.py). A click finds its button by column.
Every button also has a key (the screen's bindings); buttons never take focus.
"""

from __future__ import annotations

from typing import NamedTuple

from textual import events
from textual.content import Content
from textual.geometry import Offset
from textual.message import Message
from textual.widgets import Static


class Button(NamedTuple):
    action: str
    lines: tuple[Content | str, ...]  # one or two lines of label
    style: str = ""  # a Content style: "bold on $primary"


class ButtonRow(Static):
    """Posts Pressed(action) when a button is clicked; `hover` is the style a button takes under the mouse."""

    DEFAULT_CSS = "ButtonRow { height: auto; }"

    class Pressed(Message):
        def __init__(self, row: ButtonRow, action: str):
            super().__init__()
            self.row = row
            self.action = action

        @property
        def control(self) -> ButtonRow:
            return self.row

    def __init__(self, *, pad: int = 2, gap: int = 1, center: bool = True, hover: str = "on $primary-lighten-1",
                 id: str | None = None, classes: str | None = None):
        super().__init__(markup=False, id=id, classes=classes)
        self.pad, self.gap, self.center, self.hover = pad, gap, center, hover
        self.buttons: list[Button] = []
        self.spans: list[tuple[int, int, str]] = []  # (first column, end column, action)
        self.hovered: int | None = None

    def set_buttons(self, buttons: list[Button]) -> None:
        self.buttons, self.hovered = buttons, None
        self._draw()

    def _draw(self) -> None:
        rows, self.spans = draw_buttons(self.buttons, pad=self.pad, gap=self.gap, center=self.center,
                                        hovered=self.hovered if self.hover else None, hover=self.hover)
        self.update(Content("\n").join(rows) if rows else Content(""))

    def labels(self) -> list[str]:
        """Each button's label as plain text, its lines joined by newlines."""
        return ["\n".join(str(line) for line in button.lines) for button in self.buttons]

    def offset_of(self, action: str) -> Offset | None:
        """Where to click (relative to the widget) to press `action`."""
        for start, _end, name in self.spans:
            if name == action:
                return Offset(start + 1, 0) + self.styles.gutter.top_left
        return None

    def _index_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        return None if offset is None else button_at_column(self.spans, offset.x)

    def on_click(self, event: events.Click) -> None:
        index = self._index_at(event)
        if index is not None:
            event.stop()
            self.post_message(self.Pressed(self, self.spans[index][2]))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._index_at(event)
        if index != self.hovered and self.hover:
            self.hovered = index
            self._draw()

    def on_leave(self, event: events.Leave) -> None:
        if self.hovered is not None:
            self.hovered = None
            self._draw()


def button_at_column(spans: list[tuple[int, int, str]], x: int) -> int | None:
    """Which button (index into `spans`, as draw_buttons returns them) column `x` falls on."""
    for index, (start, end, _action) in enumerate(spans):
        if start <= x < end:
            return index
    return None


def draw_buttons(buttons: list[Button], *, pad: int = 2, gap: int = 1, center: bool = True,
                 hovered: int | None = None, hover: str = "") -> tuple[list[Content], list[tuple[int, int, str]]]:
    """The buttons side by side: (one Content per line, [(first column, end column, action)])."""
    if not buttons:
        return [], []
    height = max(len(button.lines) for button in buttons)
    rows: list[list[Content]] = [[] for _ in range(height)]
    spans, x = [], 0
    for index, button in enumerate(buttons):
        lines = [line if isinstance(line, Content) else Content(line) for line in button.lines]
        width = max(line.cell_length for line in lines) + 2 * pad
        style = hover if index == hovered and hover else button.style
        for number in range(height):
            line = lines[number] if number < len(lines) else Content("")
            left = (width - line.cell_length) // 2 if center else pad
            cell = line.pad_left(left).pad_right(width - line.cell_length - left)
            if x:
                rows[number].append(Content(" " * gap))
            rows[number].append(cell.stylize_before(style) if style else cell)
        spans.append((x, x + width, button.action))
        x += width + gap
    return [Content.assemble(*row) for row in rows], spans
