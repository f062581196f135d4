"""The options of a choice question, numbered, clickable, and always shown as literal text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from quiz.tui.literal import literal


class ChoiceRow(Static):
    """One option. Its text is deck data: built with Content, never parsed as markup."""

    def __init__(self, index: int, text: str, multi: bool):
        super().__init__(classes="choice")
        self.index = index
        self.text = text
        self.multi = multi
        self.selected = False
        self.mark = ""  # after the answer: "✔" the right option, "✘" a wrong pick

    def on_mount(self) -> None:
        self.render_label()

    def reset(self, text: str, multi: bool) -> None:
        """Show another option in this row (rows are reused from question to question)."""
        self.text, self.multi, self.selected, self.mark = text, multi, False, ""
        self.update_classes({"-selected": False, "-key": False, "-wrong": False, "-picked": False})
        self.render_label()

    def render_label(self) -> None:
        box = ("[x] " if self.selected else "[ ] ") if self.multi else ""
        # The mark keeps right and wrong readable without colour (NO_COLOR, monochrome terminals).
        mark = (self.mark or " ") + " "
        self.update(Content.assemble(mark, (f"{self.index + 1}  ", "bold"), box, literal(self.text)))

    def on_click(self) -> None:
        self.post_message(ChoiceList.Picked(self.index))


class ChoiceList(Vertical):
    """Numbered options. Posts Picked(index) on a click; the screen decides what a pick means."""

    class Picked(Message):
        def __init__(self, index: int):
            super().__init__()
            self.index = index

    def __init__(self, choices: list[str], multi: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.multi = multi

    def compose(self) -> ComposeResult:
        for index, text in enumerate(self.choices):
            yield ChoiceRow(index, text, self.multi)

    def set_choices(self, choices: list[str], multi: bool) -> None:
        """Show a new question's options, reusing the rows already mounted (mounting costs a frame)."""
        self.choices, self.multi = list(choices), multi
        rows = list(self.query_children(ChoiceRow))
        for row, text in zip(rows, choices, strict=False):
            row.reset(text, multi)
            row.display = True
        for row in rows[len(choices):]:
            row.display = False
        if len(choices) > len(rows):
            self.mount_all(ChoiceRow(index, text, multi) for index, text in enumerate(choices) if index >= len(rows))

    @property
    def rows(self) -> list[ChoiceRow]:
        """The rows of the options shown (hidden spare rows left out)."""
        return list(self.query_children(ChoiceRow))[:len(self.choices)]

    def toggle(self, index: int) -> None:
        row = self.rows[index]
        row.selected = not row.selected
        row.update_classes({"-selected": row.selected})
        row.render_label()

    def selected(self) -> list[int]:
        return [row.index for row in self.rows if row.selected]

    def show_result(self, keys: list[int], picked: list[int]) -> None:
        """Mark the right options, and the learner's wrong picks."""
        for row in self.rows:
            right, chosen = row.index in keys, row.index in picked
            row.update_classes({"-key": right, "-wrong": chosen and not right, "-picked": chosen})
            row.mark = "✔" if right else "✘" if chosen else ""
            row.render_label()
