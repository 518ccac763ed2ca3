"""Routes of the mesures: list, detail, update, and lifecycle actions as sub-resources."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, TypeAdapter

from api.auth.principal import CurrentPrincipal
from api.core.concurrency import IfMatchHeader, set_etag
from api.core.db import SessionDep
from api.core.errors import (
    ErreurValidation,
    Interdit,
    Introuvable,
    NonAuthentifie,
    TransitionRefusee,
    VersionPerimee,
    VersionRequise,
    responses,
)
from api.core.pagination import PageCurseur, PageDep, reponse_json
from api.mesures import cycle, liste, reaffectation, service
from api.mesures.models import StatutMesure
from api.mesures.schemas import (
    Activation,
    ChangementReferent,
    ChangementStatut,
    Demarrage,
    EvenementPublic,
    Fin,
    MesureCreate,
    MesurePublic,
    MesureResumeVue,
    MesureUpdate,
    MesureVue,
    Prolongation,
    Reaffectation,
    Reaffectees,
    Reorientation,
    Suivi,
)

router = APIRouter(
    prefix="/api/v1/mesures",
    tags=["mesures"],
    responses=responses(NonAuthentifie, ErreurValidation),
)

# Every lifecycle action may answer these: not visible, visible but read-only,
# refused transition, stale If-Match (If-Match is optional on actions).
_ACTION = responses(Introuvable, Interdit, TransitionRefusee, VersionPerimee)
_ACTION_ADHESION = responses(Introuvable, Interdit, TransitionRefusee, VersionPerimee, cycle.AdhesionRequise)


@router.get(
    "",
    response_model=PageCurseur[MesureResumeVue],
    operation_id="mesures_lister",
    summary="Lister les mesures visibles",
)
def mesures_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    statut: StatutMesure | None = None,
    dispositif_id: uuid.UUID | None = None,
    referent_id: Annotated[uuid.UUID | None, Query(description="Travailleur social référent")] = None,
    menage_id: uuid.UUID | None = None,
    cible: Annotated[str | None, Query(max_length=50, description="Code de cible")] = None,
    reference: Annotated[
        str | None,
        Query(max_length=30, description="Référence (ou partie) de la mesure ou de son ménage"),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Recherche : référence (ou partie) de la mesure ou du ménage, ou nom d'une personne du "
            "ménage (sans accents ni majuscules) parmi les mesures que votre association porte",
        ),
    ] = None,
    apres: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Curseur « suivant » de la page précédente : la page qui la suit "
            "(pagination par clé, à préférer à offset sur les longues listes)",
        ),
    ] = None,
) -> Response:
    page_mesures = liste.lister_mesures(
        session,
        principal,
        page=page,
        statut=statut,
        dispositif_id=dispositif_id,
        referent_id=referent_id,
        menage_id=menage_id,
        cible=cible,
        reference=reference,
        q=q,
        apres=apres,
    )
    return reponse_json(_PAGE_MESURES, page_mesures)


_PAGE_MESURES = TypeAdapter(PageCurseur[MesureResumeVue])


@router.post(
    "",
    response_model=MesurePublic,
    status_code=201,
    operation_id="mesures_creer",
    summary="Ouvrir directement une mesure (dispositif à création directe)",
    responses=responses(Interdit),
)
def mesures_creer(
    data: MesureCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> MesurePublic:
    public = service.creer_mesure(session, principal, data=data, aujourdhui=service.aujourdhui())
    set_etag(response, public.version)
    response.headers["Location"] = f"/api/v1/mesures/{public.id}"
    return public


@router.post(
    "/reaffecter",
    response_model=Reaffectees,
    operation_id="mesures_reaffecter",
    summary="Réaffecter plusieurs mesures à un autre référent (responsable ; toutes ou aucune)",
    responses=responses(Introuvable, Interdit, TransitionRefusee),
)
def mesures_reaffecter(data: Reaffectation, session: SessionDep, principal: CurrentPrincipal) -> Reaffectees:
    return reaffectation.reaffecter(session, principal, data=data)


@router.get(
    "/{mesure_id}",
    response_model=MesureVue,
    operation_id="mesures_lire",
    summary="Lire une mesure",
    responses=responses(Introuvable),
)
def mesures_lire(
    mesure_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> MesureVue:
    public = service.lire_mesure(session, principal, mesure_id)
    if isinstance(public, MesurePublic):
        set_etag(response, public.version)
    return public


@router.patch(
    "/{mesure_id}",
    response_model=MesurePublic,
    operation_id="mesures_modifier",
    summary=("Modifier une mesure : domaines, modalité de logement, accès/maintien, référent (If-Match obligatoire)"),
    responses=responses(Introuvable, Interdit, VersionPerimee, VersionRequise),
)
def mesures_modifier(
    mesure_id: uuid.UUID,
    data: MesureUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    public = service.modifier_mesure(session, principal, mesure_id=mesure_id, data=data, if_match=if_match)
    set_etag(response, public.version)
    return public


@router.get(
    "/{mesure_id}/evenements",
    response_model=list[EvenementPublic],
    operation_id="mesures_evenements",
    summary="Historique des événements d'une mesure",
    responses=responses(Introuvable),
)
def mesures_evenements(mesure_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> list[EvenementPublic]:
    return service.lister_evenements(session, principal, mesure_id)


def _repondre(response: Response, public: MesurePublic) -> MesurePublic:
    set_etag(response, public.version)
    return public


# The lifecycle actions: one POST sub-resource each, same shape (a typed body, an
# optional If-Match, the mesure back with its ETag). Declared as data, registered below.
_ACTIONS: list[tuple[str, type[BaseModel], Callable[..., MesurePublic], str]] = [
    ("demarrer", Demarrage, cycle.demarrer, "Démarrer l'accompagnement (date de début, adhésion)"),
    (
        "activer",
        Activation,
        cycle.activer,
        "Clore l'évaluation : la mesure devient active (adhésion requise selon le dispositif)",
    ),
    ("suspendre", ChangementStatut, cycle.suspendre, "Suspendre une mesure active"),
    ("reprendre", ChangementStatut, cycle.reprendre, "Reprendre une mesure suspendue"),
    ("reorienter", Reorientation, cycle.reorienter, "Réorienter : changer de cible et/ou de type d'accompagnement"),
    (
        "prolonger",
        Prolongation,
        cycle.prolonger,
        "Prolonger : repousser la fin prévue (dérogation motivée au-delà de la durée maximale)",
    ),
    (
        "changer-referent",
        ChangementReferent,
        cycle.changer_referent,
        "Changer de référent (un utilisateur de l'association)",
    ),
    ("terminer", Fin, cycle.terminer, "Terminer la mesure (date, motif, situation de sortie)"),
    ("suivi", Suivi, cycle.enregistrer_suivi, "Enregistrer le suivi à 6 mois d'une mesure terminée"),
]


def _route_action(schema: type[BaseModel], fonction: Callable[..., MesurePublic]) -> Callable[..., MesurePublic]:
    date_du_jour = "aujourdhui" in inspect.signature(fonction).parameters

    def action(
        mesure_id: uuid.UUID,
        data: BaseModel,
        session: SessionDep,
        principal: CurrentPrincipal,
        response: Response,
        if_match: IfMatchHeader = None,
    ) -> MesurePublic:
        extra = {"aujourdhui": service.aujourdhui()} if date_du_jour else {}
        public = fonction(session, principal, mesure_id=mesure_id, data=data, if_match=if_match, **extra)
        return _repondre(response, public)

    # The body's real type, for validation and for the OpenAPI document.
    action.__annotations__ = {**action.__annotations__, "data": schema}
    return action


for _nom, _schema, _fonction, _resume in _ACTIONS:
    _ident = "mesures_" + _nom.replace("-", "_")
    router.add_api_route(
        f"/{{mesure_id}}/{_nom}",
        _route_action(_schema, _fonction),
        methods=["POST"],
        response_model=MesurePublic,
        operation_id=_ident,
        name=_ident,
        summary=_resume,
        responses=_ACTION_ADHESION if _nom in ("demarrer", "activer") else _ACTION,
    )
