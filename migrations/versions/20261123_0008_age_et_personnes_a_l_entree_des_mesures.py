"""âge et personnes à l'entrée des mesures

The demandeur's age and sex and the household's persons by age class, on the
mandatement date, are snapshotted on the mesure (api/mesures/entree.py): the
indicators count ages at entry, which retention's anonymisation (birth dates
reduced to 1 January) no longer changes, and read one row per mesure without
joining the persons. Existing mesures are backfilled from the persons as they are
now (for a household already anonymised, from the reduced birth date: the exact
date is gone). A person born after the mandatement is not counted.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-23 12:01:36.895053
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMPTES = ("entree_nb_mineurs", "entree_nb_18_25", "entree_nb_26_64", "entree_nb_65_plus", "entree_nb_age_inconnu")


def _remplir(dialect: str) -> None:
    if dialect == "postgresql":
        annee = "CAST(date_part('year', {}) AS INTEGER)"
        mois_jour = "to_char({}, 'MMDD')"
    else:
        annee = "CAST(strftime('%Y', {}) AS INTEGER)"
        mois_jour = "strftime('%m%d', {})"
    age = (
        f"{annee.format('m.date_mandatement')} - {annee.format('p.date_naissance')} - "
        f"CASE WHEN {mois_jour.format('p.date_naissance')} > {mois_jour.format('m.date_mandatement')} "
        "THEN 1 ELSE 0 END"
    )
    op.execute(f"""
        WITH a AS (
            SELECT m.id AS mesure_id, p.lien, p.sexe,
                   CASE WHEN p.date_naissance IS NULL THEN NULL ELSE {age} END AS age
            FROM mesure m JOIN personne p ON p.menage_id = m.menage_id
            WHERE p.date_naissance IS NULL OR p.date_naissance <= m.date_mandatement
        ), s AS (
            SELECT mesure_id,
                   max(CASE WHEN lien = 'demandeur' THEN age END) AS age_dem,
                   max(CASE WHEN lien = 'demandeur' THEN sexe END) AS sexe_dem,
                   sum(CASE WHEN age < 18 THEN 1 ELSE 0 END) AS n1,
                   sum(CASE WHEN age >= 18 AND age < 26 THEN 1 ELSE 0 END) AS n2,
                   sum(CASE WHEN age >= 26 AND age < 65 THEN 1 ELSE 0 END) AS n3,
                   sum(CASE WHEN age >= 65 THEN 1 ELSE 0 END) AS n4,
                   sum(CASE WHEN age IS NULL THEN 1 ELSE 0 END) AS n5
            FROM a GROUP BY mesure_id
        )
        UPDATE mesure SET entree_age_demandeur = s.age_dem, entree_sexe_demandeur = s.sexe_dem,
               entree_nb_mineurs = s.n1, entree_nb_18_25 = s.n2, entree_nb_26_64 = s.n3,
               entree_nb_65_plus = s.n4, entree_nb_age_inconnu = s.n5
        FROM s WHERE mesure.id = s.mesure_id
    """)


def upgrade() -> None:
    with op.batch_alter_table("mesure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entree_age_demandeur", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("entree_sexe_demandeur", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
        for c in COMPTES:
            batch_op.add_column(sa.Column(c, sa.Integer(), nullable=False, server_default="0"))
    _remplir(op.get_bind().dialect.name)
    with op.batch_alter_table("mesure", schema=None) as batch_op:
        for c in COMPTES:
            batch_op.alter_column(c, server_default=None)
    # Indicators (README, « Indicateurs » : plans EXPLAIN): the rendez-vous of a period by
    # type and status, and each mesure's first held rendez-vous, from the index alone; the
    # orientations received in a period by dispositif.
    op.create_index("ix_rendez_vous_indicateurs", "rendez_vous", ["debut", "mesure_id", "type", "statut"])
    op.create_index("ix_rendez_vous_premier_realise", "rendez_vous", ["mesure_id", "statut", "est_suivi", "debut"])
    op.create_index(
        "ix_orientation_indicateurs",
        "orientation",
        ["dispositif_id", "date_reception"],
        postgresql_include=["statut", "origine", "prescripteur_organisation_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_orientation_indicateurs", table_name="orientation")
    op.drop_index("ix_rendez_vous_premier_realise", table_name="rendez_vous")
    op.drop_index("ix_rendez_vous_indicateurs", table_name="rendez_vous")
    with op.batch_alter_table("mesure", schema=None) as batch_op:
        for c in reversed(COMPTES):
            batch_op.drop_column(c)
        batch_op.drop_column("entree_sexe_demandeur")
        batch_op.drop_column("entree_age_demandeur")
