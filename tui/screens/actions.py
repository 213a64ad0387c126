"""``ActionsScreen``: what the board and the cycle screen share, the iterate loop's actions.

Each action has a key, a palette entry ("Cycle: evaluate") and a form. Actions the selected cycle's
state does not allow are greyed out (``check_action`` asks ``cycles.loop.allowed_actions``). Every
read runs in a thread worker and every write in the app's write queue (``tui.writes``), in the
order given; the result comes back as a message (``tui.messages``) that the app hands to every
screen, and an action always carries the version the user saw, so a stale edit is refused (and
shown) instead of overwriting someone else's change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from cycles import loop
from cycles.errors import CyclesError
from cycles.i18n import N_, _
from cycles.model import Change, Cycle, CycleSummary, DecisionKind, Phase, Status
from tui.messages import ActionFailed, ConflictDetected, CycleChanged, CycleFetched
from tui.widgets.keys import key_for, translate_bindings
from tui.writes import Write

if TYPE_CHECKING:
    from tui.app_context import BoardApp
    from tui.screens.form import FormScreen, Values

# The forms are imported when first opened (the app imports them after the board's first frame).

LOOP_ACTIONS = ("edit", "collect", "start", "note", "evaluate", "decide", "link")

# Palette titles, "area: action", and what each does.
PALETTE: dict[str, tuple[str, str]] = {
    "new": (N_("Cycle: new"), N_("Start a new cycle at iteration 1, collect")),
    "edit": (N_("Cycle: edit"), N_("Change name, owner, stakeholders, cadence or description")),
    "collect": (N_("Cycle: collect"), N_("Record what is needed, for whom, on which preconditions")),
    "start": (N_("Cycle: start run"), N_("Set the iteration up in one context and run it")),
    "note": (N_("Cycle: add note"), N_("A dated monitoring note on the running iteration")),
    "evaluate": (N_("Cycle: evaluate"), N_("Findings, value created, outcome levels, principles")),
    "decide": (N_("Cycle: decide"), N_("Next step, other route, or drop")),
    "link": (N_("Cycle: link"), N_("Link this cycle to another one")),
    "undo": (N_("Cycle: undo last change"), N_("Revert the cycle's latest change from its history")),
}

DONE = {
    "create": N_("Created {name}"),
    "edit": N_("Saved {name}"),
    "collect": N_("Collect findings saved for {name}"),
    "start": N_("{name} is running"),
    "note": N_("Note added to {name}"),
    "evaluate": N_("Evaluation saved for {name}"),
    "decide": N_("Decision stored for {name}"),
    "link": N_("Linked {name}"),
    "undo": N_("Undid the last change of {name}"),
}


@dataclass(frozen=True)
class _Standing:
    """The two things ``loop.allowed_actions`` reads of a cycle, taken from a summary."""

    active: bool
    phase: Phase


def allowed(summary: CycleSummary) -> list[str]:
    standing = _Standing(summary.status is Status.ACTIVE, summary.phase)
    return loop.allowed_actions(cast(Cycle, standing))


# What each loop action is called where a sentence names it (the keys' own words).
ACTION_WORDS = {
    "edit": N_("edit"),
    "collect": N_("collect"),
    "start": N_("start"),
    "note": N_("note"),
    "evaluate": N_("evaluate"),
    "decide": N_("decide"),
    "link": N_("link"),
}


def why_not_now(action: str, summary: CycleSummary, key_of: Callable[[str], str]) -> str:
    """Why ``action`` is not possible on the cycle now, and what is (``key_of``: an action's key)."""
    from tui.labels import phase_label, status_label

    word = _(ACTION_WORDS.get(action, action))
    if summary.status is not Status.ACTIVE:
        return _("{name} is {status}: its history is kept, but it can no longer be changed.").format(
            name=summary.name, status=status_label(summary.status.value)
        )
    if action in ("note", "evaluate") and summary.phase is Phase.COLLECT:
        return _("{name} is at collect: {action} comes after the run has started (press {start}).").format(
            name=summary.name, action=word, start=key_of("start")
        )
    now = [f"{_(ACTION_WORDS[a])} ({key_of(a)})" for a in allowed(summary) if a in ACTION_WORDS]
    return _("{name} is at {phase}: {action} is not possible now. Possible now: {allowed}.").format(
        name=summary.name, phase=phase_label(summary.phase.value), action=word, allowed=", ".join(now)
    )


class ActionsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", N_("new"), id="board.new", tooltip=N_("start a new cycle at iteration 1")),
        Binding(
            "e",
            "edit",
            N_("edit"),
            id="board.edit",
            tooltip=N_("edit name, owner, stakeholders, cadence, description"),
        ),
        Binding("c", "collect", N_("collect"), id="board.collect", tooltip=N_("record the collect findings")),
        Binding("s", "start", N_("start"), id="board.start", tooltip=N_("start the run in one context")),
        Binding("m", "note", N_("note"), id="board.note", tooltip=N_("add a dated monitoring note")),
        Binding("v", "evaluate", N_("evaluate"), id="board.evaluate", tooltip=N_("evaluate the iteration")),
        Binding(
            "d",
            "decide",
            N_("decide"),
            id="board.decide",
            tooltip=N_("decide: next step, other route or drop"),
        ),
        Binding("l", "link", N_("link"), id="board.link", tooltip=N_("link the cycle to another one")),
        Binding("u", "undo", N_("undo"), id="board.undo", tooltip=N_("undo the cycle's last change")),
        Binding(
            "t",
            "app.timeline",
            N_("timeline"),
            show=False,
            id="board.timeline",
            tooltip=N_("timeline of the cycles shown"),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._allowed: tuple[str, ...] | None = None

    @property
    def ctx(self) -> BoardApp:
        return cast("BoardApp", self.app)

    # -- what subclasses supply --------------------------------------------------------------

    def selected(self) -> CycleSummary | None:
        """The cycle the actions apply to, as the user sees it."""
        raise NotImplementedError

    def full_cycle(self) -> Cycle | None:
        """The whole cycle when the screen already holds it (else it is read before a form opens)."""
        return None

    # -- enabling ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in LOOP_ACTIONS:
            s = self.selected()
            return True if s is not None and action in allowed(s) else None
        if action == "undo":
            return True if self.selected() is not None else None
        return True

    def on_key(self, event: events.Key) -> None:
        """A loop action's key on a cycle whose state does not allow it (its binding is greyed out,
        so the key reaches here): say why, instead of doing nothing."""
        actions = [
            b.action for b in self._bindings.key_to_bindings.get(event.key, ()) if b.action in LOOP_ACTIONS
        ]
        s = self.selected()
        if not actions or s is None or actions[0] in allowed(s):
            return
        event.stop()
        nodes = [self, self.app]
        text = why_not_now(actions[0], s, lambda a: key_for(nodes, f"board.{a}"))
        self.app.notify(text, title=_("Not now"), severity="warning", timeout=8, markup=False)

    def selection_changed(self) -> None:
        """Refresh the footer when the set of allowed actions changed (not on every move)."""
        s = self.selected()
        now = (s is not None, *(allowed(s) if s else ()))
        if now != self._allowed:
            self._allowed = now
            self.refresh_bindings()

    def palette_commands(self) -> Iterable[SystemCommand]:
        for action, (title, help_text) in PALETTE.items():
            if self.check_action(action, ()):
                yield SystemCommand(_(title), _(help_text), getattr(self, f"action_{action}"))

    # -- actions -----------------------------------------------------------------------------

    def action_new(self) -> None:
        from tui.screens.new_cycle import NewCycleForm

        form = NewCycleForm(self.ctx.community, owner=self.ctx.settings.user.name)
        ws = self.ctx.workspace

        def done(values: Values | None) -> None:
            if values is not None:
                self.act("create", None, partial(ws.create, **values))

        self.app.push_screen(form, done)

    def action_edit(self) -> None:
        self.begin("edit")

    def action_collect(self) -> None:
        self.begin("collect")

    def action_start(self) -> None:
        self.begin("start")

    def action_note(self) -> None:
        self.begin("note")

    def action_evaluate(self) -> None:
        self.begin("evaluate")

    def action_decide(self) -> None:
        self.begin("decide")

    def action_link(self) -> None:
        self.begin("link")

    def action_undo(self) -> None:
        s = self.selected()
        if s is not None:
            self.act("undo", s.key, partial(self.ctx.workspace.undo, s.key), seen=s.version)

    def begin(self, purpose: str) -> None:
        s = self.selected()
        if s is None or not self.check_action(purpose, ()):
            return
        cycle = self.full_cycle()
        if cycle is not None and cycle.version == s.version:
            self.open_form(purpose, cycle, s.version)
        else:
            self.fetch(s.key, purpose, s.version)

    @work(thread=True, exclusive=True, exit_on_error=False, group="fetch")
    def fetch(self, key: str, purpose: str, seen: int, typed: Values | None = None) -> None:
        try:
            cycle = self.ctx.workspace.get(key)
        except CyclesError as exc:
            self.app.post_message(ActionFailed(purpose, key, str(exc)))
            return
        self.post_message(CycleFetched(cycle, purpose, seen, typed))

    def reopen(self, key: str, purpose: str, typed: Values) -> None:
        """After a conflict: the form again, on the cycle as it is now, with what the user typed."""
        self.fetch(key, purpose, -1, typed)

    def on_cycle_fetched(self, message: CycleFetched) -> None:
        cycle = message.cycle
        if message.typed is not None:
            self.open_form(message.purpose, cycle, cycle.version, message.typed)
            return
        if cycle.version != message.seen_version:
            detail = _("You saw version {seen}; it is now at version {now}.").format(
                seen=message.seen_version, now=cycle.version
            )
            self.app.post_message(ConflictDetected(cycle.key, detail))
            return
        self.open_form(message.purpose, cycle, message.seen_version)

    def open_form(self, purpose: str, cycle: Cycle, version: int, typed: Values | None = None) -> None:
        from tui.screens.collect import CollectForm
        from tui.screens.decide import DecideForm
        from tui.screens.edit import EditForm
        from tui.screens.evaluate import EvaluateForm
        from tui.screens.link import LinkForm
        from tui.screens.note import NoteForm
        from tui.screens.start import StartForm

        community = self.ctx.community
        forms: dict[str, Callable[[], FormScreen]] = {
            "edit": lambda: EditForm(cycle),
            "collect": lambda: CollectForm(cycle),
            "start": lambda: StartForm(cycle),
            "note": lambda: NoteForm(cycle),
            "evaluate": lambda: EvaluateForm(cycle, community),
            "decide": lambda: DecideForm(cycle, community),
            "link": lambda: LinkForm(cycle, self.ctx.known_cycles()),
        }

        def done(values: Values | None) -> None:
            if values is not None:
                self.submit(purpose, cycle, version, values)

        form = forms[purpose]()
        form.restore = typed
        self.app.push_screen(form, done)

    def submit(self, purpose: str, cycle: Cycle, version: int, values: Values) -> None:
        from tui.screens.confirm import ConfirmScreen

        ws, key = self.ctx.workspace, cycle.key
        typed = (purpose, dict(values))  # put back in the form if the save meets a conflict
        if purpose == "decide":
            kind, why = values.pop("kind"), values.pop("why")
            call = partial(ws.decide, key, kind, why, **values)
            if kind is DecisionKind.DROP:
                question = _("Drop {name}? It leaves the board; its history is kept.").format(name=cycle.name)

                def confirmed(yes: bool | None) -> None:
                    if yes:
                        self.ctx.board.show_decided(cycle, kind, why)  # undone if refused
                        self.act("decide", key, call, seen=version, typed=typed)
                    else:
                        self.app.notify(
                            _("Not dropped: {name} stays as it was.").format(name=cycle.name), markup=False
                        )

                self.app.push_screen(ConfirmScreen(question, _("Drop")), confirmed)
                return
            self.ctx.board.show_decided(cycle, kind, why)  # undone if refused
            self.act("decide", key, call, seen=version, typed=typed)
            return
        if purpose == "link":
            self.act("link", key, partial(self._link, key, values))
            return
        calls: dict[str, Callable[..., Change | Cycle]] = {
            "edit": partial(ws.edit, key, **values),
            "collect": partial(ws.collect, key, **values),
            "start": partial(ws.start, key, values.get("context", "")),
            "note": partial(ws.note, key, values.get("text", "")),
            "evaluate": partial(ws.evaluate, key, **values),
        }
        self.act(purpose, key, calls[purpose], seen=version, typed=typed)

    def _link(self, key: str, values: Values) -> Cycle:
        ws = self.ctx.workspace
        ws.link(key, values["target"], values["kind"], values.get("note", ""))
        return ws.get(key)  # a link bumps the cycle's version: read it back

    def act(
        self,
        action: str,
        key: str | None,
        call: Callable[..., Change | Cycle],
        *,
        seen: int | None = None,
        typed: tuple[str, Values] | None = None,
    ) -> None:
        """Store one change off the UI thread, behind every change asked for before it
        (``tui.writes``); ``seen`` is the version of cycle ``key`` the user acted on. The app is
        told what was stored, or why not."""
        self.ctx.writes.submit(Write(action, key, call, partial(CycleChanged.of, action), seen, typed))

    @work(thread=True, exclusive=True, exit_on_error=False, group="refetch")
    def refetch(self, key: str) -> None:
        """Read one cycle again (after a conflict) and hand it around as changed."""
        try:
            cycle = self.ctx.workspace.get(key)
        except CyclesError as exc:
            self.app.post_message(ActionFailed("reload", key, str(exc)))
            return
        self.app.post_message(CycleChanged("reload", cycle))

    @staticmethod
    def done_text(message: CycleChanged) -> str:
        text = DONE.get(message.action)
        return _(text).format(name=message.cycle.name) if text else ""
