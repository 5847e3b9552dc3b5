"""Stored scores per report, so the overview sorts by score and the first scores request is fast

One row per report and rubric (store/stored_scores.py): total, dimension scores, deductions.
Filled as reports are written, re-checked and reviewed; reports stored before this revision are
scored on first use or by `nianbao score --refresh`.

Revision ID: 0014
Revises: 0013
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_scores",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("rubric", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("dimensions", sa.Text(), nullable=False),
        sa.Column("deductions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_report_scores_report_id_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", "rubric", name=op.f("pk_report_scores")),
    )
    op.create_index("ix_report_scores_rubric_total", "report_scores", ["rubric", "total"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_report_scores_rubric_total", table_name="report_scores")
    op.drop_table("report_scores")
