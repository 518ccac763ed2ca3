"""Factories of the mesures domain: dispositifs with their cibles, households, mandated mesures."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session

from api.auth.principal import Principal
from api.dispositifs.models import Cible, Dispositif, TypeAccompagnement
from api.menages.models import Menage
from api.menages.schemas import MenageCreate
from api.menages.service import preparer_menage
from api.mesures.mandatement import mandater
from api.mesures.models import AccesMaintien, Mesure
from api.organisations.models import Organisation, TypeOrganisation, Utilisateur
from api.orientations.models import Orientation, StatutOrientation
from tests.factories import Monde, menage_payload

# Seed 001's cibles: the last three are the sensitive ones.
CIBLES_001 = [
    ("habitat_adapte", "Habitat adapté sur mesure", False),
    ("reassurance", "Réassurance du locataire", False),
    ("sante_mentale", "Santé mentale", True),
    ("sortants_prison", "Sortants de prison", True),
    ("violences_conjugales", "Violences conjugales", True),
]
TYPES_001 = [
    ("evaluation", "Évaluation", 3),
    ("capacite_habiter", "Capacité à habiter", None),
    ("soutien_personnalise", "Soutien personnalisé au logement", None),
]


def principal_de(user: Utilisateur, org: Organisation) -> Principal:
    return Principal(
        "utilisateur", user.id, org.id, TypeOrganisation(org.type), user.role, uuid.uuid4()
    )


def dispositif(db: Session, m: Monde, **overrides: Any) -> Dispositif:
    valeurs: dict[str, Any] = {
        "code": "D" + uuid.uuid4().hex[:10],
        "nom": "300 logements accompagnés",
        "financeur_id": m.financeur.id,
        "commission_id": m.gie.id,
        "duree_max_mois": 36,
        "adhesion_requise": True,
        "creation_directe": False,
        "date_debut": date(2020, 1, 1),
    }
    valeurs.update(overrides)
    d = Dispositif(**valeurs)
    db.add(d)
    db.flush()
    for i, (code, libelle, sensible) in enumerate(CIBLES_001):
        db.add(Cible(dispositif_id=d.id, code=code, libelle=libelle, sensible=sensible, ordre=i))
    for i, (code, libelle, duree) in enumerate(TYPES_001):
        db.add(
            TypeAccompagnement(
                dispositif_id=d.id, code=code, libelle=libelle, duree_max_mois=duree, ordre=i
            )
        )
    db.flush()
    return d


def menage(db: Session, m: Monde, who: str = "asso_agent", **overrides: Any) -> Menage:
    user = m.users[who]
    org = db.get(Organisation, user.organisation_id)
    assert org is not None
    return preparer_menage(
        db, principal_de(user, org), data=MenageCreate(**menage_payload(**overrides))
    )


def mesure(
    db: Session,
    m: Monde,
    disp: Dispositif,
    *,
    men: Menage | None = None,
    association: Organisation | None = None,
    cible: str = "habitat_adapte",
    type_acc: str = "capacite_habiter",
    date_mandatement: date = date(2023, 1, 10),
    referent: Utilisateur | None = None,
    acces_maintien: AccesMaintien = AccesMaintien.maintien,
    prescripteur: Organisation | None = None,
) -> Mesure:
    """A mesure mandated by the commission, as the orientations' decision does it.

    With ``prescripteur``, an accepted referral from that organisation comes first.
    """
    men = men or menage(db, m)
    association = association or m.asso
    orientation_id = None
    orientation = None
    if prescripteur is not None:
        orientation = Orientation(
            reference="O-" + uuid.uuid4().hex[:10],
            menage_id=men.id,
            dispositif_id=disp.id,
            statut=StatutOrientation.acceptee.value,
            origine="bailleur",
            prescripteur_organisation_id=prescripteur.id,
            acces_maintien=acces_maintien.value,
            association_id=association.id,
            cible_code=cible,
            type_accompagnement_code=type_acc,
            date_reception=date_mandatement,
            date_decision=date_mandatement,
        )
        db.add(orientation)
        db.flush()
        orientation_id = orientation.id
    mes = mandater(
        db,
        principal_de(m.users["gie"], m.gie),
        menage=men,
        dispositif_id=disp.id,
        association_id=association.id,
        cible_code=cible,
        type_accompagnement_code=type_acc,
        acces_maintien=acces_maintien,
        date_mandatement=date_mandatement,
        orientation_id=orientation_id,
        reception_orientation=orientation.date_reception if orientation is not None else None,
        referent_id=(referent or m.users["asso_agent"]).id if association.id == m.asso.id else None,
    )
    if orientation is not None:
        orientation.mesure_id = mes.id
        db.add(orientation)
    db.flush()
    return mes
