"""What every screen shares: key descriptions (footer, key panel) in the interface language.

A binding's description is looked up as "bind.<binding id>" in quiz.i18n.UI, so BINDINGS keep
English descriptions for reading the code, and the footer says what the interface language says.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding, Binding
from textual.screen import ModalScreen, Screen

from quiz.i18n import UI


class Translated:
    FOOTER_HIDDEN: frozenset[str] = frozenset()  # ids of bindings that work here but take no footer room

    def describe(self, binding: Binding) -> str:
        """What the footer says for `binding` (a screen may vary it with its state)."""
        key = f"bind.{binding.id}"
        return self.app.t(key) if key in UI else binding.description

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        active = super().active_bindings
        for key, (node, binding, enabled, tooltip) in active.items():
            description = self.describe(binding)
            show = binding.show and binding.id not in self.FOOTER_HIDDEN
            if description != binding.description or show != binding.show:
                binding = replace(binding, description=description, show=show)
                active[key] = ActiveBinding(node, binding, enabled, tooltip)
        return active


class QuizScreen(Translated, Screen[None]):
    pass


class QuizModal(Translated, ModalScreen[None]):
    pass
