"""Exact decimal values: printed numbers kept as decimals, not binary doubles

On PostgreSQL the stored numbers (`cells.value`, `corrections.value`, `findings.expected`,
`findings.found`) become NUMERIC.  The cast keeps every value: PostgreSQL turns a double into
NUMERIC through its 15 significant digits, and no stored value has more (values.MAX_DIGITS), so
75394432.52 stays 75394432.52.  The report_cells view names cells.value, and PostgreSQL alters no
column a view uses: it is dropped and made again from its own definition.

SQLite has no decimal type: its columns stay as they are (store/numbers.py says why).

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_COLUMNS = (("cells", "value"), ("corrections", "value"), ("findings", "expected"), ("findings", "found"))


def upgrade() -> None:
    _retype("NUMERIC")


def downgrade() -> None:
    _retype("DOUBLE PRECISION")


def _retype(sql_type: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    view = op.get_bind().exec_driver_sql("SELECT pg_get_viewdef('report_cells'::regclass)").scalar_one()
    op.execute("DROP VIEW report_cells")
    for table, column in _COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {sql_type} USING {column}::{sql_type}")
    op.execute(f"CREATE VIEW report_cells AS {view}")
