"""Report facts set by hand (agency, year, publication date, edition), with their history

What a scan the OCR could not read lacks; see nianbao.store.hand_entry.

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fact_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("field", sa.String(20), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("author", sa.String(100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_corrections")),
    )
    op.create_index(op.f("ix_fact_corrections_sha256"), "fact_corrections", ["sha256"])


def downgrade() -> None:
    op.drop_index(op.f("ix_fact_corrections_sha256"), table_name="fact_corrections")
    op.drop_table("fact_corrections")
