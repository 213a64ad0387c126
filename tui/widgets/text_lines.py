"""``TextLines``: long rich text drawn line by line (the Line API), for the cycle screen.

A ``Static`` renders all of its text into lines whenever it is laid out, however little of it is on
screen; a cycle with dozens of iterations and hundreds of history events made opening it slow. This
widget wraps the text once per width (as a ``Static`` would, so it looks the same) and renders only
the lines Textual asks for: those in view.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.content import Content, _FormattedLine
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

Source = tuple[Content, list[tuple[Content, int]]]  # the text, and its lines with their widths


class TextLines(Widget):
    DEFAULT_CSS: ClassVar[str] = "TextLines { width: 1fr; height: auto; }"

    def __init__(self, text: Text | str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._content = Content("")
        self._source: list[tuple[Content, int]] = []  # the text's lines and their widths
        self._width = -1  # the width ``_lines`` were wrapped for
        self._lines: list[object] = []  # textual.content._FormattedLine
        self._strips: dict[int, Strip] = {}
        self.update(text)

    @property
    def plain(self) -> str:
        """The text shown (without styles)."""
        return self._content.plain

    @staticmethod
    def source(text: Text | str) -> Source:
        """``text`` made ready to show (pure: a worker may call it, off the UI thread)."""
        content = Content.from_rich_text(text) if isinstance(text, Text) else Content(text)
        # Split once: wrapping again for another width (a scrollbar came) only wraps.
        return content, [(line, line.cell_length) for line in content.split(allow_blank=True)]

    def update(self, text: Text | str | Source) -> None:
        self._content, self._source = text if isinstance(text, tuple) else self.source(text)
        self._width = -1
        self._strips.clear()
        self.refresh(layout=True)

    def _wrapped(self, width: int) -> list[object]:
        if width != self._width:
            rules = self.styles
            plain = rules.text_align == "left" and "\t" not in self._content.plain
            lines: list[object] = []
            for y, (line, cells) in enumerate(self._source):
                if plain and cells <= width:  # what wrapping would make of a line that fits
                    lines.append(_FormattedLine(self._get_style, line, width, 0, y, line_end=True))
                    continue
                lines.extend(
                    line._wrap_and_format(
                        width,
                        align=rules.text_align,
                        overflow=rules.text_overflow,
                        no_wrap=rules.text_wrap == "nowrap",
                        get_style=self._get_style,
                    )
                )
            self._lines = lines
            self._width = width
            self._strips.clear()
        return self._lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._wrapped(width)) if self._content else 0

    def notify_style_update(self) -> None:
        self._width = -1
        self._strips.clear()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        lines = self._wrapped(width)
        strip = self._strips.get(y)
        if strip is None:
            if y < len(lines) and self._content:
                segments, length = lines[y].to_strip(self.visual_style)  # type: ignore[attr-defined]
                strip = Strip(segments, length)
            else:
                strip = Strip.blank(width, self.visual_style.rich_style)
            self._strips[y] = strip
        return strip
