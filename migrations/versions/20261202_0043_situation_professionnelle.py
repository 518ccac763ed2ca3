"""ménage : situation socio-professionnelle ; mesure : son relevé à l'entrée

Seed 002's bilan gives the households' socio-professional situation at entry (« 20 % ont
un emploi, 28 % sont au foyer, invalides, handicapés ou retraités, 1 % sont étudiants,
stagiaires ou apprentis »). The ménage carries it (``SituationProfessionnelle``,
api/core/referentiels.py); the mesure copies it at mandatement like the rest of the
situation at entry, so that the table ``file_active_situation_professionnelle`` never
moves when the file is updated later. Existing mesures have no value (« non renseignée »):
the ménage did not carry it when they were mandated.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD / DROP COLUMN, no batch: SQLite's batch mode rebuilds ``mesure``, which the
# triggers on ``rendez_vous`` (migration 0041) name.
def upgrade() -> None:
    op.add_column("menage", sa.Column("situation_professionnelle", sqlmodel.sql.sqltypes.AutoString(length=40)))
    op.add_column(
        "mesure", sa.Column("entree_situation_professionnelle", sqlmodel.sql.sqltypes.AutoString(length=40))
    )


def downgrade() -> None:
    op.drop_column("mesure", "entree_situation_professionnelle")
    op.drop_column("menage", "situation_professionnelle")
