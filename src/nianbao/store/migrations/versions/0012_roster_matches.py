"""Stored roster matches: the roster entry each distinct agency name and place matches

So the roster's status per year is one query (store/roster_match.py).

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("province", sa.String(length=40), nullable=False),
        sa.Column("city", sa.String(length=40), nullable=False),
        sa.Column("county", sa.String(length=40), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("candidates", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["roster_entries.id"], name=op.f("fk_roster_matches_entry_id_roster_entries"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_matches")),
        sa.UniqueConstraint("agency", "province", "city", "county", name="uq_roster_matches_agency"),
    )
    op.create_index(op.f("ix_roster_matches_entry_id"), "roster_matches", ["entry_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_roster_matches_entry_id"), table_name="roster_matches")
    op.drop_table("roster_matches")
