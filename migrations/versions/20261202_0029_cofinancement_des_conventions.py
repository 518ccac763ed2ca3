"""cofinancement : les financeurs d'une convention et leurs parts

A convention now names its funders and their shares (hundredths of a percent, 10 000 =
100 %). Existing conventions migrate with their dispositif's funder at 100 %, so that
every funder keeps reading exactly what it read before.

Revision ID: 0029
Revises: 0025
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "convention_financeur",
        sa.Column("convention_id", sa.Uuid(), nullable=False),
        sa.Column("financeur_id", sa.Uuid(), nullable=False),
        sa.Column("part_centiemes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["convention.id"],
            name=op.f("fk_convention_financeur_convention_id_convention"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["financeur_id"], ["organisation.id"], name=op.f("fk_convention_financeur_financeur_id_organisation")
        ),
        sa.PrimaryKeyConstraint("convention_id", "financeur_id", name=op.f("pk_convention_financeur")),
    )
    op.create_index(
        op.f("ix_convention_financeur_financeur_id"), "convention_financeur", ["financeur_id"], unique=False
    )
    # The current funder at 100 % for every existing convention.
    op.execute(
        "INSERT INTO convention_financeur (convention_id, financeur_id, part_centiemes) "
        "SELECT c.id, d.financeur_id, 10000 FROM convention c JOIN dispositif d ON d.id = c.dispositif_id"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_convention_financeur_financeur_id"), table_name="convention_financeur")
    op.drop_table("convention_financeur")
