"""mois et année de naissance du demandeur sur la mesure

Ages at the date a table speaks of (``age=au_jour``, the default) are computed from
the demandeur's month and year of birth, YYYYMM, kept on the mesure
(api/indicateurs/entree.py): retention reduces the persons' birth dates to 1 January
but leaves this column, so that every age table is the same before and after
anonymisation (docs/indicateurs.md, « Rétention »).

Reprise: from the demandeur's birth date as it is now. For a household already
anonymised, the month is gone: the 1 January of the year is what remains (the age at
a date may then be one year off for that household, as it already was).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch copy of the table: on SQLite the access triggers
    # name the table, and a copy-and-rename breaks them).
    op.add_column("mesure", sa.Column("entree_naissance_demandeur", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        yyyymm = "CAST(to_char(p.date_naissance, 'YYYYMM') AS INTEGER)"
    else:
        yyyymm = "CAST(strftime('%Y%m', p.date_naissance) AS INTEGER)"
    op.execute(f"""
        UPDATE mesure SET entree_naissance_demandeur = (
            SELECT max({yyyymm}) FROM personne p
            WHERE p.menage_id = mesure.menage_id AND p.lien = 'demandeur'
              AND p.date_naissance IS NOT NULL AND p.date_naissance <= mesure.date_mandatement
        )
    """)


def downgrade() -> None:
    op.drop_column("mesure", "entree_naissance_demandeur")
