"""rapports : gabarits Word des financeurs

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gabarit_rapport",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("nom", sa.String(length=200), nullable=False),
        sa.Column("champs", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("contenu", sa.LargeBinary(), nullable=False),
        sa.Column("cree_par_id", sa.Uuid(), nullable=False),
        sa.Column("cree_le", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_gabarit_rapport_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gabarit_rapport")),
    )
    op.create_index(op.f("ix_gabarit_rapport_organisation_id"), "gabarit_rapport", ["organisation_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_gabarit_rapport_organisation_id"), table_name="gabarit_rapport")
    op.drop_table("gabarit_rapport")
