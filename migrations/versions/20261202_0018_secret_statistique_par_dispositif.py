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
    with op.batch_alter_table("dispositif", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret_statistique_seuil", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dispositif", schema=None) as batch_op:
        batch_op.drop_column("secret_statistique_seuil")
