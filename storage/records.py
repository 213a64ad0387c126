"""The plain records the interface receives from storage: data, no behaviour, no ORM.

With ``storage.workspace`` (the door) this is all of ``storage`` that ``tui`` imports; both are
checked by the import contract in ``pyproject.toml``.
"""

from storage.fastread import Counts
from storage.fastread import Rows as SummaryRows
from storage.reading import ALL, Selection
from storage.reminder_types import Candidate, Claim, InboxEntry, Record, new_token

__all__ = [
    "ALL",
    "Candidate",
    "Claim",
    "Counts",
    "InboxEntry",
    "Record",
    "Selection",
    "SummaryRows",
    "new_token",
]
