"""Evaluation reminders: the sweep, its channels and its scheduling.

For the board (the in-app channel), the API is ``InAppReminders`` / ``start_in_app`` in
``tui.reminders.schedule``; ``cycles remind`` uses ``Sweeper`` and ``serve``.
"""

from tui.reminders.schedule import InAppReminders, serve, start_in_app, sweep_trigger
from tui.reminders.sweep import Delivered, Sweeper, SweepReport, policy_for

__all__ = [
    "Delivered",
    "InAppReminders",
    "SweepReport",
    "Sweeper",
    "policy_for",
    "serve",
    "start_in_app",
    "sweep_trigger",
]
