"""reports.sections (the report's text by section, JSON) and the relink queue

Cross-year findings (CROSS.*, COPY.*) need both years of an agency, so ingest computes
them after a run, from the store: the copying rule needs each report's text, kept in
`reports.sections`; `relink` lists the agencies whose cross-year findings are due to be
recomputed, so a run killed before its linking pass still gets it on the next run.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable and without default: rows ingested before this revision keep NULL, which
    # readers take as "not stored" (the web app then re-parses the original).  A plain
    # ADD COLUMN, not a batch rebuild: rebuilding `reports` on SQLite would drop the table
    # its cells and findings cascade from.
    op.add_column("reports", sa.Column("sections", sa.Text(), nullable=True))
    op.create_table(
        "relink",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_relink_agency_id_agencies"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_relink")),
    )


def downgrade() -> None:
    op.drop_table("relink")
    # Native DROP COLUMN (SQLite 3.35+), for the same reason as above.
    op.drop_column("reports", "sections")
