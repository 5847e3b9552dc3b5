"""Stored scores per report, so the overview sorts by score and the first scores request is fast

One row per report and rubric (store/stored_scores.py): total, dimension scores, deductions
(none for a failed file), and the indexes of the overview's sort by score.
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

# As models.SCORE_SORTS: the overview's sort by score, lowest and highest first.
SCORE_SORTS = {
    "ix_report_scores_sort_up": ("rubric", "(CASE WHEN total IS NULL THEN 1 ELSE 0 END)", "coalesce(total, 0.0)",
                                 "report_id"),
    "ix_report_scores_sort_down": ("rubric", "(CASE WHEN total IS NULL THEN 0 ELSE 1 END)", "coalesce(total, 0.0)",
                                   "report_id"),  # walked backwards
}


def upgrade() -> None:
    op.create_table(
        "report_scores",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("rubric", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("dimensions", sa.Text(), nullable=True),
        sa.Column("deductions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_report_scores_report_id_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", "rubric", name=op.f("pk_report_scores")),
    )
    for name, expressions in SCORE_SORTS.items():
        op.create_index(name, "report_scores", [sa.text(e) for e in expressions], unique=False)


def downgrade() -> None:
    for name in SCORE_SORTS:
        op.drop_index(name, table_name="report_scores")
    op.drop_table("report_scores")
