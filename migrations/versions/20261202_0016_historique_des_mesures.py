"""historique des mesures : la valeur en vigueur à toute date

``mesure_historique`` keeps, for each change of a mesure's statut, cible, type
d'accompagnement, accès/maintien, modalité de logement or référent, the value it
replaced and the days it was in force ``[du, jusqu_au)`` (api/mesures/historique.py):
indicators at a past date read what was in force that day.

Reprise de l'existant: the periods are rebuilt from the events already kept for ever
(``mesure_evenement``): statut changes (de_statut → vers_statut at date_effet),
réorientations (ancienne_cible / ancien_type at date_effet), changes of référent
(ancien_referent_id, on the day recorded), modifications (accès/maintien: the other
value, since a change is only recorded when the value differs; modalité: none before
the first one, which is taken in force since the mandatement unless the mesure gives
its start date). A mesure without such events gets no row: its values have been in
force since its mandatement.

Revision ID: 0016
Revises: 0034
Create Date: 2026-12-02
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESURE = sa.table(
    "mesure",
    sa.column("id", sa.Uuid()),
    sa.column("date_mandatement", sa.Date()),
    sa.column("modalite_date_debut", sa.Date()),
)
EVENEMENT = sa.table(
    "mesure_evenement",
    sa.column("mesure_id", sa.Uuid()),
    sa.column("quand", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("date_effet", sa.Date()),
    sa.column("type", sa.String()),
    sa.column("de_statut", sa.String()),
    sa.column("vers_statut", sa.String()),
    sa.column("donnees", sa.JSON()),
)
HISTORIQUE = sa.table(
    "mesure_historique",
    sa.column("id", sa.Uuid()),
    sa.column("mesure_id", sa.Uuid()),
    sa.column("attribut", sa.String()),
    sa.column("valeur", sa.String()),
    sa.column("du", sa.Date()),
    sa.column("jusqu_au", sa.Date()),
    sa.column("cree_le", sqlmodel.sql.sqltypes.UTCDateTime()),
)


def _jour(quand: Any) -> date:
    return quand.date() if isinstance(quand, datetime) else date.fromisoformat(str(quand)[:10])


def _changements(mandatement: date, modalite_debut: date | None, evenements: list[Any]) -> list[tuple[str, date, Any]]:
    """(attribute, effective date, replaced value) in the order they were recorded."""
    out: list[tuple[str, date, Any]] = []
    modalite: Any = None
    modalites: list[int] = []
    for ev in evenements:
        d = ev.date_effet or _jour(ev.quand)
        donnees = ev.donnees or {}
        if ev.type != "mandatement" and ev.de_statut and ev.vers_statut and ev.de_statut != ev.vers_statut:
            out.append(("statut", d, ev.de_statut))
        if ev.type == "reorientation":
            if "ancienne_cible" in donnees:
                out.append(("cible", d, donnees["ancienne_cible"]))
            if "ancien_type" in donnees:
                out.append(("type_accompagnement", d, donnees["ancien_type"]))
        elif ev.type == "changement_referent":
            out.append(("referent", _jour(ev.quand), donnees.get("ancien_referent_id")))
        elif ev.type == "modification":
            if "acces_maintien" in donnees:
                autre = "acces" if donnees["acces_maintien"] == "maintien" else "maintien"
                out.append(("acces_maintien", _jour(ev.quand), autre))
            if "modalite_logement" in donnees:
                debut = donnees.get("modalite_date_debut")
                effet = date.fromisoformat(debut) if debut else (mandatement if modalite is None else _jour(ev.quand))
                modalites.append(len(out))
                out.append(("modalite_logement", effet, modalite))
                modalite = donnees["modalite_logement"]
    if modalites and modalite_debut is not None:
        i = modalites[-1]  # the current modalité starts on the date the mesure gives
        out[i] = (out[i][0], modalite_debut, out[i][2])
    elif not modalites and modalite_debut is not None:
        out.append(("modalite_logement", modalite_debut, None))
    return out


def _reprise() -> None:
    conn = op.get_bind()
    mesures = {r.id: r for r in conn.execute(sa.select(MESURE))}
    par_mesure: dict[uuid.UUID, list[Any]] = {}
    for ev in conn.execute(sa.select(EVENEMENT).order_by(EVENEMENT.c.mesure_id, EVENEMENT.c.quand)):
        par_mesure.setdefault(ev.mesure_id, []).append(ev)
    lignes: list[dict[str, Any]] = []
    maintenant = datetime.now(UTC)
    for mid, m in mesures.items():
        debuts: dict[str, date] = {}
        for attribut, effet, ancienne in _changements(
            m.date_mandatement, m.modalite_date_debut, par_mesure.get(mid, [])
        ):
            debut = debuts.get(attribut, m.date_mandatement)
            if effet > debut:
                lignes.append(
                    {
                        "id": uuid.uuid4(),
                        "mesure_id": mid,
                        "attribut": attribut,
                        "valeur": ancienne,
                        "du": debut,
                        "jusqu_au": effet,
                        "cree_le": maintenant,
                    }
                )
                debuts[attribut] = effet
        if len(lignes) >= 5000:
            op.bulk_insert(HISTORIQUE, lignes)
            lignes = []
    if lignes:
        op.bulk_insert(HISTORIQUE, lignes)


def upgrade() -> None:
    op.create_table(
        "mesure_historique",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("mesure_id", sa.Uuid(), nullable=False),
        sa.Column("attribut", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("valeur", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("du", sa.Date(), nullable=False),
        sa.Column("jusqu_au", sa.Date(), nullable=False),
        sa.Column("cree_le", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mesure_id"], ["mesure.id"], name=op.f("fk_mesure_historique_mesure_id_mesure"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mesure_historique")),
    )
    op.create_index("ix_mesure_historique_mesure", "mesure_historique", ["mesure_id", "attribut", "jusqu_au"])
    op.create_index("ix_mesure_historique_periode", "mesure_historique", ["jusqu_au", "du", "mesure_id"])
    _reprise()


def downgrade() -> None:
    op.drop_index("ix_mesure_historique_periode", table_name="mesure_historique")
    op.drop_index("ix_mesure_historique_mesure", table_name="mesure_historique")
    op.drop_table("mesure_historique")
