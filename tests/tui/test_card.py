"""The question card with a panel much taller than the view (issue 4: a 129-line explanation cost
30 ms a key when the card wrapped and rendered all of it): it renders only the lines in view, and
what scrolls into view is drawn right."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.visual import Visual
from tui_helpers import screen_text

from quiz.tui.widgets.buttons import Button
from quiz.tui.widgets.options import Card

LINES = 129


class CardApp(App):
    CSS = "VerticalScroll { height: 1fr; padding: 1 2 0 2; scrollbar-gutter: stable; }"  # as the study screen

    def __init__(self):
        super().__init__()
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Card(id="card")

    def on_card_pressed(self, message: Card.Pressed) -> None:
        self.pressed.append(message.action)


def long_panel(n: int = LINES) -> list[Content]:
    # One part of many lines (as an explanation and its sources are), one of them too long for a line.
    lines = [f"Country {i} joined the alliance." for i in range(n)]
    lines[5] = "A sentence long enough to be wrapped onto a second line of the card: " + "word " * 12 + "end5."
    return [Content.styled("✘ Wrong", "bold"), Content("\n".join(lines))]


async def test_a_long_panel_renders_only_what_is_in_view_and_scrolls():
    app = CardApp()
    async with app.run_test(size=(80, 24)) as pilot:
        card, body = app.query_one(Card), app.query_one(VerticalScroll)
        card.set_fill(True)
        card.set_question(Content("True or false? Country 3 is in the alliance."), ["True", "False"])
        card.draw()
        await pilot.pause()
        rendered = []
        original = Visual.to_strips

        def counting(widget, visual, *args, **kwargs):
            if widget is card:
                rendered.extend(str(visual).split("\n"))  # the lines it renders
            return original(widget, visual, *args, **kwargs)

        Visual.to_strips = counting
        try:
            card.show_result([0], [1])
            card.set_panel(long_panel(), "-wrong")
            card.set_buttons([Button("next", ("Next",), "bold")])
            card.draw()
            await pilot.pause()
        finally:
            Visual.to_strips = original
        lines = [line.plain for line in card.lines]
        assert len(lines) > LINES + 5 and card.size.height == len(lines)  # every line counted for the height
        assert "✘ 1  True" in lines[2] or lines[2].startswith("✔")  # the right option marked
        assert 0 < len(rendered) <= body.size.height  # but only the lines on screen rendered
        text = screen_text(app)
        assert "Country 0 joined" in text and "Country 100 joined" not in text
        # The wrapped line: both halves, in order, and every line of the panel behind the bar.
        first = next(i for i, line in enumerate(lines) if "long enough" in line)
        assert lines[first + 1].startswith("█ ") and lines[first + 1].rstrip().endswith("end5.")
        body.scroll_end(animate=False)
        await pilot.pause()
        text = screen_text(app)
        assert f"Country {LINES - 1} joined" in text and "Next" in text and "Country 0 joined" not in text
        # Clicks still find the button by line once scrolled.
        await pilot.click(card, offset=card.offset_of_button("next"))
        await pilot.pause()
        assert app.pressed == ["next"]


async def test_the_next_question_after_a_long_panel_shows_whole():
    app = CardApp()
    async with app.run_test(size=(80, 24)) as pilot:
        card, body = app.query_one(Card), app.query_one(VerticalScroll)
        card.set_fill(True)
        card.set_question(Content("First?"), ["True", "False"])
        card.set_panel(long_panel(), "-right")
        card.draw()
        await pilot.pause()
        body.scroll_end(animate=False)
        await pilot.pause()
        card.set_question(Content("Second question?"), ["Yes", "No"])
        body.scroll_home(animate=False)
        card.draw()
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "Second question?" in text and "1  Yes" in text and "2  No" in text
        assert "joined" not in text and body.max_scroll_y == 0
