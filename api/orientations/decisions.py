"""Transitions and decisions of a referral: who may take each step of ``graphe``, at which
date, and what an acceptance does (the mesure it mandates)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session

from api.audit.models import ActionAudit
from api.audit.service import journaliser
from api.auth.principal import Principal
from api.core.concurrency import bump_version, check_if_match
from api.core.errors import (
    Conflit,
    Interdit,
    TransitionRefusee,
    champ_invalide,
)
from api.dispositifs import service as dispositifs
from api.dispositifs.models import Dispositif
from api.menages.models import Menage
from api.mesures import mandatement
from api.mesures import service as mesures
from api.mesures.models import AccesMaintien
from api.organisations.models import Organisation, TypeOrganisation
from api.orientations import access, graphe
from api.orientations.models import (
    MotifRefus,
    Orientation,
    SessionCommission,
)
from api.orientations.models import StatutOrientation as S
from api.orientations.schemas import (
    OrientationPublic,
    TransitionIn,
)
from api.orientations.service import RESSOURCE, evenement, get_orientation, to_public, verifier_cible


class SeanceAVenir(Conflit):
    """A decision belongs to a session that has not sat yet (its mesure would be mandated
    in the future)."""

    slug = "seance-a-venir"
    title = "Séance pas encore tenue"


def _verifier_acteur(principal: Principal, o: Orientation, d: Dispositif, vers: S) -> None:
    commission = access.est_commission(principal, d)
    prescripteur = access.est_prescripteur(principal, o)
    if (commission and vers in graphe.PAR_COMMISSION) or (prescripteur and vers in graphe.PAR_PRESCRIPTEUR):
        return
    if vers in graphe.PAR_PRESCRIPTEUR:
        qui = "l'organisation qui a orienté le ménage ou la commission du dispositif"
        if vers not in graphe.PAR_COMMISSION:
            qui = "l'organisation qui a orienté le ménage"
    else:
        qui = "la commission du dispositif"
    raise Interdit(f"Le passage à « {vers.value} » est réservé à {qui}.")


def _verifier_date_effet(o: Orientation, vers: S, date_effet: date) -> None:
    """A transition happens on a day that exists: not in the future (a decision dated 2027
    would create a mesure that can neither start nor end), and, after the reception, not
    before it (a negative delay between orientation and decision)."""
    aujourdhui = mesures.aujourdhui()
    if date_effet > aujourdhui:
        raise champ_invalide(
            "date_effet",
            f"ne peut pas être postérieure à aujourd'hui ({aujourdhui.isoformat()})",
            date_effet.isoformat(),
        )
    if vers != S.soumise and o.date_reception is not None and date_effet < o.date_reception:
        raise champ_invalide(
            "date_effet",
            f"ne peut pas précéder la réception de l'orientation ({o.date_reception.isoformat()})",
            date_effet.isoformat(),
        )


def appliquer(
    session: Session,
    principal: Principal,
    o: Orientation,
    data: TransitionIn,
    *,
    session_commission_id: uuid.UUID | None = None,
) -> None:
    """Check and apply one transition; writes the event and queues webhooks (no commit)."""
    d = dispositifs.get_dispositif(session, o.dispositif_id)
    de, vers = S(o.statut), data.vers_statut
    _verifier_acteur(principal, o, d, vers)
    if vers not in graphe.TRANSITIONS[de]:
        raise TransitionRefusee(
            f"L'orientation {o.reference}",
            de.value,
            vers.value,
            [s.value for s in graphe.permises(de)],
        )
    if vers == S.refusee and data.motif_refus is None:
        raise champ_invalide(
            "motif_refus",
            "obligatoire pour un refus ; motifs permis : " + ", ".join(m.value for m in MotifRefus),
        )
    if vers != S.refusee and data.motif_refus is not None:
        raise champ_invalide("motif_refus", "seulement pour « refusee »", data.motif_refus.value)
    if vers in graphe.DECISIONS and access.est_commission(principal, d):
        _verifier_seance_tenue(session, o, data, session_commission_id or o.session_commission_id)
    date_effet = data.date_effet or mesures.aujourdhui()  # a French date, as the checks below
    _verifier_date_effet(o, vers, date_effet)
    bump_version(session, Orientation, o, f"L'orientation {o.reference}")
    if vers == S.acceptee:
        _accepter(session, principal, o, d, data, date_effet)
    if vers == S.soumise:
        o.date_reception = date_effet
    if vers in {
        S.acceptee,
        S.refusee,
        S.refus_beneficiaire,
        S.liste_attente,
        S.ajournee,
        S.attente_infos,
    }:
        o.date_decision = date_effet
    if vers == S.refusee:
        o.motif_refus = data.motif_refus.value if data.motif_refus else None
    if session_commission_id is not None:
        o.session_commission_id = session_commission_id
    o.statut = vers.value
    session.add(o)
    session.flush()
    evenement(
        session,
        principal,
        o,
        de=de,
        vers=vers,
        motif=o.motif_refus if vers == S.refusee else None,
        commentaire=data.commentaire,
        date_effet=date_effet,
        session_commission_id=session_commission_id
        # a one-by-one decision on a referral on an agenda belongs to that session's minutes
        or (o.session_commission_id if de == S.en_commission else None),
    )
    action = ActionAudit.decider if vers in graphe.PAR_COMMISSION else ActionAudit.modifier
    journaliser(session, principal, action, RESSOURCE, o.id)


def _verifier_seance_tenue(session: Session, o: Orientation, data: TransitionIn, seance_id: uuid.UUID | None) -> None:
    """A commission decides at or after its sitting, never ahead: a decision dated in the
    future, or taken for a session still to come, would mandate a mesure in the future."""
    jour = mesures.aujourdhui()
    seance = session.get(SessionCommission, seance_id) if seance_id else None
    if seance is not None and seance.date > jour:
        raise SeanceAVenir(
            f"La séance du {seance.date:%d/%m/%Y} n'a pas encore eu lieu : la décision sur l'orientation "
            f"{o.reference} s'enregistre à partir de cette date (nous sommes le {jour:%d/%m/%Y}).",
            date_seance=seance.date.isoformat(),
            aujourd_hui=jour.isoformat(),
        )
    if data.date_effet is not None and data.date_effet > jour:
        raise champ_invalide(
            "date_effet",
            f"une décision ne peut pas être datée après aujourd'hui ({jour:%d/%m/%Y})",
            data.date_effet.isoformat(),
        )


def _accepter(
    session: Session,
    principal: Principal,
    o: Orientation,
    d: Dispositif,
    data: TransitionIn,
    le: date,
) -> None:
    """Acceptance names a conventioned association, the cible and the type: the mesure starts."""
    if data.association_id is None:
        raise champ_invalide("association_id", "obligatoire pour accepter : l'association mandatée")
    if data.cible_code is None:
        raise champ_invalide("cible_code", "obligatoire pour accepter : la cible retenue")
    types = [t.code for t in dispositifs.types_accompagnement(session, d.id)]
    if data.type_accompagnement_code is None:
        raise champ_invalide(
            "type_accompagnement_code", f"obligatoire pour accepter ; types permis : {', '.join(types)}"
        )
    verifier_cible(session, d.id, data.cible_code, "cible_code")
    if data.type_accompagnement_code not in types:
        raise champ_invalide(
            "type_accompagnement_code",
            f"type inconnu de ce dispositif ; types permis : {', '.join(types)}",
            data.type_accompagnement_code,
        )
    asso = session.get(Organisation, data.association_id)
    if asso is None or asso.type != TypeOrganisation.association.value:
        raise champ_invalide(
            "association_id",
            "doit désigner une organisation de type association",
            str(data.association_id),
        )
    menage = session.get(Menage, o.menage_id)
    assert menage is not None
    if menage.commune_insee is None:
        raise Conflit(
            f"Le ménage de l'orientation {o.reference} n'a pas de commune : "
            "impossible de vérifier qu'une "
            "convention couvre son territoire. Renseignez la commune du ménage.",
            champ="commune_insee",
        )
    convention = dispositifs.convention_couvrant(
        session,
        dispositif_id=d.id,
        association_id=asso.id,
        commune_insee=menage.commune_insee,
        le=le,
    )
    if convention is None:
        raise Conflit(
            f"L'association « {asso.nom} » n'a pas de convention "
            f"sur le dispositif « {d.nom} » couvrant la "
            f"commune {menage.commune_insee} au {le:%d/%m/%Y} : elle ne peut pas être mandatée.",
            association_id=str(asso.id),
            commune_insee=menage.commune_insee,
            date=le.isoformat(),
        )
    mesure = mandatement.mandater(
        session,
        principal,
        menage=menage,
        dispositif_id=d.id,
        association_id=asso.id,
        cible_code=data.cible_code,
        type_accompagnement_code=data.type_accompagnement_code,
        acces_maintien=AccesMaintien(o.acces_maintien),
        date_mandatement=le,
        orientation_id=o.id,
        reception_orientation=o.date_reception,
    )
    o.association_id, o.cible_code = asso.id, data.cible_code
    o.type_accompagnement_code, o.mesure_id = data.type_accompagnement_code, mesure.id


def transitionner(
    session: Session,
    principal: Principal,
    *,
    orientation_id: uuid.UUID,
    data: TransitionIn,
    if_match: str | None = None,
) -> OrientationPublic:
    """Move a referral along its graph; a step the graph does not allow answers 409."""
    o = get_orientation(session, principal, orientation_id)
    if if_match:
        check_if_match(if_match, o.version, f"L'orientation {o.reference}")
    appliquer(session, principal, o, data)
    public = to_public(session, principal, o)
    session.commit()
    return public
