"""Webhooks of the prescribers' systems: an outbox written in the transaction of
each status change, delivered later by a worker with retries.

Why an outbox: a change is committed with its delivery rows, so no change is
lost if the receiver is down, and no delivery is sent for a change that was
rolled back. The worker (``livrer_dues``) is a plain function: tests call it,
production runs it in a loop with ``python -m api webhooks``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlmodel import Session, col, select

from api.auth.principal import Principal
from api.core.errors import Conflit, Introuvable, champ_invalide
from api.core.models import inserer, utcnow
from api.core.pagination import Page, PageParams, count
from api.core.sortant import AdresseInterdite, PolitiqueSortante, poster, verifier_url
from api.core.sortant import client as client_sortant
from api.organisations.models import Organisation
from api.orientations import access
from api.orientations.models import Orientation, OrientationEvenement
from api.orientations.models_integration import (
    AbonnementWebhook,
    LivraisonWebhook,
    TentativeLivraison,
)
from api.orientations.schemas import (
    LivraisonEnEchec,
    LivraisonPublic,
    TentativePublic,
    WebhookCreate,
    WebhookPublic,
)

logger = logging.getLogger("ancrage.webhooks")

EN_TETE_HORODATAGE = "X-Ancrage-Timestamp"
EN_TETE_SIGNATURE = "X-Ancrage-Signature"
EN_TETE_LIVRAISON = "X-Ancrage-Delivery"
MAX_TENTATIVES = 8
DELAI_BASE = timedelta(seconds=30)  # then 1, 2, 4… minutes: about 1 h 04 in all

TYPES_ABONNES = access.TYPES_ABONNES


def signer(secret: str, horodatage: str, corps: bytes) -> str:
    """HMAC-SHA256 over "timestamp.body", hex, prefixed like GitHub's: ``sha256=<hex>``."""
    mac = hmac.new(secret.encode(), horodatage.encode() + b"." + corps, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def charge_utile(o: Orientation, ev: OrientationEvenement) -> str:
    """What a prescriber's system is told: status and coded motif, nothing else (policy:
    ``statut_orientation``, the one fact of a referral it reads once it is decided).

    No free text, no cible (a sensitive one must never reach a bailleur), no name.
    """
    return json.dumps(
        {
            "type": "orientation.statut_modifie",
            "evenement_id": str(ev.id),
            "orientation_id": str(o.id),
            "reference": o.reference,
            "external_ref": o.external_ref,
            "de_statut": ev.de_statut,
            "statut": ev.vers_statut,
            "motif_refus": ev.motif,
            "date_effet": ev.date_effet.isoformat() if ev.date_effet else None,
            "quand": ev.quand.isoformat(),
            "mesure_creee": o.mesure_id is not None,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def programmer(session: Session, o: Orientation, ev: OrientationEvenement) -> None:
    """Queue the event for each active webhook of the prescriber organisation (no commit)."""
    programmer_plusieurs(session, [(o, ev)])


def programmer_plusieurs(session: Session, changements: Sequence[tuple[Orientation, OrientationEvenement]]) -> None:
    """Queue each event for the active webhooks of its referral's prescriber organisation:
    the subscriptions of all the organisations in one query (no commit).

    The referrals and events are already written (flushed) by the caller."""
    if not changements:
        return
    organisations = {o.prescripteur_organisation_id for o, _ in changements}
    with session.no_autoflush:
        abonnements = session.exec(
            select(AbonnementWebhook).where(
                col(AbonnementWebhook.organisation_id).in_(organisations),
                col(AbonnementWebhook.actif).is_(True),
            )
        ).all()
    lignes = [
        {"abonnement_id": ab.id, "orientation_id": o.id, "evenement_id": ev.id, "corps": charge_utile(o, ev)}
        for o, ev in changements
        for ab in abonnements
        if ab.organisation_id == o.prescripteur_organisation_id
    ]
    inserer(session, LivraisonWebhook, lignes)  # one INSERT for all


def _delai(tentatives: int) -> timedelta:
    facteur: int = 2 ** (tentatives - 1)
    return DELAI_BASE * facteur


def livrer_dues(
    session: Session,
    *,
    maintenant: datetime | None = None,
    client: httpx.Client | None = None,
    limite: int = 100,
    politique: PolitiqueSortante | None = None,
) -> int:
    """Deliver every due delivery once; returns how many were attempted.

    Each delivery is locked (SKIP LOCKED on PostgreSQL, so several workers may
    run) and committed with its attempt, one by one. The URL is checked again at
    each attempt (``api.core.sortant``): by default only public addresses.
    """
    maintenant = maintenant or utcnow()
    politique = politique or PolitiqueSortante()
    http = client or client_sortant(politique)
    faites = 0
    try:
        for _ in range(limite):
            liv = session.exec(
                select(LivraisonWebhook)
                .where(
                    LivraisonWebhook.statut == "en_attente",
                    col(LivraisonWebhook.prochaine_tentative) <= maintenant,
                )
                .order_by(col(LivraisonWebhook.prochaine_tentative), col(LivraisonWebhook.id))
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if liv is None:
                break
            _livrer(session, http, liv, maintenant, politique)
            session.commit()
            faites += 1
    finally:
        if client is None:
            http.close()
    return faites


def _livrer(
    session: Session,
    http: httpx.Client,
    liv: LivraisonWebhook,
    maintenant: datetime,
    politique: PolitiqueSortante,
) -> None:
    ab = session.get(AbonnementWebhook, liv.abonnement_id)
    liv.tentatives += 1
    tentative = TentativeLivraison(livraison_id=liv.id, numero=liv.tentatives)
    if ab is None or not ab.actif:
        liv.statut, liv.prochaine_tentative = "echec", None
        tentative.erreur = "abonnement désactivé"
        session.add_all([liv, tentative])
        return
    horodatage = str(int(time.time()))
    corps = liv.corps.encode()
    debut = time.monotonic()
    try:
        r = poster(
            http,
            ab.url,
            contenu=corps,
            en_tetes={
                "Content-Type": "application/json",
                EN_TETE_HORODATAGE: horodatage,
                EN_TETE_SIGNATURE: signer(ab.secret, horodatage, corps),
                EN_TETE_LIVRAISON: str(liv.id),
                "User-Agent": "Ancrage-Webhooks/1",
            },
            politique=politique,
        )
        tentative.code_http = r.code
        reussie = 200 <= r.code < 300
        if r.redirection is not None:
            tentative.erreur = f"redirection non suivie (HTTP {r.code})"
        elif not reussie:
            tentative.erreur = f"réponse HTTP {r.code}"
    except AdresseInterdite as exc:
        # Nothing was sent. Retried as any failure: the partner may fix its DNS meanwhile.
        reussie = False
        tentative.erreur = str(exc)[:500]
    except httpx.HTTPError as exc:
        reussie = False
        tentative.erreur = f"{type(exc).__name__}: {exc}"[:500]
    tentative.duree_ms = int((time.monotonic() - debut) * 1000)
    if reussie:
        liv.statut, liv.livree_le, liv.prochaine_tentative = "livree", utcnow(), None
    elif liv.tentatives >= MAX_TENTATIVES:
        liv.statut, liv.prochaine_tentative = "echec", None
        logger.warning("webhook abandonné", extra={"livraison": str(liv.id)})
    else:
        liv.prochaine_tentative = maintenant + _delai(liv.tentatives)
    session.add_all([liv, tentative])


def boucle(
    session_factory: object, *, politique: PolitiqueSortante, intervalle: float = 2.0
) -> None:  # pragma: no cover - runs forever
    """Production worker: deliver what is due, sleep, again."""
    while True:
        with session_factory() as session:  # type: ignore[operator]
            try:
                n = livrer_dues(session, politique=politique)
            except Exception:
                logger.exception("erreur du livreur de webhooks")
                n = 0
        if n == 0:
            time.sleep(intervalle)


# --- Subscriptions (use cases) -------------------------------------------------


_verifier_abonnable = access.verifier_abonnable


def _public(ab: AbonnementWebhook) -> WebhookPublic:
    return WebhookPublic(id=ab.id, organisation_id=ab.organisation_id, url=ab.url, actif=ab.actif, cree_le=ab.cree_le)


def creer_webhook(
    session: Session, principal: Principal, *, data: WebhookCreate, politique: PolitiqueSortante
) -> WebhookPublic:
    """Register a URL of the caller's organisation; its secret is never shown again.

    In production the URL must be https: the body names referrals of a household. The
    address must be a public one (or in a range the settings allow): refused here for a
    clear answer, and checked again at each delivery, after resolution.
    """
    _verifier_abonnable(principal)
    try:
        verifier_url(str(data.url), politique)
    except AdresseInterdite as exc:
        raise champ_invalide("url", str(exc), str(data.url)) from exc
    ab = AbonnementWebhook(organisation_id=principal.organisation_id, url=str(data.url), secret=data.secret)
    session.add(ab)
    session.flush()
    public = _public(ab)
    session.commit()
    return public


def lister_webhooks(session: Session, principal: Principal) -> list[WebhookPublic]:
    rows = session.exec(
        select(AbonnementWebhook)
        .where(
            AbonnementWebhook.organisation_id == principal.organisation_id,
            col(AbonnementWebhook.actif).is_(True),
        )
        .order_by(col(AbonnementWebhook.cree_le))
    )
    return [_public(ab) for ab in rows]


def _get(session: Session, principal: Principal, webhook_id: uuid.UUID) -> AbonnementWebhook:
    ab = session.get(AbonnementWebhook, webhook_id)
    if ab is None or ab.organisation_id != principal.organisation_id or not ab.actif:
        raise Introuvable("Webhook", webhook_id)
    return ab


def supprimer_webhook(session: Session, principal: Principal, *, webhook_id: uuid.UUID) -> None:
    """Deactivate (deliveries and their attempts stay readable in the history)."""
    _verifier_abonnable(principal)
    ab = _get(session, principal, webhook_id)
    ab.actif = False
    session.add(ab)
    session.commit()


def lister_livraisons(
    session: Session, principal: Principal, *, webhook_id: uuid.UUID, limite: int = 100
) -> list[LivraisonPublic]:
    ab = _get(session, principal, webhook_id)
    livraisons = list(
        session.exec(
            select(LivraisonWebhook)
            .where(LivraisonWebhook.abonnement_id == ab.id)
            .order_by(col(LivraisonWebhook.cree_le).desc(), col(LivraisonWebhook.id))
            .limit(limite)
        )
    )
    essais: dict[uuid.UUID, list[TentativePublic]] = {}
    for t in session.exec(
        select(TentativeLivraison)
        .where(col(TentativeLivraison.livraison_id).in_([lv.id for lv in livraisons]))
        # By date: a delivery sent again by the admin starts a new series numbered from 1.
        .order_by(col(TentativeLivraison.quand), col(TentativeLivraison.numero))
    ):
        essais.setdefault(t.livraison_id, []).append(TentativePublic.model_validate(t))
    return [
        LivraisonPublic(
            id=lv.id,
            orientation_id=lv.orientation_id,
            evenement_id=lv.evenement_id,
            statut=lv.statut,
            tentatives=lv.tentatives,
            prochaine_tentative=lv.prochaine_tentative,
            livree_le=lv.livree_le,
            corps=lv.corps,
            essais=essais.get(lv.id, []),
        )
        for lv in livraisons
    ]


# --- The admin's view of the deliveries given up (policy: ``webhook_en_echec``) ---------------


ECHEC = "echec"


def _requete_echecs(principal: Principal) -> Any:
    """The given-up deliveries this principal reads, with their webhook, its organisation's
    name and the referral's reference."""
    return (
        select(LivraisonWebhook, AbonnementWebhook, Organisation.nom, Orientation.reference)
        .join(AbonnementWebhook, col(AbonnementWebhook.id) == LivraisonWebhook.abonnement_id)
        .join(Organisation, col(Organisation.id) == AbonnementWebhook.organisation_id)
        .join(Orientation, col(Orientation.id) == LivraisonWebhook.orientation_id)
        .where(access.condition_webhooks_en_echec(principal), LivraisonWebhook.statut == ECHEC)
    )


def _en_echec(session: Session, lignes: Sequence[Any]) -> list[LivraisonEnEchec]:
    """Rows of ``_requete_echecs`` with their last attempt, read in one query."""
    dernieres: dict[uuid.UUID, TentativeLivraison] = {}
    if lignes:
        for t in session.exec(
            select(TentativeLivraison)
            .join(LivraisonWebhook, col(LivraisonWebhook.id) == TentativeLivraison.livraison_id)
            .where(
                col(TentativeLivraison.livraison_id).in_([lv.id for lv, *_ in lignes]),
                # the last try of the last series: numbered as the delivery's count of tries
                col(TentativeLivraison.numero) == col(LivraisonWebhook.tentatives),
            )
            .order_by(col(TentativeLivraison.quand))
        ):
            dernieres[t.livraison_id] = t
    items = []
    for lv, ab, organisation_nom, reference in lignes:
        d = dernieres.get(lv.id)
        items.append(
            LivraisonEnEchec(
                id=lv.id,
                webhook_id=ab.id,
                organisation_id=ab.organisation_id,
                organisation_nom=organisation_nom,
                url=ab.url,
                webhook_actif=ab.actif,
                orientation_id=lv.orientation_id,
                orientation_reference=reference,
                tentatives=lv.tentatives,
                derniere_erreur=d.erreur if d else None,
                dernier_code_http=d.code_http if d else None,
                dernier_essai_le=d.quand if d else None,
                cree_le=lv.cree_le,
            )
        )
    return items


def lister_echecs(session: Session, principal: Principal, *, page: PageParams) -> Page[LivraisonEnEchec]:
    """Deliveries given up after their last try, newest first, with the subscribed
    organisation, the target URL and the last attempt's answer: three queries whatever the page."""
    access.verifier_admin_webhooks(principal)
    query = _requete_echecs(principal)
    total = count(session, query)
    lignes = session.exec(
        query.order_by(col(LivraisonWebhook.cree_le).desc(), col(LivraisonWebhook.id))
        .offset(page.offset)
        .limit(page.limit)
    ).all()
    return Page(total=total, limit=page.limit, offset=page.offset, items=_en_echec(session, lignes))


def relancer(session: Session, principal: Principal, livraison_id: uuid.UUID) -> LivraisonEnEchec:
    """Put a given-up delivery back in the queue for a new series of tries (the partner
    has fixed its receiver): due at once, its earlier attempts kept in the history. A
    delivery whose webhook its organisation removed is not sent again (409)."""
    access.verifier_admin_webhooks(principal)
    ligne = session.exec(_requete_echecs(principal).where(LivraisonWebhook.id == livraison_id)).first()
    if ligne is None:
        raise Introuvable("Livraison en échec", livraison_id)
    lv, ab = ligne[0], ligne[1]
    if not ab.actif:
        raise Conflit(
            f"Le webhook {ab.url} a été supprimé par son organisation : la livraison ne peut pas être relancée.",
            champ="livraison_id",
            valeur=str(livraison_id),
        )
    public = _en_echec(session, [ligne])[0]
    lv.statut, lv.tentatives, lv.prochaine_tentative = "en_attente", 0, utcnow()
    session.add(lv)
    session.commit()
    return public
