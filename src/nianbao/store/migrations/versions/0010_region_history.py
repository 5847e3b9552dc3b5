"""Corrections of an agency's region, with their history

(Placeholder revision: its tables arrive with the feature; an empty upgrade keeps the chain
of revisions fixed while the features are built side by side.)

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
