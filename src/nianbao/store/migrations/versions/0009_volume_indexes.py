"""Indexes and aggregates for overview, stats and exports at volume

(Placeholder revision: its tables arrive with the feature; an empty upgrade keeps the chain
of revisions fixed while the features are built side by side.)

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
