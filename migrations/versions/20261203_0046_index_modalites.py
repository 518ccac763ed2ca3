"""Index partiels des modalités de logement : entrées et sorties des indicateurs

``make bench-indicateurs`` (issue 16): the pass over the periods of each modalité de
logement (entries into and exits from IML or logement de transition during the period)
read every mesure of the dispositif active in the period (37,600 at département scale,
8,100 heap pages) to keep the quarter that have a modalité, and scanned the whole
history (444,000 rows) for the past periods of a modalité, which are a few percent of it.
Two partial indexes: that statement 103 → 57 ms (medians of 21 pairs, with and without
the indexes in turn; ≈ 4 % of the document).

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0046"
down_revision: str | None = "0045"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MODALITE = "modalite_logement IS NOT NULL"
HISTORIQUE = "attribut = 'modalite_logement'"


def upgrade() -> None:
    op.create_index(
        "ix_mesure_modalite",
        "mesure",
        ["dispositif_id", "date_mandatement"],
        unique=False,
        postgresql_where=sa.text(MODALITE),
        sqlite_where=sa.text(MODALITE),
    )
    op.create_index(
        "ix_mesure_historique_modalite",
        "mesure_historique",
        ["jusqu_au", "du"],
        unique=False,
        postgresql_where=sa.text(HISTORIQUE),
        sqlite_where=sa.text(HISTORIQUE),
    )


def downgrade() -> None:
    op.drop_index("ix_mesure_historique_modalite", table_name="mesure_historique")
    op.drop_index("ix_mesure_modalite", table_name="mesure")
