"""Every action of the loop through its keys, checked against what a fresh Workspace reads back."""

from __future__ import annotations

from textual.widgets import Select, SelectionList

from cycles.model import DecisionKind, LinkKind, Phase, Status
from storage.workspace import Workspace
from tests.tui.conftest import SIZE, go_to, press, settle, type_text
from tui.app import CyclesApp
from tui.screens.confirm import ConfirmScreen
from tui.screens.cycle import CycleScreen
from tui.screens.form import FormScreen


async def test_new_cycle_type_first_then_level_and_cadence(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#save").disabled  # nothing chosen yet
        assert isinstance(app.focused, Select) and app.focused.id == "type"
        await press(pilot, "enter")
        await type_text(pilot, "Nano")  # type to search in the list of activity types
        await press(pilot, "enter")
        assert form.query_one("#type", Select).value == "nanomodule"
        assert form.query_one("#level", Select).value == "nanomodule"
        assert form.text("cadence") == "14"  # the community's default for the level
        form.query_one("#name").focus()
        await type_text(pilot, "Nanomodule BIM for aldermen")
        await press(pilot, "enter")
    created = other.get("nanomodule-bim-for-aldermen")
    assert (created.activity_type, created.scale, created.cadence_days) == ("nanomodule", "inhoud", 14)
    assert created.owner == "tester"
    assert created.phase is Phase.COLLECT


async def test_new_cycle_form_validates_as_you_type(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "activity type" in str(form.query_one("#form-error").render())
        form.query_one("#type", Select).value = "showcase"
        await settle(pilot)
        assert form.text("cadence") == "182"
        assert "name" in str(form.query_one("#form-error").render())
        form.query_one("#name").focus()
        await type_text(pilot, "Showcase X")
        assert not form.query_one("#save").disabled
        form.query_one("#cadence").focus()
        await press(pilot, "ctrl+a", "ctrl+k")
        assert form.query_one("#save").disabled
        assert form.query_one("#cadence").has_class("-invalid")
        await press(pilot, "escape")
        assert not isinstance(app.screen, FormScreen)


async def test_edit(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "visit-kuijpers")
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#owner").focus()
        await press(pilot, "ctrl+a", "ctrl+k")
        await type_text(pilot, "Bram")
        form.query_one("#cadence").focus()
        await press(pilot, "ctrl+a", "ctrl+k")
        await type_text(pilot, "21")
        await press(pilot, "ctrl+s")
    cycle = other.get("visit-kuijpers")
    assert (cycle.owner, cycle.cadence_days) == ("Bram", 21)
    assert str(cycle.current.due_on) == "2026-03-31"


async def test_collect_start_note_evaluate_decide_next(app: CyclesApp, other: Workspace) -> None:
    """One cycle through the whole loop, by keys only."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "visit-kuijpers")
        await press(pilot, "c")
        await type_text(pilot, "See robotised masonry")
        await press(pilot, "tab")
        await type_text(pilot, "Kuijpers, SPARK")
        await press(pilot, "ctrl+s")
        assert other.get("visit-kuijpers").current.collect.need == "See robotised masonry"

        await press(pilot, "s")
        await type_text(pilot, "Kuijpers plant, Helmond")
        await press(pilot, "enter")
        assert other.get("visit-kuijpers").phase is Phase.RUN

        await press(pilot, "m")
        await type_text(pilot, "Twenty people signed up")
        await press(pilot, "enter")
        assert [n.text for n in other.get("visit-kuijpers").current.notes] == ["Twenty people signed up"]

        await press(pilot, "v")
        await type_text(pilot, "Good questions, two follow-ups")
        await press(pilot, "tab")  # to the value levels
        assert isinstance(app.focused, SelectionList)
        await press(pilot, "space", "down", "space")  # expected, immediate
        await press(pilot, "tab", "down", "space")  # outcome: meso
        await press(pilot, "tab", "space")  # principle: ambitious mission
        await press(pilot, "ctrl+s")
        ev = other.get("visit-kuijpers").current.evaluation
        assert ev is not None
        assert (ev.value_levels, ev.outcome_levels, ev.principles) == (
            ["expected", "immediate"],
            ["meso"],
            ["ambitious-mission"],
        )

        await press(pilot, "d")
        await press(pilot, "tab")  # from the decision kind to "why"
        await type_text(pilot, "Repeat with suppliers")
        await press(pilot, "ctrl+s")
    cycle = other.get("visit-kuijpers")
    assert cycle.iterations[0].decision is not None
    assert cycle.iterations[0].decision.kind is DecisionKind.NEXT
    assert (cycle.current.number, cycle.phase) == (2, Phase.COLLECT)


async def test_actions_not_allowed_now_are_greyed_out(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "visit-kuijpers")  # at collect
        screen = app.board
        assert screen.check_action("evaluate", ()) is None  # shown, disabled
        assert screen.check_action("collect", ()) is True
        await press(pilot, "v")
        assert app.screen is screen  # nothing opened
        footer = {k.action: k.has_class("-disabled") for k in screen.query("FooterKey")}  # type: ignore[attr-defined]
        assert footer["evaluate"] is True and footer["collect"] is False


async def test_decide_other_route_creates_the_linked_cycle_and_opens_it(
    app: CyclesApp, other: Workspace
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "partner-tiers")
        await press(pilot, "d")
        await press(pilot, "down", "space", "tab")  # other route
        await type_text(pilot, "Tiers do not fit schools")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CycleScreen)
        assert app.screen.key == "partner-tiers-route"
        model = app.board.model
        assert model is not None and "partner-tiers-route" in model.cards
    assert other.get("partner-tiers").status is Status.REROUTED
    route = other.get("partner-tiers-route")
    assert route.name == "Partner model tiers (other route)"
    assert route.owner == "Evi"  # carried over by default
    assert [(lk.source, lk.kind) for lk in other.links("partner-tiers")] == [
        ("partner-tiers-route", LinkKind.ROUTE_OF)
    ]


async def test_drop_asks_first(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "showcase-boschveld")
        for answer, expected in (("n", Status.ACTIVE), ("y", Status.DROPPED)):
            await press(pilot, "d")
            await press(pilot, "down", "down", "space", "tab")
            await type_text(pilot, "No partner for a next batch")
            await press(pilot, "ctrl+s")
            assert isinstance(app.screen, ConfirmScreen)
            await press(pilot, answer)
            assert other.get("showcase-boschveld").status is expected
        model = app.board.model
        assert model is not None and "showcase-boschveld" not in model.positions  # ended: hidden


async def test_link(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "satellite-domex")
        await press(pilot, "l")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#target").focus()
        await type_text(pilot, "team-facil")
        assert form.query_one("#save").disabled  # not a key yet
        await press(pilot, "right")  # accept the suggestion
        assert form.text("target") == "team-facilitation"
        await press(pilot, "enter")
    assert [(lk.target, lk.kind) for lk in other.links("satellite-domex")] == [
        ("team-facilitation", LinkKind.RELATED)
    ]
    assert other.get("satellite-domex").version == 2


async def test_undo_reverts_the_last_change(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "challenge-avans")
        await press(pilot, "m")
        await type_text(pilot, "Oops")
        await press(pilot, "enter")
        assert len(other.get("challenge-avans").current.notes) == 1
        await press(pilot, "u")
        assert other.get("challenge-avans").current.notes == []
        view = app.board.view
        assert view.selected is not None and view.selected.version == 3


async def test_a_refused_action_is_a_clear_notification(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "nano-directors")
        await press(pilot, "l")
        app.screen.query_one("#target").focus()
        await type_text(pilot, "training-datascience")  # already linked (related) in the portfolio
        await press(pilot, "enter")
        messages = [n.message for n in app._notifications]
        assert any("already linked" in m for m in messages)
    assert len(other.links("nano-directors")) == 1


async def test_the_drop_dialog_says_its_keys_and_every_way_out_is_visible(
    app: CyclesApp, other: Workspace
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "showcase-boschveld")

        async def ask() -> ConfirmScreen:
            await press(pilot, "d")
            await press(pilot, "down", "down", "space", "tab")
            await type_text(pilot, "No partner for a next batch")
            await press(pilot, "ctrl+s")
            assert isinstance(app.screen, ConfirmScreen)
            return app.screen

        dialog = await ask()
        keys = str(dialog.query_one("#confirm-keys").render())
        assert "y: drop" in keys and "n or Esc: cancel" in keys
        assert app.focused is not None and app.focused.id == "no"  # Enter alone never drops
        await press(pilot, "enter")
        assert other.get("showcase-boschveld").status is Status.ACTIVE
        assert any("Not dropped" in n.message for n in app._notifications)  # cancelling is said

        dialog = await ask()
        await press(pilot, "left")  # the arrow keys reach Drop
        assert app.focused is not None and app.focused.id == "yes"
        await press(pilot, "enter")
        assert other.get("showcase-boschveld").status is Status.DROPPED


async def test_an_action_the_cycle_does_not_allow_now_says_why(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "visit-kuijpers")  # at collect
        await press(pilot, "v")
        assert app.screen is app.board  # nothing opened
        said = [n.message for n in app._notifications]
        assert said[-1] == (
            "Company visit Kuijpers is at collect: evaluate comes after the run has started (press s)."
        )
        await press(pilot, "d")
        said = [n.message for n in app._notifications]
        assert said[-1].startswith("Company visit Kuijpers is at collect: decide is not possible now.")
        assert said[-1].endswith("Possible now: collect (c), start (s), edit (e), link (l).")
