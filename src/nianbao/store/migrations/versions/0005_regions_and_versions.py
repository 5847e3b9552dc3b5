"""Administrative divisions (township, 行政区划代码, government level) and report versions

`agencies` and `reports` gain `township`, `region_code` (6-digit 行政区划代码) and `gov_level`
(nianbao.regions); `reports` gains `version_of` / `version_kind` (nianbao.store.versions: one report
per agency and year).  Rows stored before this revision are placed from their agency name alone
(the report text that helps the resolver is not stored): the province, city, county and level
are rewritten only where the name places the body.  Their versions are computed here.
The report_cells view keeps the counted versions only and gains the new columns.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_VIEW = """
CREATE VIEW report_cells AS
SELECT r.id AS report_id, r.sha256, r.source, r.year, r.agency, r.level, r.province, r.city, r.county,
       {regions}r.edition, c.tbl, c.row, c.col, c.tbl || '.' || c.row || '.' || c.col AS cell,
       c.value, c.raw, c.unit, c.uncertain, c.inferred, c.alternatives
FROM cells c JOIN reports r ON r.id = c.report_id
WHERE r.current{counted}
"""
_NEW_VIEW = _VIEW.format(regions="r.township, r.region_code, r.gov_level, ", counted=" AND r.version_of IS NULL")
_OLD_VIEW = _VIEW.format(regions="", counted="")

_REGION_COLUMNS = ("township", "region_code", "gov_level")


def upgrade() -> None:
    for table in ("agencies", "reports"):
        op.add_column(table, sa.Column("township", sa.String(40), nullable=True))
        op.add_column(table, sa.Column("region_code", sa.String(6), nullable=True))
        op.add_column(table, sa.Column("gov_level", sa.String(10), nullable=True))
    op.add_column("reports", sa.Column("version_of", sa.Integer(), nullable=True))
    op.add_column("reports", sa.Column("version_kind", sa.String(12), nullable=True))
    op.create_index("ix_reports_agency_id_year", "reports", ["agency_id", "year"])
    connection = op.get_bind()
    _place(connection, "agencies", "name")
    _place(connection, "reports", "agency")
    _versions(connection)
    op.execute("DROP VIEW report_cells")
    op.execute(_NEW_VIEW)


def _place(connection, table: str, name_column: str) -> None:
    from nianbao.regions import resolve

    names = connection.execute(sa.text(f"SELECT DISTINCT {name_column} FROM {table} WHERE {name_column} IS NOT NULL"))
    for (name,) in names.all():
        region = resolve(name)
        if not region.code:
            continue
        values = {"province": region.province, "city": region.city, "county": region.county,
                  "township": region.township, "region_code": region.code, "gov_level": region.gov_level,
                  "level": region.level, "name": name}
        sets = ", ".join(f"{k} = :{k}" for k in values if k != "name")
        connection.execute(sa.text(f"UPDATE {table} SET {sets} WHERE {name_column} = :name"), values)


def _versions(connection) -> None:
    from nianbao.store.versions import assign

    pairs = connection.execute(sa.text(
        "SELECT DISTINCT agency_id, year FROM reports WHERE agency_id IS NOT NULL AND year IS NOT NULL"))
    assign(connection, [tuple(p) for p in pairs.all()])


def downgrade() -> None:
    # The view goes first and comes back last: SQLite refuses to drop a column a view names.
    op.execute("DROP VIEW report_cells")
    op.drop_index("ix_reports_agency_id_year", table_name="reports")
    for column in (*_REGION_COLUMNS, "version_of", "version_kind"):
        op.drop_column("reports", column)
    for column in _REGION_COLUMNS:
        op.drop_column("agencies", column)
    op.execute(_OLD_VIEW)
