"""reports.n_uncertain (cells whose value is the parser's guess) and cells.alternatives

`n_uncertain` counts a report's cells flagged uncertain that no person has corrected: the
number the web overview shows and filters on (a report with guessed cells is not clean)
and the exports carry.  Rows stored before this revision are counted here from their
cells and corrections.  `cells.alternatives` keeps the other readings the source allows
for an uncertain cell (JSON list), so findings recomputed from the store can show them;
NULL on older rows.  The report_cells view gains the column.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Portable SQL, as in 0002: || concatenation, the boolean column as a predicate.
_VIEW = """
CREATE VIEW report_cells AS
SELECT r.id AS report_id, r.sha256, r.source, r.year, r.agency, r.level, r.province, r.city, r.county,
       r.edition, c.tbl, c.row, c.col, c.tbl || '.' || c.row || '.' || c.col AS cell,
       c.value, c.raw, c.unit, c.uncertain, c.inferred{extra}
FROM cells c JOIN reports r ON r.id = c.report_id
WHERE r.current
"""

# The same definition as nianbao.store.reports.recount_uncertain.
_BACKFILL = """
UPDATE reports SET n_uncertain = (
    SELECT count(*) FROM cells c
    WHERE c.report_id = reports.id AND c.uncertain
      AND NOT EXISTS (SELECT 1 FROM corrections k
                      WHERE k.sha256 = reports.sha256 AND k.cell = c.tbl || '.' || c.row || '.' || c.col)
)
"""


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch rebuild (see 0003): NOT NULL is allowed with a default.
    op.add_column("reports", sa.Column("n_uncertain", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("cells", sa.Column("alternatives", sa.Text(), nullable=True))
    op.execute(_BACKFILL)
    op.execute("DROP VIEW report_cells")
    op.execute(_VIEW.format(extra=", c.alternatives"))


def downgrade() -> None:
    # The view first: SQLite refuses to drop a column a view still names.
    op.execute("DROP VIEW report_cells")
    op.execute(_VIEW.format(extra=""))
    op.drop_column("cells", "alternatives")
    op.drop_column("reports", "n_uncertain")
