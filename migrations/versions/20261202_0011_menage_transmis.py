"""ménage transmis : le ménage tel qu'une organisation l'a envoyé

A referrer (bailleur, prescripteur) and the commission read the household as it
was sent to them, never what the carrying association added since
(api/acces/politique.py, ``menage_transmis``). Each sending is kept as one row:
at the opening of the file, with each referral, with each change the author made
while the file was its own.

Existing households are backfilled with one row per organisation that opened the
file or referred it, holding the file as it stands at this migration (the past
sendings were not kept: this is the closest honest value).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOT = 2000


def upgrade() -> None:
    op.create_table(
        "menage_transmission",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("menage_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("orientation_id", sa.Uuid(), nullable=True),
        sa.Column("quand", sa.DateTime(), nullable=False),
        sa.Column("donnees", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["menage_id"], ["menage.id"], name=op.f("fk_menage_transmission_menage_id_menage"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_menage_transmission_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menage_transmission")),
    )
    for col in ("menage_id", "organisation_id", "orientation_id"):
        op.create_index(op.f(f"ix_menage_transmission_{col}"), "menage_transmission", [col], unique=False)
    _remplir()


def _remplir() -> None:
    """One row per (household, organisation that opened or referred it), from the live file."""
    conn = op.get_bind()
    paires = conn.execute(
        sa.text(
            "SELECT id, organisation_id FROM menage WHERE anonymise_le IS NULL "
            "UNION SELECT o.menage_id, o.prescripteur_organisation_id FROM orientation o "
            "JOIN menage m ON m.id = o.menage_id WHERE m.anonymise_le IS NULL"
        )
    ).all()
    table = sa.table(
        "menage_transmission",
        sa.column("id", sa.Uuid()),
        sa.column("menage_id", sa.Uuid()),
        sa.column("organisation_id", sa.Uuid()),
        sa.column("orientation_id", sa.Uuid()),
        sa.column("quand", sa.DateTime()),
        sa.column("donnees", sa.JSON()),
    )
    maintenant = datetime.now(UTC).replace(tzinfo=None)
    for debut in range(0, len(paires), LOT):
        lot = paires[debut : debut + LOT]
        donnees = _donnees(conn, list({m for m, _ in lot}))
        lignes = [
            {
                "id": uuid4(),
                "menage_id": m,
                "organisation_id": org,
                "orientation_id": None,
                "quand": maintenant,
                "donnees": donnees[m],
            }
            for m, org in lot
            if m in donnees
        ]
        if lignes:
            conn.execute(sa.insert(table), lignes)


def _donnees(conn: Any, ids: list[Any]) -> dict[Any, dict[str, Any]]:
    menage = sa.table(
        "menage",
        *(
            sa.column(c)
            for c in (
                "id reference organisation_id composition statut_occupation bailleur_id commune_insee adresse "
                "telephone courriel nb_procedures_expulsion stade_procedure cree_le modifie_le version"
            ).split()
        ),
    )
    out: dict[Any, dict[str, Any]] = {}
    for row in conn.execute(sa.select(menage).where(menage.c.id.in_(ids))).mappings():
        d = {k: (str(v) if k in ("id", "organisation_id", "bailleur_id") and v is not None else v) for k, v in row.items()}
        for k in ("cree_le", "modifie_le"):
            d[k] = d[k].isoformat() if d[k] is not None else None
        d.update(personnes=[], ressources=[], dettes=[])
        out[row["id"]] = d
    personne = sa.table("personne", *(sa.column(c) for c in "id menage_id nom prenom date_naissance sexe lien".split()))
    for p in conn.execute(sa.select(personne).where(personne.c.menage_id.in_(ids))).mappings():
        out[p["menage_id"]]["personnes"].append(
            {
                "id": str(p["id"]),
                "nom": p["nom"],
                "prenom": p["prenom"],
                "date_naissance": p["date_naissance"].isoformat() if p["date_naissance"] else None,
                "sexe": p["sexe"],
                "lien": p["lien"],
            }
        )
    ressource = sa.table("ressource", *(sa.column(c) for c in "menage_id type montant_mensuel".split()))
    for r in conn.execute(sa.select(ressource).where(ressource.c.menage_id.in_(ids))).mappings():
        out[r["menage_id"]]["ressources"].append({"type": r["type"], "montant_mensuel": r["montant_mensuel"]})
    dette = sa.table("dette", *(sa.column(c) for c in "menage_id type montant".split()))
    for r in conn.execute(sa.select(dette).where(dette.c.menage_id.in_(ids))).mappings():
        out[r["menage_id"]]["dettes"].append({"type": r["type"], "montant": r["montant"]})
    return out


def downgrade() -> None:
    for col in ("orientation_id", "organisation_id", "menage_id"):
        op.drop_index(op.f(f"ix_menage_transmission_{col}"), table_name="menage_transmission")
    op.drop_table("menage_transmission")
