"""rapports : les dossiers derrière chaque chiffre déposé (pour nommer ceux qui ont bougé)

Revision ID: 0027
Revises: 0025
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rapport_cellule_dossier",
        sa.Column("rapport_id", sa.Uuid(), nullable=False),
        sa.Column("periode", sa.String(length=5), nullable=False),
        sa.Column("table_code", sa.String(length=60), nullable=False),
        sa.Column("cellule", sa.String(length=200), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["rapport_id"], ["rapport.id"], name=op.f("fk_rapport_cellule_dossier_rapport_id_rapport"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "rapport_id", "periode", "table_code", "cellule", "dossier_id", name=op.f("pk_rapport_cellule_dossier")
        ),
    )


def downgrade() -> None:
    op.drop_table("rapport_cellule_dossier")
