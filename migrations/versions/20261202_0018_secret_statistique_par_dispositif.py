"""secret statistique réglable par dispositif

The threshold below which a count given to a funder is masked: null = the platform's
setting (ANCRAGE_SECRET_STATISTIQUE_SEUIL, 5 by default), 0 when the partners'
convention gives the funders exact counts (seed 001's bilan gives the State 1 and 3).
Existing dispositifs keep null: secrecy on, at the platform's threshold.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch copy of the table: on SQLite the access triggers
    # name the table, and a copy-and-rename breaks them).
    op.add_column("dispositif", sa.Column("secret_statistique_seuil", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("dispositif", "secret_statistique_seuil")
