"""The portfolio file: a valid one becomes domain records; a bad one is refused whole, naming the file,
the line (YAML) or path, and the reason. YAML is loaded safely: no Python tags, no aliases."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.generate import generate, to_file_data
from cycles import portfolio
from cycles.community import Community
from cycles.errors import ImportFileError
from cycles.model import DecisionKind, LinkKind, Phase, Status

DATA = Path(__file__).parent / "data" / "portfolio.yaml"
TEXT = DATA.read_text("utf-8")


def line_of(text: str, fragment: str) -> int:
    """The 1-based number of the first line containing ``fragment``."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def refused(tmp_path: Path, community: Community, text: str, name: str = "bad.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    with pytest.raises(ImportFileError) as err:
        portfolio.read(path, community)
    message = str(err.value)
    assert message.startswith(str(path)), "the error names the file"
    assert "\n" not in message, "one line"
    return message.removeprefix(str(path))


# -- a valid file ---------------------------------------------------------------------------------


def test_a_valid_file_becomes_cycles_with_derived_phases_statuses_and_due_dates(community: Community) -> None:
    p = portfolio.read(DATA, community)
    by = {c.key: c for c in p.cycles}
    assert len(by) == 10
    assert {c.scale for c in p.cycles} == {"inhoud", "netwerk", "organisatie"}
    nano = by["nano-ai"]
    assert [it.phase for it in nano.iterations] == [Phase.DECIDED, Phase.RUN]
    assert nano.due_on == date(2026, 2, 2)
    assert nano.iterations[0].collect.stakeholders_needed == ["gemeente Eindhoven"]
    assert nano.iterations[0].evaluation is not None
    assert nano.iterations[0].evaluation.principles == ["above-all-do", "hinge"]
    assert [n.text for n in nano.current.notes] == ["fewer people online", "good questions"]
    # a bare date is the start of that day in the community's zone
    assert nano.iterations[0].opened_at == datetime(2026, 1, 4, 23, tzinfo=UTC)
    assert by["jads-training"].phase is Phase.COLLECT
    assert by["hta-challenge"].phase is Phase.EVALUATE
    assert by["hta-challenge"].due_on is None
    assert by["visit-kuijpers"].status is Status.DROPPED
    assert by["mkb-datalab"].status is Status.REROUTED
    assert by["mkb-datalab"].current.decision is not None
    assert by["mkb-datalab"].current.decision.kind is DecisionKind.ROUTE
    assert by["satellite-zeeland"].due_on == date(2026, 3, 20)
    links = {(lk.source, lk.target, lk.kind) for lk in p.links}
    assert links == {
        ("mkb-community", "mkb-datalab", LinkKind.ROUTE_OF),
        ("hta-challenge", "boschveld", LinkKind.SPAWNED_FROM),
        ("nano-ai", "jads-training", LinkKind.RELATED),
    }
    assert sorted(e.cycle for e in p.events) == sorted(by)
    assert {e.action for e in p.events} == {"import"}


def test_json_is_read_as_well(tmp_path: Path, community: Community) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(yaml.safe_load(TEXT), default=str), "utf-8")
    assert len(portfolio.read(path, community).cycles) == 10


# -- refused files --------------------------------------------------------------------------------


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path, community: Community) -> None:
    text = TEXT.replace("    name: Biobased Boschveld", "    name: [Biobased Boschveld")
    where = refused(tmp_path, community, text)
    assert re.match(r"^:\d+: not valid YAML: ", where), where


def test_an_unknown_activity_type_names_line_cycle_and_the_known_types(
    tmp_path: Path, community: Community
) -> None:
    text = TEXT.replace("    type: showcase", "    type: hackathon")
    where = refused(tmp_path, community, text)
    line = line_of(text, "- key: boschveld")
    assert where.startswith(f":{line}: cycles.2 (boschveld): unknown activity type 'hackathon'; known: ")


def test_a_decision_without_evaluation_names_the_iteration(tmp_path: Path, community: Community) -> None:
    text = TEXT.replace("        evaluation: {at: 2025-11-20, findings: nobody signed up}\n", "")
    where = refused(tmp_path, community, text)
    line = line_of(text, "      - opened: 2025-11-01")
    assert where == f":{line}: cycles.4.iterations.0: Value error, a decision needs an evaluation first"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "        decision: {at: 2026-01-19, kind: next, why: go deeper into data}\n",
            "",
            r"cycles\.0: Value error, iteration 1 is followed by another, so it must end in a 'next'",
        ),
        ("    owner: Dirk\n", "    owner: NO\n", r"cycles\.7\.owner: Input should be a valid string"),
        (
            "    type: satellite\n",
            "    type: satellite\n    colour: red\n",
            r"cycles\.7\.colour: Extra inputs",
        ),
        (
            "route_to: mkb-community}",
            "route_to: elsewhere}",
            r"route_to 'elsewhere' is not a cycle in this file",
        ),
        ("route_to: mkb-community}", "}", r"an 'other route' decision needs route_to"),
        ("  - key: jads-training", "  - key: nano-ai", r"key 'nano-ai' appears more than once"),
        ("target: jads-training", "target: nobody", r"links\.1: no cycle 'nobody' in this file"),
        ("target: jads-training", "target: nano-ai", r"links\.1: a cycle cannot be linked to itself"),
        ("value_levels: [applied]", "value_levels: [priceless]", r"unknown value levels: priceless"),
        ("principles: [above-all-do, hinge]", "principles: [move-fast]", r"unknown principles: move-fast"),
        (
            "        started: 2025-12-05\n",
            "        notes: [{at: 2025-12-06, text: x}]\n",
            r"notes need the iteration",
        ),
        (
            "        started: 2025-10-15",
            "        started: 2025-09-15",
            r"iteration 1 starts before it opened",
        ),
        ("version: 1", "version: 2", r"version: Input should be 1"),
    ],
)
def test_a_bad_record_is_refused_with_its_place_and_reason(
    tmp_path: Path, community: Community, old: str, new: str, expected: str
) -> None:
    assert old in TEXT
    where = refused(tmp_path, community, TEXT.replace(old, new))
    assert re.search(expected, where), where


def test_python_tags_are_refused_and_never_run(tmp_path: Path, community: Community) -> None:
    marker = tmp_path / "ran"
    text = f"version: 1\ncycles: !!python/object/apply:os.system ['touch {marker}']\n"
    where = refused(tmp_path, community, text)
    assert where.startswith(":2: not valid YAML: could not determine a constructor for the tag")
    assert not marker.exists()


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path, community: Community) -> None:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        rows.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    text = "\n".join(rows) + "\ncycles: []\n"
    where = refused(tmp_path, community, text)
    assert where == ":2: not valid YAML: aliases (*name) are not allowed"


def test_a_plain_alias_is_refused_too(tmp_path: Path, community: Community) -> None:
    text = TEXT.replace(
        "    owner: Bram\n    iterations:\n      - opened: 2026-03-10",
        "    owner: *x\n    iterations:\n      - opened: 2026-03-10",
    )
    assert "*x" in text
    assert "aliases (*name) are not allowed" in refused(tmp_path, community, text)


def test_json_syntax_errors_name_the_line(tmp_path: Path, community: Community) -> None:
    where = refused(tmp_path, community, '{\n  "version": 1,\n  "cycles": [,]\n}\n', "bad.json")
    assert where.startswith(":3: not valid JSON: ")


def test_json_validation_errors_name_the_path(tmp_path: Path, community: Community) -> None:
    data = {"version": 1, "cycles": [{"key": "a", "name": "A", "type": "event", "iterations": []}]}
    where = refused(tmp_path, community, json.dumps(data), "bad.json")
    assert where == ": cycles.0.iterations: List should have at least 1 item after validation, not 0"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"version: 1\ncycles: []\nname: caf\xe9\n", r": not UTF-8 text \(byte \d+\)"),
        (b"- just\n- a list\n", r": expected a mapping with 'cycles' at the top"),
    ],
)
def test_files_that_are_not_a_portfolio(
    tmp_path: Path, community: Community, content: bytes, expected: str
) -> None:
    path = tmp_path / "odd.yaml"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=f"^{re.escape(str(path))}{expected}"):
        portfolio.read(path, community)


def test_a_missing_file_is_named(tmp_path: Path, community: Community) -> None:
    with pytest.raises(ImportFileError, match=r"nowhere\.yaml: cannot read: No such file"):
        portfolio.read(tmp_path / "nowhere.yaml", community)


# -- a large generated file --------------------------------------------------------------------------

NOW = datetime(2026, 3, 20, 9, tzinfo=UTC)


def generated_600() -> dict[str, Any]:
    data = to_file_data(generate(600, iterations_per_cycle=1, now=NOW))
    for cycle in data["cycles"]:
        # lean, so the pure-Python safe loader reads it quickly
        for field in ("description", "stakeholders", "owner", "created"):
            cycle.pop(field)
        for it in cycle["iterations"]:
            for field in ("collect", "notes", "context"):
                it.pop(field, None)
            if "evaluation" in it:
                it["evaluation"] = {"at": it["evaluation"]["at"]}
    return data


def test_a_bad_record_at_position_500_of_600_is_named_by_line(tmp_path: Path, community: Community) -> None:
    data = generated_600()
    bad = data["cycles"][500]
    bad["type"] = "hackathon"
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, width=200)
    where = refused(tmp_path, community, text)
    line = line_of(text, f"- key: {bad['key']}")
    assert line > 4000, "far into the file"
    assert where.startswith(f":{line}: cycles.500 ({bad['key']}): unknown activity type 'hackathon'")


def test_a_decision_without_evaluation_at_position_500_of_600_in_json(
    tmp_path: Path, community: Community
) -> None:
    data = generated_600()
    cycles = data["cycles"]
    index = next(i for i in range(500, 600) if "decision" in cycles[i]["iterations"][-1])
    del cycles[index]["iterations"][-1]["evaluation"]
    where = refused(tmp_path, community, json.dumps(data), "big.json")
    assert where == f": cycles.{index}.iterations.0: Value error, a decision needs an evaluation first"


def test_the_generated_file_itself_is_valid(tmp_path: Path, community: Community) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(generated_600()), "utf-8")
    assert len(portfolio.read(path, community).cycles) == 600


def test_notes_without_ids_get_ids_that_fit_and_sort_in_file_order(community: Community) -> None:
    notes = [{"at": "2026-01-03", "text": f"note {i}"} for i in range(12)]
    data = {
        "version": 1,
        "cycles": [
            {
                "key": "k" * 80,
                "name": "A",
                "type": "event",
                "iterations": [{"opened": "2026-01-01", "started": "2026-01-02", "notes": notes}],
            },
            {
                "key": "other",
                "name": "B",
                "type": "event",
                "iterations": [{"opened": "2026-01-01", "started": "2026-01-02", "notes": notes}],
            },
        ],
    }
    p = portfolio.parse(data, community)
    first, second = (c.current.notes for c in p.cycles)
    # Storage reads notes back ordered by (time, id): the same order as in the file.
    assert [n.text for n in sorted(first, key=lambda n: (n.at, n.id))] == [f"note {i}" for i in range(12)]
    assert not {n.id for n in first} & {n.id for n in second}, "note ids are unique across cycles"


# -- JSON validated whole from its bytes ------------------------------------------------------------


def test_a_json_file_that_is_not_a_mapping_is_refused(tmp_path: Path, community: Community) -> None:
    assert (
        refused(tmp_path, community, "[1, 2]", "list.json") == ": expected a mapping with 'cycles' at the top"
    )


def test_json_that_is_not_utf8_is_refused(tmp_path: Path, community: Community) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"version": 1, "cycles": [], "name": "caf\xe9"}')
    with pytest.raises(ImportFileError, match=r"latin\.json: not UTF-8 text \(byte 41\)"):
        portfolio.read(path, community)


def test_a_json_type_error_deep_in_a_big_file_names_its_path_and_counts_the_rest(
    tmp_path: Path, community: Community
) -> None:
    data = generated_600()
    data["cycles"][500]["iterations"][0]["opened"] = "yesterday"
    data["cycles"][501]["name"] = ""
    where = refused(tmp_path, community, json.dumps(data), "big.json")
    assert re.match(
        r"^: cycles\.500\.iterations\.0\.opened: Input should be a valid datetime.* \(and 1 more\)$", where
    ), where


def test_a_note_id_longer_than_storage_keeps_is_refused_with_its_path(community: Community) -> None:
    data = {
        "cycles": [
            {
                "key": "a",
                "name": "A",
                "type": "event",
                "iterations": [
                    {
                        "opened": "2026-01-01",
                        "started": "2026-01-02",
                        "notes": [{"id": "x" * 65, "at": "2026-01-03", "text": "t"}],
                    }
                ],
            }
        ]
    }
    with pytest.raises(
        ImportFileError,
        match=r"^<data>: cycles\.0\.iterations\.0\.notes\.0\.id: String should have at most 64",
    ):
        portfolio.parse(data, community)


def test_yaml_json_and_python_data_give_the_same_portfolio(tmp_path: Path, community: Community) -> None:
    from_yaml = portfolio.read(DATA, community)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(yaml.safe_load(TEXT), default=str), "utf-8")
    from_json = portfolio.read(path, community)
    from_data = portfolio.parse(yaml.safe_load(TEXT), community)
    assert from_yaml.cycles == from_json.cycles == from_data.cycles
    assert from_yaml.links == from_json.links == from_data.links
    assert from_yaml.counts() == from_json.counts() == from_data.counts()


def test_a_key_twice_in_one_yaml_mapping_is_refused_with_its_path_and_both_lines(
    tmp_path: Path, community: Community
) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(
        "version: 1\n"
        "cycles:\n"
        "  - key: a\n"
        "    name: first\n"
        "    type: event\n"
        "    name: second\n"
        "    iterations: [{opened: '2026-01-05'}]\n",
        "utf-8",
    )
    with pytest.raises(ImportFileError) as refused:
        portfolio.read(path, community)
    assert str(refused.value) == (
        f"{path}:6: cycles.0.name: the key 'name' appears twice in one mapping (lines 4 and 6)"
    )


def test_yaml_nested_deeper_than_any_portfolio_is_one_clear_line(
    tmp_path: Path, community: Community
) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "utf-8")
    with pytest.raises(ImportFileError, match=r"deep\.yaml: not valid YAML: nested too deeply"):
        portfolio.read(path, community)
