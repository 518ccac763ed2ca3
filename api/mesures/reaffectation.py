"""Reassigning several mesures at once (issue 14): the responsable's answer to a worker who
leaves or is overloaded.

The same change of référent as one mesure's ``changer-referent`` (same checks, same event
« changement_referent », same history of the référent, same access log), for a list of
mesures, in one use case: either every mesure changes hands, or none does (a refused one
names itself and leaves the others as they were).
"""

from __future__ import annotations

from sqlmodel import Session

from api.audit.models import ActionAudit
from api.audit.service import journaliser
from api.auth.principal import Principal
from api.core.concurrency import bump_version
from api.core.errors import champ_invalide
from api.mesures import access
from api.mesures.access import Niveau
from api.mesures.graphe import verifier_en_cours
from api.mesures.schemas import MesurePublic, Reaffectation, Reaffectees
from api.mesures.service import (
    RESSOURCE,
    get_mesure_porteur,
    nom_mesure,
    noter_changement_referent,
    sans_trace,
    to_public,
    verifier_referent,
)


@sans_trace
def reaffecter(session: Session, principal: Principal, *, data: Reaffectation) -> Reaffectees:
    """Give each listed mesure to ``referent_id`` (an active user of the association that
    carries them), kept as one event per mesure. Reserved to the association's responsable
    (access policy: ``verifier_reaffectation``); a mesure not carried is 404 as elsewhere,
    a closed one or one already with that référent refuses the whole batch."""
    access.verifier_reaffectation(principal)
    # Every check before any write: a refused batch has changed nothing, even in the session.
    mesures = [get_mesure_porteur(session, principal, i) for i in dict.fromkeys(data.mesure_ids)]
    for mesure in mesures:
        verifier_en_cours(mesure, "changement_referent")
        if mesure.referent_id == data.referent_id:
            raise champ_invalide(
                "referent_id", f"c'est déjà le référent de la mesure {mesure.reference}", str(data.referent_id)
            )
        verifier_referent(session, mesure.association_id, data.referent_id)
    for mesure in mesures:
        ev = noter_changement_referent(session, principal, mesure, data.referent_id, data.commentaire)
        assert ev is not None  # checked above
        bump_version(session, type(mesure), mesure, nom_mesure(mesure))
        session.add(mesure)
        session.add(ev)
        journaliser(session, principal, ActionAudit.modifier, RESSOURCE, mesure.id)
    session.flush()
    publics: list[MesurePublic] = []
    for mesure in mesures:
        public = to_public(session, mesure, Niveau.porteur)
        assert isinstance(public, MesurePublic)
        publics.append(public)
    session.commit()
    return Reaffectees(referent_id=data.referent_id, nombre=len(publics), mesures=publics)
