"""Use cases of orientations (referrals) and of the commission that decides them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import and_, exists, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser, journaliser_liste, journaliser_plusieurs
from api.auth.principal import Principal
from api.core.compteurs import tirer_references
from api.core.concurrency import bump_version, check_if_match
from api.core.errors import (
    Conflit,
    ErreurValidation,
    Interdit,
    Introuvable,
    Probleme,
    TransitionRefusee,
    champ_invalide,
)
from api.core.models import inserer_objets, new_id, utcnow
from api.core.pagination import Page, PageParams, count
from api.dispositifs import access as dispositifs_access
from api.dispositifs import service as dispositifs
from api.dispositifs.models import Cible, Dispositif
from api.dispositifs.schemas import CIBLE_CONFIDENTIELLE
from api.menages import service as menages
from api.menages.models import Menage
from api.mesures import service as mesures
from api.mesures.models import AccesMaintien
from api.notifications import service as notifications
from api.organisations.models import Organisation, TypeOrganisation
from api.orientations import access, graphe, idempotence, webhooks
from api.orientations import proces_verbal as pv
from api.orientations.models import (
    MotifRefus,
    Orientation,
    OrientationEvenement,
    SessionCommission,
)
from api.orientations.models import StatutOrientation as S
from api.orientations.schemas import (
    DecisionsSession,
    EvenementPublic,
    LotOrientationsCreate,
    LotOrientationsPublic,
    OrientationCreate,
    OrientationEnAttente,
    OrientationPublic,
    OrientationUpdate,
    SessionCreate,
    SessionPublic,
    SessionUpdate,
    TransitionIn,
)

RESSOURCE = "orientation"
T = TypeVar("T")
CODE_CONFIDENTIEL = "confidentielle"


class SeanceAVenir(Conflit):
    """A decision belongs to a session that has not sat yet (its mesure would be mandated
    in the future)."""

    slug = "seance-a-venir"
    title = "Séance pas encore tenue"


# --- Reading ------------------------------------------------------------------


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
) -> Page[OrientationPublic]:
    """Visible referrals; ``modifie_depuis`` lets a partner's system poll for changes
    (oldest change first, so that it can page forward and keep the last date)."""
    query = access.visible_orientations(principal)
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
    items = publics(session, principal, rows)
    session.commit()
    return Page(total=total, limit=page.limit, offset=page.offset, items=items)


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


# --- Creating and editing -------------------------------------------------------


def _verifier_cible(session: Session, dispositif_id: uuid.UUID, code: str | None, champ: str) -> None:
    if code is not None and _cible(session, dispositif_id, code) is None:
        raise _cible_inconnue(champ, code, dispositifs.cibles(session, dispositif_id))


def _cible_inconnue(champ: str, code: str, cibles: list[Cible]) -> ErreurValidation:
    permises = ", ".join(c.code for c in cibles)
    return champ_invalide(champ, f"cible inconnue de ce dispositif ; cibles permises : {permises}", code)


def _valeurs_evenement(
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


def _evenement(
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
        **_valeurs_evenement(
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


def creer_orientation(
    session: Session,
    principal: Principal,
    *,
    data: OrientationCreate,
    requete: uuid.UUID | None = None,
) -> OrientationPublic:
    """Refer a household to a dispositif, with an existing ménage or the household's
    data (the ménage's duplicate rule applies). ``external_ref`` is unique per
    prescriber organisation. With ``requete`` (Idempotency-Key), the answer is
    stored in the same transaction. A batch of one (``_creer_lot``): its refusals
    name the fields without the batch's prefix."""
    (o,), (public,) = _creer_lot(session, principal, [data], en_lot=False)
    if requete is not None:
        idempotence.enregistrer_reponse(
            session, requete, code_http=201, corps=public.model_dump(mode="json"), location=url(o)
        )
    session.commit()
    return public


def creer_orientations(
    session: Session,
    principal: Principal,
    *,
    data: LotOrientationsCreate,
    requete: uuid.UUID | None = None,
) -> LotOrientationsPublic:
    """A batch of referrals from a partner's system, all or nothing: the first refused
    referral refuses the whole batch (``orientations.N.champ``) and nothing is written.
    With ``requete`` (Idempotency-Key), the answer is stored in the same transaction."""
    _, items = _creer_lot(session, principal, data.orientations, en_lot=True)
    public = LotOrientationsPublic(orientations=items)
    if requete is not None:
        corps = public.model_dump(mode="json")
        idempotence.enregistrer_reponse(session, requete, code_http=201, corps=corps, location=None)
    session.commit()
    return public


def _creer_lot(
    session: Session, principal: Principal, demandes: Sequence[OrientationCreate], *, en_lot: bool
) -> tuple[list[Orientation], list[OrientationPublic]]:
    """Check then write referrals (no commit), in the order sent. Each rule is checked once
    for all of them (one query per rule, not per referral) and each table is written in one
    statement, so a referral costs little more in a batch than its rows."""
    cibles = _verifier_lot(session, principal, demandes, en_lot=en_lot)
    orientations = _ecrire_lot(session, principal, demandes, en_lot=en_lot)
    return orientations, publics(session, principal, orientations, cibles)


def _verifier_lot(
    session: Session, principal: Principal, demandes: Sequence[OrientationCreate], *, en_lot: bool
) -> dict[uuid.UUID, list[Cible]] | None:
    """Every rule for every referral, set-wise. Raises the refusal of the first refused
    referral (for each one, its first refusal in the order of the rules below, which is
    the single route's); returns the cibles read, if any."""
    access.verifier_prescripteur(principal)
    nouveaux = [d.menage for d in demandes]
    if any(m is not None for m in nouveaux):
        menages.verifier_createur(principal)
    refus: dict[int, tuple[str, Probleme]] = {}
    connus = set(session.exec(select(Dispositif.id).where(col(Dispositif.id).in_({d.dispositif_id for d in demandes}))))
    cibles = dispositifs.cibles_de(session, connus) if any(d.cible_proposee_code for d in demandes) else None
    for i, d in enumerate(demandes):
        code = d.cible_proposee_code
        if d.dispositif_id not in connus:
            refus[i] = ("dispositif_id", champ_invalide("dispositif_id", "dispositif inconnu", str(d.dispositif_id)))
        elif code is not None and cibles is not None:
            du_dispositif = cibles.get(d.dispositif_id, [])
            if code not in {c.code for c in du_dispositif}:
                refus[i] = ("cible_proposee_code", _cible_inconnue("cible_proposee_code", code, du_dispositif))
    for i, probleme in _external_refs_prises(session, principal, demandes):
        refus.setdefault(i, ("external_ref", probleme))
    demandes_ids = {d.menage_id for d in demandes if d.menage_id is not None}
    visibles = menages.visibles(session, principal, demandes_ids) if demandes_ids else {}
    for i, d in enumerate(demandes):
        if d.menage_id is not None and d.menage_id not in visibles:
            refus.setdefault(i, ("menage_id", Introuvable("Ménage", d.menage_id)))
    for i, probleme in menages.doublons(session, principal, nouveaux):
        refus.setdefault(i, ("menage.personnes", probleme))
    for i, probleme in menages.bailleurs_invalides(session, [m.bailleur_id if m else None for m in nouveaux]):
        refus.setdefault(i, ("menage.bailleur_id", probleme))
    aujourdhui = mesures.aujourdhui()
    for i, d in enumerate(demandes):
        if d.date_reception is None:
            continue
        refus_date = _refus_date_reception(principal, d, aujourdhui)
        if refus_date is not None:
            refus.setdefault(i, ("date_reception", refus_date))
    if refus:
        premier = min(refus)
        champ, probleme = refus[premier]
        raise _dans_le_lot(probleme, premier, champ) if en_lot else probleme
    return cibles


def _refus_date_reception(principal: Principal, d: OrientationCreate, aujourdhui: date) -> Probleme | None:
    """A reception date given at creation: for integrations taking over a history (API
    clients) and commissions recording referrals received on paper; a submitted
    referral only; never in the future (a figure would count it before it exists)."""
    assert d.date_reception is not None
    valeur = d.date_reception.isoformat()
    if not access.peut_dater_reception(principal):
        return champ_invalide(
            "date_reception",
            "réservée aux systèmes partenaires (clients API) et aux commissions ; omettez-la : "
            "la date de réception est celle de la soumission",
            valeur,
        )
    if not d.soumettre:
        return champ_invalide("date_reception", "seulement avec soumettre=true (un brouillon n'est pas reçu)", valeur)
    if d.date_reception > aujourdhui:
        return champ_invalide(
            "date_reception", f"ne peut pas être postérieure à aujourd'hui ({aujourdhui.isoformat()})", valeur
        )
    return None


def _external_refs_prises(
    session: Session, principal: Principal, demandes: Sequence[OrientationCreate]
) -> Iterator[tuple[int, Probleme]]:
    """The referrals (index, refusal) whose external_ref the organisation already used (one
    query for all), or that an earlier referral of the same batch carries."""
    refs = {d.external_ref for d in demandes if d.external_ref is not None}
    if not refs:
        return
    existantes = {
        o.external_ref: o
        for o in session.exec(
            select(Orientation).where(
                Orientation.prescripteur_organisation_id == principal.organisation_id,
                col(Orientation.external_ref).in_(refs),
            )
        )
    }
    premieres: dict[str, int] = {}
    for i, d in enumerate(demandes):
        if d.external_ref is None:
            continue
        premiere = premieres.setdefault(d.external_ref, i)
        if d.external_ref in existantes:
            yield i, _doublon_external_ref(existantes[d.external_ref])
        elif premiere != i:
            yield (
                i,
                Conflit(
                    f"La référence externe « {d.external_ref} » est déjà celle de l'orientation n° {premiere + 1} "
                    "du lot : une seule orientation par référence externe.",
                    champ="external_ref",
                    valeur=d.external_ref,
                    existant_index=premiere,
                ),
            )


def _ecrire_lot(
    session: Session, principal: Principal, demandes: Sequence[OrientationCreate], *, en_lot: bool
) -> list[Orientation]:
    """The rows of checked referrals: their references drawn at once, one INSERT per table
    (rows as values, not objects built one by one: a SQLModel object costs ≈ 0.1 ms to
    build; the referrals and their events come back as objects from ``RETURNING``)."""
    nouveaux = [d.menage for d in demandes if d.menage is not None]
    references = tirer_references(session, {"M": len(nouveaux), "O": len(demandes)})
    ouverts = iter(menages.nouveaux_menages(session, principal, nouveaux, references["M"]))
    menage_ids = [d.menage_id if d.menage_id is not None else next(ouverts).id for d in demandes]
    aujourdhui = utcnow().date()
    lignes = [
        {
            "id": new_id(),
            "reference": reference,
            "menage_id": menage_id,
            "dispositif_id": d.dispositif_id,
            "origine": d.origine.value,
            "prescripteur_organisation_id": principal.organisation_id,
            "prescripteur_nom": d.prescripteur_nom,
            "prescripteur_utilisateur_id": None if principal.is_client else principal.id,
            "external_ref": d.external_ref,
            "cible_proposee_code": d.cible_proposee_code,
            "acces_maintien": d.acces_maintien.value,
            "motifs": d.motifs,
            # inserted already submitted (no UPDATE), with both events of its history
            "statut": (S.soumise if d.soumettre else S.brouillon).value,
            "date_reception": (d.date_reception or aujourdhui) if d.soumettre else None,
        }
        for d, reference, menage_id in zip(demandes, references["O"], menage_ids, strict=True)
    ]
    try:
        orientations = inserer_objets(session, Orientation, lignes)
    except IntegrityError:
        # Two pushes of the same external_ref with different keys, at the same time: the
        # other one has committed by now, so the check run again names the referral and
        # links the existing one, as it would have a moment later.
        session.rollback()
        for i, probleme in _external_refs_prises(session, principal, demandes):
            raise (_dans_le_lot(probleme, i, "external_ref") if en_lot else probleme) from None
        raise Conflit(
            "Une des références externes du lot a été reçue entre-temps par un autre envoi : aucune orientation "
            "n'a été enregistrée ; renvoyez la demande (les références déjà reçues seront signalées).",
            champ="orientations" if en_lot else "external_ref",
        ) from None
    historique = []
    for o, d in zip(orientations, demandes, strict=True):
        historique.append(_valeurs_evenement(principal, o.id, de=None, vers=S.brouillon))
        if d.soumettre:
            historique.append(
                _valeurs_evenement(principal, o.id, de=S.brouillon, vers=S.soumise, date_effet=o.date_reception)
            )
    evenements = inserer_objets(session, OrientationEvenement, historique)
    # The household as it goes with each referral: what the prescriber and the commission read.
    menages.transmettre(session, principal, [(o.menage_id, o.id) for o in orientations])
    par_id = {o.id: o for o in orientations}
    webhooks.programmer_plusieurs(session, [(par_id[ev.orientation_id], ev) for ev in evenements if ev.de_statut])
    entrees = []
    for o, d in zip(orientations, demandes, strict=True):
        if d.menage_id is None:
            entrees.append((ActionAudit.creer, menages.RESSOURCE, o.menage_id))
        entrees.append((ActionAudit.creer, RESSOURCE, o.id))
    journaliser_plusieurs(session, principal, entrees)
    return orientations


def _dans_le_lot(probleme: Probleme, i: int, champ: str) -> Probleme:
    """The refusal of referral ``i`` as the batch's answer: the field with its index, the
    referral numbered for people (from 1), and that nothing was written."""
    chemin = f"orientations.{i}.{champ}"
    probleme.detail = (
        f"Orientation n° {i + 1} du lot : {probleme.detail} Aucune orientation du lot n'a été enregistrée."
    )
    if probleme.errors:
        for erreur in probleme.errors:
            erreur.champ = chemin
    else:
        probleme.extra["champ"] = chemin
    probleme.extra["orientation"] = i
    return probleme


def url(o: Orientation) -> str:
    return f"/api/v1/orientations/{o.id}"


def _doublon_external_ref(existante: Orientation) -> Conflit:
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
        _verifier_cible(session, o.dispositif_id, data.cible_proposee_code, "cible_proposee_code")
    bump_version(session, Orientation, o, f"L'orientation {o.reference}")
    for key, value in changes.items():
        setattr(o, key, getattr(value, "value", value))
    session.add(o)
    journaliser(session, principal, ActionAudit.modifier, RESSOURCE, o.id)
    session.flush()
    public = to_public(session, principal, o)
    session.commit()
    return public


# --- Transitions and decisions ------------------------------------------------


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


def _appliquer(
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
    date_effet = data.date_effet or utcnow().date()
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
    _evenement(
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


def _verifier_seance_tenue(
    session: Session, o: Orientation, data: TransitionIn, seance_id: uuid.UUID | None
) -> None:
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
    _verifier_cible(session, d.id, data.cible_code, "cible_code")
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
    mesure = mesures.mandater(
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
    _appliquer(session, principal, o, data)
    public = to_public(session, principal, o)
    session.commit()
    return public


# --- Commission sessions --------------------------------------------------------


def _session_public(session: Session, s: SessionCommission) -> SessionPublic:
    return _sessions_publiques(session, [s])[0]


def membres(s: SessionCommission) -> list[str]:
    return [m for m in (s.membres_presents or "").split("\n") if m]


def _sessions_publiques(session: Session, sessions: list[SessionCommission]) -> list[SessionPublic]:
    """These sessions with their agendas: one query whatever their number."""
    ordres: dict[uuid.UUID, list[uuid.UUID]] = {s.id: [] for s in sessions}
    a_decider: dict[uuid.UUID, int] = {s.id: 0 for s in sessions}
    if sessions:
        # Plain rows, through the connection: a page of sessions carries thousands of
        # agenda lines at département scale, and building ORM rows for them was 6 % of the
        # API's CPU under ``make bench-capacite`` (py-spy, issue 20).
        for session_id, orientation_id, statut in session.connection().execute(
            select(Orientation.session_commission_id, Orientation.id, Orientation.statut)
            .where(col(Orientation.session_commission_id).in_(list(ordres)))
            .order_by(col(Orientation.reference))
        ):
            if session_id is not None:
                ordres[session_id].append(orientation_id)
                a_decider[session_id] += statut == S.en_commission.value
    jour = mesures.aujourdhui()
    return [
        SessionPublic(
            **s.model_dump(exclude={"membres_presents"}),
            membres_presents=membres(s),
            decidable=not s.close and s.date <= jour,
            ordre_du_jour=ordres[s.id],
            a_decider=a_decider[s.id],
        )
        for s in sessions
    ]


def creer_session(session: Session, principal: Principal, *, data: SessionCreate) -> SessionPublic:
    """A commission session of a dispositif, created by its commission."""
    access.verifier_commission(principal)
    d = session.get(Dispositif, data.dispositif_id)
    if d is None or not access.est_commission(principal, d):
        if d is not None:  # a commission, but not this dispositif's
            raise Interdit("Seule la commission du dispositif organise ses sessions.")
        raise champ_invalide(
            "dispositif_id",
            "dispositif inconnu ou dont vous n'êtes pas la commission",
            str(data.dispositif_id),
        )
    s = SessionCommission(
        dispositif_id=d.id, date=data.date, lieu=data.lieu, membres_presents="\n".join(data.membres_presents) or None
    )
    session.add(s)
    session.flush()
    public = _session_public(session, s)
    session.commit()
    return public


def get_session_commission(session: Session, principal: Principal, session_id: uuid.UUID) -> SessionCommission:
    s = session.exec(access.visible_sessions(principal).where(SessionCommission.id == session_id)).first()
    if s is None:
        raise Introuvable("Session de commission", session_id)
    return s


def lire_session(session: Session, principal: Principal, session_id: uuid.UUID) -> SessionPublic:
    return _session_public(session, get_session_commission(session, principal, session_id))


def lister_sessions(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    dispositif_id: uuid.UUID | None = None,
    ouvertes: bool = False,
) -> Page[SessionPublic]:
    """The visible sessions, newest first; ``ouvertes``: only the open ones, the earliest
    first (the secretary's next sittings, and past ones still to decide or close)."""
    query = access.visible_sessions(principal)
    if dispositif_id is not None:
        query = query.where(SessionCommission.dispositif_id == dispositif_id)
    if ouvertes:
        query = query.where(col(SessionCommission.close).is_(False))
    total = count(session, query)
    ordre = col(SessionCommission.date) if ouvertes else col(SessionCommission.date).desc()
    rows = list(session.exec(query.order_by(ordre, col(SessionCommission.id)).offset(page.offset).limit(page.limit)))
    return Page(total=total, limit=page.limit, offset=page.offset, items=_sessions_publiques(session, rows))


def _session_ouverte(session: Session, principal: Principal, session_id: uuid.UUID) -> SessionCommission:
    s = get_session_commission(session, principal, session_id)
    d = dispositifs.get_dispositif(session, s.dispositif_id)
    if not access.est_commission(principal, d):
        raise Interdit("Seule la commission du dispositif inscrit et décide.")
    if s.close:
        raise Conflit(f"La session du {s.date:%d/%m/%Y} est close.")
    return s


def clore_session(session: Session, principal: Principal, *, session_id: uuid.UUID) -> SessionPublic:
    """Close a session: its agenda and decisions are final (its minutes stay readable)."""
    s = _session_ouverte(session, principal, session_id)
    s.close = True
    session.add(s)
    session.flush()
    public = _session_public(session, s)
    session.commit()
    return public


def modifier_session(
    session: Session, principal: Principal, *, session_id: uuid.UUID, data: SessionUpdate
) -> SessionPublic:
    """Date, place and members present of an open session (a closed one's minutes are final)."""
    s = _session_ouverte(session, principal, session_id)
    champs = data.model_dump(exclude_unset=True)
    if "date" in champs:
        s.date = champs["date"]
    if "lieu" in champs:
        s.lieu = champs["lieu"]
    if "membres_presents" in champs:
        s.membres_presents = "\n".join(champs["membres_presents"] or []) or None
    session.add(s)
    session.flush()
    public = _session_public(session, s)
    session.commit()
    return public


def inscrire(
    session: Session,
    principal: Principal,
    *,
    session_id: uuid.UUID,
    orientation_ids: list[uuid.UUID],
) -> SessionPublic:
    """Put referrals on a session's agenda (soumise, ajournee or attente_infos → en_commission),
    all or nothing."""
    s = _session_ouverte(session, principal, session_id)
    for oid in orientation_ids:
        o = get_orientation(session, principal, oid)
        if o.dispositif_id != s.dispositif_id:
            raise champ_invalide("orientation_ids", "orientation d'un autre dispositif", str(oid))
        if S(o.statut) == S.en_commission:
            o.session_commission_id = s.id
            session.add(o)
            continue
        _appliquer(
            session,
            principal,
            o,
            # Placed on the agenda today for a sitting to come: the move happens now (a
            # transition is never dated in the future); for a past sitting, on its date.
            TransitionIn(vers_statut=S.en_commission, date_effet=min(s.date, utcnow().date())),
            session_commission_id=s.id,
        )
    session.flush()
    public = _session_public(session, s)
    session.commit()
    return public


def decider_session(
    session: Session, principal: Principal, *, session_id: uuid.UUID, data: DecisionsSession
) -> list[OrientationPublic]:
    """The decisions of a whole session in one transaction: if one is refused, none is kept."""
    s = _session_ouverte(session, principal, session_id)
    jour = mesures.aujourdhui()
    if s.date > jour:
        raise SeanceAVenir(
            f"La séance du {s.date:%d/%m/%Y} n'a pas encore eu lieu : ses décisions s'enregistrent à partir "
            f"de cette date (nous sommes le {jour:%d/%m/%Y}). Aucune décision n'a été enregistrée.",
            date_seance=s.date.isoformat(),
            aujourd_hui=jour.isoformat(),
        )
    resultats = []
    for i, decision in enumerate(data.decisions):
        o = get_orientation(session, principal, decision.orientation_id)
        if o.session_commission_id != s.id:
            raise champ_invalide(f"decisions.{i}.orientation_id", "orientation absente de l'ordre du jour", str(o.id))
        transition = TransitionIn(**decision.model_dump(exclude={"orientation_id"}))
        if transition.date_effet is None:
            transition.date_effet = s.date
        try:
            _appliquer(session, principal, o, transition, session_commission_id=s.id)
        except Probleme as exc:
            session.rollback()  # all or nothing: the decisions already applied are undone
            exc.detail = f"Décision n° {i + 1} ({o.reference}) : {exc.detail} Aucune décision n'a été enregistrée."
            exc.extra.setdefault("decision", i)
            raise
        resultats.append(o)
    out = publics(session, principal, resultats)
    session.commit()
    return out


# Statuses that wait for a sitting whatever their session: received, adjourned, awaiting
# information (« en commission » waits only without an open session to decide it).
EN_ATTENTE = (S.soumise, S.ajournee, S.attente_infos)


def lister_attente(
    session: Session, principal: Principal, *, page: PageParams, dispositif_id: uuid.UUID | None = None
) -> Page[OrientationEnAttente]:
    """The referrals waiting for a sitting of the reader's commission, the longest waiting
    first: received, adjourned or awaiting information, or « en commission » on no open
    session's agenda (none yet, or a closed one that did not decide them)."""
    seance_ouverte = exists().where(
        col(SessionCommission.id) == Orientation.session_commission_id, col(SessionCommission.close).is_(False)
    )
    query = access.visible_orientations(principal).where(
        access.condition_decideuse(principal),
        or_(
            col(Orientation.statut).in_([x.value for x in EN_ATTENTE]),
            and_(col(Orientation.statut) == S.en_commission.value, ~seance_ouverte),
        ),
    )
    if dispositif_id is not None:
        query = query.where(Orientation.dispositif_id == dispositif_id)
    total = count(session, query)
    rows = list(
        session.exec(
            query.order_by(col(Orientation.date_reception).asc().nulls_last(), col(Orientation.reference))
            .offset(page.offset)
            .limit(page.limit)
        )
    )
    journaliser_liste(session, principal, RESSOURCE, [o.id for o in rows])
    jour = mesures.aujourdhui()
    items = [
        OrientationEnAttente(
            **p.model_dump(),
            jours_attente=max(0, (jour - (o.date_reception or o.cree_le.date())).days),
        )
        for o, p in zip(rows, publics(session, principal, rows), strict=True)
    ]
    session.commit()
    return Page(total=total, limit=page.limit, offset=page.offset, items=items)


FORMATS_PV: dict[str, tuple[str, Callable[[pv.ProcesVerbal], bytes]]] = {
    "csv": ("text/csv; charset=utf-8", pv.en_csv),
    "pdf": ("application/pdf", pv.en_pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", pv.en_docx),
}


def _lire_proces_verbal(
    lu: Session, principal: Principal, s: SessionCommission
) -> tuple[pv.ProcesVerbal, list[uuid.UUID]]:
    """The decisions taken at this session, read from the events (so a referral adjourned
    here then accepted later keeps its line here), each fact as this reader may read it:
    a commission's comment for the commission and its author, a sensitive cible for those
    who decide or carry the file (« cible confidentielle » for the others)."""
    from api.mesures.models import Mesure

    decisions = list(
        lu.exec(
            select(OrientationEvenement, Orientation)
            .join(Orientation, col(Orientation.id) == OrientationEvenement.orientation_id)
            .where(
                OrientationEvenement.session_commission_id == s.id,
                col(OrientationEvenement.vers_statut).in_([x.value for x in graphe.DECISIONS]),
            )
            .order_by(col(Orientation.reference), col(OrientationEvenement.quand))
        )
    )
    d = dispositifs.get_dispositif(lu, s.dispositif_id)
    org_ids = {d.commission_id} | {
        x for _, o in decisions for x in (o.prescripteur_organisation_id, o.association_id) if x
    }
    orgs = {org.id: org.nom for org in lu.exec(select(Organisation).where(col(Organisation.id).in_(org_ids)))}
    cibles = {c.code: c for c in dispositifs.cibles(lu, s.dispositif_id)}
    types = {t.code: t.libelle for t in dispositifs.types_accompagnement(lu, s.dispositif_id)}
    menages_ = {
        m.id: m.reference
        for m in lu.exec(select(Menage).where(col(Menage.id).in_({o.menage_id for _, o in decisions})))
    }
    mesure_ids = {o.mesure_id for _, o in decisions if o.mesure_id}
    refs_mesures = dict(lu.exec(select(Mesure.id, Mesure.reference).where(col(Mesure.id).in_(mesure_ids))).all())
    lignes = []
    for ev, o in decisions:
        accepte = ev.vers_statut == S.acceptee.value
        cible = cibles.get(o.cible_code or "") if accepte else None
        libelle_cible = cible.libelle if cible else ""
        if cible is not None and cible.sensible and not access.lit_cible_sensible(principal, o, d.commission_id):
            libelle_cible = CIBLE_CONFIDENTIELLE
        lignes.append(
            pv.LignePV.depuis_codes(
                reference_orientation=o.reference,
                reference_menage=menages_.get(o.menage_id, ""),
                origine=o.origine,
                prescripteur=orgs.get(o.prescripteur_organisation_id, ""),
                acces_maintien=o.acces_maintien,
                decision=ev.vers_statut,
                date_decision=ev.date_effet,
                motif_refus=ev.motif,
                association=orgs.get(o.association_id, "") if accepte and o.association_id else "",
                cible=libelle_cible,
                type_accompagnement=types.get(o.type_accompagnement_code or "", "") if accepte else "",
                reference_mesure=refs_mesures.get(o.mesure_id, "") if accepte and o.mesure_id else "",
                commentaire=(ev.commentaire or "")
                if access.voit_commentaire(principal, d.commission_id, ev.organisation_id)
                else "",
            )
        )
    document = pv.ProcesVerbal(
        instance=orgs.get(d.commission_id, "Commission"),
        dispositif=d.nom,
        date=s.date,
        lieu=s.lieu,
        membres_presents=membres(s),
        close=s.close,
        edite_le=datetime.now(ZoneInfo("Europe/Paris")),
        lignes=lignes,
    )
    return document, sorted({o.id for _, o in decisions})


def proces_verbal(
    session: Session,
    principal: Principal,
    *,
    session_id: uuid.UUID,
    format: str,
    lecture: Session | None = None,
) -> tuple[str, bytes, str]:
    """The minutes of a session as a file (``format``: csv, pdf or docx): its name, its
    bytes and its media type. Logged as an export: read through ``lecture`` (the read
    replica, when there is one), logged and committed through ``session`` (the primary)."""
    media, rendu = FORMATS_PV[format]
    lu = lecture if lecture is not None else session
    s = get_session_commission(lu, principal, session_id)
    document, ids = _lire_proces_verbal(lu, principal, s)
    contenu = rendu(document)
    journaliser(session, principal, ActionAudit.exporter, "session_commission", s.id, nombre=len(ids))
    journaliser_liste(session, principal, RESSOURCE, ids)
    session.commit()
    return f"{document.nom_fichier}.{format}", contenu, media


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
