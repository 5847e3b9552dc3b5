"""The roster of agencies expected to publish

(Placeholder revision: its tables arrive with the feature; an empty upgrade keeps the chain
of revisions fixed while the features are built side by side.)

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
