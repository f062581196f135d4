"""The question card: prompt, numbered options, the feedback panel and its buttons, as ONE widget.

A key used to change four to six widgets (prompt, options, feedback, buttons), each drawn again,
each a message round trip to the screen, plus a layout because their heights changed. As one Static
whose text is built once per state, an answer or the next question redraws one widget; and while
the card is shorter than the view it keeps the view's height (min-height: 100%), so its size does
not change and no layout is needed (bench/bench_tui.py). Clicks find their option or button by line
and column: the card wraps its own lines to its width, so it knows which line is what. It draws only
the lines on screen (render_line): a 129-line explanation cost 30 ms a key when all of it was drawn.

All deck text is literal (quiz.tui.literal), never markup.
"""

from __future__ import annotations

from textual import events
from textual.content import Content, Span
from textual.geometry import Offset, Region
from textual.message import Message
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from quiz.tui.literal import literal
from quiz.tui.widgets.buttons import Button, button_at_column, draw_buttons

SELECTED, KEY, WRONG, HOVER = "on $primary 30%", "bold on $success 25%", "on $error 25%", "on $boost"
BUTTON_HOVER = "on $primary-lighten-1"
PANEL_BARS = {"-right": "$success", "-wrong": "$error", "-reveal": "$primary"}  # the panel's left bar
BAR = "█ "  # as a thick left border draws it


class Card(Widget):
    """Posts Picked(index) when an option is clicked and Pressed(action) when a button is; the
    screen decides what they mean."""

    DEFAULT_CSS = "Card { height: auto; text-wrap: nowrap; }"  # (its lines come wrapped)

    class Picked(Message):
        def __init__(self, index: int):
            super().__init__()
            self.index = index

    class Pressed(Message):
        def __init__(self, action: str):
            super().__init__()
            self.action = action

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.set_reactive(Card.auto_links, False)  # no links here; Textual would style each line's (slow)
        self._drawn: list[Content] = []  # the lines of the last draw, wrapped
        self._drawn_keys: list[tuple] = []  # and their keys (as _keys, which forget_drawn() empties)
        self._content: Content | None = Content("")  # the same joined: built when asked for (visual)
        self._selected: tuple | None = None  # (selection, lines, width, strips): see render_line()
        self._strips: dict[tuple, Strip] = {}  # a drawn line's key and width -> its strip
        self._strips_style = None  # the visual style they were rendered with
        self._wraps: dict[tuple, list[Content]] = {}  # (text, spans, width) -> its lines: see prepare()
        self._keys: list[tuple] = []  # each drawn line's (text, spans): what changed since the last draw
        self.prompt: Content | None = None
        self.choices: list[str] = []
        self.multi = False
        self.chosen: set[int] = set()  # select-all: the options toggled on
        self.keys: set[int] | None = None  # after the answer: the right options
        self.picked: set[int] = set()  # after the answer: what the learner picked
        self.hovered: int | None = None  # option under the mouse
        self._panel: list[Content] | None = None  # the panel's parts (see the panel property)
        self._panel_text: Content | None = None
        self.panel_kind = ""
        self._paragraphs: list[Content] = []  # the panel's lines, as given
        self.buttons: list[Button] = []
        self.hovered_button: int | None = None
        self.spans: list[tuple[int, int, str]] = []  # buttons: (first column, end column, action)
        self.option_lines: list[tuple[int, int]] = []  # each option's (first line, end line)
        self.panel_lines = (0, 0)  # the panel's (first line, end line), buttons included
        self.button_line = -1
        self.fill = False  # keep at least the view's height (min-height: 100%): see set_fill()
        self._height = -1  # the height of the last draw
        self._width = 0

    # -- what the card holds -------------------------------------------------------------------
    def set_question(self, prompt: Content | None, choices: list[str] = (), multi: bool = False) -> None:
        """A new question: its prompt and options (none for other kinds); no panel, no buttons.
        Like every setter here but toggle(), drawn with the next draw(): one draw per key."""
        self.prompt, self.choices, self.multi = prompt, list(choices), multi
        self.chosen, self.keys, self.picked, self.hovered = set(), None, set(), None
        self._panel, self._paragraphs, self.buttons, self.hovered_button = None, [], [], None

    def toggle(self, index: int) -> None:
        self.chosen ^= {index}
        self.draw()

    def selected(self) -> list[int]:
        return sorted(self.chosen)

    def show_result(self, keys: list[int], picked: list[int]) -> None:
        """Mark the right options, and the learner's wrong picks (drawn with the next draw())."""
        self.keys, self.picked, self.hovered = set(keys), set(picked), None

    def set_panel(self, content: Content | list[Content] | None, kind: str = "") -> None:
        """The panel under the question (feedback: -right, -wrong; a flashcard's answer: -reveal), as
        one text or its parts (each on its own lines); drawn with the next draw()."""
        parts = None if content is None else content if isinstance(content, list) else [content]
        self._panel, self._panel_text, self.panel_kind = parts, None, kind
        self._paragraphs = [line for part in parts or () for line in _split_lines(part)]  # (once, not per draw)

    @property
    def panel_parts(self) -> list[Content]:
        """The panel's parts as given to set_panel() (none without a panel)."""
        return self._panel or []

    @property
    def panel(self) -> Content | None:
        """The panel's text (joined when asked for: tests and the bench read it)."""
        if self._panel is None:
            return None
        if self._panel_text is None:
            self._panel_text = Content("\n").join(self._panel)
        return self._panel_text

    def set_buttons(self, buttons: list[Button]) -> None:
        """Drawn with the next draw()."""
        self.buttons, self.hovered_button = buttons, None

    def prepare(self, parts: list[Content]) -> None:
        """Wrap now (while the learner reads the question) what a later set_panel() will show: a
        long explanation's wrapping (~5 ms) then costs nothing on the key that answers."""
        width = max(1, self.width() - len(BAR))
        for part in parts:
            for paragraph in _split_lines(part):
                self._wrap(paragraph, width)

    def forget_drawn(self) -> None:
        """Draw every line at the next draw() (the card was hidden: what it drew last is gone)."""
        self._keys = []

    # -- reading it (tests, the screen) --------------------------------------------------------
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

    @property
    def panel_shown(self) -> bool:
        return self._panel is not None

    def labels(self) -> list[str]:
        """Each button's label as plain text, its lines joined by newlines."""
        return ["\n".join(str(line) for line in button.lines) for button in self.buttons]

    def offset_of(self, index: int) -> Offset:
        """Where to click (relative to the widget) to pick option `index`: on its number."""
        return Offset(2, self.option_lines[index][0]) + self.styles.gutter.top_left

    def offset_of_button(self, action: str) -> Offset | None:
        """Where to click (relative to the widget) to press `action`."""
        for start, _end, name in self.spans:
            if name == action:
                return Offset(start + 1, self.button_line) + self.styles.gutter.top_left
        return None

    def panel_region(self) -> Region:
        """The panel and its buttons, in lines of the card's content (empty without a panel)."""
        first, end = self.panel_lines
        return Region(0, first, max(self._width, 1), end - first)

    # -- drawing -------------------------------------------------------------------------------
    def width(self) -> int:
        width = self.content_size.width
        if width <= 0:  # not laid out yet: the screen's width, less the study body's padding
            width = max(20, self.app.size.width - 4)
        return width

    def draw(self) -> bool:
        """Render what the card holds; True if its height changed (a layout is needed)."""
        width = self.width()
        parent = self.parent
        # Too tall for the view, the card brings a scrollbar that narrows it: wrapping for that width
        # now saves drawing it all again (and a layout) when the resize comes. (The estimate saves
        # wrapping a long card twice.)
        narrow = (isinstance(parent, Widget) and parent.is_scrollable and not parent.show_vertical_scrollbar
                  and parent.styles.scrollbar_gutter != "stable" and parent.content_size.height > 0)
        if narrow and self._estimate(width) > parent.content_size.height:
            width -= parent.styles.scrollbar_size_vertical
            narrow = False
        lines = self._lines(width)
        if narrow and len(lines) > parent.content_size.height:
            width -= parent.styles.scrollbar_size_vertical
            lines = self._lines(width)
        self._width = width
        # Same height, no layout: a filling card changes height only when it outgrows the view.
        view = parent.content_size.height if isinstance(parent, Widget) else 0
        height = max(len(lines), view) if self.fill else len(lines)
        layout, self._height = height != self._height, height
        keys = [(line.plain, tuple(line.spans)) for line in lines]
        self._drawn, self._drawn_keys, self._content = lines, keys, None
        if not self._keys or not self.is_mounted or width != self.size.width:
            self.refresh(layout=layout)
        else:  # only the lines that changed are drawn again (and only their rows of the screen)
            old = self._keys
            changed = [y for y in range(max(len(old), len(keys)))
                       if y >= len(old) or y >= len(keys) or old[y] != keys[y]]
            if changed:
                self.refresh(*_runs(changed, width), layout=layout)
            elif layout:
                self.refresh(layout=True)
        self._keys = keys
        return layout

    def _estimate(self, width: int) -> int:
        """At least how many lines the card takes at `width` (without wrapping anything)."""
        def rows(content: Content, room: int) -> int:
            return max(1, -(-content.cell_length // max(1, room)))

        count = rows(self.prompt, width) + 1 if self.prompt is not None else 0
        count += sum(rows(Content(text), width - 5) for text in self.choices)
        if self._panel is not None:
            count += 1 + sum(rows(line, width - len(BAR)) for line in self._paragraphs)
        return count + (3 if self.buttons else 0)

    def _lines(self, width: int) -> list[Content]:
        """The card's lines, wrapped to `width`; notes where the options and buttons are."""
        lines: list[Content] = []

        def add(content: Content, indent: int = 0, prefix: Content | None = None) -> None:
            for line in self._wrap(content, max(1, width - indent)):
                lines.append(_prefixed(prefix, line) if prefix is not None else line)

        def gap() -> None:  # one blank line between parts (as collapsed margins would give)
            if lines and lines[-1].plain:
                lines.append(Content(""))

        if self.prompt is not None:
            add(self.prompt.stylize_before("bold"))
            lines.append(Content(""))
        self.option_lines = []
        for index, text in enumerate(self.choices):
            first = len(lines)
            box = ("[x] " if index in self.chosen else "[ ] ") if self.multi else ""
            line = Content.assemble((self.mark(index) or " ") + " ", (f"{index + 1}  ", "bold"), box, literal(text))
            style = {"key": KEY, "wrong": WRONG, "selected": SELECTED}.get(self.state(index), "")
            if not style and index == self.hovered:
                style = HOVER
            for wrapped in self._wrap(line, width):
                lines.append(wrapped.stylize_before(style) if style else wrapped)
            self.option_lines.append((first, len(lines)))
        first_panel = len(lines)
        if self._panel is not None:
            gap()
            bar = Content.styled(BAR, PANEL_BARS.get(self.panel_kind, "$primary"))
            for paragraph in self._paragraphs:
                add(paragraph, len(BAR), bar)
        self.button_line, self.spans = -1, []
        if self.buttons:
            rows, self.spans = draw_buttons(self.buttons, hovered=self.hovered_button, hover=BUTTON_HOVER)
            gap()
            self.button_line = len(lines)
            lines.extend(rows)
        self.panel_lines = (first_panel, len(lines))
        return lines

    def _wrap(self, content: Content, width: int) -> list[Content]:
        """content.wrap(width), without wrapping a line that fits (most do: Content.wrap costs ~80 µs),
        and each text that does wrapped once for a width (a redraw wraps the same paragraphs again)."""
        text = content.plain
        if "\n" not in text and "\t" not in text and content.cell_length <= width:
            return [content]
        key = (text, tuple(content.spans), width)
        lines = self._wraps.get(key)
        if lines is None:
            if len(self._wraps) >= 200:
                self._wraps.clear()
            lines = self._wraps[key] = content.wrap(width) or [Content("")]
        return lines

    def render(self) -> Content:
        return self.visual

    @property
    def lines(self) -> list[Content]:
        """The lines drawn, wrapped (what the card shows, a line each)."""
        return self._drawn

    @property
    def visual(self) -> Content:
        """What the card shows (as Static.visual: tests and the bench read it)."""
        if self._content is None:
            self._content = Content("\n").join(self._drawn)
        return self._content

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self._drawn))  # (Textual would wrap the whole text again to count its lines)

    def render_line(self, y: int) -> Strip:
        """One line of the card: only the lines in view are rendered, and only those that changed."""
        width = self.size.width
        if not 0 <= y < len(self._drawn) or width <= 0:
            return Strip.blank(width, self.visual_style.rich_style)
        selection = self.text_selection
        if selection is None:
            # The same line is often drawn again (a layout repaints the card; options recur): from a cache.
            style = self.visual_style
            if style is not self._strips_style or len(self._strips) > 500:
                self._strips, self._strips_style = {}, style
            key = (self._drawn_keys[y], width)
            strip = self._strips.get(key)
            if strip is None:
                strip = self._strips[key] = Visual.to_strips(self, self._drawn[y], width, 1, style)[0]
            return strip
        # Text selected with the mouse: its offsets are the whole text's, so render it whole (once).
        cached = self._selected
        if cached is None or cached[0] != selection or cached[1] is not self._drawn or cached[2] != width:
            cached = self._selected = (selection, self._drawn, width,
                                       Visual.to_strips(self, self.visual, width, None, self.visual_style))
        strips = cached[3]
        return strips[y] if y < len(strips) else Strip.blank(width, self.visual_style.rich_style)

    def set_fill(self, fill: bool) -> None:
        """Whether the card fills the view when shorter than it (then its height seldom changes)."""
        if fill != self.fill:
            self.fill = fill
            self.styles.min_height = "100%" if fill else None
            self._height = -1

    def on_resize(self, event: events.Resize) -> None:
        # Once the layout has settled: a scrollbar appearing takes two layouts, and drawing
        # between them would draw for a width that is gone by the next frame.
        self.call_after_refresh(self._check_width)

    def _check_width(self) -> None:
        if self.content_size.width != self._width and self.content_size.width > 0:
            self.draw()

    # -- the mouse -----------------------------------------------------------------------------
    def _line_at(self, event: events.MouseEvent) -> Offset | None:
        return event.get_content_offset(self)

    def _option_at(self, y: int) -> int | None:
        for index, (first, end) in enumerate(self.option_lines):
            if first <= y < end:
                return index
        return None

    def _button_at(self, offset: Offset) -> int | None:
        if not self.buttons or not self.button_line <= offset.y < self.panel_lines[1]:
            return None
        return button_at_column(self.spans, offset.x)

    def on_click(self, event: events.Click) -> None:
        offset = self._line_at(event)
        if offset is None:
            return
        if (index := self._option_at(offset.y)) is not None:
            event.stop()
            self.post_message(self.Picked(index))
        elif (button := self._button_at(offset)) is not None:
            event.stop()
            self.post_message(self.Pressed(self.spans[button][2]))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = self._line_at(event)
        option = self._option_at(offset.y) if offset is not None and self.keys is None else None
        button = self._button_at(offset) if offset is not None else None
        if option != self.hovered or button != self.hovered_button:
            self.hovered, self.hovered_button = option, button
            self.draw()

    def on_leave(self, event: events.Leave) -> None:
        if self.hovered is not None or self.hovered_button is not None:
            self.hovered = self.hovered_button = None
            self.draw()


def _split_lines(content: Content) -> list[Content]:
    """content.split("\n"), faster for the common case: plain text (a long explanation)."""
    text = content.plain
    if "\n" not in text:
        return [content]
    if content.spans:
        return content.split("\n")
    return [Content(line, strip_control_codes=False) for line in text.split("\n")]  # (stripped already)


def _prefixed(prefix: Content, line: Content) -> Content:
    """Content.assemble(prefix, line), a sixth of its cost (both are Content already: no stripping)."""
    offset = len(prefix.plain)
    spans = [*prefix.spans, *(Span(start + offset, end + offset, style) for start, end, style in line.spans)]
    return Content(prefix.plain + line.plain, spans, strip_control_codes=False)


def _runs(rows: list[int], width: int) -> list[Region]:
    """Sorted row numbers as regions of consecutive rows."""
    regions, start = [], rows[0]
    for previous, row in zip(rows, [*rows[1:], None], strict=True):
        if row != previous + 1:
            regions.append(Region(0, start, width, previous - start + 1))
            start = row
    return regions
