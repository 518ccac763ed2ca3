"""alertes et liste : index partiels des mesures ouvertes et des suivis dus, page d'une association

The alerts' work list (api/alertes/service.py) reads the open mesures of an association
or of a référent (a sixth of all at département scale) and the closed ones whose
six-month follow-up is not done. With only ``ix_mesure_association_id`` PostgreSQL read
every mesure the association ever carried (2,500 to 13,000 heap rows per call) and
filtered them; these partial indexes give exactly the rows the rules look at.

The mesures list of an association across its dispositifs (its own part, newest first)
reads ``ix_mesure_association_page`` in order and stops at the page.

Revision ID: 0036
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_mesure_association_page", "mesure", ["association_id", "date_mandatement", "reference"], unique=False
    )
    ouverte = sa.text("statut <> 'terminee'")
    op.create_index(
        "ix_mesure_ouverte",
        "mesure",
        ["association_id", "referent_id"],
        unique=False,
        postgresql_where=ouverte,
        sqlite_where=ouverte,
    )
    suivi = sa.text("statut = 'terminee' AND suivi_realise_le IS NULL")
    op.create_index(
        "ix_mesure_suivi_du",
        "mesure",
        ["association_id", "referent_id", "suivi_date_prevue"],
        unique=False,
        postgresql_where=suivi,
        sqlite_where=suivi,
    )


def downgrade() -> None:
    op.drop_index("ix_mesure_suivi_du", table_name="mesure")
    op.drop_index("ix_mesure_ouverte", table_name="mesure")
    op.drop_index("ix_mesure_association_page", table_name="mesure")
