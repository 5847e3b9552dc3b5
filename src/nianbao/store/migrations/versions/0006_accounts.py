"""Named accounts, roles and region scopes; the audit log of writes

(Placeholder revision: its tables arrive with the feature; an empty upgrade keeps the chain
of revisions fixed while the features are built side by side.)

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
