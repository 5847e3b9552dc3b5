"""The roster of agencies expected to publish

`roster_entries`: the bodies a roster file lists (name, level, region, aliases, deadline);
`roster_links`: reports a person linked to an entry (or to none: not on the roster) by hand,
keyed by document hash so that re-parsing keeps them (store/roster.py).

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("aliases", sa.Text(), nullable=True),
        sa.Column("deadline", sa.String(length=5), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_entries")),
        sa.UniqueConstraint("name", name=op.f("uq_roster_entries_name")),
    )
    op.create_table(
        "roster_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),  # NULL: on no roster entry, said by a person
        sa.Column("author", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["roster_entries.id"], name=op.f("fk_roster_links_entry_id_roster_entries"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_links")),
        sa.UniqueConstraint("sha256", name=op.f("uq_roster_links_sha256")),
    )
    op.create_index(op.f("ix_roster_links_entry_id"), "roster_links", ["entry_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_roster_links_entry_id"), table_name="roster_links")
    op.drop_table("roster_links")
    op.drop_table("roster_entries")
