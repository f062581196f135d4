"""The answer line of typed questions: an Input that can be locked, keeping the focus.

Blurring the line after an answer restyled it through the stylesheet (a focus change does) and drew a
frame for that alone; focusing it again at the next typed question did the same. Locked, it keeps
the focus but takes no keys: printable keys, Enter and its editing keys go on to the screen's
bindings, as if nothing were focused. It looks as it does without the focus, by two inline styles
(a class would restyle it through the stylesheet: 2 ms for an Input). The study screen locks it
after an answer, and keeps it locked (and hidden) while questions of other kinds show. Hidden and
locked, it keeps the focus too: Textual blurs a widget that is hidden, and the blur, then the focus
at the next typed question, were each a restyle (2-4 ms) on the key that showed the next question.
"""

from __future__ import annotations

from textual import events
from textual.color import Color
from textual.widgets import Input


class AnswerLine(Input):
    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.locked = False

    def set_locked(self, locked: bool) -> None:
        if locked == self.locked:
            return
        self.locked = locked
        styles = self.styles
        if locked:  # as Input without the focus (its CSS), and no cursor: nothing can be typed here now
            styles.border = ("tall", Color.parse(self.app.theme_variables.get("border-blurred", "#191919")))
            styles.background_tint = Color(0, 0, 0, 0)
            self._pause_blink(visible=False)
        else:
            styles.clear_rule("border")
            styles.clear_rule("background_tint")
            if self.has_focus:
                self._restart_blink()

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return not self.locked and super().check_consume_key(key, character)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Its bindings (Enter, arrows, Backspace...) give way to the screen's while locked.
        return False if self.locked else super().check_action(action, parameters)

    # Textual calls the handlers of every class in the MRO: prevent_default() skips Input's (which
    # would insert the text and stop the key); the key still bubbles up to the screen's bindings.
    def _on_key(self, event: events.Key) -> None:
        if self.locked:
            event.prevent_default()

    def _on_paste(self, event: events.Paste) -> None:
        if self.locked:
            event.prevent_default()

    def _on_hide(self, event: events.Hide) -> None:
        if self.locked:  # (Widget's handler would blur it; it has no scrollbars to tell)
            event.prevent_default()

    def _on_focus(self, event: events.Focus) -> None:
        if self.locked:  # (Input's handler would start the cursor blinking)
            event.prevent_default()

    def _on_mouse_down(self, event: events.MouseDown) -> None:
        if self.locked:  # (Input's would show the cursor and select)
            event.prevent_default()
