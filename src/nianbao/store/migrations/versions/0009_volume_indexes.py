"""Indexes for the overview, its filters, stats and exports at volume; kept outcome totals

The overview sorts the reports that count (current, not another version's) by one column and
pages by keyset (web/listing.py): one partial index per sortable column, on the same
expression the listing sorts by (NULLs coalesced, the id breaking ties), so the first rows of
any page come straight from an index.  The outcome figures of /api/stats read the 总计 column
of table 三 only: a partial index of those cells lets the database add them up without
touching the others (about 200 per report), and `outcome_totals` keeps each report's six group
totals (store/outcomes.py), filled here for the reports already stored.  Portable SQL: SQLite
has partial and expression indexes too.  The model declares the same (store/models.py, "Volume").

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The reports that count (store/versions.py COUNTED) as each database writes the condition: a
# partial index serves a query only where its condition is the query's.
COUNTED = {"postgresql": "current AND version_of IS NULL", "sqlite": "current = 1 AND version_of IS NULL"}
# Index name → its expressions, as web/listing.py sorts.
SORT_INDEXES = {
    "ix_reports_sort_agency": ("coalesce(agency, '')", "coalesce(year, 0) DESC", "id DESC"),
    "ix_reports_sort_year": ("coalesce(year, 0)", "id"),
    "ix_reports_sort_region": ("coalesce(coalesce(province, city, county), '')", "id"),
    "ix_reports_sort_level": ("coalesce(level, '')", "id"),
    "ix_reports_sort_edition": ("coalesce(edition, '')", "id"),
    "ix_reports_sort_status": ("coalesce(status, '')", "id"),
    "ix_reports_sort_errors": ("coalesce(n_errors, 0)", "id"),
    "ix_reports_sort_warnings": ("coalesce(n_warnings, 0)", "id"),
    "ix_reports_sort_uncertain": ("coalesce(n_uncertain, 0)", "id"),
    "ix_reports_sort_file": ("coalesce(source, '')", "id"),
}
T3_TOTALS = "tbl = 't3' AND col = 'total'"
GROUPS = ("granted", "partially_granted", "withheld", "unavailable", "declined", "other")  # as outcomes.GROUP_COLUMNS


def upgrade() -> None:
    op.create_table(
        "outcome_totals",
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id", ondelete="CASCADE",
                                                          name="fk_outcome_totals_report_id_reports"), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in GROUPS),
        sa.PrimaryKeyConstraint("report_id", name="pk_outcome_totals"),
    )
    _fill_outcome_totals()
    for name, expressions in SORT_INDEXES.items():
        op.create_index(name, "reports", [sa.text(e) for e in expressions],
                        postgresql_where=sa.text(COUNTED["postgresql"]), sqlite_where=sa.text(COUNTED["sqlite"]))
    op.create_index("ix_cells_t3_totals", "cells", ["report_id", "row", "value"],
                    postgresql_where=sa.text(T3_TOTALS), sqlite_where=sa.text(T3_TOTALS))


def _fill_outcome_totals() -> None:
    # The package's own definition (editions decide which rows make a group), as ingest writes it.
    from nianbao.store import outcomes

    connection = op.get_bind()
    outcomes.refresh(connection, connection.execute(sa.text("SELECT id FROM reports")).scalars().all())


def downgrade() -> None:
    op.drop_index("ix_cells_t3_totals", "cells")
    for name in SORT_INDEXES:
        op.drop_index(name, "reports")
    op.drop_table("outcome_totals")
