"""A row of clickable actions under a question: Submit, Show answer, the four grades, Next.

Every action also has a key (the screen's bindings); the bar is for the mouse, and for seeing what
a grade would do before choosing it. Actions do not take focus, so the keys keep their meaning.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Static


class ActionButton(Static):
    def __init__(self, action: str, label: Content | str, classes: str = ""):
        super().__init__(label, classes=f"action {classes}".strip(), markup=False)
        self.action = action

    def reset(self, action: str, label: Content | str, classes: str) -> None:
        self.action = action
        self.set_classes(f"action {classes}".strip())
        self.update(label)

    def on_click(self) -> None:
        self.post_message(ActionBar.Pressed(self.action))


class ActionBar(Horizontal):
    """Posts Pressed(action) when an action is clicked."""

    class Pressed(Message):
        def __init__(self, action: str):
            super().__init__()
            self.action = action

    def set_actions(self, actions: list[tuple[str, Content | str, str]]) -> None:
        """Show these actions: (action, label, extra classes) each; none hides the bar.
        Buttons already mounted are reused."""
        buttons = list(self.query_children(ActionButton))
        for button, (action, label, classes) in zip(buttons, actions, strict=False):
            button.reset(action, label, classes)
            button.display = True
        for button in buttons[len(actions):]:
            button.display = False
        if len(actions) > len(buttons):
            self.mount_all(ActionButton(*action) for action in actions[len(buttons):])
        self.display = bool(actions)
