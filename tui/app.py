"""The board's application: wiring only. ``make_app`` builds it for the command line and the tests.

The app holds the Workspace and the settings, applies the language, theme and keymap, opens the
screens, and hands what workers report (``tui.messages``) to every screen on the stack. With
``reminders`` on it also runs the evaluation reminders (``tui.reminders.InAppReminders``) on its
event loop: each sweep runs in a thread, new reminders show as a notification, and the inbox
(``tui.screens.inbox``) lists what is owed.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import Screen

from cycles.errors import CyclesError
from cycles.i18n import N_, _, set_language
from cycles.kinds import local_date
from tui.first_read import FirstRead
from tui.live import Live
from tui.widgets.keys import key_for, translate_bindings
from tui.writes import Write, WriteQueue

if TYPE_CHECKING:
    from cycles.community import Community
    from storage.records import InboxEntry
    from storage.workspace import Workspace
    from tui.messages import ActionFailed, ColleaguesChanged, ConflictDetected, CycleChanged, ExampleLoaded
    from tui.reminders import InAppReminders, Sweeper
    from tui.screens.board import BoardScreen
    from tui.screens.inbox import InboxLoaded
    from tui.settings import Settings

# Screens the board opens later: imported after its first frame (``preload``), not before it.
LATER = (
    "tui.screens.cycle",
    "tui.screens.help",
    "tui.screens.inbox",
    "tui.screens.timeline",
    "tui.screens.conflict",
    "tui.screens.confirm",
    "tui.screens.filters",
    *(f"tui.screens.{n}" for n in ("collect", "decide", "edit", "evaluate", "link", "new_cycle")),
    *("tui.screens.note", "tui.screens.start"),
)

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Validate = Callable[[], "tuple[Settings, Community]"]
THEMES = ("textual-dark", "textual-light")


class StoreFailed(Message):
    """The database could not be opened (from the worker that tried): the board ends, and the
    command line reports why, as every other command does."""

    def __init__(self, error: CyclesError) -> None:
        self.error = error
        super().__init__()


class CyclesApp(App[None]):
    """Learning Cycles in the terminal."""

    TITLE = "Learning Cycles"
    # The board is the default screen and its CSS is the app's: parsed once at start. (As a mode
    # with a CSS_PATH of its own, Textual would parse every stylesheet twice more on mounting it.)
    CSS_PATH = "screens/board.tcss"
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+p", "command_palette", N_("palette"), id="app.palette", priority=True, show=False),
        Binding("ctrl+q", "quit", N_("quit"), id="app.quit", priority=True, show=False),
        Binding("question_mark,f1", "help", N_("help"), id="app.help", tooltip=N_("this help")),
        Binding("ctrl+t", "toggle_theme", N_("light or dark theme"), id="app.theme", show=False),
    ]

    def __init__(
        self,
        workspace: Workspace,
        settings: Settings,
        *,
        clock: Clock,
        reminders: bool | Sweeper = True,
        first_read: FirstRead | None = None,
        validate_files: Validate | None = None,
        live: bool = True,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.workspace = workspace
        self.community = workspace.community
        self.settings = settings
        self.clock = clock
        self.keymap: dict[str, str] = dict(settings.keys)
        self.cursor_blink = True  # tests switch it off for stable snapshots
        # True: sweep with the channels the settings allow; a Sweeper: that one; False: none.
        self.reminders_option = reminders
        self.reminders: InAppReminders | None = None  # set once started
        self.inbox_entries: list[InboxEntry] = []  # as the latest tick or inbox read saw it
        self._first_tick = asyncio.Event()
        self._started = False  # reminders and the later screens, once the board has loaded
        workspace.on_error = lambda exc: self.post_message(StoreFailed(exc))
        # The board's first screenful, read while Textual starts (unless begun before).
        self.first_read = first_read or FirstRead.of(workspace, shutil.get_terminal_size((0, 0)).lines)
        self.validate_files = validate_files  # given: the first frame is ``tui.first_board``'s
        self.carried_cursor: str | None = None  # the first frame's cursor, for the board
        self.carried_columns = ""  # and its column header
        self.start_error: CyclesError | None = None  # the files, found invalid after the first frame
        self.writes = WriteQueue(self.post_message)  # every write, in order (``tui.writes``)
        # Other processes' changes, shown as they happen (``tui.live``), once the board has loaded.
        self.live = Live(self, workspace) if live else None
        self.unsaved: list[Write] = []  # writes the queue could not finish before the app closed

    def today(self) -> date:
        return local_date(self.clock(), self.community.zone)

    def get_default_screen(self) -> Screen[Any]:
        if self.validate_files is not None:
            from tui.first_board import FirstBoardScreen

            return FirstBoardScreen()
        from tui.screens.board import BoardScreen

        return BoardScreen()

    @property
    def board(self) -> BoardScreen:
        """The board, at the bottom of the screen stack for as long as the app runs."""
        from tui.screens.board import BoardScreen

        screen = self.screen_stack[0]
        assert isinstance(screen, BoardScreen)
        return screen

    @property
    def has_board(self) -> bool:  # not yet while ``tui.first_board`` shows the first frame
        return self.screen_stack[0].__class__.__name__ == "BoardScreen"

    def on_mount(self) -> None:
        theme = self.settings.user.theme
        self.theme = theme if theme in self.available_themes else THEMES[0]
        self.set_keymap(self.keymap)

    def board_loaded(self) -> None:
        """The board shows every cycle: now start what the first frame did not need, once.

        The reminders (importing the scheduler, opening the store, the first sweep) and the
        screens the board opens later, each off the UI thread, so that they neither delay the
        first frame nor make a keypress wait.
        """
        if self._started or not self.is_running:
            return
        self._started = True
        self.preload()
        if self.live is not None:
            self.live.start(self.board.read_at if self.has_board else None)
        if self.reminders_enabled:
            # The coroutine function, not a coroutine: an app closing first leaves nothing un-awaited.
            # (Textual runs either; its stub types only the latter's Coroutine[None, None, T].)
            start: Any = self.start_reminders
            self.run_worker(start, name="reminders", group="reminders", exit_on_error=False)

    @work(thread=True, exit_on_error=False, group="preload")
    def preload(self) -> None:
        import gc
        import importlib

        for name in LATER:
            importlib.import_module(name)
        # What exists now (modules, the loaded cards) lives as long as the app: keep the
        # collector's full passes from walking it again (each was a visible pause in a frame at
        # 10,000 cycles; docs/PERFORMANCE.md).
        gc.freeze()

    def on_store_failed(self, message: StoreFailed) -> None:
        self.exit(return_code=1)

    def on_unmount(self) -> None:
        if self.live is not None:
            self.live.stop()
        self.unsaved = self.writes.close()  # what the user asked for is stored before we go
        if self.reminders is not None:
            self.reminders.stop()

    # -- reminders ---------------------------------------------------------------------------

    @property
    def reminders_enabled(self) -> bool:
        return self.reminders_option is not False

    async def start_reminders(self) -> None:
        """Start the reminder ticks on this loop; done when the first tick has reported.

        Building the sweeper (and importing the scheduler) happens in a thread, after the board
        painted; the scheduler then ticks on this loop and each tick sweeps in a thread.
        """
        option = self.reminders_option

        def build() -> InAppReminders:
            import apscheduler.schedulers.asyncio  # noqa: F401  (imported off the loop)

            from tui.reminders import InAppReminders

            sweeper = None if isinstance(option, bool) else option
            return InAppReminders(self.workspace, self.settings, self.reminders_arrived, sweeper=sweeper)

        try:
            reminders = await asyncio.to_thread(build)
        except Exception as exc:  # the board works without reminders; say why they are off
            log.exception("reminders not started")
            self.notify(str(exc), title=_("Reminders are off"), severity="warning", markup=False)
            return
        if not self.is_running:
            return
        self.reminders = reminders
        await reminders.start()
        await self._first_tick.wait()

    def reminders_arrived(self, new: list[InboxEntry], inbox: list[InboxEntry]) -> None:
        """A tick's result, on the loop: ``new`` reminders this board has not shown yet."""
        if not self.is_running:
            return
        self.set_inbox(inbox)
        if new:
            from tui.widgets.inbox_list import summary

            text = summary(new, self.inbox_key(), self.today())
            self.notify(text, title=_("Evaluation reminders"), timeout=12, markup=False)
        self._first_tick.set()

    def set_inbox(self, entries: list[InboxEntry]) -> None:
        """The inbox as read now: to the board's badge and to an open inbox screen."""
        from tui.screens.board import BoardScreen
        from tui.screens.inbox import InboxScreen

        self.inbox_entries = entries
        board = self.screen_stack[0] if self.screen_stack else None
        if isinstance(board, BoardScreen) and board.is_mounted:
            board.show_reminders(len(entries))
        for screen in self.screen_stack:
            if isinstance(screen, InboxScreen) and screen.is_mounted:
                screen.show(entries)

    def inbox_key(self) -> str:
        return key_for([self.board], "board.inbox")

    def action_inbox(self) -> None:
        from tui.screens.inbox import InboxScreen

        if self.reminders_enabled and not isinstance(self.screen, InboxScreen):
            self.push_screen(InboxScreen())

    @work(thread=True, exclusive=True, exit_on_error=False, group="inbox")
    def refresh_inbox(self) -> None:
        from tui.messages import ActionFailed
        from tui.screens.inbox import InboxLoaded

        reminders = self.reminders
        if reminders is None:
            return
        try:
            entries = reminders.inbox()
        except CyclesError as exc:
            self.post_message(ActionFailed("inbox", None, str(exc)))
            return
        self.post_message(InboxLoaded(entries))

    def on_inbox_loaded(self, message: InboxLoaded) -> None:
        self.set_inbox(message.entries)
        if message.done:
            self.notify(message.done, markup=False)

    # -- screens -----------------------------------------------------------------------------

    def open_cycle(self, key: str) -> None:
        from tui.screens.cycle import CycleScreen

        CycleScreen.open_in(self, key)

    def known_cycles(self) -> dict[str, str]:
        """Key and name of every cycle the board holds (for the link form)."""
        model = self.board.model if self.has_board else None
        return {k: c.summary.name for k, c in model.cards.items()} if model else {}

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_timeline(self) -> None:
        from tui.screens.timeline import TimelineScreen

        if not self.has_board:
            return
        if (model := self.board.model) is None or isinstance(self.screen, TimelineScreen):
            return
        shown = [c.summary for c in model.cards.values() if model.matches(c)]
        self.push_screen(TimelineScreen(shown))

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    # -- what workers report -----------------------------------------------------------------

    def on_cycle_changed(self, message: CycleChanged) -> None:
        from tui.screens.actions import ActionsScreen

        for screen in self.screen_stack:
            if isinstance(screen, ActionsScreen) and hasattr(screen, "apply_change"):
                screen.apply_change(message)
        done = ActionsScreen.done_text(message)
        if done:
            self.notify(done, markup=False)
        if message.action == "decide" and message.created:
            self.open_cycle(message.created[0].key)  # the other route: open the new line
        changed = {message.cycle.key, *message.deleted}
        if any(e.cycle in changed for e in self.inbox_entries):
            self.refresh_inbox()  # evaluated, dropped, or due on another day: the inbox changed

    def on_conflict_detected(self, message: ConflictDetected) -> None:
        from tui.screens.conflict import ConflictScreen

        key = message.key
        if self.has_board:
            self.board.unstored_refused(key)  # shown while it was written: not stored

        def reload(yes: bool | None) -> None:
            if yes:
                self.board.refetch(key)
                if message.typed is not None:  # the form again, with what the user typed
                    purpose, typed = message.typed
                    self.board.reopen(key, purpose, typed)

        self.push_screen(ConflictScreen(key, message.detail, kept=message.typed is not None), reload)

    def on_colleagues_changed(self, message: ColleaguesChanged) -> None:
        """Another process changed cycles: every screen shows it, and who did what is said."""
        from tui.live import who_did_what
        from tui.screens.cycle import CycleScreen

        changes = message.changes
        if self.has_board:
            self.board.apply_colleagues(changes)
        changed = {n.cycle for n in changes.notes} | set(changes.gone)
        for screen in self.screen_stack:
            if isinstance(screen, CycleScreen) and (changes.everything or screen.key in changed):
                screen.colleague_changed(gone=screen.key in changes.gone)
        if self.reminders is not None and (changes.everything or changed):
            self.refresh_inbox()
        said = who_did_what(changes, self.workspace.actor)
        if said:
            self.notify(said, title=_("Changed by others"), timeout=6, markup=False)

    def on_example_loaded(self, message: ExampleLoaded) -> None:
        if self.has_board:
            self.board.example_loaded(message)

    def on_action_failed(self, message: ActionFailed) -> None:
        from tui.screens.cycle import CycleScreen

        if self.has_board:
            self.board.unstored_refused(message.key)  # shown while it was written: not stored
        self.notify(message.detail, title=_("Not done"), severity="error", timeout=8, markup=False)
        if message.action == "open" and isinstance(self.screen, CycleScreen):
            self.pop_screen()
        if message.action == "load":
            self.board_loaded()  # the board could not read its cycles: reminders run all the same

    # -- Textual's own strings, in the chosen language ---------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def action_help_quit(self) -> None:
        self.notify(_("Press ctrl+q to quit"), title=_("Quit?"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        own: Callable[[], Iterable[SystemCommand]] | None = getattr(screen, "palette_commands", None)
        if own is not None:
            yield from own()
        yield SystemCommand(_("View: timeline"), _("Cycles as bars over the months"), self.action_timeline)
        if self.reminders_enabled and type(screen).__name__ != "InboxScreen":
            yield SystemCommand(
                _("Reminders: inbox"), _("Evaluations upcoming, due or overdue"), self.action_inbox
            )
        yield SystemCommand(_("View: help"), _("Every key, and how to walk a cycle"), self.action_help)
        yield SystemCommand(
            _("App: light or dark theme"), _("Switch between light and dark"), self.action_toggle_theme
        )
        yield SystemCommand(
            _("App: choose theme"), _("Pick one of Textual's themes"), self.action_change_theme
        )
        yield SystemCommand(_("App: quit"), _("Leave Learning Cycles"), self.action_quit)


def make_app(
    workspace: Workspace,
    settings: Settings,
    *,
    clock: Clock | None = None,
    reminders: bool | Sweeper = True,
    first_read: FirstRead | None = None,
    validate_files: Validate | None = None,
    live: bool = True,
) -> CyclesApp:
    """The board on ``workspace``: language, theme and keymap from ``settings``; ``clock`` (default
    the workspace's) decides what is due today.

    ``reminders``: True sweeps evaluation reminders with the channels ``settings`` allow (SMTP,
    desktop) and shows them in the app; a ``tui.reminders.Sweeper`` sweeps with that one (tests
    pass one without channels); False runs no reminders and hides the inbox. ``first_read``: the
    board's first screenful when its read began already (else it begins here). ``validate_files``:
    the first frame comes before the settings and the community file are validated (given as
    outlines read with ``tomllib``), and this validates them right after it (``tui.board_start``).
    ``live``: follow other processes' changes (``tui.live``).
    """
    set_language(settings.language)
    return CyclesApp(
        workspace,
        settings,
        clock=clock or workspace.clock,
        reminders=reminders,
        first_read=first_read,
        validate_files=validate_files,
        live=live,
    )
