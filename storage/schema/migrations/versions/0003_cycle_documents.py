"""cycle documents: each cycle's stored line of the JSON export (derived data)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

A new table only (no batch copy on SQLite): each line compressed, with how many iterations, notes,
evaluations and events it holds (an export's summary adds them up). It starts empty: the first
export fills it (``storage.exports.documents``), so upgrading a large database stays quick.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "cycle_document",
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("n_iterations", sa.Integer(), nullable=False),
        sa.Column("n_notes", sa.Integer(), nullable=False),
        sa.Column("n_evaluations", sa.Integer(), nullable=False),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cycle_id"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("cycle_document")
