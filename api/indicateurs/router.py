"""Indicator routes: the document (JSON, CSV, XLSX) and the files behind a cell."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.auth.principal import CurrentPrincipal
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
from api.indicateurs import service
from api.indicateurs.schemas import DetailCellule, DocumentIndicateurs, FormatIndicateurs

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


def _filtres(
    du: date | None,
    au: date | None,
    dispositif: uuid.UUID | None,
    association: uuid.UUID | None,
    commune: list[str] | None,
    cible: str | None,
    tranches_age: str | None,
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
    f = _filtres(du, au, dispositif, association, commune, cible, tranches_age)
    doc = service.calculer_indicateurs(
        lecture, principal, f=f, seuil=request.app.state.settings.secret_statistique_seuil
    )
    nom = f"indicateurs_{f.du.isoformat()}_{f.au.isoformat()}"
    if format == FormatIndicateurs.csv:
        return Response(
            service.en_csv(doc),
            media_type=MEDIA_CSV,
            headers={"Content-Disposition": f'attachment; filename="{nom}.csv"'},
        )
    if format == FormatIndicateurs.xlsx:
        return Response(
            service.en_xlsx(doc),
            media_type=MEDIA_XLSX,
            headers={"Content-Disposition": f'attachment; filename="{nom}.xlsx"'},
        )
    return doc


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
) -> DetailCellule:
    f = _filtres(du, au, dispositif, association, commune, cible, tranches_age)
    return service.detail_cellule(session, principal, f=f, table_code=table, cellule=cellule, lecture=lecture)
