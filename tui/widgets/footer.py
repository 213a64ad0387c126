"""``Footer``: Textual's footer, recomposed only when the keys it shows change.

Textual's footer recomposes itself (one widget per key, each styled anew) whenever a screen's
bindings are refreshed: at every screen push and pop, focus change and ``refresh_bindings()``, even
when the same keys stay shown, several times per opened cycle or saved form, each recompose a
visible cost (docs/PERFORMANCE.md). This one compares what it would show (key, how the key is displayed,
description, action, enabled, tooltip, group) with what it shows, and recomposes only when they
differ; several refreshes before the next frame recompose at most once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.screen import Screen

Row = tuple[object, ...]  # one key as shown, without whether it is enabled


class Footer(TextualFooter):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._composed: list[Row] | None = None  # the keys shown now (None: nothing composed yet)
        self._pending = False  # a check is due after the next refresh

    def shown(self) -> list[tuple[Row, bool]]:
        """The keys ``compose`` would show for the screen's current bindings, in its order (the
        first binding of each action, then the palette's key), each with whether it is enabled."""
        app = self.app
        first: dict[str, tuple[Binding, bool, str]] = {}
        palette: tuple[Binding, bool, str] | None = None
        for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items():
            if binding.show:
                first.setdefault(binding.action, (binding, enabled, tooltip))
            if key == app.COMMAND_PALETTE_BINDING:
                palette = (binding, enabled, tooltip)
        rows = [(self._row(binding, tooltip), enabled) for binding, enabled, tooltip in first.values()]
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE and palette is not None:
            binding, enabled, tooltip = palette
            rows.append((("palette", *self._row(binding, tooltip)), enabled))
        return rows

    def _row(self, binding: Binding, tooltip: str) -> Row:
        group = binding.group.description if binding.group is not None else None
        key_display = self.app.get_key_display(binding)
        return (binding.key, key_display, binding.description, binding.action, tooltip, group)

    def bindings_changed(self, screen: Screen) -> None:  # type: ignore[type-arg]
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        shown = self.shown()
        rows = [row for row, _enabled in shown]
        keys = list(self.query(FooterKey))
        if rows == self._composed and len(keys) == len(shown):
            # The same keys: only whether each is enabled may differ (the cycle under the cursor
            # changed phase). Dim or undim them in place.
            for widget, (_row, enabled) in zip(keys, shown, strict=True):
                if widget._disabled == enabled:
                    widget._disabled = not enabled
                    widget.set_class(not enabled, "-disabled")
            return
        self._composed = rows
        await self.recompose()
