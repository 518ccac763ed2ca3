"""The communes' référentiel: autocomplete by name or postcode, and one commune by code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auth.principal import CurrentPrincipal
from api.communes import service
from api.communes.schemas import CommunePublic
from api.core.errors import ErreurValidation, Introuvable, NonAuthentifie, responses
from api.core.referentiels import INSEE_PATTERN

router = APIRouter(prefix="/api/v1", tags=["communes"], responses=responses(NonAuthentifie, ErreurValidation))


def _public(c: service.Commune) -> CommunePublic:
    t = service.territoire(c.code)
    return CommunePublic(
        code=c.code,
        nom=c.nom,
        codes_postaux=list(c.codes_postaux),
        departement=c.departement,
        departement_nom=t.departement_nom if t else None,
        epci=c.epci,
        epci_nom=t.epci_nom if t else None,
    )


@router.get(
    "/communes",
    response_model=list[CommunePublic],
    operation_id="communes_rechercher",
    summary="Chercher une commune par son nom, son code postal ou son code INSEE",
    description="Référentiel embarqué (@etalab/decoupage-administratif, Licence Ouverte 2.0) : "
    "« rennes », « st malo », « 35000 » ou « 35238 ». Les meilleures d'abord.",
)
def communes_rechercher(
    _principal: CurrentPrincipal,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Nom, code postal ou code INSEE")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[CommunePublic]:
    return [_public(c) for c in service.rechercher(q, limite=limit)]


@router.get(
    "/communes/{code}",
    response_model=CommunePublic,
    operation_id="communes_lire",
    summary="Une commune par son code INSEE (nom, codes postaux, EPCI, département)",
    responses=responses(Introuvable),
)
def communes_lire(
    _principal: CurrentPrincipal, code: Annotated[str, Path(pattern=INSEE_PATTERN)]
) -> CommunePublic:
    c = service.commune(code)
    if c is None:
        raise Introuvable("Commune", code)
    return _public(c)
