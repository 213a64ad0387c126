"""The board's application: wiring only. ``make_app`` builds it for the command line and the tests.

The app holds the Workspace and the settings, applies the language, theme and keymap, opens the
screens, and hands what workers report (``tui.messages``) to every screen on the stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen

from cycles.cadence import local_date
from cycles.i18n import N_, _, set_language
from storage.workspace import Workspace
from tui.messages import ActionFailed, ConflictDetected, CycleChanged
from tui.screens.actions import ActionsScreen
from tui.screens.board import BoardScreen
from tui.screens.conflict import ConflictScreen
from tui.screens.cycle import CycleScreen
from tui.screens.help import HelpScreen
from tui.screens.timeline import TimelineScreen
from tui.settings import Settings
from tui.widgets.keys import translate_bindings

Clock = Callable[[], datetime]
THEMES = ("textual-dark", "textual-light")


class CyclesApp(App[None]):
    """Learning Cycles in the terminal."""

    TITLE = "Learning Cycles"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[None]]]] = {"board": BoardScreen}
    DEFAULT_MODE = "board"
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+p", "command_palette", N_("palette"), id="app.palette", priority=True, show=False),
        Binding("ctrl+q", "quit", N_("quit"), id="app.quit", priority=True, show=False),
        Binding("question_mark,f1", "help", N_("help"), id="app.help", tooltip=N_("this help")),
        Binding("ctrl+t", "toggle_theme", N_("light or dark theme"), id="app.theme", show=False),
    ]

    def __init__(self, workspace: Workspace, settings: Settings, *, clock: Clock) -> None:
        super().__init__()
        translate_bindings(self)
        self.workspace = workspace
        self.community = workspace.community
        self.settings = settings
        self.clock = clock
        self.keymap: dict[str, str] = dict(settings.keys)
        self.cursor_blink = True  # tests switch it off for stable snapshots

    def today(self) -> date:
        return local_date(self.clock(), self.community.zone)

    @property
    def board(self) -> BoardScreen:
        """The board, at the bottom of the screen stack for as long as the app runs."""
        screen = self.screen_stack[0]
        assert isinstance(screen, BoardScreen)
        return screen

    def on_mount(self) -> None:
        theme = self.settings.user.theme
        self.theme = theme if theme in self.available_themes else THEMES[0]
        self.set_keymap(self.keymap)

    # -- screens -----------------------------------------------------------------------------

    def open_cycle(self, key: str) -> None:
        self.push_screen(CycleScreen(key))

    def known_cycles(self) -> dict[str, str]:
        """Key and name of every cycle the board holds (for the link form)."""
        model = self.board.model
        return {k: c.summary.name for k, c in model.cards.items()} if model else {}

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_timeline(self) -> None:
        model = self.board.model
        if model is None or isinstance(self.screen, TimelineScreen):
            return
        shown = [c.summary for c in model.cards.values() if model.matches(c)]
        self.push_screen(TimelineScreen(shown))

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    # -- what workers report -----------------------------------------------------------------

    def on_cycle_changed(self, message: CycleChanged) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, ActionsScreen) and hasattr(screen, "apply_change"):
                screen.apply_change(message)
        done = ActionsScreen.done_text(message)
        if done:
            self.notify(done, markup=False)
        if message.action == "decide" and message.created:
            self.open_cycle(message.created[0].key)  # the other route: open the new line

    def on_conflict_detected(self, message: ConflictDetected) -> None:
        key = message.key

        def reload(yes: bool | None) -> None:
            if yes:
                self.board.refetch(key)

        self.push_screen(ConflictScreen(key, message.detail), reload)

    def on_action_failed(self, message: ActionFailed) -> None:
        self.notify(message.detail, title=_("Not done"), severity="error", timeout=8, markup=False)
        if message.action == "open" and isinstance(self.screen, CycleScreen):
            self.pop_screen()

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
        yield SystemCommand(_("View: help"), _("Every key, and how to walk a cycle"), self.action_help)
        yield SystemCommand(
            _("App: light or dark theme"), _("Switch between light and dark"), self.action_toggle_theme
        )
        yield SystemCommand(
            _("App: choose theme"), _("Pick one of Textual's themes"), self.action_change_theme
        )
        yield SystemCommand(_("App: quit"), _("Leave Learning Cycles"), self.action_quit)


def make_app(workspace: Workspace, settings: Settings, *, clock: Clock | None = None) -> CyclesApp:
    """The board on ``workspace``: language, theme and keymap from ``settings``; ``clock`` (default
    the workspace's) decides what is due today."""
    set_language(settings.language)
    return CyclesApp(workspace, settings, clock=clock or workspace.clock)
