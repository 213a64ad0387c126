"""``FormScreen``: the base of every modal form. It checks its fields as the user types, shows the
first problem under the fields, and only saves (returns its values) when there is none."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, RadioSet, Select, SelectionList, Static, TextArea

from cycles.i18n import N_, _
from tui.widgets.keys import translate_bindings

Values = dict[str, Any]
Problem = tuple[str, str]  # field id, message


def label(text: str, hint: str = "") -> ComposeResult:
    yield Static(text, classes="field-label")
    if hint:
        yield Static(hint, classes="field-hint")


def split_list(text: str) -> list[str]:
    """ "a, b; c" as ["a", "b", "c"]: lists are typed comma-separated."""
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class FormScreen(ModalScreen[Values | None]):
    """A modal form; subclasses give ``heading``, ``fields``, ``problems`` and ``values``."""

    CSS_PATH = "form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("cancel"), id="form.cancel"),
        Binding("ctrl+s", "save", N_("save"), id="form.save"),
    ]

    def __init__(self, subtitle: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.subtitle = subtitle
        self.touched: set[str] = set()  # fields the user changed: only those are marked invalid
        self.tried = False  # after a save attempt every invalid field is marked
        self._error = ""  # the problem shown under the fields
        self.restore: Values | None = None  # what the user typed before, put back on mount

    def heading(self) -> str:
        raise NotImplementedError

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def problems(self) -> list[Problem]:
        return []

    def values(self) -> Values:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.heading(), id="form-title", markup=False)
            if self.subtitle:
                yield Static(self.subtitle, id="form-subtitle", markup=False)
            with VerticalScroll(id="form-fields", can_focus=False):
                yield from self.fields()
            yield Static("", id="form-error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        blink = bool(getattr(self.app, "cursor_blink", True))
        for widget in self.query(Input):
            widget.cursor_blink = blink
        for area in self.query(TextArea):
            area.cursor_blink = blink
        if self.restore:
            self.put_back(self.restore)
        self.validate()
        # Focusing the first field may scroll its label out of view; show the form from the top.
        self.call_after_refresh(self.query_one("#form-fields").scroll_home, animate=False)

    # -- checking as the user types ----------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(RadioSet.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Message) -> None:
        control = getattr(event, "control", None)
        if control is not None and control.id and control.has_focus_within:
            self.touched.add(control.id)
        self.changed()
        self.validate()

    def changed(self) -> None:
        """Called after any field changed, before checking: forms adjust dependent fields here."""

    def validate(self) -> bool:
        problems = self.problems()
        bad = {field for field, _msg in problems}
        for widget in self.query(".field"):
            shown = self.tried or widget.id in self.touched
            widget.set_class(shown and widget.id in bad, "-invalid")
        error = problems[0][1] if problems else ""
        if error != self._error:  # an update lays the form out again: only when it changed
            self._error = error
            self.query_one("#form-error", Static).update(error)
        self.query_one("#save", Button).disabled = bool(problems)
        return not problems

    # -- leaving -----------------------------------------------------------------------------

    def action_save(self) -> None:
        self.tried = True
        if self.validate():
            self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    # -- putting back what the user typed ----------------------------------------------------

    ALIASES: ClassVar[dict[str, str]] = {"stakeholders_involved": "involved", "stakeholders_needed": "needed"}

    def put_back(self, values: Values) -> None:
        """Fill the fields with ``values`` (what ``values()`` returned before, e.g. a save refused
        as a conflict): each value goes to the field of its name; forms add what this misses."""
        for name, value in values.items():
            found = self.query(f"#{self.ALIASES.get(name, name)}")
            if not found:
                continue
            widget = found.first()
            if isinstance(widget, TextArea):
                widget.text = str(value or "")
            elif isinstance(widget, Input):
                widget.value = ", ".join(value) if isinstance(value, list) else str(value or "")
            elif isinstance(widget, SelectionList):
                widget.deselect_all()
                for item in value or ():
                    widget.select(item)
            elif isinstance(widget, Select):
                widget.value = value if value is not None else Select.NULL
        self.tried = True  # show at once what is still wrong

    # -- reading fields ----------------------------------------------------------------------

    def text(self, field: str) -> str:
        widget: Widget = self.query_one(f"#{field}")
        if isinstance(widget, TextArea):
            return widget.text.strip()
        assert isinstance(widget, Input)
        return widget.value.strip()

    def choice(self, field: str) -> Any:
        value = self.query_one(f"#{field}", Select).value
        return None if value is Select.NULL else value
