"""The board's first frame, drawn before pydantic, the domain's models and the board's screens load.

``cycles`` opens the board through ``tui.board_start``: the settings and the community file read
with ``tomllib`` (``tui.settings_file``, ``cycles.community_file``) and the first screenful's rows
as plain tuples (``tui.first_read``) are all this screen needs. It shows those cards in the board's
own layout (``BoardModel``, ``BoardView``, the board's stylesheet); right after that frame a worker
imports the board (``tui.screens.board``, which brings pydantic and the models), validates the
settings and the community file fully, and the app puts ``BoardScreen`` in this screen's place, with
the cursor where the user left it and the keys typed meanwhile. An invalid file ends the board with
the message every other command gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import events, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from cycles.errors import CyclesError
from cycles.i18n import _
from tui.screens.board_parts import board_widgets
from tui.widgets.board_model import BoardModel
from tui.widgets.board_view import BoardView, fit
from tui.widgets.cards import SORTS, make_cards
from tui.widgets.fmt import number

if TYPE_CHECKING:
    from tui.app_context import BoardApp

WAIT_S = 10.0  # for the first read, at most (it reports its own errors well before)
BLOCK_S = 0.5  # for the first read, on the UI thread, before its first frame


class FirstBoardScreen(Screen[None]):
    """What ``BoardScreen`` shows first, from plain rows; replaced by it right after that frame."""

    DEFAULT_CSS = "FirstBoardScreen #footer-line { height: 1; dock: bottom; }"

    def __init__(self) -> None:
        super().__init__()
        self.model: BoardModel | None = None
        self.keys: list[events.Key] = []  # typed before the board took over: given to it then
        self._replacing = False

    @property
    def ctx(self) -> BoardApp:
        return cast("BoardApp", self.app)

    def compose(self) -> ComposeResult:
        self.model, widgets = board_widgets(self.ctx, "")
        yield from widgets
        yield Static("", id="footer-line", markup=False)

    @property
    def view(self) -> BoardView:
        return self.query_one(BoardView)

    def on_mount(self) -> None:
        self.query_one("#search", Input).cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        self.view.focus()
        # The read has had the time Textual took to start: what it still needs is mostly SQLite's
        # (or the server's), so the first frame waits for it (a little), rather than being drawn
        # twice, without the cards and with them.
        if self.ctx.first_read.done.wait(BLOCK_S):
            self.show()
        else:
            self.wait_for_read()

    class ReadDone(Message):
        """The first read finished (whatever it found)."""

    @work(thread=True, exit_on_error=False, group="first")
    def wait_for_read(self) -> None:
        self.ctx.first_read.done.wait(WAIT_S)
        self.post_message(self.ReadDone())

    def on_first_board_screen_read_done(self) -> None:
        self.show()

    def show(self) -> None:
        """The first screenful when the read has it (else the board reads the usual way), then the
        board itself, once this frame is on the screen."""
        read = self.ctx.first_read
        head = read.light() if read.done.is_set() and read.covers(self.rows()) else None
        model = self.model
        if head is not None and model is not None:
            today = self.ctx.today()
            model.load_first(make_cards(cast("list[Any]", head[0]), today), head[1], today)
            self.view.reload()
            self.update_info()
            self.call_after_refresh(self.replace)
        else:
            self.replace()

    def rows(self) -> int:
        from tui.first_read import rows_for

        return rows_for(self.app.size.height)

    def update_info(self) -> None:
        """The counts, as ``BoardScreen.update_info`` shows them with the default filters."""
        model = self.model
        assert model is not None
        shown = _("{shown} of {total} cycles").format(shown=number(model.shown), total=number(model.total))
        info = f"{shown} · {_('sorted by')} {_(SORTS[model.filters.sort])}"
        self.query_one("#filters-info", Static).update(info + "\n")
        colw = self.view.column_width()
        titles = (_("collect"), _("run and monitor"), _("evaluate"))
        cells = [fit(f" {t} · {number(n)}", colw) for t, n in zip(titles, model.column_counts(), strict=True)]
        self.query_one("#columns", Static).update("│".join(cells))

    def on_resize(self) -> None:
        if self.model is not None and self.model.loaded:
            self.update_info()

    def replace(self) -> None:
        if not self._replacing:
            self._replacing = True
            self.load_board()

    class BoardReady(Message):
        """The board's modules are imported and the files validated (or ``error`` says why not)."""

        def __init__(self, settings: Any, community: Any, error: CyclesError | None) -> None:
            self.settings = settings
            self.community = community
            self.error = error
            super().__init__()

    @work(thread=True, exit_on_error=False, group="first")
    def load_board(self) -> None:
        import tui.screens.board  # noqa: F401  (pydantic and the models: off the UI thread)

        validate = self.ctx.validate_files
        try:
            settings, community = validate() if validate is not None else (None, None)
        except CyclesError as exc:
            self.post_message(self.BoardReady(None, None, exc))
            return
        self.post_message(self.BoardReady(settings, community, None))

    def on_first_board_screen_board_ready(self, message: BoardReady) -> None:
        """The board in this screen's place, with the validated files; or, when a file is not
        valid, the end, with why (``start_error``, which the command line reports)."""
        app = self.ctx
        if message.error is not None:
            app.start_error = message.error
            self.app.exit(return_code=1)
            return
        from tui.screens.board import BoardScreen

        if message.settings is not None:
            app.settings = message.settings
        if message.community is not None:
            app.community = message.community
            app.workspace.community = message.community
        selected = self.view.selected
        app.carried_cursor = selected.key if selected is not None else None
        app.carried_columns = str(self.query_one("#columns", Static).content)
        self._push_result_callback(self, None)  # the default screen has none: switching pops one
        self.app.switch_screen(BoardScreen())
        for key in self.keys:
            self.app.post_message(key)

    async def on_key(self, event: events.Key) -> None:
        """A key: to its binding here (the cursor's, the app's), else kept for the board."""
        event.stop()  # the app would look for its binding next: done here
        event.prevent_default()
        if not await self.app._check_bindings(event.key):
            self.keys.append(events.Key(event.key, event.character))


# The board's stylesheet styles ``BoardScreen #...``: this screen takes those rules too.
FirstBoardScreen._css_type_names = frozenset({*FirstBoardScreen._css_type_names, "BoardScreen"})
