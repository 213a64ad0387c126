"""stored export pieces per format: a cycle's JSON line and its CSV rows (derived data)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

``cycle_document`` gains a ``format`` column ("json": the cycle's line of the JSON export; "csv":
its rows of the CSV export's tables) and is keyed by cycle and format. Its rows are derived data
that any export rebuilds, so the table is made anew (no batch copy of a large table on SQLite):
the first export after the upgrade fills it again.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _create(with_format: bool) -> None:
    """``cycle_document`` as of this revision (``with_format``) or of 0003."""
    keyed = [sa.Column("format", sa.String(length=8), nullable=False)] if with_format else []
    op.create_table(
        "cycle_document",
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        *keyed,
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("n_iterations", sa.Integer(), nullable=False),
        sa.Column("n_notes", sa.Integer(), nullable=False),
        sa.Column("n_evaluations", sa.Integer(), nullable=False),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cycle_id", *(["format"] if with_format else [])),
    )


def upgrade() -> None:
    """Upgrade schema."""
    op.drop_table("cycle_document")
    _create(with_format=True)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("cycle_document")
    _create(with_format=False)
