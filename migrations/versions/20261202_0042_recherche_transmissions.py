"""recherche des orientations : noms du ménage tel qu'il a été transmis

The orientations list searches by name (issue 14). A prescriber or a commission reads the
household as it was sent (api/acces/politique.py, ``menage_transmis``), never the live
file: its search must run over the transmissions, whose names sit in a JSON document.
``menage_transmission.noms_recherche`` keeps them as the live file's
``personne.nom_recherche`` does (« nom prénom » without accents or case, one person per
line), written by ``api/menages/service.py::transmettre``; filled here for the rows
already kept. On PostgreSQL a pg_trgm GIN index serves ``LIKE '%…%'`` (as 0014 does for
the live names); SQLite scans.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-02
"""

import json
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_menage_transmission_noms_recherche_trgm"


def _normaliser(texte: str) -> str:
    # Kept literal: a migration does not follow the code (api/core/texte.py normaliser).
    decompose = unicodedata.normalize("NFKD", texte)
    return " ".join("".join(c for c in decompose if not unicodedata.combining(c)).lower().split())


def _noms(donnees: object) -> str:
    if isinstance(donnees, str):
        donnees = json.loads(donnees)
    personnes = donnees.get("personnes", []) if isinstance(donnees, dict) else []
    return "\n".join(_normaliser(f"{p.get('nom', '')} {p.get('prenom', '')}") for p in personnes)


def upgrade() -> None:
    with op.batch_alter_table("menage_transmission") as batch_op:
        batch_op.add_column(sa.Column("noms_recherche", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    table = sa.table(
        "menage_transmission", sa.column("id", sa.Uuid()), sa.column("donnees", sa.JSON()), sa.column("noms_recherche")
    )
    lignes = bind.execute(sa.select(table.c.id, table.c.donnees)).all()
    for debut in range(0, len(lignes), 1000):
        bind.execute(
            table.update().where(table.c.id == sa.bindparam("b_id")).values(noms_recherche=sa.bindparam("b_noms")),
            [{"b_id": i, "b_noms": _noms(d)} for i, d in lignes[debut : debut + 1000]],
        )
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX {INDEX} ON menage_transmission USING gin (noms_recherche gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    with op.batch_alter_table("menage_transmission") as batch_op:
        batch_op.drop_column("noms_recherche")
