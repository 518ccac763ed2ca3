"""ménage : situation socio-professionnelle ; mesure : son relevé et les classes du seed 004 à l'entrée

Seed 002's bilan gives the households' socio-professional situation at entry (« 20 % ont
un emploi, 28 % sont au foyer, invalides, handicapés ou retraités, 1 % sont étudiants,
stagiaires ou apprentis »). The ménage carries it (``SituationProfessionnelle``,
api/core/referentiels.py); the mesure copies it at mandatement like the rest of the
situation at entry, so that the table ``file_active_situation_professionnelle`` never
moves when the file is updated later. Existing mesures have no value (« non renseignée »):
the ménage did not carry it when they were mandated.

Seed 004 counts the persons as « mineurs, jeunes majeurs encore au domicile familial,
adultes, personnes isolées de plus de 65 ans »: the mesure gets two more counts at entry
(api/mesures/entree.py, ``FOYER``). For existing mesures they are filled here:

* isolated persons of 65 or more, exactly, from the entry snapshot itself (one person
  counted at entry, in the 65+ class);
* young adults at home (link « enfant », 18 to 25 years old on the mandatement day) from
  the household's persons as they are now — the snapshot did not keep the link. A person
  added or removed since the mandatement moves it, and for an anonymised household (birth
  dates reduced to 1 January) the age may be off by one: the best the database knows.

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


FOYER = ("entree_nb_jeunes_majeurs_domicile", "entree_nb_isoles_65_plus")


def _remplir(dialect: str) -> None:
    if dialect == "postgresql":
        annee = "CAST(date_part('year', {}) AS INTEGER)"
        mois_jour = "to_char({}, 'MMDD')"
    else:
        annee = "CAST(strftime('%Y', {}) AS INTEGER)"
        mois_jour = "strftime('%m%d', {})"
    # full years on the mandatement day (api/mesures/entree.py, age_a)
    age = (
        f"{annee.format('mesure.date_mandatement')} - {annee.format('p.date_naissance')} - "
        f"CASE WHEN {mois_jour.format('p.date_naissance')} > {mois_jour.format('mesure.date_mandatement')} "
        "THEN 1 ELSE 0 END"
    )
    op.execute(
        "UPDATE mesure SET entree_nb_isoles_65_plus = 1 WHERE entree_nb_65_plus = 1 AND entree_nb_mineurs "
        "+ entree_nb_18_25 + entree_nb_26_64 + entree_nb_65_plus + entree_nb_age_inconnu = 1"
    )
    op.execute(f"""
        UPDATE mesure SET entree_nb_jeunes_majeurs_domicile = (
            SELECT count(*) FROM personne p
            WHERE p.menage_id = mesure.menage_id AND p.lien = 'enfant' AND p.date_naissance IS NOT NULL
              AND p.date_naissance <= mesure.date_mandatement AND ({age}) BETWEEN 18 AND 25
        )
        WHERE entree_nb_18_25 > 0
    """)


# Plain ADD / DROP COLUMN, no batch: SQLite's batch mode rebuilds ``mesure``, which the
# triggers on ``rendez_vous`` (migration 0041) name.
def upgrade() -> None:
    op.add_column("menage", sa.Column("situation_professionnelle", sqlmodel.sql.sqltypes.AutoString(length=40)))
    op.add_column(
        "mesure", sa.Column("entree_situation_professionnelle", sqlmodel.sql.sqltypes.AutoString(length=40))
    )
    # The server default stays: dropping it would rebuild the table on SQLite (above); a
    # writer that omits the counts (the demo's COPY of an older row shape) gets 0.
    for c in FOYER:
        op.add_column("mesure", sa.Column(c, sa.Integer(), nullable=False, server_default="0"))
    _remplir(op.get_bind().dialect.name)


def downgrade() -> None:
    for c in reversed(FOYER):
        op.drop_column("mesure", c)
    op.drop_column("mesure", "entree_situation_professionnelle")
    op.drop_column("menage", "situation_professionnelle")
