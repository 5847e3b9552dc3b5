"""report_cells view: current cells with their report's metadata, for datasette / SQL users

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Portable SQL (|| concatenation, boolean column as predicate) so SQLite and PostgreSQL share it.
VIEW = """
CREATE VIEW report_cells AS
SELECT r.id AS report_id, r.sha256, r.source, r.year, r.agency, r.level, r.province, r.city, r.county,
       r.edition, c.tbl, c.row, c.col, c.tbl || '.' || c.row || '.' || c.col AS cell,
       c.value, c.raw, c.unit, c.uncertain, c.inferred
FROM cells c JOIN reports r ON r.id = c.report_id
WHERE r.current
"""


def upgrade() -> None:
    op.execute(VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW report_cells")
