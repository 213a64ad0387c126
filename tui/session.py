"""One run of the ``cycles`` command: its settings and the Workspace it opens on first use.

Every subcommand gets a ``Context``; the board is opened on the same one. Light to import: the
command line starts fast.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NoReturn

from cycles.i18n import _

if TYPE_CHECKING:
    from cycles.community import Community
    from storage.workspace import Workspace
    from tui.settings import Settings

# The board's first read on PostgreSQL may run in a forked child (``tui.first_read``): only in the
# console script, whose process holds no connection a child could disturb (not, say, in a test
# runner that calls ``main``). ``tui.cli.run`` sets it.
FORK_FIRST_READ = False


class Context:
    """What every subcommand needs: settings, and a workspace opened on first use."""

    def __init__(self, settings: Settings, db: str | None) -> None:
        self.settings = settings
        self.db = db or settings.database.url
        self._workspace: Workspace | None = None
        self._said_created = False
        self.quiet = False  # a command's --quiet: not even the note that a database was made
        self._community: Community | None = None

    @property
    def url(self) -> str:
        """The database URL in effect (the embedded default when none is configured)."""
        if self.db:
            return self.db
        from storage.workspace import default_url

        return default_url()

    @property
    def community(self) -> Community:
        if self._community is None:
            from cycles.community import load_community

            self._community = load_community(self.settings.community.file)
        return self._community

    def workspace(
        self,
        db: str | None = None,
        *,
        community: Any = None,
        open_now: bool = True,
        create: bool = False,
        say: bool = True,
    ) -> Workspace:
        """The Workspace on the configured database (or ``db``); opened now unless ``open_now`` is
        False, when its store opens on first use (the board's first frame, the fast reads). Only
        with ``create`` (the commands that make a portfolio: init, import, add, the board) may a
        new database file be made; it is said once, on standard error."""
        if self._workspace is None or db is not None or community is not None:
            from storage.workspace import Workspace

            if self._workspace is not None:
                self._workspace.close()
            self._workspace = Workspace.at(
                db or self.url,
                community if community is not None else self.community,
                actor=self.settings.user.name,
                clock=clock_from_env(),
                create=create,
            )
        elif create and not self._workspace.is_open:
            self._workspace.may_create = True
        if open_now:
            self._workspace.store  # noqa: B018  (opening the store here reports a bad database now)
            if say:
                self.say_created()
        return self._workspace

    def discard_if_new(self) -> None:
        """Delete the database this run made, when nothing was stored in it (see the door's
        ``Workspace.discard_if_new``); the next use makes it again."""
        if self._workspace is not None and self._workspace.discard_if_new():
            self._workspace = None

    def say_created(self) -> None:
        """Tell once, on standard error, that a new database was made, and where."""
        ws = self._workspace
        if ws is not None and ws.created and not self._said_created and not self.quiet:
            import click

            self._said_created = True
            click.echo(_("cycles: created a new database: {url}").format(url=ws.store.url), err=True)

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()


def clock_from_env() -> Any:
    """The system clock, or a fixed instant from CYCLES_NOW (ISO 8601 with offset) for scripts
    and tests that need a known date."""
    fixed = os.environ.get("CYCLES_NOW")
    if not fixed:
        return lambda: datetime.now(UTC)
    try:
        instant = datetime.fromisoformat(fixed)
    except ValueError:
        fail(_("CYCLES_NOW: not an ISO 8601 date and time: {value}").format(value=fixed))
    if instant.tzinfo is None:
        fail(_("CYCLES_NOW: give a UTC offset, e.g. 2026-03-29T09:00:00+02:00"))
    return lambda: instant


def fail(message: str) -> NoReturn:
    from cycles.errors import ConfigError

    raise ConfigError(message)
