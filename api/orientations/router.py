from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.auth.principal import CurrentPrincipal
from api.core.concurrency import IfMatchHeader, set_etag
from api.core.db import SessionDep, SessionLectureDep
from api.core.errors import (
    Conflit,
    Doublon,
    ErreurValidation,
    Interdit,
    Introuvable,
    NonAuthentifie,
    TransitionRefusee,
    VersionPerimee,
    VersionRequise,
    responses,
)
from api.core.pagination import Page, PageDep
from api.core.schemas import DateHeureISO
from api.core.sortant import PolitiqueSortante
from api.orientations import creation, decisions, idempotence, seances, service, webhooks
from api.orientations.models import StatutOrientation
from api.orientations.schemas import (
    DecisionsSession,
    EvenementPublic,
    LivraisonEnEchec,
    LivraisonPublic,
    LotOrientationsCreate,
    LotOrientationsPublic,
    OrdreDuJourIn,
    OrientationCreate,
    OrientationEnAttente,
    OrientationPublic,
    OrientationUpdate,
    SessionCreate,
    SessionPublic,
    SessionUpdate,
    TransitionIn,
    WebhookCreate,
    WebhookPublic,
)

router = APIRouter(prefix="/api/v1", responses=responses(NonAuthentifie, ErreurValidation))

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="Clé unique par envoi, orientation ou lot (obligatoire pour un client API) : "
        "la même clé avec le même corps rejoue la première réponse",
    ),
]
T = TypeVar("T")
# What a creation pushed by a partner may answer (single or batch).
REPONSES_CREATION: dict[int | str, dict[str, Any]] = {
    **responses(Interdit, Doublon, Conflit, Introuvable, idempotence.CleIdempotenceRequise),
    201: {
        "headers": {
            idempotence.EN_TETE_REJEU: {
                "description": "« true » quand la réponse est celle, rejouée, d'une requête précédente",
                "schema": {"type": "string"},
            }
        }
    },
}


def _idempotent(
    session: SessionDep,
    principal: CurrentPrincipal,
    cle: str | None,
    corps: BaseModel,
    travail: Callable[[uuid.UUID | None], T],
) -> T | JSONResponse:
    """A creation pushed by a partner: with an Idempotency-Key, replayed (its stored answer
    and ``Idempotency-Replayed: true``) or done once; without, done for a person, 428 for a
    machine client."""
    if cle is None:
        if principal.is_client:
            raise idempotence.CleIdempotenceRequise(
                "Un système partenaire doit envoyer l'en-tête Idempotency-Key "
                "(une clé unique par envoi, "
                "par exemple un UUID) : il permet de renvoyer la requête sans risque de doublon."
            )
        return travail(None)
    resultat = service.executer_idempotent(session, principal, cle=cle, corps=corps, travail=travail)
    if isinstance(resultat, idempotence.Rejeu):
        headers = {idempotence.EN_TETE_REJEU: "true"}
        if resultat.location:
            headers["Location"] = resultat.location
        return JSONResponse(resultat.corps, status_code=resultat.code_http, headers=headers)
    return resultat


@router.get(
    "/orientations",
    response_model=Page[OrientationPublic],
    tags=["orientations"],
    operation_id="orientations_lister",
    summary="Lister les orientations visibles (suivi par modifie_depuis)",
)
def orientations_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    statut: StatutOrientation | None = None,
    dispositif_id: uuid.UUID | None = None,
    external_ref: Annotated[str | None, Query(max_length=100)] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Recherche : référence (ou partie) de l'orientation ou du ménage, ou nom d'une personne "
            "du ménage (sans accents ni majuscules) tel que votre organisation le lit : le ménage que vous avez "
            "transmis (prescripteur, bailleur) ou qui vous a été soumis (commission), le dossier vivant pour "
            "l'association qui le porte",
        ),
    ] = None,
    modifie_depuis: Annotated[
        DateHeureISO | None,
        Query(
            description="ISO 8601 : seulement les orientations modifiées après cet instant, les plus anciennes d'abord"
        ),
    ] = None,
) -> Page[OrientationPublic]:
    if modifie_depuis is not None and modifie_depuis.tzinfo is None:
        modifie_depuis = modifie_depuis.replace(tzinfo=UTC)  # a date without offset is read as UTC
    return service.lister_orientations(
        session,
        principal,
        page=page,
        statut=statut,
        dispositif_id=dispositif_id,
        modifie_depuis=modifie_depuis,
        external_ref=external_ref,
        q=q,
    )


@router.post(
    "/orientations",
    response_model=OrientationPublic,
    status_code=201,
    tags=["orientations"],
    operation_id="orientations_creer",
    summary="Orienter un ménage vers un dispositif",
    responses=REPONSES_CREATION,
)
def orientations_creer(
    data: OrientationCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> OrientationPublic | JSONResponse:
    resultat = _idempotent(
        session,
        principal,
        idempotency_key,
        data,
        lambda requete: creation.creer_orientation(session, principal, data=data, requete=requete),
    )
    if isinstance(resultat, JSONResponse):
        return resultat
    set_etag(response, resultat.version)
    response.headers["Location"] = f"/api/v1/orientations/{resultat.id}"
    return resultat


@router.post(
    "/orientations/lot",
    response_model=LotOrientationsPublic,
    status_code=201,
    tags=["orientations"],
    operation_id="orientations_creer_lot",
    summary="Orienter des ménages par lot (envoi groupé d'un système partenaire, tout ou rien)",
    description="Les règles de la création unitaire, pour 1 à 500 orientations d'un coup : si une "
    "orientation est refusée, aucune n'est enregistrée et l'erreur est celle de la création unitaire, "
    "le champ préfixé de son rang (`orientations.3.external_ref`). L'Idempotency-Key couvre le lot entier.",
    responses=REPONSES_CREATION,
)
def orientations_creer_lot(
    data: LotOrientationsCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> LotOrientationsPublic | JSONResponse:
    return _idempotent(
        session,
        principal,
        idempotency_key,
        data,
        lambda requete: creation.creer_orientations(session, principal, data=data, requete=requete),
    )


@router.get(
    "/orientations/{orientation_id}",
    response_model=OrientationPublic,
    tags=["orientations"],
    operation_id="orientations_lire",
    summary="Lire une orientation",
    responses=responses(Introuvable),
)
def orientations_lire(
    orientation_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> OrientationPublic:
    public = service.lire_orientation(session, principal, orientation_id)
    set_etag(response, public.version)
    return public


@router.patch(
    "/orientations/{orientation_id}",
    response_model=OrientationPublic,
    tags=["orientations"],
    operation_id="orientations_modifier",
    summary="Modifier une orientation (prescripteur, If-Match obligatoire)",
    responses=responses(Introuvable, Interdit, Conflit, VersionPerimee, VersionRequise),
)
def orientations_modifier(
    orientation_id: uuid.UUID,
    data: OrientationUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> OrientationPublic:
    public = service.modifier_orientation(
        session, principal, orientation_id=orientation_id, data=data, if_match=if_match
    )
    set_etag(response, public.version)
    return public


@router.post(
    "/orientations/{orientation_id}/transitions",
    response_model=OrientationPublic,
    tags=["orientations"],
    operation_id="orientations_transitionner",
    summary="Changer l'état d'une orientation (soumettre, décider, annuler…)",
    responses=responses(Introuvable, Interdit, TransitionRefusee, Conflit, VersionPerimee, decisions.SeanceAVenir),
)
def orientations_transitionner(
    orientation_id: uuid.UUID,
    data: TransitionIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> OrientationPublic:
    public = decisions.transitionner(session, principal, orientation_id=orientation_id, data=data, if_match=if_match)
    set_etag(response, public.version)
    return public


@router.get(
    "/orientations/{orientation_id}/evenements",
    response_model=list[EvenementPublic],
    tags=["orientations"],
    operation_id="orientations_evenements",
    summary="Historique des changements d'état d'une orientation",
    responses=responses(Introuvable),
)
def orientations_evenements(
    orientation_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> list[EvenementPublic]:
    return service.lister_evenements(session, principal, orientation_id)


# --- Commission -------------------------------------------------------------------


@router.post(
    "/commissions",
    response_model=SessionPublic,
    status_code=201,
    tags=["commissions"],
    operation_id="commissions_creer",
    summary="Créer une session de commission",
    responses=responses(Interdit),
)
def commissions_creer(data: SessionCreate, session: SessionDep, principal: CurrentPrincipal) -> SessionPublic:
    return seances.creer_session(session, principal, data=data)


@router.get(
    "/commissions",
    response_model=Page[SessionPublic],
    tags=["commissions"],
    operation_id="commissions_lister",
    summary="Lister les sessions de commission visibles",
)
def commissions_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    dispositif_id: uuid.UUID | None = None,
    ouvertes: Annotated[
        bool,
        Query(description="true : seulement les sessions ouvertes, la plus proche d'abord (sinon les plus récentes)"),
    ] = False,
) -> Page[SessionPublic]:
    return seances.lister_sessions(session, principal, page=page, dispositif_id=dispositif_id, ouvertes=ouvertes)


@router.get(
    "/commissions/attente",
    response_model=Page[OrientationEnAttente],
    tags=["commissions"],
    operation_id="commissions_attente",
    summary="Orientations qui attendent une séance (la plus ancienne d'abord)",
    description="Reçues, ajournées, en attente d'informations, ou « en commission » sans séance ouverte "
    "pour les décider, sur les dispositifs que décide la commission du lecteur ; avec le nombre de jours "
    "d'attente depuis la réception. Vide pour qui ne décide aucun dispositif.",
)
def commissions_attente(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    dispositif_id: uuid.UUID | None = None,
) -> Page[OrientationEnAttente]:
    return seances.lister_attente(session, principal, page=page, dispositif_id=dispositif_id)


@router.get(
    "/commissions/{session_id}",
    response_model=SessionPublic,
    tags=["commissions"],
    operation_id="commissions_lire",
    summary="Lire une session et son ordre du jour",
    responses=responses(Introuvable),
)
def commissions_lire(session_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> SessionPublic:
    return seances.lire_session(session, principal, session_id)


@router.patch(
    "/commissions/{session_id}",
    response_model=SessionPublic,
    tags=["commissions"],
    operation_id="commissions_modifier",
    summary="Modifier la date, le lieu ou les membres présents d'une session ouverte",
    responses=responses(Introuvable, Interdit, Conflit),
)
def commissions_modifier(
    session_id: uuid.UUID, data: SessionUpdate, session: SessionDep, principal: CurrentPrincipal
) -> SessionPublic:
    return seances.modifier_session(session, principal, session_id=session_id, data=data)


@router.post(
    "/commissions/{session_id}/ordre-du-jour",
    response_model=SessionPublic,
    tags=["commissions"],
    operation_id="commissions_inscrire",
    summary="Inscrire des orientations à l'ordre du jour (elles passent en commission)",
    responses=responses(Introuvable, Interdit, TransitionRefusee, Conflit),
)
def commissions_inscrire(
    session_id: uuid.UUID, data: OrdreDuJourIn, session: SessionDep, principal: CurrentPrincipal
) -> SessionPublic:
    return seances.inscrire(session, principal, session_id=session_id, orientation_ids=data.orientation_ids)


@router.post(
    "/commissions/{session_id}/decisions",
    response_model=list[OrientationPublic],
    tags=["commissions"],
    operation_id="commissions_decider",
    summary="Enregistrer les décisions d'une session (toutes ou aucune)",
    description="Seulement à partir de la date de la session (409 « seance-a-venir » avant).",
    responses=responses(Introuvable, Interdit, TransitionRefusee, Conflit, decisions.SeanceAVenir),
)
def commissions_decider(
    session_id: uuid.UUID, data: DecisionsSession, session: SessionDep, principal: CurrentPrincipal
) -> list[OrientationPublic]:
    return seances.decider_session(session, principal, session_id=session_id, data=data)


@router.post(
    "/commissions/{session_id}/cloture",
    response_model=SessionPublic,
    tags=["commissions"],
    operation_id="commissions_clore",
    summary="Clore une session (plus d'inscription ni de décision)",
    responses=responses(Introuvable, Interdit, Conflit),
)
def commissions_clore(session_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> SessionPublic:
    return seances.clore_session(session, principal, session_id=session_id)


def _fichier(nom: str, contenu: bytes, media: str) -> Response:
    return Response(content=contenu, media_type=media, headers={"Content-Disposition": f'attachment; filename="{nom}"'})


@router.get(
    "/commissions/{session_id}/proces-verbal.csv",
    tags=["commissions"],
    operation_id="commissions_proces_verbal",
    summary="Procès-verbal de la session pour un tableur (CSV)",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "CSV, séparateur « ; », UTF-8, libellés français"},
        **responses(Introuvable),
    },
)
def commissions_proces_verbal(
    session_id: uuid.UUID, session: SessionDep, lecture: SessionLectureDep, principal: CurrentPrincipal
) -> Response:
    return _fichier(*seances.proces_verbal(session, principal, session_id=session_id, format="csv", lecture=lecture))


@router.get(
    "/commissions/{session_id}/proces-verbal.pdf",
    tags=["commissions"],
    operation_id="commissions_proces_verbal_pdf",
    summary="Procès-verbal de la session à imprimer et signer (PDF)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "PDF A4"}, **responses(Introuvable)},
)
def commissions_proces_verbal_pdf(
    session_id: uuid.UUID, session: SessionDep, lecture: SessionLectureDep, principal: CurrentPrincipal
) -> Response:
    return _fichier(*seances.proces_verbal(session, principal, session_id=session_id, format="pdf", lecture=lecture))


@router.get(
    "/commissions/{session_id}/proces-verbal.docx",
    tags=["commissions"],
    operation_id="commissions_proces_verbal_docx",
    summary="Procès-verbal de la session à modifier (Word, DOCX)",
    response_class=Response,
    responses={
        200: {
            "content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}},
            "description": "Document Word modifiable",
        },
        **responses(Introuvable),
    },
)
def commissions_proces_verbal_docx(
    session_id: uuid.UUID, session: SessionDep, lecture: SessionLectureDep, principal: CurrentPrincipal
) -> Response:
    return _fichier(*seances.proces_verbal(session, principal, session_id=session_id, format="docx", lecture=lecture))


# --- Webhooks -----------------------------------------------------------------------


@router.post(
    "/webhooks",
    response_model=WebhookPublic,
    status_code=201,
    tags=["webhooks"],
    operation_id="webhooks_creer",
    summary="Déclarer un webhook de son organisation (changements d'état de ses orientations)",
    responses=responses(Interdit),
)
def webhooks_creer(
    data: WebhookCreate, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> WebhookPublic:
    politique = PolitiqueSortante.depuis(request.app.state.settings)
    return webhooks.creer_webhook(session, principal, data=data, politique=politique)


@router.get(
    "/webhooks",
    response_model=list[WebhookPublic],
    tags=["webhooks"],
    operation_id="webhooks_lister",
    summary="Webhooks de son organisation",
)
def webhooks_lister(session: SessionDep, principal: CurrentPrincipal) -> list[WebhookPublic]:
    return webhooks.lister_webhooks(session, principal)


@router.get(
    "/webhooks/echecs",
    response_model=Page[LivraisonEnEchec],
    tags=["webhooks"],
    operation_id="webhooks_echecs",
    summary="Livraisons de webhooks abandonnées après leur dernier essai (administration)",
    responses=responses(Interdit),
)
def webhooks_echecs(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[LivraisonEnEchec]:
    return webhooks.lister_echecs(session, principal, page=page)


@router.post(
    "/webhooks/echecs/{livraison_id}/relancer",
    response_model=LivraisonEnEchec,
    tags=["webhooks"],
    operation_id="webhooks_relancer",
    summary="Remettre une livraison abandonnée dans la file, pour une nouvelle série d'essais (administration)",
    responses=responses(Interdit, Introuvable, Conflit),
)
def webhooks_relancer(livraison_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> LivraisonEnEchec:
    return webhooks.relancer(session, principal, livraison_id)


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=204,
    tags=["webhooks"],
    operation_id="webhooks_supprimer",
    summary="Supprimer un webhook",
    responses=responses(Introuvable, Interdit),
)
def webhooks_supprimer(webhook_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> Response:
    webhooks.supprimer_webhook(session, principal, webhook_id=webhook_id)
    return Response(status_code=204)


@router.get(
    "/webhooks/{webhook_id}/livraisons",
    response_model=list[LivraisonPublic],
    tags=["webhooks"],
    operation_id="webhooks_livraisons",
    summary="Livraisons d'un webhook et chacune de leurs tentatives",
    responses=responses(Introuvable),
)
def webhooks_livraisons(
    webhook_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> list[LivraisonPublic]:
    return webhooks.lister_livraisons(session, principal, webhook_id=webhook_id, limite=limit)
