"""The lifecycle actions of a mesure: start, activation, suspension, resumption,
réorientation, prolongation, change of référent, end and the 6-month follow-up. Which
status may follow which is the table of ``api.mesures.graphe``; every action is an event."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session

from api.auth.principal import Principal
from api.core.errors import (
    Conflit,
    TransitionRefusee,
    champ_invalide,
)
from api.core.fonctions_sql import ajouter_mois
from api.dispositifs.models import Cible, Dispositif, TypeAccompagnement
from api.mesures import historique
from api.mesures.graphe import TRANSITIONS, verifier_en_cours, verifier_transition
from api.mesures.models import (
    Mesure,
    StatutMesure,
)
from api.mesures.schemas import (
    Activation,
    ChangementReferent,
    ChangementStatut,
    Demarrage,
    Fin,
    MesurePublic,
    Prolongation,
    Reorientation,
    Suivi,
)
from api.mesures.service import (
    commencer_ecriture,
    date_limite,
    evenement,
    nom_mesure,
    noter_changement_referent,
    pas_avant,
    pas_dans_le_futur,
    sans_trace,
    terminer_ecriture,
    verifier_code,
)

MOIS_SUIVI = 6


class AdhesionRequise(Conflit):
    slug = "adhesion-requise"
    title = "Adhésion du ménage requise"


def _verifier_adhesion(session: Session, mesure: Mesure) -> None:
    dispositif = session.get(Dispositif, mesure.dispositif_id)
    assert dispositif is not None
    if dispositif.adhesion_requise and mesure.adhesion_date is None:
        raise AdhesionRequise(
            f"Le dispositif {dispositif.nom} demande l'adhésion du ménage avant que la mesure "
            f"{mesure.reference} "
            "soit active : renseignez adhesion_date, la date d'adhésion du ménage "
            "(et adhesion_modalite, la façon dont elle a été recueillie).",
            champ="adhesion_date",
        )


def _noter_adhesion(mesure: Mesure, adhesion_date: date | None, modalite: str | None, aujourdhui: date) -> None:
    if adhesion_date is not None:
        pas_dans_le_futur("adhesion_date", adhesion_date, aujourdhui)
        pas_avant("adhesion_date", adhesion_date, mesure.date_mandatement, "le mandatement")
        mesure.adhesion_date = adhesion_date
    if modalite is not None:
        mesure.adhesion_modalite = modalite


@sans_trace
def demarrer(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Demarrage,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """Start the support: records the start date and the adhésion; the mesure goes to
    en_evaluation, or straight to active (adhésion required if the dispositif says so)."""
    mesure = commencer_ecriture(session, principal, mesure_id, if_match)
    vers = StatutMesure.en_evaluation.value if data.evaluation else StatutMesure.active.value
    verifier_transition(mesure, vers)
    pas_dans_le_futur("date_debut", data.date_debut, aujourdhui)
    pas_avant("date_debut", data.date_debut, mesure.date_mandatement, "le mandatement")
    _noter_adhesion(mesure, data.adhesion_date, data.adhesion_modalite, aujourdhui)
    if vers == StatutMesure.active.value:
        _verifier_adhesion(session, mesure)
    historique.noter(session, mesure, "statut", effet=data.date_debut, champ="date_debut")
    mesure.date_debut = data.date_debut
    dispositif = session.get(Dispositif, mesure.dispositif_id)
    assert dispositif is not None
    limite = date_limite(mesure, dispositif)
    if data.date_fin_prevue is not None:
        if data.date_fin_prevue <= data.date_debut:
            raise champ_invalide(
                "date_fin_prevue",
                f"doit suivre date_debut ({data.date_debut.isoformat()})",
                data.date_fin_prevue.isoformat(),
            )
        if limite is not None and data.date_fin_prevue > limite:
            raise champ_invalide(
                "date_fin_prevue",
                f"au-delà de la durée maximale du dispositif ({dispositif.duree_max_mois} mois, "
                f"soit le {limite.isoformat()}) ; une prolongation avec dérogation motivée "
                "le permet ensuite",
                data.date_fin_prevue.isoformat(),
            )
        mesure.date_fin_prevue = data.date_fin_prevue
    else:
        mesure.date_fin_prevue = limite
    de = mesure.statut
    mesure.statut = vers
    ev = evenement(
        principal,
        mesure,
        "demarrage",
        de_statut=de,
        vers_statut=vers,
        date_effet=data.date_debut,
        commentaire=data.commentaire,
        donnees={
            "adhesion_date": mesure.adhesion_date.isoformat() if mesure.adhesion_date else None,
            "adhesion_modalite": mesure.adhesion_modalite,
        },
    )
    return terminer_ecriture(session, principal, mesure, ev)


def _changer_statut(
    session: Session,
    principal: Principal,
    mesure: Mesure,
    vers: StatutMesure,
    type: str,
    *,
    date_effet: date,
    aujourdhui: date,
    motif: str | None = None,
    commentaire: str | None = None,
    donnees: dict[str, Any] | None = None,
) -> MesurePublic:
    verifier_transition(mesure, vers.value)
    pas_dans_le_futur("date_effet", date_effet, aujourdhui)
    pas_avant(
        "date_effet",
        date_effet,
        mesure.date_debut or mesure.date_mandatement,
        "le début de la mesure",
    )
    historique.noter(session, mesure, "statut", effet=date_effet, champ="date_effet")
    de = mesure.statut
    mesure.statut = vers.value
    ev = evenement(
        principal,
        mesure,
        type,
        de_statut=de,
        vers_statut=vers.value,
        date_effet=date_effet,
        motif=motif,
        commentaire=commentaire,
        donnees=donnees,
    )
    return terminer_ecriture(session, principal, mesure, ev)


@sans_trace
def activer(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Activation,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """End of the evaluation: the support proper begins; a dispositif may require the
    adhésion first."""
    mesure = commencer_ecriture(session, principal, mesure_id, if_match)
    if mesure.statut != StatutMesure.en_evaluation.value:
        # reprendre is the way back from suspendue; activer only closes the evaluation
        permises = TRANSITIONS[mesure.statut]
        raise TransitionRefusee(
            nom_mesure(mesure), mesure.statut, StatutMesure.active.value + " (activation)", permises
        )
    _noter_adhesion(mesure, data.adhesion_date, data.adhesion_modalite, aujourdhui)
    _verifier_adhesion(session, mesure)
    return _changer_statut(
        session,
        principal,
        mesure,
        StatutMesure.active,
        "activation",
        date_effet=data.date_effet,
        aujourdhui=aujourdhui,
        commentaire=data.commentaire,
    )


@sans_trace
def suspendre(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: ChangementStatut,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """Pause an active mesure (hospitalisation, incarceration, household out of reach…)."""
    mesure = commencer_ecriture(session, principal, mesure_id, if_match)
    return _changer_statut(
        session,
        principal,
        mesure,
        StatutMesure.suspendue,
        "suspension",
        date_effet=data.date_effet,
        aujourdhui=aujourdhui,
        motif=data.motif,
        commentaire=data.commentaire,
    )


@sans_trace
def reprendre(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: ChangementStatut,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """Resume a suspended mesure."""
    mesure = commencer_ecriture(session, principal, mesure_id, if_match)
    if mesure.statut != StatutMesure.suspendue.value:
        raise TransitionRefusee(
            nom_mesure(mesure),
            mesure.statut,
            StatutMesure.active.value + " (reprise)",
            TRANSITIONS[mesure.statut],
        )
    return _changer_statut(
        session,
        principal,
        mesure,
        StatutMesure.active,
        "reprise",
        date_effet=data.date_effet,
        aujourdhui=aujourdhui,
        motif=data.motif,
        commentaire=data.commentaire,
    )


@sans_trace
def reorienter(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Reorientation,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """Change the cible and/or the type d'accompagnement (both must exist in the
    dispositif), with a reason."""
    mesure = commencer_ecriture(session, principal, mesure_id, if_match)
    verifier_en_cours(mesure, "reorientation")
    pas_dans_le_futur("date_effet", data.date_effet, aujourdhui)
    pas_avant("date_effet", data.date_effet, mesure.date_mandatement, "le mandatement")
    donnees: dict[str, Any] = {}
    if data.cible_code is not None and data.cible_code != mesure.cible_code:
        verifier_code(session, Cible, mesure.dispositif_id, "cible_code", data.cible_code)
        donnees |= {"ancienne_cible": mesure.cible_code, "nouvelle_cible": data.cible_code}
        historique.noter(session, mesure, "cible", effet=data.date_effet, champ="date_effet")
        mesure.cible_code = data.cible_code
    if data.type_accompagnement_code is not None and data.type_accompagnement_code != mesure.type_accompagnement_code:
        verifier_code(
            session,
            TypeAccompagnement,
            mesure.dispositif_id,
            "type_accompagnement_code",
            data.type_accompagnement_code,
        )
        donnees |= {
            "ancien_type": mesure.type_accompagnement_code,
            "nouveau_type": data.type_accompagnement_code,
        }
        historique.noter(session, mesure, "type_accompagnement", effet=data.date_effet, champ="date_effet")
        mesure.type_accompagnement_code = data.type_accompagnement_code
    if not donnees:
        raise champ_invalide(
            "cible_code",
            "la cible et le type demandés sont déjà ceux de la mesure",
            data.cible_code,
        )
    ev = evenement(
        principal,
        mesure,
        "reorientation",
        date_effet=data.date_effet,
        motif=data.motif,
        commentaire=data.commentaire,
        donnees=donnees,
    )
    return terminer_ecriture(session, principal, mesure, ev)


@sans_trace
def prolonger(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Prolongation,
    if_match: str | None = None,
) -> MesurePublic:
    """Move the planned end later; past the dispositif's maximum duration only with a
    derogation and its reason."""
    mesure = commencer_ecriture(session, principal, mesure_id, if_match)
    verifier_en_cours(mesure, "prolongation")
    nouvelle = data.date_fin_prevue
    borne = mesure.date_fin_prevue or mesure.date_debut or mesure.date_mandatement
    if nouvelle <= borne:
        raise champ_invalide(
            "date_fin_prevue",
            f"une prolongation doit dépasser la fin prévue actuelle ({borne.isoformat()})",
            nouvelle.isoformat(),
        )
    dispositif = session.get(Dispositif, mesure.dispositif_id)
    assert dispositif is not None
    limite = date_limite(mesure, dispositif)
    derogation = limite is not None and nouvelle > limite
    if derogation and not data.derogation_motif:
        assert limite is not None
        raise champ_invalide(
            "date_fin_prevue",
            f"au-delà de la durée maximale du dispositif ({dispositif.duree_max_mois} mois, "
            f"soit le {limite.isoformat()}) : donnez derogation_motif (le motif de la dérogation) "
            "pour déroger, ou choisissez une date de fin plus proche",
            nouvelle.isoformat(),
        )
    ancienne = mesure.date_fin_prevue
    mesure.date_fin_prevue = nouvelle
    if derogation:
        mesure.derogation_duree_motif = data.derogation_motif
    ev = evenement(
        principal,
        mesure,
        "prolongation",
        date_effet=nouvelle,
        motif="derogation" if derogation else None,
        commentaire=data.commentaire,
        donnees={
            "ancienne_fin_prevue": ancienne.isoformat() if ancienne else None,
            "nouvelle_fin_prevue": nouvelle.isoformat(),
            "derogation_motif": data.derogation_motif if derogation else None,
        },
    )
    return terminer_ecriture(session, principal, mesure, ev)


@sans_trace
def changer_referent(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: ChangementReferent,
    if_match: str | None = None,
) -> MesurePublic:
    """Hand the mesure to another worker of the association (kept as an event)."""
    mesure = commencer_ecriture(session, principal, mesure_id, if_match)
    verifier_en_cours(mesure, "changement_referent")
    ev = noter_changement_referent(session, principal, mesure, data.referent_id, data.commentaire)
    if ev is None:
        raise champ_invalide("referent_id", "c'est déjà le référent de la mesure", str(data.referent_id))
    return terminer_ecriture(session, principal, mesure, ev)


@sans_trace
def terminer(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Fin,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """End the mesure with its date, motif and housing situation at exit; the suivi is
    then due 6 months later."""
    mesure = commencer_ecriture(session, principal, mesure_id, if_match)
    verifier_transition(mesure, StatutMesure.terminee.value)
    pas_dans_le_futur("date_fin", data.date_fin, aujourdhui)
    pas_avant(
        "date_fin",
        data.date_fin,
        mesure.date_debut or mesure.date_mandatement,
        "le début de la mesure",
    )
    historique.noter(session, mesure, "statut", effet=data.date_fin, champ="date_fin")
    de = mesure.statut
    mesure.statut = StatutMesure.terminee.value
    mesure.date_fin = data.date_fin
    mesure.motif_fin = data.motif_fin.value
    mesure.situation_sortie = data.situation_sortie.value
    mesure.suivi_date_prevue = ajouter_mois(data.date_fin, MOIS_SUIVI)
    ev = evenement(
        principal,
        mesure,
        "fin",
        de_statut=de,
        vers_statut=mesure.statut,
        date_effet=data.date_fin,
        motif=data.motif_fin.value,
        commentaire=data.commentaire,
        donnees={
            "situation_sortie": data.situation_sortie.value,
            "suivi_date_prevue": mesure.suivi_date_prevue.isoformat(),
        },
    )
    return terminer_ecriture(session, principal, mesure, ev)


@sans_trace
def enregistrer_suivi(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Suivi,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """Record the 6-month follow-up of an ended mesure (seed 002): reached or not,
    housing situation, comment."""
    mesure = commencer_ecriture(session, principal, mesure_id, if_match)
    if mesure.statut != StatutMesure.terminee.value:
        raise TransitionRefusee(
            nom_mesure(mesure) + " (suivi à 6 mois)", mesure.statut, "suivi", TRANSITIONS[mesure.statut]
        )
    assert mesure.date_fin is not None
    pas_dans_le_futur("realise_le", data.realise_le, aujourdhui)
    pas_avant("realise_le", data.realise_le, mesure.date_fin, "la fin de la mesure")
    mesure.suivi_realise_le = data.realise_le
    mesure.suivi_joint = data.joint
    mesure.suivi_situation = data.situation.value if data.situation else None
    mesure.suivi_commentaire = data.commentaire
    ev = evenement(
        principal,
        mesure,
        "suivi",
        date_effet=data.realise_le,
        commentaire=data.commentaire,
        donnees={"joint": data.joint, "situation": mesure.suivi_situation},
    )
    return terminer_ecriture(session, principal, mesure, ev)
