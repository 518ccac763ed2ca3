"""session de commission : membres présents

The procès-verbal of a session names the members present (issue 14: a minutes
document to sign). One name per line: the list is short (a commission sits with
a handful of members) and is only read whole, to print it.

Revision ID: 0030
Revises: 0036
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("session_commission") as batch:
        batch.add_column(sa.Column("membres_presents", sa.String(length=4000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session_commission") as batch:
        batch.drop_column("membres_presents")
