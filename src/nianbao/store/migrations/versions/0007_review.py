"""Review status of findings and reports

(Placeholder revision: its tables arrive with the feature; an empty upgrade keeps the chain
of revisions fixed while the features are built side by side.)

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
