"""Session epochs: a password change or a reset signs out the account everywhere else

`accounts.session_epoch` counts the account's password changes; a browser session remembers the
epoch it logged in at (web/accounts.py) and is signed out once the account's has moved on.
Existing accounts start at 0, as do sessions made before this revision, so nobody is signed out
by the upgrade itself.

Revision ID: 0016
Revises: 0015
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("session_epoch")
