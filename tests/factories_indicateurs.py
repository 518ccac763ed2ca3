"""Datasets for the indicator tests, inserted directly as model rows.

The orientation and mesure endpoints are built elsewhere: here the rows are
written as those endpoints would leave them (mesures through ``mandater`` for
the entry snapshot, then their later state set by hand).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session

from api.auth.principal import Principal
from api.core.compteurs import prochaine_reference
from api.core.texte import normaliser
from api.dispositifs.models import Cible, Convention, Dispositif
from api.menages.models import Dette, Menage, Personne, Ressource
from api.mesures.mandatement import mandater
from api.mesures.models import AccesMaintien, Mesure, MesureDomaine, RendezVous
from api.organisations.models import Organisation, TypeOrganisation
from api.orientations.models import Orientation, OrientationEvenement
from tests.factories import Monde, fake

CIBLES_001 = [
    ("habitat_adapte", "Habitat adapté sur mesure", False),
    ("reassurance", "Réassurance du locataire", False),
    ("sante_mentale", "Santé mentale", True),
    ("sortants_prison", "Sortants de prison", True),
    ("violences_conjugales", "Violences conjugales", True),
]


def principal(org: Organisation) -> Principal:
    return Principal(
        "utilisateur", uuid.uuid4(), org.id, TypeOrganisation(org.type), "agent", uuid.uuid4()
    )


def dispositif(
    db: Session,
    m: Monde,
    code: str = "300LA",
    *,
    financeur: Organisation | None = None,
    commission: Organisation | None = None,
    cibles: list[tuple[str, str, bool]] | None = None,
) -> Dispositif:
    d = Dispositif(
        code=code,
        nom=f"Dispositif {code}",
        financeur_id=(financeur or m.financeur).id,
        commission_id=(commission or m.gie).id,
        date_debut=date(2015, 1, 1),
    )
    db.add(d)
    db.flush()
    for i, (c, lib, sensible) in enumerate(cibles if cibles is not None else CIBLES_001):
        db.add(Cible(dispositif_id=d.id, code=c, libelle=lib, sensible=sensible, ordre=i))
    db.flush()
    return d


def convention(
    db: Session, d: Dispositif, asso: Organisation, debut: date, fin: date, objectif: int
) -> Convention:
    c = Convention(
        dispositif_id=d.id,
        association_id=asso.id,
        date_debut=debut,
        date_fin=fin,
        objectif_menages=objectif,
    )
    db.add(c)
    db.flush()
    return c


def menage(
    db: Session,
    org: Organisation,
    *,
    naissance: date | None = date(1980, 1, 1),
    sexe: str = "homme",
    nom: str | None = None,
    autres: list[tuple[date | None, str, str]] = (),  # type: ignore[assignment]
    composition: str = "homme_seul",
    commune: str | None = "35238",
    statut_occupation: str | None = "locataire_parc_public",
    ressources: list[str] = (),  # type: ignore[assignment]
    dettes: list[tuple[str, int]] = (),
    nb_procedures: int = 0,
) -> Menage:  # type: ignore[assignment]
    men = Menage(
        reference=prochaine_reference(db, "M"),
        organisation_id=org.id,
        composition=composition,
        statut_occupation=statut_occupation,
        commune_insee=commune,
        nb_procedures_expulsion=nb_procedures,
    )
    db.add(men)
    db.flush()
    personnes = [
        (naissance, sexe, "demandeur", nom or fake.last_name()),
        *((n, s, lien, fake.last_name()) for n, s, lien in autres),
    ]
    for n, s, lien, nm in personnes:
        prenom = fake.first_name()
        db.add(
            Personne(
                menage_id=men.id,
                nom=nm,
                prenom=prenom,
                nom_recherche=normaliser(f"{nm} {prenom}"),
                date_naissance=n,
                sexe=s,
                lien=lien,
            )
        )
    for r in ressources:
        db.add(Ressource(menage_id=men.id, type=r, montant_mensuel=500))
    for t, montant in dettes:
        db.add(Dette(menage_id=men.id, type=t, montant=montant))
    db.flush()
    return men


def mesure(
    db: Session,
    m: Monde,
    men: Menage,
    d: Dispositif,
    *,
    mandatement: date,
    cible: str = "habitat_adapte",
    association: Organisation | None = None,
    acces_maintien: str = "maintien",
    statut: str = "active",
    date_debut: date | None = None,
    date_fin: date | None = None,
    orientation: Orientation | None = None,
    **champs: Any,
) -> Mesure:
    asso = association or m.asso
    mes = mandater(
        db,
        principal(asso),
        menage=men,
        dispositif_id=d.id,
        association_id=asso.id,
        cible_code=cible,
        type_accompagnement_code="capacite_habiter",
        acces_maintien=AccesMaintien(acces_maintien),
        date_mandatement=mandatement,
        orientation_id=orientation.id if orientation else None,
        reception_orientation=orientation.date_reception if orientation else None,
    )
    mes.statut = "terminee" if date_fin else statut
    mes.date_debut = date_debut
    mes.date_fin = date_fin
    for k, v in champs.items():
        setattr(mes, k, v)
    db.add(mes)
    db.flush()
    return mes


def domaines(db: Session, mes: Mesure, *codes: str) -> None:
    db.add_all(MesureDomaine(mesure_id=mes.id, domaine=c) for c in codes)
    db.flush()


def rdv(
    db: Session,
    mes: Mesure,
    jour: date,
    *,
    type: str = "visite_domicile",
    statut: str = "realise",
    est_suivi: bool = False,
) -> RendezVous:
    r = RendezVous(
        mesure_id=mes.id,
        debut=datetime.combine(jour, time(10, 0), tzinfo=UTC),
        type=type,
        statut=statut,
        est_suivi=est_suivi,
    )
    db.add(r)
    db.flush()
    return r


def orientation(
    db: Session,
    m: Monde,
    men: Menage,
    d: Dispositif,
    *,
    reception: date,
    statut: str,
    evenements: list[tuple[str, date, str | None]] = (),  # type: ignore[assignment]
    origine: str = "bailleur",
    prescripteur: Organisation | None = None,
    association: Organisation | None = None,
    cible: str | None = None,
) -> Orientation:
    """A referral and its decision events (vers_statut, date, motif)."""
    presc = prescripteur or m.bailleur
    o = Orientation(
        reference=prochaine_reference(db, "O"),
        menage_id=men.id,
        dispositif_id=d.id,
        statut=statut,
        origine=origine,
        prescripteur_organisation_id=presc.id,
        acces_maintien="maintien",
        date_reception=reception,
        association_id=(association.id if association else None),
        cible_code=cible,
    )
    db.add(o)
    db.flush()
    de = "en_commission"
    for vers, quand, motif in evenements:
        db.add(
            OrientationEvenement(
                orientation_id=o.id,
                quand=datetime.combine(quand, time(15, 0), tzinfo=UTC),
                date_effet=quand,
                auteur_type="utilisateur",
                auteur_id=uuid.uuid4(),
                organisation_id=m.gie.id,
                de_statut=de,
                vers_statut=vers,
                motif=motif,
            )
        )
        de = vers
    db.flush()
    return o
