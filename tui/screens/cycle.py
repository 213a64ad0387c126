"""The cycle screen: one cycle's header, its iterations on a timeline and in full, its links (which
open the linked cycle) and its history. The loop's actions work here as on the board."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cycles.community import Community
from cycles.errors import CyclesError
from cycles.i18n import N_, _
from cycles.lineage import LineStep
from cycles.model import Cycle, CycleSummary, Event, Link
from tui.labels import decision_label, link_label
from tui.messages import ActionFailed, CycleChanged, CycleLoaded
from tui.screens.actions import ActionsScreen
from tui.widgets import cycle_detail
from tui.widgets.fmt import day
from tui.widgets.footer import Footer
from tui.widgets.text_lines import Source, TextLines

REUSED = "cycle"  # the name the reused cycle screen is installed under
SHOW_WAIT = 0.15  # seconds: how long an opened cycle may take to read before "Loading…" shows


LINE = "line:"  # the id prefix of the line's entries in the links pane (a cycle may be in both)


@dataclass(frozen=True)
class Prepared:
    """What the cycle screen shows of one cycle, made ready to show."""

    cycle: Cycle
    title: str
    header: Content  # made from Rich text off the UI thread: converting it there cost each open
    strip: Content
    iterations: Source
    history: Source
    links: list[tuple[str, str]]  # text, the other cycle's key
    line: list[tuple[str, str | None]] = field(default_factory=list)  # text, key (None: this one)


def prepare(
    cycle: Cycle,
    links: list[Link],
    events: list[Event],
    community: Community,
    today: date,
    steps: list[LineStep] | None = None,
) -> Prepared:
    """The cycle screen's texts (pure: the reading worker makes them, off the UI thread)."""
    zone = community.zone
    parts = [cycle_detail.iteration(it, zone, community) for it in reversed(cycle.iterations)]
    shown_links = []
    for lk in links:
        other = lk.target if lk.source == cycle.key else lk.source
        text = (
            f"{link_label(lk.kind.value)} → {other}"
            if lk.source == cycle.key
            else f"← {other} {link_label(lk.kind.value)}"
        )
        shown_links.append((text, other))
    return Prepared(
        cycle=cycle,
        title=f"{cycle.name}  [{cycle.key}]  ·  {cycle_detail.status_text(cycle)}",
        header=Content.from_rich_text(cycle_detail.header(cycle, community, today)),
        strip=Content.from_rich_text(cycle_detail.strip(cycle, zone, today)),
        iterations=TextLines.source(Text("\n").join(parts)),
        history=TextLines.source(cycle_detail.history(events, zone)),
        links=shown_links,
        line=_line(cycle, steps or [], zone),
    )


def _line(cycle: Cycle, steps: list[LineStep], zone: ZoneInfo) -> list[tuple[str, str | None]]:
    """The line of development as the links pane lists it: one entry a cycle, indented by depth,
    with the decision that made it; empty for a cycle that is a line of its own."""
    if len(steps) < 2:
        return []
    out: list[tuple[str, str | None]] = []
    for s in steps:
        this = s.cycle.key == cycle.key
        how = ""
        if s.relation is not None and s.at is not None:
            made = decision_label("route") if s.relation.value == "route_of" else link_label(s.relation.value)
            how = f"  ({made}, {day(s.at.astimezone(zone).date(), None)})"
        out.append(
            (f"{'  ' * s.depth}{'●' if this else '·'} {s.cycle.name}{how}", None if this else s.cycle.key)
        )
    return out


class CycleScreen(ActionsScreen):
    CSS_PATH = "cycle.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("back"), id="cycle.back", tooltip=N_("back to the board")),
        Binding(
            "r", "reload", N_("reload"), show=False, id="cycle.reload", tooltip=N_("read the cycle again")
        ),
    ]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.cycle: Cycle | None = None
        self.links: list[Link] = []
        self._opener: Screen[Any] | None = None  # the screen to show this one over, once read
        self._due: Timer | None = None  # shows it anyway when the read is slow
        self._prepared: Prepared | None = None  # the texts of the cycle read last (by the worker)

    @classmethod
    def open_in(cls, app: App[None], key: str) -> None:
        """Open the cycle ``key`` over the current screen. The reused screen (see ``showing``) is
        refilled off screen and shown once the cycle is read: one layout with the cycle in it,
        instead of a "Loading…" frame and then another. A slow read shows it after
        ``SHOW_WAIT`` seconds anyway, with "Loading…"."""
        screen = cls.showing(app, key)
        if not screen.is_mounted:
            app.push_screen(screen)  # composed now; it reads its cycle once mounted
            return
        if screen._due is not None:
            screen._due.stop()
        screen._opener = app.screen
        screen._due = app.set_timer(SHOW_WAIT, screen.show_now, name="show-cycle")

    def show_now(self) -> None:
        """Push this screen over the one that opened it, if that is still the one shown."""
        opener, self._opener = self._opener, None
        if self._due is not None:
            self._due.stop()
            self._due = None
        if opener is not None and self.app.screen is opener:
            if self.cycle is None:
                self._blank()  # read slowly: shown with "Loading…"
            self.app.push_screen(self)

    def _abandon(self) -> None:
        """The cycle could not be read: do not show this screen after all."""
        self._opener = None
        if self._due is not None:
            self._due.stop()
            self._due = None

    @classmethod
    def showing(cls, app: App[None], key: str) -> CycleScreen:
        """A cycle screen for ``key`` to push. One is kept installed and refilled at each open
        (composing a new screen per open costs more than the rest of opening); when it is already
        on the stack (a link followed from it), a new one."""
        if not app.is_screen_installed(REUSED):
            fresh = cls(key)
            app.install_screen(fresh, REUSED)
            return fresh
        kept = app.get_screen(REUSED)
        assert isinstance(kept, CycleScreen)
        if any(kept in stack for stack in app._screen_stacks.values()):
            return cls(key)
        kept.refill(key)
        return kept

    def refill(self, key: str) -> None:
        """Show ``key`` from now on, then read it. What the screen still shows of the cycle before
        is blanked only if the screen is shown before the read is done (``show_now``); otherwise
        ``show`` replaces all of it at once."""
        self.key, self.cycle, self.links = key, None, []
        if not self.is_mounted:
            return
        self.load()

    def _blank(self) -> None:
        """Look as freshly composed: the key and "Loading…"."""
        self.query_one("#cycle-title", Static).update(self.key)
        self.query_one("#loading").display = True
        for selector in ("#header", "#strip"):
            self.query_one(selector, Static).update("")
        for selector in ("#iterations", "#history"):
            self.query_one(selector, TextLines).update("")
        self.query_one("#links", OptionList).clear_options()
        self._scroll_home()

    def _scroll_home(self) -> None:
        for selector in ("#detail", "#history-scroll"):
            scroll = self.query_one(selector, VerticalScroll)
            if scroll.scroll_offset != (0, 0):
                scroll.scroll_home(animate=False, immediate=True)

    def compose(self) -> ComposeResult:
        yield Static(self.key, id="cycle-title", markup=False)
        with Horizontal(id="cycle-body"):
            with VerticalScroll(id="detail"):
                yield Static(_("Loading…"), id="loading")
                yield Static("", id="header")
                yield Static(_("Iterations"), classes="section")
                yield Static("", id="strip")
                yield TextLines(id="iterations")
            with Vertical(id="side"):
                yield Static(_("Links"), classes="section")
                yield OptionList(id="links")
                yield Static(_("History"), classes="section")
                with VerticalScroll(id="history-scroll"):
                    yield TextLines(id="history")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    # -- reading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> None:
        try:
            cycle, links, events = self.ctx.workspace.detail(self.key)
            steps = self.ctx.workspace.line(self.key)
        except CyclesError as exc:
            self.app.call_from_thread(self._abandon)
            self.app.post_message(ActionFailed("open", self.key, str(exc)))
            return
        # The texts too are made here, off the UI thread; the handler only puts them in place.
        self._prepared = prepare(cycle, links, events, self.ctx.community, self.ctx.today(), steps)
        self.post_message(CycleLoaded(cycle, links, events))

    def on_cycle_loaded(self, message: CycleLoaded) -> None:
        if message.cycle.key != self.key:
            return  # read for the cycle this screen showed before it was refilled
        self.show(message.cycle, message.links, message.events)
        self.show_now()

    def show(self, cycle: Cycle, links: list[Link], events: list[Event]) -> None:
        self.cycle, self.links = cycle, links
        texts = self._prepared
        if texts is None or texts.cycle is not cycle:
            texts = prepare(cycle, links, events, self.ctx.community, self.ctx.today())
        self._prepared = None
        if not self.is_active:
            self._scroll_home()  # refilled off screen: start at the top
        self.query_one("#loading").display = False
        self.query_one("#cycle-title", Static).update(texts.title)
        self.query_one("#header", Static).update(texts.header)
        self.query_one("#strip", Static).update(texts.strip)
        self.query_one("#iterations", TextLines).update(texts.iterations)
        self.query_one("#history", TextLines).update(texts.history)
        options = self.query_one("#links", OptionList)
        options.clear_options()
        options.add_options([Option(text, id=other) for text, other in texts.links])
        if texts.line:
            options.add_option(Option(_("Line of development"), disabled=True))
            options.add_options(
                [Option(text, id=f"{LINE}{key or ''}", disabled=key is None) for text, key in texts.line]
            )
        if links:
            options.highlighted = 0
        else:
            options.add_option(Option(_("no links yet"), disabled=True))
        self.selection_changed()

    # -- what the actions act on -------------------------------------------------------------

    def selected(self) -> CycleSummary | None:
        return CycleSummary.of(self.cycle) if self.cycle is not None else None

    def full_cycle(self) -> Cycle | None:
        return self.cycle

    def apply_change(self, message: CycleChanged) -> None:
        if message.cycle.key == self.key:
            self.cycle = message.cycle
            self.load()  # links and history changed too: read this one cycle again
        elif self.key in message.deleted:
            self.app.notify(
                _("{key} no longer exists").format(key=self.key), severity="warning", markup=False
            )
            self.dismiss()

    def colleague_changed(self, *, gone: bool) -> None:
        """Another process changed this cycle: read it again (or leave, when it is gone: at once
        when this screen is on top, else when the user comes back to it)."""
        if gone:
            self.app.notify(
                _("{key} no longer exists").format(key=self.key), severity="warning", markup=False
            )
            if self.is_current:
                self.dismiss()
            else:
                self._gone = True
            return
        self.load()

    def on_screen_resume(self) -> None:
        if getattr(self, "_gone", False):
            self._gone = False
            self.dismiss()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield from super().palette_commands()
        yield SystemCommand(_("Cycle: back to the board"), _("Close this cycle"), self.action_back)

    # -- navigation --------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#links")
    def _follow(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.ctx.open_cycle(event.option.id.removeprefix(LINE))

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()
