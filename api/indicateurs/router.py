"""Indicator routes: the document (JSON, CSV, XLSX) and the files behind a cell."""

from __future__ import annotations

import dataclasses
import re
import time
import uuid
from datetime import date
from email.utils import formatdate
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlmodel import col

from api.auth.principal import CurrentPrincipal
from api.core.cache import CacheDocuments
from api.core.cache import cle as cle_cache
from api.core.db import SessionDep, SessionLectureDep
from api.core.errors import (
    ErreurValidation,
    Interdit,
    Introuvable,
    NonAuthentifie,
    champ_invalide,
    responses,
)
from api.core.referentiels import INSEE_PATTERN
from api.dispositifs.models import Dispositif
from api.indicateurs import access, service
from api.indicateurs.schemas import DetailCellule, DocumentIndicateurs, FormatIndicateurs, ModeAge

router = APIRouter(
    prefix="/api/v1/indicateurs",
    tags=["indicateurs"],
    responses=responses(NonAuthentifie, ErreurValidation, Interdit),
)

MEDIA_CSV = "text/csv; charset=utf-8"
MEDIA_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

AuQuery = Annotated[
    date | None,
    Query(
        description=("Date de référence des stocks (file active) et fin de la période, incluse (défaut : aujourd'hui)")
    ),
]
DuQuery = Annotated[
    date | None,
    Query(description=("Début de la période des flux, inclus (défaut : 1er janvier de l'année de « au »)")),
]
DispositifQuery = Annotated[uuid.UUID | None, Query(description="Limiter à un dispositif")]
AssociationQuery = Annotated[uuid.UUID | None, Query(description="Limiter à une association")]
CommuneQuery = Annotated[
    list[Annotated[str, Query(max_length=5)]] | None,
    Query(
        description="Territoire : un ou plusieurs codes INSEE (commune du logement à l'entrée)",
        max_length=500,
    ),
]
CibleQuery = Annotated[str | None, Query(max_length=50, description="Limiter à une cible (code)")]
TranchesQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        description=("Bornes des tranches d'âge, borne basse incluse (défaut : 20,30,40,50,60,70,80)"),
        examples=["20,30,40,50,60,70,80"],
    ),
]

AgeQuery = Annotated[
    ModeAge | None,
    Query(
        description=(
            "Âge compté dans les tables d'âge : au_jour (défaut, âge à la date « au ») ou "
            "a_l_entree (âge au mandatement)"
        )
    ),
]


def _filtres(
    du: date | None,
    au: date | None,
    dispositif: uuid.UUID | None,
    association: uuid.UUID | None,
    commune: list[str] | None,
    cible: str | None,
    tranches_age: str | None,
    age: ModeAge | None = None,
) -> service.Filtres:
    for c in commune or []:
        if not re.fullmatch(INSEE_PATTERN, c):
            raise champ_invalide("commune", "code INSEE à 5 caractères attendu (2A/2B pour la Corse)", c)
    return service.filtres(
        du=du,
        au=au,
        dispositif=dispositif,
        association=association,
        commune=commune or (),
        cible=cible,
        tranches_age=tranches_age,
        age=age,
    )


@router.get(
    "",
    response_model=DocumentIndicateurs,
    operation_id="indicateurs_calculer",
    summary="Indicateurs (tables des bilans) sur un périmètre, à une date et sur une période",
    description=(
        "Un document : les paramètres, puis des tables nommées (code stable, titre, définition, "
        "dimensions, cellules). `format=csv` : une ligne par cellule (séparateur « ; »), "
        "`format=xlsx` : une feuille par table, paramètres en première feuille. Sans "
        "`format`, l'en-tête `Accept` (`text/csv` ou le type XLSX) choisit aussi."
    ),
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                MEDIA_XLSX: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
def indicateurs_calculer(
    request: Request,
    lecture: SessionLectureDep,
    principal: CurrentPrincipal,
    au: AuQuery = None,
    du: DuQuery = None,
    dispositif: DispositifQuery = None,
    association: AssociationQuery = None,
    commune: CommuneQuery = None,
    cible: CibleQuery = None,
    tranches_age: TranchesQuery = None,
    age: AgeQuery = None,
    format: Annotated[FormatIndicateurs | None, Query(description="json (défaut), csv ou xlsx")] = None,
) -> DocumentIndicateurs | Response:
    if format is None:
        accept = request.headers.get("accept", "")
        format = (
            FormatIndicateurs.csv
            if "text/csv" in accept
            else FormatIndicateurs.xlsx
            if MEDIA_XLSX in accept
            else FormatIndicateurs.json
        )
    f = _filtres(du, au, dispositif, association, commune, cible, tranches_age, age)
    seuil = request.app.state.settings.secret_statistique_seuil

    def calcul() -> bytes:
        doc = service.calculer_indicateurs(lecture, principal, f=f, seuil=seuil)
        return doc.model_dump_json().encode()

    # Only readers of aggregates (funders) get a kept document, at most
    # ANCRAGE_INDICATEURS_CACHE_SECONDES old; those who record the facts (associations,
    # commissions) see their own entry at once. Everything the document depends on is in
    # the key: what the access policy reads of the caller (its organisation, the
    # organisation's type, the role; not the person: two analysts of one funder read the same
    # document, and share its computation) and every parameter. Never two organisations.
    if access.est_agrege_seulement(principal):
        cache: CacheDocuments = request.app.state.cache_documents
        k = cle_cache(
            [principal.kind, principal.organisation_id, principal.organisation_type, principal.role],
            dataclasses.asdict(f),
            seuil,
            # The thresholds an administrator sets per dispositif change the document at once.
            [
                [str(i), v]
                for i, v in lecture.execute(select(col(Dispositif.id), col(Dispositif.secret_statistique_seuil)))
            ],
        )
        frais = "no-cache" in request.headers.get("cache-control", "")
        brut, calcule_le = cache.obtenir("indicateurs", k, calcul, frais=frais)
    else:
        brut, calcule_le = calcul(), time.time()
    entetes = {
        "Age": str(max(0, int(time.time() - calcule_le))),
        "Last-Modified": formatdate(calcule_le, usegmt=True),
        "Cache-Control": "private, no-store",
    }
    nom = f"indicateurs_{f.du.isoformat()}_{f.au.isoformat()}"
    if format == FormatIndicateurs.json:
        return Response(brut, media_type="application/json", headers=entetes)
    doc = DocumentIndicateurs.model_validate_json(brut)
    if format == FormatIndicateurs.csv:
        return Response(
            service.en_csv(doc),
            media_type=MEDIA_CSV,
            headers={"Content-Disposition": f'attachment; filename="{nom}.csv"'} | entetes,
        )
    return Response(
        service.en_xlsx(doc),
        media_type=MEDIA_XLSX,
        headers={"Content-Disposition": f'attachment; filename="{nom}.xlsx"'} | entetes,
    )


@router.get(
    "/detail",
    response_model=DetailCellule,
    operation_id="indicateurs_detail",
    summary="Dossiers (mesures ou orientations) qui composent une cellule d'indicateur",
    description=(
        "Pour l'association et la commission seulement ; un financeur reçoit 404. Chaque dossier listé est journalisé."
    ),
    responses=responses(Introuvable),
)
def indicateurs_detail(
    session: SessionDep,
    lecture: SessionLectureDep,
    principal: CurrentPrincipal,
    table: Annotated[str, Query(max_length=60, description="Code de la table", examples=["file_active_cible"])],
    cellule: Annotated[
        str,
        Query(
            max_length=300,
            description="Clé de la cellule (champ « cle »)",
            examples=["cible=sante_mentale;tranche_age=30-40"],
        ),
    ],
    au: AuQuery = None,
    du: DuQuery = None,
    dispositif: DispositifQuery = None,
    association: AssociationQuery = None,
    commune: CommuneQuery = None,
    cible: CibleQuery = None,
    tranches_age: TranchesQuery = None,
    age: AgeQuery = None,
) -> DetailCellule:
    f = _filtres(du, au, dispositif, association, commune, cible, tranches_age, age)
    return service.detail_cellule(session, principal, f=f, table_code=table, cellule=cellule, lecture=lecture)
