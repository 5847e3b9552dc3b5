"""The overview sorts and labels a report by its agency (the kept one after a merge)

`reports.agency_name`: the name of the agency the report is filed under, kept by the writer,
hand entry and merges (store/merges.py), so the overview's sort by 机关 reads one column of the
row and keyset-pages through one index, as its other columns do.  A join to `agencies` would
order by another table's column, which no index of `reports` can serve: every report that
counts would be sorted for each page.  The sort index of revision 0009 on the printed name is
replaced by one on the agency's name (the printed one when a report has no agency).

Revision ID: 0017
Revises: 0016
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# As revision 0009 (its COUNTED) and models._COUNTED_WHERE.
COUNTED = {"postgresql": "current AND version_of IS NULL", "sqlite": "current = 1 AND version_of IS NULL"}
INDEX = "ix_reports_sort_agency"
BY_AGENCY = ("coalesce(coalesce(agency_name, agency), '')", "coalesce(year, 0) DESC", "id DESC")
BY_PRINTED_NAME = ("coalesce(agency, '')", "coalesce(year, 0) DESC", "id DESC")  # revision 0009's


def upgrade() -> None:
    op.add_column("reports", sa.Column("agency_name", sa.String(200), nullable=True))
    op.execute("UPDATE reports SET agency_name = (SELECT name FROM agencies WHERE agencies.id = reports.agency_id)"
               " WHERE agency_id IS NOT NULL")
    op.drop_index(INDEX, "reports")
    _sort_index(BY_AGENCY)


def downgrade() -> None:
    op.drop_index(INDEX, "reports")
    _sort_index(BY_PRINTED_NAME)
    op.drop_column("reports", "agency_name")


def _sort_index(expressions: tuple[str, ...]) -> None:
    op.create_index(INDEX, "reports", [sa.text(e) for e in expressions],
                    postgresql_where=sa.text(COUNTED["postgresql"]), sqlite_where=sa.text(COUNTED["sqlite"]))
