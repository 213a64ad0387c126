"""The board: every cycle at a glance in lanes (scales) and columns (the loop's three steps).

The screen paints at once and fills from a worker; all cycles' summaries stay in memory, so filters
and search work as you type without touching the database, and an action replaces only the cycles
it changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Input, Static

from cycles import loop
from cycles.errors import CyclesError
from cycles.i18n import _, language, ngettext
from cycles.model import Cycle, CycleSummary, DecisionKind, DueState
from cycles.repository import CycleFilter
from tui.first_read import FirstRead, first_screen, rows_for
from tui.labels import due_label
from tui.messages import ActionFailed, CycleChanged, CyclesLoaded, ExampleLoaded
from tui.screens.actions import ActionsScreen
from tui.screens.board_keys import BOARD_BINDINGS, BOARD_PALETTE
from tui.screens.board_parts import board_widgets
from tui.widgets.board_model import BoardModel, Stored
from tui.widgets.board_view import BoardView, fit
from tui.widgets.cards import SORTS, make_cards
from tui.widgets.fmt import DUE_SYMBOL, number
from tui.widgets.footer import Footer
from tui.widgets.inbox_badge import InboxBadge
from tui.widgets.keys import key_for
from tui.writes import Write

if TYPE_CHECKING:
    from storage.records import Changes
    from tui.screens.form import Values


class BoardScreen(ActionsScreen):
    CSS_PATH = "board.tcss"
    BINDINGS: ClassVar[list[BindingType]] = BOARD_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.model: BoardModel | None = None
        self._search_due = False  # a search is due once the keys waiting in the field are read
        self._shown_unstored: dict[str, CycleSummary] = {}  # key: the summary before show_decided
        self.read_at: datetime | None = None  # when the full read of every cycle began

    def compose(self) -> ComposeResult:
        # The first frame's column header, until this screen is laid out (see ``update_info``).
        self.model, widgets = board_widgets(self.ctx, self.ctx.carried_columns)
        yield from widgets
        yield Footer()

    @property
    def view(self) -> BoardView:
        return self.query_one(BoardView)

    def on_mount(self) -> None:
        search = self.query_one("#search", Input)
        search.cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        self.watch(search, "value", self._search, init=False)
        self.view.focus()
        self.first_load()

    # -- reading -----------------------------------------------------------------------------

    class FirstScreenLoaded(Message):
        """The cycles of the first screenful and how many there are (see ``BoardModel.load_first``)."""

        def __init__(self, summaries: list[CycleSummary], counts: Stored, today: date) -> None:
            self.summaries = summaries
            self.counts = counts
            self.today = today
            super().__init__()

    def first_load(self) -> None:
        """Show the first screenful at once when the app's ``FirstRead`` has it, else read from a
        worker; every cycle is read after that screenful is on the screen."""
        first: FirstRead | None = getattr(self.app, "first_read", None)
        ready = first is not None and first.covers(self.rows()) and first.done.is_set()
        if ready and first is not None and first.result is not None:
            self.show_first(*first.result, self.ctx.today())
            self.call_after_refresh(self.load)
            return
        self.load(first=True)

    def rows(self) -> int:
        """Cards per column the first screenful needs: more than the screen shows."""
        return rows_for(self.app.size.height)

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self, first: bool = False) -> None:
        """Read every cycle (``first``: the first screenful when that can be read quickly, then
        every cycle after that has been shown); the Workspace picks how."""
        today = self.ctx.today()
        ws = self.ctx.workspace
        try:
            if first:
                rows, read = self.rows(), getattr(self.app, "first_read", None)
                if isinstance(read, FirstRead) and read.covers(rows) and read.done.wait():
                    if read.error is not None:  # one connection timeout is enough to wait for
                        ws.failed(read.error)  # as when opening the store: the board ends
                        raise read.error
                    head = read.result
                else:
                    head = first_screen(ws.url, rows)
                if head is not None:
                    self.post_message(self.FirstScreenLoaded(*head, today))
                    return
            self.read_at = self.ctx.clock()  # changes from here on are followed (``tui.live``)
            every = ws.list(CycleFilter(include_ended=True))
        except CyclesError as exc:
            self.app.post_message(ActionFailed("load", None, str(exc)))
            return
        self.post_message(CyclesLoaded(make_cards(every, today), today))

    def on_board_screen_first_screen_loaded(self, message: FirstScreenLoaded) -> None:
        self.show_first(message.summaries, message.counts, message.today)
        self.call_after_refresh(self.load)  # the rest, once this frame is on the screen

    def show_first(self, summaries: list[CycleSummary], counts: Stored, today: date) -> None:
        assert self.model is not None
        self.model.load_first(make_cards(summaries, today), counts, today)
        self.redraw()
        self.refresh_bindings()

    def on_cycles_loaded(self, message: CyclesLoaded) -> None:
        assert self.model is not None
        self.model.load(message.cards, message.today)
        self.redraw()
        self.refresh_bindings()  # "load example" depends on whether there are cycles
        self.call_after_refresh(self.ctx.board_loaded)  # reminders and the later screens

    def redraw(self, keep: str | None = None) -> None:
        """After the data or the filters changed: lay out again and update counts."""
        model = self.model
        assert model is not None
        self.view.reload(keep)
        self.update_info()
        hint = self.query_one("#hint", Static)
        hint.display = model.loaded and not model.cards
        if hint.display:
            hint.update(
                _("The database holds no cycles yet.")
                + "\n\n"
                + _("Press i to load SPARK's example portfolio, n to start a cycle of your own,")
                + "\n"
                + _("or run `cycles import examples/spark.yaml` in a terminal.")
            )

    def update_info(self) -> None:
        model = self.model
        assert model is not None
        f = model.filters
        total = model.total
        parts = [_("{shown} of {total} cycles").format(shown=number(model.shown), total=number(total))]
        community, lang = self.ctx.community, language()
        if f.scale:
            parts.append(community.label("scale", f.scale, lang))
        if f.activity_type:
            parts.append(community.label("activity_type", f.activity_type, lang))
        if f.owner:
            parts.append(f"{_('owner')} {f.owner}")
        if f.due:
            text = _("due or overdue") if f.due is DueState.DUE else due_label(f.due.value)
            parts.append(f"{DUE_SYMBOL[f.due]} {text}")
        parts.append(f"{_('sorted by')} {_(SORTS[f.sort])}")
        if f.show_ended:
            parts.append(_("with dropped and rerouted"))
        nodes = [self, self.view, self.app]
        hints = [
            (key_for(nodes, "board.filter"), _("filter")),
            (key_for(nodes, "board.sort"), _("sort")),
            (key_for(nodes, "board.ended"), _("ended")),
            (key_for(nodes, "board.fold"), _("fold lane")),
            (key_for(nodes, "board.open"), _("open")),
            (key_for(nodes, "board.timeline"), _("timeline")),
        ]
        keys = "  ".join(f"{k} {what}" for k, what in hints)
        self.query_one("#filters-info", Static).update(" · ".join(parts) + "\n" + keys)
        if not self.view.size.width:
            return  # not laid out: the column header follows once it is (``on_resize``)
        counts = model.column_counts()
        colw = self.view.column_width()
        titles = (_("collect"), _("run and monitor"), _("evaluate"))
        cells = [fit(f" {t} · {number(n)}", colw) for t, n in zip(titles, counts, strict=True)]
        self.query_one("#columns", Static).update("│".join(cells))

    def on_resize(self) -> None:
        if self.model is not None and self.model.loaded:
            self.update_info()

    def show_reminders(self, count: int) -> None:
        """How many reminders the inbox holds, on the top bar (nothing when none)."""
        self.query_one(InboxBadge).show_count(count, key_for([self], "board.inbox"))

    # -- the cursor --------------------------------------------------------------------------

    def selected(self) -> CycleSummary | None:
        return self.view.selected if self.model is not None else None

    def on_board_view_cursor_moved(self) -> None:
        self.selection_changed()

    def on_board_view_opened(self, message: BoardView.Opened) -> None:
        self.ctx.open_cycle(message.key)

    # -- changes from actions ----------------------------------------------------------------

    def apply_change(self, message: CycleChanged) -> None:
        """A stored change: the cycles it changed move; the cursor stays on the cycle the user
        has it on now (which may not be the one changed)."""
        model = self.model
        assert model is not None
        keep = self._cursor_key()
        shown = self._shown_unstored.pop(message.cycle.key, None) and model.cards.get(message.cycle.key)
        stored = CycleSummary.of(message.cycle)
        if shown and shown.summary == stored and not message.created and not message.deleted:
            return  # stored as ``show_decided`` showed it: nothing to draw again
        if message.created or message.deleted:
            for key in message.deleted:
                model.remove(key)
            model.put(stored)
            for cycle in message.created:
                model.put(CycleSummary.of(cycle))
            model.relayout()
        else:
            model.replace(stored)  # one card moves
        self.redraw(keep=keep)

    def apply_colleagues(self, changes: Changes) -> None:
        """Cycles another process changed (``tui.live``): their cards move, cycles that are gone
        leave, the counts follow, and the cursor stays on the cycle it is on."""
        model = self.model
        if model is None or not model.complete:
            return  # the full read that follows has them
        if changes.everything:
            self.load()
            return
        keep = self._cursor_key()
        for key in changes.gone:
            if key in model.cards:
                model.remove(key)
        for summary in changes.summaries:
            if summary.key in self._shown_unstored:  # this board's own decision, being written:
                self._shown_unstored[summary.key] = summary  # a refusal puts back the colleague's
            else:
                model.put(summary)
        model.relayout()
        self.redraw(keep=keep)

    # -- a decision shown while it is written ------------------------------------------------

    def show_decided(self, cycle: Cycle, kind: DecisionKind, why: str) -> None:
        """Show at once on the board what deciding ``kind`` on ``cycle`` (the version the user
        saw) will store, while a worker writes it: the card moves without waiting for the write.
        The stored result replaces it (``apply_change``); if the write is refused (a conflict, an
        error), ``unstored_refused`` puts back what was shown before."""
        model = self.model
        if model is None or cycle.key not in model.cards or kind is DecisionKind.ROUTE:
            return  # another route: its new cycle's key is chosen in the write
        try:
            change = loop.decide(
                cycle, self.ctx.community, kind=kind, why=why, now=self.ctx.clock(), actor=""
            )
        except (CyclesError, ValueError):
            return  # the worker's write reports why
        keep = self._cursor_key()
        self._shown_unstored.setdefault(cycle.key, model.cards[cycle.key].summary)
        model.replace(CycleSummary.of(change.cycle).model_copy(update={"version": cycle.version + 1}))
        self.redraw(keep=keep)

    def unstored_refused(self, key: str | None) -> None:
        """The write for ``key`` was refused: show the cycle as it was before ``show_decided``."""
        before = self._shown_unstored.pop(key or "", None)
        if before is None or self.model is None:
            return
        keep = self._cursor_key()
        self.model.replace(before)
        self.redraw(keep=keep)

    def _cursor_key(self) -> str | None:
        """The cycle under the cursor, taken before the model changes under it."""
        s = self.selected()
        return s.key if s is not None else None

    # -- filters -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "example":
            return self.model is not None and self.model.loaded and not self.model.cards
        if action == "fold":
            return self.selected() is not None or None
        if action == "inbox":
            return self.ctx.reminders_enabled
        return super().check_action(action, parameters)

    def filter_by(self, **changes: object) -> None:
        model = self.model
        assert model is not None
        model.filters = model.filters.with_(**changes)
        model.relayout()
        self.redraw()

    def _search(self) -> None:
        """The search field's text changed (watched, so this runs before the field is drawn
        again: one frame shows both). Keys typed faster than the board draws are already waiting
        in the field's queue: then the board is filtered once, after the last of them."""
        search = self.query_one("#search", Input)
        if search._message_queue.qsize():
            if not self._search_due:
                self._search_due = True
                search.call_later(self._search_now)
            return
        self._search_now()

    def _search_now(self) -> None:
        self._search_due = False
        text = self.query_one("#search", Input).value
        if self.model is not None and self.model.filters.text != text:
            self.filter_by(text=text)

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.view.focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_filters(self) -> None:
        from tui.screens.filters import FilterForm

        assert self.model is not None
        form = FilterForm(self.model.filters, self.ctx.community, self.model.owners())

        def done(values: Values | None) -> None:
            if values is not None:
                self.filter_by(**values)

        self.app.push_screen(form, done)

    def action_sort(self) -> None:
        assert self.model is not None
        keys = list(SORTS)
        self.filter_by(sort=keys[(keys.index(self.model.filters.sort) + 1) % len(keys)])

    def action_ended(self) -> None:
        assert self.model is not None
        self.filter_by(show_ended=not self.model.filters.show_ended)

    def action_fold(self) -> None:
        self.view.action_toggle_lane()

    def action_reload(self) -> None:
        self.load()

    def action_inbox(self) -> None:
        self.ctx.action_inbox()

    def key_escape(self) -> None:
        """Escape in the search field clears the search (and its filter) and goes back to the
        cards."""
        search = self.query_one("#search", Input)
        if search.has_focus:
            search.value = ""
            self.view.focus()

    # -- the example -------------------------------------------------------------------------

    def action_example(self) -> None:
        from cycles.communities import example_path

        ws = self.ctx.workspace

        def load() -> int:
            from cycles import portfolio

            data = portfolio.read(example_path(), ws.community)
            ws.import_portfolio(data)
            return len(data.cycles)

        self.ctx.writes.submit(Write("example", None, load, ExampleLoaded))

    def example_loaded(self, message: ExampleLoaded) -> None:
        text = ngettext("Loaded {n} example cycle", "Loaded {n} example cycles", message.count)
        self.app.notify(text.format(n=message.count), markup=False)
        self.load()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield from super().palette_commands()
        for action, (title, help_text) in BOARD_PALETTE.items():
            if self.check_action(action, ()):
                yield SystemCommand(_(title), _(help_text), getattr(self, f"action_{action}"))
