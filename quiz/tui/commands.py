"""The command palette's provider: the app's commands, shown as literal text.

Textual's own SystemCommandsProvider parses each command's title as markup (Matcher.highlight), and
ours hold deck titles, which are deck data. This one builds every title and help line with
Content(text), so `[@click=app.quit]` in a deck title is just text.
"""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content


def highlight(matcher: Matcher, text: str) -> Content:
    """`text`, literally, with the characters the query matched styled as the matcher styles them."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class LiteralCommands(Provider):
    """App.get_system_commands(), with titles and help as plain text."""

    async def discover(self) -> Hits:
        for title, help_text, callback, discover in self.app.get_system_commands(self.screen):
            if discover:
                yield DiscoveryHit(Content(title), callback, text=title, help=Content(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            if (score := matcher.match(title)) > 0:
                yield Hit(score, highlight(matcher, title), callback, text=title, help=Content(help_text))
