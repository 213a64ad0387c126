"""The plain records the interface receives from storage: data, no behaviour, no ORM.

With ``storage.workspace`` (the door) this is all of ``storage`` that ``tui`` imports; both are
checked by the import contract in ``pyproject.toml``.
"""

from storage.direct.fastread import Counts
from storage.direct.fastread import Rows as SummaryRows
from storage.direct.watch import ChangeNote, Changes, Watch
from storage.reading.rows import ALL, Selection
from storage.reminders.records import Candidate, Claim, InboxEntry, Record, new_token

__all__ = [
    "ALL",
    "Candidate",
    "ChangeNote",
    "Changes",
    "Claim",
    "Counts",
    "InboxEntry",
    "Record",
    "Selection",
    "SummaryRows",
    "Watch",
    "new_token",
]
