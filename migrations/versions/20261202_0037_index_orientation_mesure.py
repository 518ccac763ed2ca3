"""orientation : index de la mesure née de l'orientation (visibilité du prescripteur, par sonde)

« Les mesures nées des orientations de ce prescripteur » se lit par deux liens :
``mesure.orientation_id`` (clé primaire de l'orientation) et ``orientation.mesure_id``,
qui n'avait pas d'index. Pour une seule mesure (fiche, niveau, chronologie d'un ménage),
PostgreSQL hachait donc toutes les orientations du prescripteur (30 000 pour le plus gros
bailleur de la démonstration départementale, 15 000 pages, 0,7 s) ; avec cet index, deux
sondes par mesure (api/orientations/access.py, ``_mesure_prescrite_sonde``).

Revision ID: 0037
Revises: 0025
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    nee = sa.text("mesure_id IS NOT NULL")
    op.create_index(
        "ix_orientation_mesure_id", "orientation", ["mesure_id"], unique=False, postgresql_where=nee, sqlite_where=nee
    )


def downgrade() -> None:
    op.drop_index("ix_orientation_mesure_id", table_name="orientation")
