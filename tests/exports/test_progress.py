"""The progress bar: only on a terminal, only after a moment, never with --quiet."""

from __future__ import annotations

import io
import sys
import time

import pytest

from tui.commands import export


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_progress_when_quick_or_quiet_or_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    with export.Steps(2, quiet=False) as steps:  # pytest's stderr is not a terminal
        steps.step("one")
        steps.step("two")
    assert steps._progress is None and steps._timer is None
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with export.Steps(2, quiet=True) as steps:
        assert steps._timer is None
    with export.Steps(2, quiet=False) as steps:  # done before the moment passes
        steps.step("one")
    assert steps._progress is None


def test_progress_appears_on_a_terminal_after_a_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _Terminal())
    monkeypatch.setattr(export, "PROGRESS_AFTER", 0.01)
    with export.Steps(2, quiet=False) as steps:
        steps.step("Reading")
        deadline = time.monotonic() + 5
        while steps._progress is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert steps._progress is not None
        steps.step("Writing")
        assert steps.done == 1
    assert steps._progress is None


def test_bulk_pauses_the_collector_and_restores_it() -> None:
    import gc

    assert gc.isenabled()
    with export.bulk():
        assert not gc.isenabled()
    assert gc.isenabled()
