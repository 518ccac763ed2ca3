"""alertes : index partiel des rendez-vous planifiés

The alerts (api/alertes/service.py) look for rendez-vous already ended and still
« planifié ». Without this index PostgreSQL read each mesure's rendez-vous of the
association, or every rendez-vous before now (1.5 M at département scale); the planned
ones are few (a held, cancelled or missed one leaves « planifie »): a partial index on
them gives the past ones by a range, with the mesure and the author for the scope.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    condition = sa.text("statut = 'planifie'")
    op.create_index(
        "ix_rendez_vous_planifie_debut",
        "rendez_vous",
        ["debut", "mesure_id", "cree_par_id"],
        unique=False,
        postgresql_where=condition,
        sqlite_where=condition,
    )


def downgrade() -> None:
    op.drop_index("ix_rendez_vous_planifie_debut", table_name="rendez_vous")
