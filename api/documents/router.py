"""Routes of the documents: deposit (multipart), list, read, download, delete."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile

from api.auth.principal import CurrentPrincipal
from api.core.db import SessionDep
from api.core.errors import CorpsTropGros, ErreurValidation, Interdit, Introuvable, NonAuthentifie, responses
from api.core.pagination import Page, PageDep
from api.documents import formats, service
from api.documents.antivirus import Analyseur
from api.documents.models import FormatDocument, TypeDocument
from api.documents.schemas import DocumentPublic
from api.documents.stockage import Stockage

router = APIRouter(
    prefix="/api/v1/documents",
    tags=["documents"],
    responses=responses(NonAuthentifie, ErreurValidation),
)


def _stockage(request: Request) -> Stockage:
    stockage: Stockage = request.app.state.stockage
    return stockage


def _analyseur(request: Request) -> Analyseur:
    analyseur: Analyseur = request.app.state.analyseur
    return analyseur


@router.post(
    "",
    response_model=DocumentPublic,
    status_code=201,
    operation_id="documents_deposer",
    summary="Déposer un document sur un ménage, une orientation ou une mesure (multipart/form-data)",
    description=(
        "Le fichier est analysé par l'antivirus avant toute lecture, puis son format est reconnu "
        "d'après son contenu (PDF, JPEG, PNG, DOCX, ODT) ; le nom et le type déclarés ne comptent pas."
    ),
    responses=responses(
        Introuvable, Interdit, CorpsTropGros, service.DocumentInfecte, service.AntivirusIndisponible
    ),
)
def documents_deposer(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    fichier: Annotated[UploadFile, File(description="Le fichier (PDF, JPEG, PNG, DOCX ou ODT)")],
    type: Annotated[TypeDocument, Form(description="Nature du document")],
    titre: Annotated[str, Form(min_length=1, max_length=200, examples=["Évaluation sociale"])],
    date_document: Annotated[date, Form(description="Date du document (AAAA-MM-JJ)")],
    confidentiel: Annotated[bool, Form(description="Garder le document dans son organisation")] = False,
    menage_id: Annotated[uuid.UUID | None, Form()] = None,
    orientation_id: Annotated[uuid.UUID | None, Form()] = None,
    mesure_id: Annotated[uuid.UUID | None, Form()] = None,
) -> DocumentPublic:
    settings = request.app.state.settings
    # One byte more than allowed is enough to know it is too large.
    contenu = fichier.file.read(settings.documents_taille_max + 1)
    public = service.deposer(
        session,
        principal,
        depot=service.Depot(
            type=type,
            titre=titre,
            date_document=date_document,
            confidentiel=confidentiel,
            menage_id=menage_id,
            orientation_id=orientation_id,
            mesure_id=mesure_id,
        ),
        contenu=contenu,
        taille_max=settings.documents_taille_max,
        analyseur=_analyseur(request),
        stockage=_stockage(request),
        analyse_obligatoire=settings.antivirus_obligatoire,
    )
    response.headers["Location"] = f"/api/v1/documents/{public.id}"
    return public


@router.get(
    "",
    response_model=Page[DocumentPublic],
    operation_id="documents_lister",
    summary="Lister les documents lisibles d'un ménage, d'une orientation ou d'une mesure",
)
def documents_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    menage_id: uuid.UUID | None = None,
    orientation_id: uuid.UUID | None = None,
    mesure_id: uuid.UUID | None = None,
) -> Page[DocumentPublic]:
    return service.lister(
        session, principal, page=page, menage_id=menage_id, orientation_id=orientation_id, mesure_id=mesure_id
    )


@router.get(
    "/{document_id}",
    response_model=DocumentPublic,
    operation_id="documents_lire",
    summary="Lire la description d'un document",
    responses=responses(Introuvable),
)
def documents_lire(document_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> DocumentPublic:
    return service.lire(session, principal, document_id)


@router.get(
    "/{document_id}/contenu",
    operation_id="documents_telecharger",
    summary="Télécharger le fichier d'un document (journalisé)",
    response_class=Response,
    responses={
        200: {"description": "Le fichier", "content": {m: {} for m in formats.MIME.values()}},
        **responses(Introuvable),
    },
)
def documents_telecharger(
    request: Request,
    document_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    telecharger: bool = False,
) -> Response:
    d, contenu = service.telecharger(session, principal, document_id, stockage=_stockage(request))
    fmt = FormatDocument(d.format)
    disposition = "inline" if fmt in formats.APERCU and not telecharger else "attachment"
    return Response(
        content=contenu,
        media_type=formats.MIME[fmt],
        headers={
            "Content-Disposition": f'{disposition}; filename="{service.nom_de_fichier(d)}"',
            "Cache-Control": "private, no-store",
            # A PDF shown in the browser runs no script and reaches nothing.
            "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
        },
    )


@router.delete(
    "/{document_id}",
    status_code=204,
    operation_id="documents_supprimer",
    summary="Supprimer un document (l'organisation qui l'a déposé)",
    responses=responses(Introuvable, Interdit),
)
def documents_supprimer(
    request: Request, document_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    service.supprimer(session, principal, document_id, stockage=_stockage(request))
    return Response(status_code=204)
