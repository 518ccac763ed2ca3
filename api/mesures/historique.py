"""The history of a mesure's attributes: what was in force on any past day.

A figure about the past must not move when later events happen (DOMAIN.md,
« Indicators »): the file active at 31/12/2022 counts each mesure with the cible,
type, modalité de logement, accès/maintien, référent and statut it had *that day*.
The mesure row keeps the current values (what every screen reads); each change
writes the value it replaces as a period ``[du, jusqu_au)`` in ``mesure_historique``.
A mesure never changed has no history row: its values have been in force since its
mandatement.

A change may be dated in the past (a reorientation effective last month), but not
before the start of the value it replaces: that would rewrite a period already
closed by a later change, and the order of the changes would no longer tell what
was in force when (refused, naming the field).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.core.errors import champ_invalide
from api.mesures.models import Mesure, MesureHistorique

# attribute in the history → column of the mesure
ATTRIBUTS: dict[str, str] = {
    "statut": "statut",
    "cible": "cible_code",
    "type_accompagnement": "type_accompagnement_code",
    "acces_maintien": "acces_maintien",
    "modalite_logement": "modalite_logement",
    "referent": "referent_id",
}


def _texte(v: Any) -> str | None:
    if v is None:
        return None
    return str(getattr(v, "value", v))


def debut_valeur(session: Session, mesure: Mesure, attribut: str) -> date:
    """The day the current value of ``attribut`` came into force."""
    # No autoflush: a use case refused later must leave its pending rows to be dropped.
    with session.no_autoflush:
        fin = session.exec(
            select(func.max(MesureHistorique.jusqu_au)).where(
                MesureHistorique.mesure_id == mesure.id, MesureHistorique.attribut == attribut
            )
        ).one()
    return fin if fin is not None else mesure.date_mandatement


def noter(
    session: Session,
    mesure: Mesure,
    attribut: str,
    *,
    effet: date,
    champ: str,
    ancienne: Any = None,
    prendre_ancienne: bool = True,
) -> None:
    """Close the value of ``attribut`` in force until ``effet`` (excluded), before the
    mesure's column takes the new one. Does not commit.

    ``ancienne`` is the replaced value when the column was already changed by the
    caller (``prendre_ancienne=False``). A change dated before the start of the value it
    replaces is refused (``champ`` names the date in the error); one dated on that very
    day replaces a value that was never in force, and leaves no period.
    """
    valeur = getattr(mesure, ATTRIBUTS[attribut]) if prendre_ancienne else ancienne
    debut = debut_valeur(session, mesure, attribut)
    if effet < debut:
        raise champ_invalide(
            champ,
            f"ne peut pas précéder le début de la valeur qu'elle remplace ({debut.isoformat()}, "
            f"{attribut} = {_texte(valeur) or 'non renseigné'})",
            effet.isoformat(),
        )
    if effet > debut:
        session.add(
            MesureHistorique(mesure_id=mesure.id, attribut=attribut, valeur=_texte(valeur), du=debut, jusqu_au=effet)
        )


def redater_modalite(session: Session, mesure: Mesure, nouveau_debut: date) -> None:
    """The start date of the current modalité de logement was corrected: the period of
    the previous modalité now ends on it (a correction of a past fact, DOMAIN.md)."""
    derniere = session.exec(
        select(MesureHistorique)
        .where(
            MesureHistorique.mesure_id == mesure.id,
            MesureHistorique.attribut == "modalite_logement",
        )
        .order_by(col(MesureHistorique.jusqu_au).desc())
    ).first()
    if derniere is None:
        # Never changed since the mandatement: « none » until the recorded start.
        if nouveau_debut > mesure.date_mandatement:
            session.add(
                MesureHistorique(
                    mesure_id=mesure.id,
                    attribut="modalite_logement",
                    valeur=None,
                    du=mesure.date_mandatement,
                    jusqu_au=nouveau_debut,
                )
            )
        return
    if nouveau_debut <= derniere.du:
        raise champ_invalide(
            "modalite_date_debut",
            f"doit suivre le début de la modalité précédente ({derniere.du.isoformat()})",
            nouveau_debut.isoformat(),
        )
    derniere.jusqu_au = nouveau_debut
    session.add(derniere)


def valeurs_au(session: Session, mesure_id: uuid.UUID, d: date) -> dict[str, str | None]:
    """The attributes of one mesure as they stood on ``d`` (tests, timeline)."""
    mesure = session.get(Mesure, mesure_id)
    assert mesure is not None
    out = {a: _texte(getattr(mesure, c)) for a, c in ATTRIBUTS.items()}
    for h in session.exec(
        select(MesureHistorique).where(
            MesureHistorique.mesure_id == mesure_id,
            MesureHistorique.du <= d,
            MesureHistorique.jusqu_au > d,
        )
    ):
        out[h.attribut] = h.valeur
    return out
