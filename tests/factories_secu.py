"""Records for the security and privacy tests: a dispositif, referrals, mesures, rendez-vous.

Built directly in the database (the orientation and mesure routes live in other
branches); values are plain so tests can compute expectations by hand.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from api.core.compteurs import prochaine_reference
from api.dispositifs.models import Cible, Dispositif
from api.menages.models import Menage, Personne
from api.mesures.models import Mesure, MesureEvenement, RendezVous
from api.orientations.models import Orientation, OrientationEvenement
from tests.factories import Monde


def dispositif(db: Session, m: Monde) -> Dispositif:
    d = Dispositif(
        code="ASLL-" + uuid.uuid4().hex[:6],
        nom="ASLL 35",
        financeur_id=m.financeur.id,
        commission_id=m.gie.id,
        date_debut=date(2020, 1, 1),
    )
    db.add(d)
    db.flush()
    db.add(Cible(dispositif_id=d.id, code="sante_mentale", libelle="Santé mentale", sensible=True))
    db.add(Cible(dispositif_id=d.id, code="jeunes", libelle="Jeunes de moins de 30 ans"))
    db.flush()
    return d


def menage(db: Session, m: Monde, *, modifie_le: datetime | None = None, **champs: Any) -> Menage:
    """A household of the association « asso » with a demandeur born on 17 May 1980."""
    men = Menage(
        reference=prochaine_reference(db, "M"),
        organisation_id=m.asso.id,
        composition="femme_seule",
        adresse="3 rue des Lilas",
        telephone="0299000000",
        courriel="lea@example.org",
        commune_insee="35238",
        **champs,
    )
    if modifie_le is not None:
        men.modifie_le = modifie_le
    db.add(men)
    db.flush()
    db.add(
        Personne(
            menage_id=men.id,
            nom="Martin",
            prenom="Léa",
            nom_recherche="martin lea",
            date_naissance=date(1980, 5, 17),
            sexe="femme",
            lien="demandeur",
        )
    )
    db.flush()
    return men


def orientation(
    db: Session,
    m: Monde,
    men: Menage,
    disp: Dispositif,
    *,
    statut: str = "acceptee",
    commentaire: str | None = "Orientation validée en commission",
) -> Orientation:
    o = Orientation(
        reference=prochaine_reference(db, "O"),
        menage_id=men.id,
        dispositif_id=disp.id,
        statut=statut,
        origine="bailleur",
        prescripteur_organisation_id=m.bailleur.id,
        prescripteur_nom="Mme Prescriptrice",
        acces_maintien="maintien",
        motifs="Impayés depuis la perte d'emploi",
        association_id=m.asso.id,
        cible_code="sante_mentale",
        cible_proposee_code="sante_mentale",
    )
    db.add(o)
    db.flush()
    db.add(
        OrientationEvenement(
            orientation_id=o.id,
            auteur_type="utilisateur",
            auteur_id=m.users["gie"].id,
            organisation_id=m.gie.id,
            de_statut="en_commission",
            vers_statut=statut,
            commentaire=commentaire,
        )
    )
    db.flush()
    return o


def mesure(
    db: Session,
    m: Monde,
    men: Menage,
    disp: Dispositif,
    *,
    statut: str = "terminee",
    date_fin: date | None = None,
    association_id: uuid.UUID | None = None,
) -> Mesure:
    me = Mesure(
        reference=prochaine_reference(db, "S"),
        menage_id=men.id,
        dispositif_id=disp.id,
        association_id=association_id or m.asso.id,
        statut=statut,
        cible_code="sante_mentale",
        type_accompagnement_code="asll",
        acces_maintien="maintien",
        date_mandatement=date(2020, 3, 1),
        date_fin=date_fin,
        suivi_commentaire="Relogée, va bien",
        adhesion_modalite="Signature au bureau",
    )
    db.add(me)
    db.flush()
    db.add(
        MesureEvenement(
            mesure_id=me.id,
            auteur_type="utilisateur",
            auteur_id=m.users["asso_agent"].id,
            organisation_id=me.association_id,
            type="mandatement",
            vers_statut="mandatee",
            commentaire="Premier contact difficile",
        )
    )
    db.flush()
    return me


def rendez_vous(db: Session, me: Mesure, debut: datetime, *, statut: str = "realise") -> RendezVous:
    r = RendezVous(
        mesure_id=me.id,
        debut=debut,
        type="visite_domicile",
        statut=statut,
        lieu="Au domicile",
        compte_rendu="Le logement est très encombré.",
        participants={"autres": ["Mme Voisine"]},
    )
    db.add(r)
    db.flush()
    return r


def utc(y: int, mo: int, d: int, h: int = 12) -> datetime:
    return datetime(y, mo, d, h, tzinfo=UTC)
