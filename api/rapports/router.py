"""Report routes: models, drafts, the rendered document, the deposit and the écarts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile

from api.auth.principal import CurrentPrincipal
from api.core.concurrency import IfMatchHeader, set_etag
from api.core.db import SessionDep, SessionLectureDep
from api.core.errors import (
    Conflit,
    ErreurValidation,
    Interdit,
    Introuvable,
    NonAuthentifie,
    VersionPerimee,
    VersionRequise,
    responses,
)
from api.core.pagination import Page, PageDep
from api.rapports import atelier, service
from api.rapports.schemas import (
    Ecarts,
    FormatRapport,
    GabaritPublic,
    ModeleCopie,
    ModeleModification,
    ModelePublic,
    RapportCreate,
    RapportPublic,
    RapportUpdate,
    StatutRapport,
)

router = APIRouter(
    prefix="/api/v1/rapports",
    tags=["rapports"],
    responses=responses(NonAuthentifie, ErreurValidation),
)


def _seuil(request: Request) -> int:
    return int(request.app.state.settings.secret_statistique_seuil)


@router.get(
    "/modeles",
    response_model=list[ModelePublic],
    operation_id="rapports_modeles_lister",
    summary="Modèles de rapport utilisables (livrés, et les copies de votre organisation)",
)
def rapports_modeles_lister(session: SessionDep, principal: CurrentPrincipal) -> list[ModelePublic]:
    return service.lister_modeles(session, principal)


@router.get(
    "/modeles/{modele_id}",
    response_model=ModelePublic,
    operation_id="rapports_modeles_lire",
    summary="Lire un modèle de rapport (une version)",
    responses=responses(Introuvable),
)
def rapports_modeles_lire(modele_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> ModelePublic:
    return service.lire_modele(session, principal, modele_id)


@router.post(
    "/modeles/{modele_id}/copie",
    response_model=ModelePublic,
    status_code=201,
    operation_id="rapports_modeles_copier",
    summary="Copier un modèle pour votre organisation (responsable)",
    responses=responses(Introuvable, Interdit),
)
def rapports_modeles_copier(
    modele_id: uuid.UUID, data: ModeleCopie, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> ModelePublic:
    m = service.copier_modele(session, principal, modele_id, data)
    response.headers["Location"] = f"/api/v1/rapports/modeles/{m.id}"
    return m


@router.patch(
    "/modeles/{modele_id}",
    response_model=ModelePublic,
    status_code=201,
    operation_id="rapports_modeles_modifier",
    summary="Nouvelle version d'un modèle de votre organisation (réordonner, retirer, ajouter des sections)",
    description="Crée la version suivante ; les rapports déjà écrits gardent la leur.",
    responses=responses(Introuvable, Interdit, Conflit),
)
def rapports_modeles_modifier(
    modele_id: uuid.UUID, data: ModeleModification, session: SessionDep, principal: CurrentPrincipal
) -> ModelePublic:
    return service.modifier_modele(session, principal, modele_id, data)


@router.get(
    "/gabarits",
    response_model=list[GabaritPublic],
    operation_id="rapports_gabarits_lister",
    summary="Gabarits Word des financeurs (les vôtres, ou ceux des financeurs de vos dispositifs)",
)
def rapports_gabarits_lister(session: SessionDep, principal: CurrentPrincipal) -> list[GabaritPublic]:
    return service.lister_gabarits(session, principal)


@router.post(
    "/gabarits",
    response_model=GabaritPublic,
    status_code=201,
    operation_id="rapports_gabarits_deposer",
    summary="Déposer un gabarit Word (docxtpl) : financeur",
    description=(
        "Champs permis : `{{ rapport.titre }}` (et `du`, `au`, `periode`, `association`, `dispositif`), "
        "`{{ narration.<code> }}`, et par table d'indicateurs (code) : `{{ file_active.total }}`, "
        "`total_n1`, `variation`, `titre`, `unite`, `lignes` (boucle `{%tr for l in "
        "file_active_cible.lignes %}` … `{{ l.libelle }}` `{{ l.valeur }}` `{{ l.valeur_n1 }}` "
        "`{{ l.variation }}` `{{ l.pourcentage }}` … `{%tr endfor %}`). Un champ inconnu est refusé "
        "(422) en le nommant."
    ),
    responses=responses(Interdit),
)
def rapports_gabarits_deposer(
    session: SessionDep,
    principal: CurrentPrincipal,
    fichier: Annotated[UploadFile, File(description="Le gabarit .docx")],
    nom: Annotated[str, Form(min_length=1, max_length=200)],
) -> GabaritPublic:
    try:
        contenu = fichier.file.read(service.TAILLE_MAX_GABARIT + 1)
    finally:
        fichier.file.close()  # a sync route: the spooled file is closed here, not by the event loop
    return service.deposer_gabarit(session, principal, nom, contenu)


@router.post(
    "",
    response_model=RapportPublic,
    status_code=201,
    operation_id="rapports_creer",
    summary="Créer un rapport (brouillon) : périmètre et modèle",
    description=(
        "Une association écrit ses propres rapports ; la commission d'un dispositif écrit son bilan "
        "(toutes les associations, ou une). Période : `annee`, ou `du`/`au`."
    ),
    responses=responses(Introuvable, Interdit),
)
def rapports_creer(
    data: RapportCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> RapportPublic:
    r = service.creer_rapport(session, principal, data)
    response.headers["Location"] = f"/api/v1/rapports/{r.id}"
    set_etag(response, r.version)
    return r


@router.get(
    "",
    response_model=Page[RapportPublic],
    operation_id="rapports_lister",
    summary="Lister les rapports visibles (les vôtres ; les rapports déposés de vos dispositifs)",
)
def rapports_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    dispositif_id: Annotated[uuid.UUID | None, Query(description="Limiter à un dispositif")] = None,
    association_id: Annotated[uuid.UUID | None, Query(description="Limiter à une association")] = None,
    statut: Annotated[StatutRapport | None, Query(description="brouillon ou depose")] = None,
) -> Page[RapportPublic]:
    return service.lister_rapports(
        session, principal, page=page, dispositif_id=dispositif_id, association_id=association_id, statut=statut
    )


@router.get(
    "/{rapport_id}",
    response_model=RapportPublic,
    operation_id="rapports_lire",
    summary="Lire un rapport (ETag : à renvoyer en If-Match pour le modifier ou le déposer)",
    responses=responses(Introuvable),
)
def rapports_lire(
    rapport_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> RapportPublic:
    r = service.lire_rapport(session, principal, rapport_id)
    set_etag(response, r.version)
    # a draft's screen is open: its PDF or DOCX will likely follow, start the workshop now
    # (a deposited report's documents are stored: nothing to render)
    if r.statut == StatutRapport.brouillon:
        atelier.prechauffer()
    return r


@router.patch(
    "/{rapport_id}",
    response_model=RapportPublic,
    operation_id="rapports_modifier",
    summary="Écrire les sections narratives d'un brouillon (If-Match)",
    responses=responses(Introuvable, Conflit, VersionPerimee, VersionRequise),
)
def rapports_modifier(
    rapport_id: uuid.UUID,
    data: RapportUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> RapportPublic:
    r = service.modifier_rapport(session, principal, rapport_id, data, if_match)
    set_etag(response, r.version)
    return r


@router.get(
    "/{rapport_id}/document",
    operation_id="rapports_document",
    summary="Le rapport rendu : HTML, PDF ou DOCX",
    description=(
        "Un brouillon est calculé à la lecture ; un rapport déposé rend, octet pour octet, le document "
        "figé au dépôt (pour un financeur : la version sous secret statistique)."
    ),
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                service.MEDIAS[FormatRapport.docx]: {"schema": {"type": "string", "format": "binary"}},
            }
        },
        **responses(Introuvable),
    },
)
def rapports_document(
    rapport_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    lecture: SessionLectureDep,
    principal: CurrentPrincipal,
    format: Annotated[FormatRapport, Query(description="html, pdf ou docx")] = FormatRapport.pdf,
    gabarit: Annotated[
        uuid.UUID | None,
        Query(description="Rendre dans le gabarit Word du financeur du dispositif (format=docx)"),
    ] = None,
) -> Response:
    contenu, media, nom = service.document(
        session, lecture, principal, rapport_id, format, _seuil(request), gabarit_id=gabarit
    )
    disposition = "inline" if format == FormatRapport.html else "attachment"
    return Response(contenu, media_type=media, headers={"Content-Disposition": f'{disposition}; filename="{nom}"'})


@router.post(
    "/{rapport_id}/deposer",
    response_model=RapportPublic,
    operation_id="rapports_deposer",
    summary="Déposer le rapport : chiffres, narration et modèle figés, empreinte du PDF (If-Match)",
    responses=responses(Introuvable, Conflit, VersionPerimee, VersionRequise),
)
def rapports_deposer(
    rapport_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> RapportPublic:
    r = service.deposer(session, principal, rapport_id, if_match, _seuil(request))
    set_etag(response, r.version)
    return r


@router.get(
    "/{rapport_id}/ecarts",
    response_model=Ecarts,
    operation_id="rapports_ecarts",
    summary="Chiffres d'un rapport déposé dont la valeur d'aujourd'hui diffère (avant → après)",
    responses=responses(Introuvable, Conflit),
)
def rapports_ecarts(
    rapport_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    lecture: SessionLectureDep,
    principal: CurrentPrincipal,
) -> Ecarts:
    return service.ecarts(session, lecture, principal, rapport_id, _seuil(request))
