"""Corrections of an agency's region, with their history

An agency's province, city, county, township, region code or level set by a person; see
nianbao.store.region_history.

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "region_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(20), nullable=False),
        sa.Column("old_value", sa.String(40), nullable=True),
        sa.Column("new_value", sa.String(40), nullable=True),
        sa.Column("author", sa.String(100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_region_corrections_agency_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_corrections")),
    )
    op.create_index(op.f("ix_region_corrections_agency_id"), "region_corrections", ["agency_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_region_corrections_agency_id"), table_name="region_corrections")
    op.drop_table("region_corrections")
