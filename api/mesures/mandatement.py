"""Mandatement: a mesure is created for a household, with the snapshot of its situation
that the « à l'entrée » indicators read (docs/domaine.md, « Vie d'un dossier »)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from api.auth.principal import Principal
from api.core.compteurs import prochaine_reference
from api.menages.models import Dette, Menage, Personne, Ressource
from api.mesures.entree import instantane
from api.mesures.models import (
    AccesMaintien,
    Mesure,
    MesureDetteEntree,
    MesureEvenement,
    MesureRessourceEntree,
    StatutMesure,
)
from api.notifications import service as notifications


def mandater(
    session: Session,
    principal: Principal,
    *,
    menage: Menage,
    dispositif_id: uuid.UUID,
    association_id: uuid.UUID,
    cible_code: str,
    type_accompagnement_code: str,
    acces_maintien: AccesMaintien,
    date_mandatement: date,
    orientation_id: uuid.UUID | None = None,
    reception_orientation: date | None = None,
    referent_id: uuid.UUID | None = None,
) -> Mesure:
    """Create the mesure at mandatement, with a snapshot of the household's situation.

    The snapshot (tenure, composition, commune, resources, debts, eviction
    procedures, the demandeur's age and sex and the persons by age class on the
    mandatement date, the orientation's reception date) is what "at entry" indicators read, so they never move when the
    ménage file is updated later or anonymised. Does not commit: the caller's use case does.
    """
    ressources = list(session.exec(select(Ressource).where(Ressource.menage_id == menage.id)))
    personnes = session.exec(select(Personne).where(Personne.menage_id == menage.id)).all()
    dettes = list(session.exec(select(Dette).where(Dette.menage_id == menage.id)))
    mesure = Mesure(
        reference=prochaine_reference(session, "S"),
        menage_id=menage.id,
        dispositif_id=dispositif_id,
        association_id=association_id,
        orientation_id=orientation_id,
        referent_id=referent_id,
        statut=StatutMesure.mandatee.value,
        cible_code=cible_code,
        type_accompagnement_code=type_accompagnement_code,
        acces_maintien=acces_maintien.value,
        date_mandatement=date_mandatement,
        entree_statut_occupation=menage.statut_occupation,
        entree_composition=menage.composition,
        entree_commune_insee=menage.commune_insee,
        entree_nb_procedures_expulsion=menage.nb_procedures_expulsion,
        entree_stade_procedure=menage.stade_procedure,
        entree_situation_professionnelle=menage.situation_professionnelle,
        entree_dette_locative=sum(d.montant for d in dettes if d.type == "loyer"),
        **instantane(((p.lien, p.date_naissance, p.sexe) for p in personnes), date_mandatement),
        # Given by the orientations domain, which stands above this one (tests/projet/test_architecture.py).
        entree_reception_orientation=reception_orientation,
    )
    session.add(mesure)
    session.flush()
    # A household counts once per resource type; amounts of the same type add up.
    par_type: dict[str, int | None] = {}
    for r in ressources:
        if r.type in par_type:
            prev = par_type[r.type]
            par_type[r.type] = (prev or 0) + (r.montant_mensuel or 0)
        else:
            par_type[r.type] = r.montant_mensuel
    session.add_all(MesureRessourceEntree(mesure_id=mesure.id, type=t, montant_mensuel=m) for t, m in par_type.items())
    dettes_par_type: dict[str, int] = {}
    for d in dettes:
        dettes_par_type[d.type] = dettes_par_type.get(d.type, 0) + d.montant
    session.add_all(MesureDetteEntree(mesure_id=mesure.id, type=t, montant=m) for t, m in dettes_par_type.items())
    session.add(
        MesureEvenement(
            mesure_id=mesure.id,
            date_effet=date_mandatement,
            auteur_type=principal.kind,
            auteur_id=principal.id,
            organisation_id=principal.organisation_id,
            type="mandatement",
            vers_statut=StatutMesure.mandatee.value,
        )
    )
    if association_id != principal.organisation_id:  # an association opening its own mesure knows it
        notifications.mesure_mandatee(
            session, mesure_id=mesure.id, reference=mesure.reference, association_id=association_id
        )
    return mesure
