"""Disabled accounts: an administrator stops an account without removing it

`accounts.disabled_at` / `disabled_by`: when and by whom the account was disabled, both NULL while
it is in use.  A disabled account cannot log in and its sessions end at their next request
(store/account_service.py); its name, its reviews and its audit entries stay.  Every existing
account stays in use.

`accounts.epoch_reason`: why the session epoch (revision 0016) last moved on, a password change or
a disabling, so that a session it signed out is told the right reason (also after the account is
enabled again).  NULL for epochs moved before this revision: those were password changes.

Revision ID: 0018
Revises: 0017
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("disabled_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("epoch_reason", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("epoch_reason")
        batch.drop_column("disabled_by")
        batch.drop_column("disabled_at")
