"""alertes écartées : motif, report

An alert is computed from the mesures and rendez-vous; a person may set one occurrence
aside with a reason (kept), for good or until a date (« reporter ») — issue 14. The
alerts' engine leaves out the occurrences found here; the index leads by mesure, the
anti-join's probe.

Revision ID: 0035
Revises: 0025
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alerte_ecartee",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("mesure_id", sa.Uuid(), nullable=False),
        sa.Column("rendez_vous_id", sa.Uuid(), nullable=True),
        sa.Column("date_reference", sa.Date(), nullable=False),
        sa.Column("motif", sa.String(length=500), nullable=False),
        sa.Column("jusqu_au", sa.Date(), nullable=True),
        sa.Column("par_id", sa.Uuid(), nullable=False),
        sa.Column("le", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["mesure_id"], ["mesure.id"], name=op.f("fk_alerte_ecartee_mesure_id_mesure")),
        sa.ForeignKeyConstraint(["par_id"], ["utilisateur.id"], name=op.f("fk_alerte_ecartee_par_id_utilisateur")),
        sa.ForeignKeyConstraint(
            ["rendez_vous_id"], ["rendez_vous.id"], name=op.f("fk_alerte_ecartee_rendez_vous_id_rendez_vous")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerte_ecartee")),
    )
    op.create_index(
        "ix_alerte_ecartee_mesure_type", "alerte_ecartee", ["mesure_id", "type", "date_reference"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_alerte_ecartee_mesure_type", table_name="alerte_ecartee")
    op.drop_table("alerte_ecartee")
