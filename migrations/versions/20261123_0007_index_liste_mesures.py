"""index de la liste des mesures

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-23
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_mesure_liste",
        "mesure",
        ["dispositif_id", "statut", "association_id", "date_mandatement"],
        postgresql_include=["orientation_id", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_mesure_liste", table_name="mesure")
