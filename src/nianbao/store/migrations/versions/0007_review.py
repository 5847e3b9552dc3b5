"""Review status of findings and reports

`finding_verdicts`: a person's verdict (确认 confirmed / 驳回 dismissed, or back to 待核 pending)
on a finding, named by document hash, rule and cells so that it outlives re-checks and
re-parses.  `report_reviews`: a document's review state (未审 / 审核中 / 已审) and the reviewer it
is assigned to.  No backfill: no row means 待核 and 未审, which is what every stored finding
and report is before this revision.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_verdicts")),
        sa.UniqueConstraint("key", name="uq_finding_verdicts_key"),
    )
    op.create_index("ix_finding_verdicts_sha256_code", "finding_verdicts", ["sha256", "code"])
    op.create_table(
        "report_reviews",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_by", sa.String(length=100), nullable=True),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("assigned_by", sa.String(length=100), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_report_reviews")),
    )
    op.create_index("ix_report_reviews_assignee", "report_reviews", ["assignee"])


def downgrade() -> None:
    op.drop_index("ix_report_reviews_assignee", table_name="report_reviews")
    op.drop_table("report_reviews")
    op.drop_index("ix_finding_verdicts_sha256_code", table_name="finding_verdicts")
    op.drop_table("finding_verdicts")
