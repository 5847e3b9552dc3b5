"""Agency merges: agencies split under several names joined into one, with history

See nianbao.store.merges.

Revision ID: 0015
Revises: 0014
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("names", sa.Text(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(100), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_agency_merges_agency_id_agencies")),
        sa.ForeignKeyConstraint(["merged_id"], ["agencies.id"], name=op.f("fk_agency_merges_merged_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_merges")),
    )
    op.create_index(op.f("ix_agency_merges_agency_id"), "agency_merges", ["agency_id"])
    op.create_index(op.f("ix_agency_merges_merged_id"), "agency_merges", ["merged_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_agency_merges_merged_id"), table_name="agency_merges")
    op.drop_index(op.f("ix_agency_merges_agency_id"), table_name="agency_merges")
    op.drop_table("agency_merges")
