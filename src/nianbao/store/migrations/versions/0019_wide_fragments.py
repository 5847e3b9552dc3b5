"""Wide CSV fragments: each report's cell columns kept as the wide CSV prints them

`wide_fragments` (store/export_pg.py): per report the comma-joined CSV fields of its cell columns,
its guessed cells, and the `signature` of the state they were printed from; an export on
PostgreSQL uses a fragment only while its signature is the current one.  `cells_revision` is part
of that signature: triggers move it on whenever a report's cells are updated or deleted, or cells
are added to a report that has a fragment (a new report's cells are written in the transaction
that creates it, before any export can see it).  The table exists on SQLite too (the models are
one schema) but stays empty there: the SQLite export prints every report.

Revision ID: 0019
Revises: 0018
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Cells updated or deleted: the revision of each report still stored moves on, a row made where
# there was none (an export printing at that moment stores the revision it read, now an old one).
_BUMP = """
INSERT INTO wide_fragments (report_id, cells_revision)
SELECT DISTINCT changed.report_id, 1 FROM ({changed}) AS changed JOIN reports ON reports.id = changed.report_id
ON CONFLICT (report_id) DO UPDATE SET cells_revision = wide_fragments.cells_revision + 1
"""
_TRIGGERS = {
    # name: (event, transition tables, statement)
    "nianbao_cells_updated": ("UPDATE", "OLD TABLE AS before_rows NEW TABLE AS after_rows",
                              _BUMP.format(changed="SELECT report_id FROM before_rows "
                                                   "UNION SELECT report_id FROM after_rows")),
    "nianbao_cells_deleted": ("DELETE", "OLD TABLE AS removed_rows",
                              _BUMP.format(changed="SELECT report_id FROM removed_rows")),
    # Cells added: only reports that have a fragment (ingest adds a new report's cells, one
    # statement a cell, and this runs for each: an index probe, not an upsert).
    "nianbao_cells_added": ("INSERT", "NEW TABLE AS added_rows",
                            "UPDATE wide_fragments SET cells_revision = cells_revision + 1 "
                            "WHERE report_id IN (SELECT report_id FROM added_rows)"),
}


def upgrade() -> None:
    op.create_table(
        "wide_fragments",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("cells_revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("signature", sa.String(length=32), nullable=True),
        sa.Column("cells", sa.Text(), nullable=True),
        sa.Column("doubt", sa.Text(), nullable=True),
        sa.Column("doubt_count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_wide_fragments_report_id_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_wide_fragments")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (event, tables, statement) in _TRIGGERS.items():
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN {statement}; RETURN NULL; END $$")
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON cells REFERENCING {tables} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON cells")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("wide_fragments")
