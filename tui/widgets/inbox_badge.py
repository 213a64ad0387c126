"""On the board's top bar: how many evaluation reminders the inbox holds.

Apart from ``tui.screens.inbox`` (which re-exports it) so that the board's first frame does not
import the inbox screen and its forms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from cycles.i18n import ngettext
from tui.widgets.fmt import number

if TYPE_CHECKING:
    pass


class InboxBadge(Static):
    """On the board's top bar: how many reminders the inbox holds (hidden when none)."""

    DEFAULT_CSS = """
    InboxBadge { width: auto; display: none; padding: 0 1; color: $text-warning; text-style: bold; }
    """

    def show_count(self, count: int, key: str) -> None:
        self.display = count > 0
        if count:
            text = ngettext("{n} reminder", "{n} reminders", count).format(n=number(count))
            self.update(f"✉ {text} ({key})")

    async def on_click(self) -> None:
        await self.run_action("app.inbox")
