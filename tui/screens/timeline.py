"""The timeline: the board's cycles as bars over the months, iterations as segments, so that the
simultaneity and the differing cadences show; funding routes first, with their overlaps and gaps."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from cycles.errors import CyclesError
from cycles.i18n import N_, _, language
from cycles.model import CycleSummary
from tui.messages import ActionFailed
from tui.widgets.fmt import number
from tui.widgets.footer import Footer
from tui.widgets.keys import translate_bindings
from tui.widgets.timeline_view import OVERDUE, PLANNED, SHADES, Row, TimelineView, build_rows

if TYPE_CHECKING:
    from tui.app_context import BoardApp

ZOOMS = (3, 7, 14, 30)


class TimelineScreen(Screen[None]):
    CSS_PATH = "timeline.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("back"), id="timeline.back"),
        Binding("plus,equals_sign", "zoom(-1)", N_("zoom in"), id="timeline.zoom_in"),
        Binding("minus", "zoom(1)", N_("zoom out"), id="timeline.zoom_out"),
        Binding("g", "today", N_("today"), id="timeline.today"),
    ]

    class Built(Message):
        """The timeline's rows were read and laid out."""

        def __init__(self, rows: list[Row], origin: date, end: date) -> None:
            self.rows, self.origin, self.end = rows, origin, end
            super().__init__()

    def __init__(self, summaries: list[CycleSummary]) -> None:
        super().__init__()
        translate_bindings(self)
        self.summaries = summaries

    @property
    def ctx(self) -> BoardApp:
        return cast("BoardApp", self.app)

    def compose(self) -> ComposeResult:
        title = _("Timeline of {n} cycles").format(n=number(len(self.summaries)))
        yield Static(f"{title} · {_('Loading…')}", id="timeline-title")
        yield Static(self.legend(), id="legend")
        yield TimelineView(id="timeline")
        yield Footer()

    def legend(self) -> str:
        return "   ".join(
            [
                f"{SHADES[0]}{SHADES[1]} {_('iterations, one shade each')}",
                f"{PLANNED} {_('planned until due')}",
                f"{OVERDUE} {_('overdue')}",
                f"┊ {_('today')}",
                f"✗ {_('funding gap')} · 1 {_('one route')} · 2+ {_('overlap')}",
            ]
        )

    def on_mount(self) -> None:
        self.query_one(TimelineView).focus()
        self.build()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def build(self) -> None:
        ctx = self.ctx
        community, lang = ctx.community, language()
        try:
            everything = len(self.summaries) == len(ctx.known_cycles())
            its = ctx.workspace.iterations(None if everything else [s.key for s in self.summaries])
        except CyclesError as exc:
            self.app.post_message(ActionFailed("timeline", None, str(exc)))
            return
        scales = {s.key: s.label.get(lang) for s in community.scales}
        words = {"funding": _("Funding routes"), "coverage": f" {_('coverage')} ✗ / 1 / 2+"}
        rows, origin, end = build_rows(
            self.summaries, its, community.zone, ctx.today(), scales, words, community.funding_types
        )
        self.post_message(self.Built(rows, origin, end))

    def on_timeline_screen_built(self, message: Built) -> None:
        view = self.query_one(TimelineView)
        view.set_rows(message.rows, message.origin, message.end, self.ctx.today())
        self.update_title()
        self.call_after_refresh(view.scroll_to_today)

    def update_title(self) -> None:
        title = _("Timeline of {n} cycles").format(n=number(len(self.summaries)))
        per = _("one cell is {n} days").format(n=self.query_one(TimelineView).days)
        self.query_one("#timeline-title", Static).update(f"{title} · {per}")

    def action_zoom(self, step: int) -> None:
        view = self.query_one(TimelineView)
        i = min(len(ZOOMS) - 1, max(0, ZOOMS.index(view.days) + step))
        view.zoom(ZOOMS[i])
        self.update_title()

    def action_today(self) -> None:
        self.query_one(TimelineView).scroll_to_today()
