"""Use cases of orientations (referrals) and of the commission that decides them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, exists, or_
from sqlmodel import Session, col, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser, journaliser_liste
from api.auth.principal import Principal
from api.core.concurrency import bump_version, check_if_match
from api.core.errors import (
    Conflit,
    ErreurValidation,
    Interdit,
    Introuvable,
    champ_invalide,
)
from api.core.models import new_id, utcnow
from api.core.pagination import Page, PageParams, count
from api.core.texte import motif_like, normaliser
from api.dispositifs import access as dispositifs_access
from api.dispositifs import service as dispositifs
from api.dispositifs.models import Cible, Dispositif
from api.dispositifs.schemas import CIBLE_CONFIDENTIELLE
from api.menages import access as menages_access
from api.menages import service as menages
from api.menages.models import Menage
from api.notifications import service as notifications
from api.orientations import access, graphe, idempotence, webhooks
from api.orientations.models import (
    MotifRefus,
    Orientation,
    OrientationEvenement,
)
from api.orientations.models import StatutOrientation as S
from api.orientations.schemas import (
    EvenementPublic,
    OrientationPublic,
    OrientationUpdate,
)

RESSOURCE = "orientation"


T = TypeVar("T")


CODE_CONFIDENTIEL = "confidentielle"


def _cible(session: Session, dispositif_id: uuid.UUID, code: str | None) -> Cible | None:
    if code is None:
        return None
    return session.exec(select(Cible).where(Cible.dispositif_id == dispositif_id, Cible.code == code)).first()


def to_public(session: Session, principal: Principal, o: Orientation) -> OrientationPublic:
    return publics(session, principal, [o])[0]


def publics(
    session: Session,
    principal: Principal,
    orientations: Sequence[Orientation],
    cibles: dict[uuid.UUID, list[Cible]] | None = None,
) -> list[OrientationPublic]:
    """The referrals as this principal may read them: a sensitive cible is masked for a
    bailleur. The cibles named are read in one query (none if ``cibles`` are given)."""
    if cibles is None and any(o.cible_code or o.cible_proposee_code for o in orientations):
        cibles = dispositifs.cibles_de(session, {o.dispositif_id for o in orientations})
    index = {(c.dispositif_id, c.code): c for liste in (cibles or {}).values() for c in liste}
    masquer_proposee = dispositifs_access.masquer_cibles_sensibles(principal)
    commissions = commissions_de(session, [o for o in orientations if o.cible_code])
    out = []
    for o in orientations:
        cible = index.get((o.dispositif_id, o.cible_code or ""))
        proposee = index.get((o.dispositif_id, o.cible_proposee_code or ""))
        cible_code, cible_libelle = (cible.code, cible.libelle) if cible else (o.cible_code, None)
        if (
            cible is not None
            and cible.sensible
            and not access.lit_cible_sensible(principal, o, commissions.get(o.dispositif_id))
        ):
            cible_code, cible_libelle = CODE_CONFIDENTIEL, CIBLE_CONFIDENTIELLE
        proposee_code = o.cible_proposee_code
        if proposee is not None and proposee.sensible and masquer_proposee:
            proposee_code = CODE_CONFIDENTIEL
        out.append(
            OrientationPublic(
                **o.model_dump(
                    exclude={
                        "cible_code",
                        "cible_proposee_code",
                        "prescripteur_utilisateur_id",
                        "statut",
                        "motif_refus",
                    }
                ),
                statut=S(o.statut),
                transitions_permises=graphe.permises(S(o.statut)),
                motif_refus=MotifRefus(o.motif_refus) if o.motif_refus else None,
                cible_code=cible_code,
                cible_libelle=cible_libelle,
                cible_proposee_code=proposee_code,
            )
        )
    return out


def get_orientation(session: Session, principal: Principal, orientation_id: uuid.UUID) -> Orientation:
    """A visible referral, or 404 (never a hint that it exists)."""
    o = session.exec(access.visible_orientations(principal).where(Orientation.id == orientation_id)).first()
    if o is None:
        raise Introuvable("Orientation", orientation_id)
    return o


def lire_orientation(session: Session, principal: Principal, orientation_id: uuid.UUID) -> OrientationPublic:
    o = get_orientation(session, principal, orientation_id)
    journaliser(session, principal, ActionAudit.lire, RESSOURCE, o.id)
    public = to_public(session, principal, o)
    session.commit()
    return public


def lister_orientations(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    statut: S | None = None,
    dispositif_id: uuid.UUID | None = None,
    modifie_depuis: datetime | None = None,
    external_ref: str | None = None,
    q: str | None = None,
) -> Page[OrientationPublic]:
    """Visible referrals; ``modifie_depuis`` lets a partner's system poll for changes
    (oldest change first, so that it can page forward and keep the last date). ``q`` finds
    a referral by its reference, its household's, or a name of the household as the reader
    reads it (``condition_recherche``). Each row names the demandeur the same way."""
    query = access.visible_orientations(principal)
    if q is not None and q.strip():
        query = query.where(condition_recherche(principal, q))
    if statut is not None:
        query = query.where(Orientation.statut == statut.value)
    if dispositif_id is not None:
        query = query.where(Orientation.dispositif_id == dispositif_id)
    if external_ref is not None:
        query = query.where(Orientation.external_ref == external_ref)
    if modifie_depuis is not None:
        query = query.where(col(Orientation.modifie_le) > modifie_depuis)
        query = query.order_by(col(Orientation.modifie_le), col(Orientation.id))
    else:
        query = query.order_by(col(Orientation.modifie_le).desc(), col(Orientation.id))
    total = count(session, query)
    rows = list(session.exec(query.offset(page.offset).limit(page.limit)))
    journaliser_liste(session, principal, RESSOURCE, [o.id for o in rows])
    noms = menages.demandeurs_lus(session, principal, {o.menage_id for o in rows})
    items = [i.model_copy(update={"demandeur": noms.get(i.menage_id)}) for i in publics(session, principal, rows)]
    session.commit()
    return Page(total=total, limit=page.limit, offset=page.offset, items=items)


def condition_recherche(principal: Principal, q: str) -> ColumnElement[bool]:
    """Referrals whose reference or household's reference contains ``q`` (case-insensitive),
    or one of whose household's persons is named so (accents and case aside), as the reader
    reads the household: a prescriber or a bailleur searches the household it sent, a
    commission the one submitted to it, the carrying association the live file
    (``menages.access.condition_nom_lu``); the admin, who reads no household, the
    references of the referrals only."""
    motif = motif_like(q.strip())
    return or_(
        col(Orientation.reference).ilike(motif, escape="\\"),
        exists().where(
            col(Menage.id) == col(Orientation.menage_id),
            menages_access.condition_visible(principal),
            col(Menage.reference).ilike(motif, escape="\\"),
        ),
        menages_access.condition_nom_lu(principal, col(Orientation.menage_id), motif_like(normaliser(q))),
    )


def commissions_de(session: Session, orientations: Sequence[Orientation]) -> dict[uuid.UUID, uuid.UUID | None]:
    """The commission organisation of each dispositif of these referrals, in one query."""
    ids = {o.dispositif_id for o in orientations}
    if not ids:
        return {}
    return dict(session.exec(select(Dispositif.id, Dispositif.commission_id).where(col(Dispositif.id).in_(ids))).all())


def evenements_visibles(
    session: Session, principal: Principal, orientations: Sequence[Orientation]
) -> dict[uuid.UUID, list[EvenementPublic]]:
    """The events of these (visible) referrals, oldest first, by referral: a free-text
    comment only for its author and the commission (policy: ``commentaire``)."""
    out: dict[uuid.UUID, list[EvenementPublic]] = {o.id: [] for o in orientations}
    if not orientations:
        return out
    commissions = commissions_de(session, orientations)
    dispositif_de = {o.id: o.dispositif_id for o in orientations}
    for ev in session.exec(
        select(OrientationEvenement)
        .where(col(OrientationEvenement.orientation_id).in_(list(out)))
        .order_by(col(OrientationEvenement.quand), col(OrientationEvenement.id))
    ):
        commission_id = commissions.get(dispositif_de[ev.orientation_id])
        out[ev.orientation_id].append(
            EvenementPublic(
                **ev.model_dump(exclude={"commentaire", "de_statut", "vers_statut"}),
                de_statut=S(ev.de_statut) if ev.de_statut else None,
                vers_statut=S(ev.vers_statut),
                commentaire=ev.commentaire
                if access.voit_commentaire(principal, commission_id, ev.organisation_id)
                else None,
            )
        )
    return out


def lister_evenements(session: Session, principal: Principal, orientation_id: uuid.UUID) -> list[EvenementPublic]:
    o = get_orientation(session, principal, orientation_id)
    out = evenements_visibles(session, principal, [o])[o.id]
    journaliser(session, principal, ActionAudit.lire, RESSOURCE, o.id)
    session.commit()
    return out


def verifier_cible(session: Session, dispositif_id: uuid.UUID, code: str | None, champ: str) -> None:
    if code is not None and _cible(session, dispositif_id, code) is None:
        raise cible_inconnue(champ, code, dispositifs.cibles(session, dispositif_id))


def cible_inconnue(champ: str, code: str, cibles: list[Cible]) -> ErreurValidation:
    permises = ", ".join(c.code for c in cibles)
    return champ_invalide(champ, f"cible inconnue de ce dispositif ; cibles permises : {permises}", code)


def valeurs_evenement(
    principal: Principal,
    orientation_id: uuid.UUID,
    *,
    de: S | None,
    vers: S,
    motif: str | None = None,
    commentaire: str | None = None,
    date_effet: date | None = None,
    session_commission_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The columns of an event of the history (a transition, or a creation: ``de`` None)."""
    quand = utcnow()
    return {
        "id": new_id(),
        "orientation_id": orientation_id,
        "quand": quand,
        "date_effet": date_effet or quand.date(),
        "auteur_type": principal.kind,
        "auteur_id": principal.id,
        "organisation_id": principal.organisation_id,
        "de_statut": de.value if de else None,
        "vers_statut": vers.value,
        "motif": motif,
        "commentaire": commentaire,
        "session_commission_id": session_commission_id,
    }


def evenement(
    session: Session,
    principal: Principal,
    o: Orientation,
    *,
    de: S,
    vers: S,
    motif: str | None = None,
    commentaire: str | None = None,
    date_effet: date | None = None,
    session_commission_id: uuid.UUID | None = None,
) -> OrientationEvenement:
    """Write a transition's event and queue it for the prescriber's webhooks."""
    ev = OrientationEvenement(
        **valeurs_evenement(
            principal,
            o.id,
            de=de,
            vers=vers,
            motif=motif,
            commentaire=commentaire,
            date_effet=date_effet,
            session_commission_id=session_commission_id,
        )
    )
    session.add(ev)
    session.flush()
    webhooks.programmer(session, o, ev)
    notifications.orientation_evenement(
        session,
        orientation_id=o.id,
        reference=o.reference,
        prescripteur_organisation_id=o.prescripteur_organisation_id,
        prescripteur_utilisateur_id=o.prescripteur_utilisateur_id,
        dispositif_id=o.dispositif_id,
        vers_statut=ev.vers_statut,
        session_commission_id=ev.session_commission_id or o.session_commission_id,
    )
    return ev


def url(o: Orientation) -> str:
    return f"/api/v1/orientations/{o.id}"


def doublon_external_ref(existante: Orientation) -> Conflit:
    return Conflit(
        f"Votre organisation a déjà envoyé l'orientation de référence externe "
        f"« {existante.external_ref} » "
        f"({existante.reference}).",
        champ="external_ref",
        valeur=existante.external_ref,
        existant_id=str(existante.id),
        existant_reference=existante.reference,
        existant_url=url(existante),
    )


def modifier_orientation(
    session: Session,
    principal: Principal,
    *,
    orientation_id: uuid.UUID,
    data: OrientationUpdate,
    if_match: str | None,
) -> OrientationPublic:
    """The prescriber edits its referral while it is brouillon, soumise or attente_infos."""
    o = get_orientation(session, principal, orientation_id)
    if not access.est_prescripteur(principal, o):
        raise Interdit("Seule l'organisation qui a orienté le ménage modifie l'orientation.")
    if S(o.statut) not in graphe.MODIFIABLES:
        permis = ", ".join(sorted(s.value for s in graphe.MODIFIABLES))
        raise Conflit(
            f"L'orientation {o.reference} est « {o.statut} » : elle ne se modifie que dans les états {permis}.",
            etat_actuel=o.statut,
        )
    check_if_match(if_match, o.version, f"L'orientation {o.reference}")
    changes = data.model_dump(exclude_unset=True)
    if "cible_proposee_code" in changes:
        verifier_cible(session, o.dispositif_id, data.cible_proposee_code, "cible_proposee_code")
    bump_version(session, Orientation, o, f"L'orientation {o.reference}")
    for key, value in changes.items():
        setattr(o, key, getattr(value, "value", value))
    session.add(o)
    journaliser(session, principal, ActionAudit.modifier, RESSOURCE, o.id)
    session.flush()
    public = to_public(session, principal, o)
    session.commit()
    return public


def executer_idempotent(
    session: Session, principal: Principal, *, cle: str, corps: BaseModel, travail: Callable[[uuid.UUID], T]
) -> T | idempotence.Rejeu:
    """Do ``travail`` (a creation, given its reservation) under an Idempotency-Key: replay,
    conflict, or do it once."""
    reservation = idempotence.reserver(
        session, principal, cle=cle, signature=idempotence.empreinte(corps.model_dump(mode="json"))
    )
    if isinstance(reservation, idempotence.Rejeu):
        return reservation
    try:
        return travail(reservation)
    except BaseException:
        session.rollback()  # the reservation goes with the failed work: the key is free again
        raise
