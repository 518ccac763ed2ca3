"""Import of a caseload (file active) from a spreadsheet: template, dry run, import, history."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError

from api.auth.principal import CurrentPrincipal
from api.core.db import SessionDep
from api.core.errors import ErreurChamp, ErreurValidation, Interdit, Introuvable, NonAuthentifie, responses
from api.imports import access, service
from api.imports.colonnes import FEUILLES
from api.imports.lecture import Correspondance, FichierDepose
from api.imports.modele import modele_csv, modele_xlsx
from api.imports.schemas import ErreurImport, ImportPublic, RapportImport
from api.mesures.service import aujourdhui

router = APIRouter(prefix="/api/v1/imports", tags=["imports"], responses=responses(NonAuthentifie, Interdit))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AssociationParam = Annotated[
    uuid.UUID | None, Query(description="Administrateur : l'association pour laquelle il importe")
]
Fichiers = Annotated[
    list[UploadFile],
    File(description="Le classeur XLSX du modèle, ou un fichier CSV par feuille (nommé comme elle : mesures.csv…)"),
]
FeuilleCsv = Literal["menages", "ressources_dettes", "mesures", "rendez_vous"]
CorrespondanceForm = Annotated[
    str | None,
    Form(
        # A few hundred headers at most: a bounded text, like every text the API receives.
        max_length=20_000,
        description="Correspondance des colonnes, en JSON : pour chaque feuille (menages, ressources_dettes, "
        "mesures, rendez_vous), l'en-tête de votre fichier → la colonne du modèle, par exemple "
        '{"menages": {"Réf. dossier": "reference_menage"}}. Absente : celle gardée du dernier import de '
        "l'association s'applique. Un import réussi avec une correspondance la garde pour la prochaine fois.",
        examples=['{"menages": {"Réf. dossier": "reference_menage", "Nom de famille": "nom"}}'],
    ),
]
_CORRESPONDANCE: TypeAdapter[dict[str, dict[str, str]]] = TypeAdapter(dict[str, dict[str, str]])


def _correspondance(texte: str | None) -> Correspondance | None:
    """The form field as a mapping; its sheets and columns are checked by the reading."""
    if texte is None:
        return None
    try:
        return _CORRESPONDANCE.validate_json(texte)
    except ValidationError:
        raise ErreurValidation(
            "correspondance : un objet JSON est attendu, {feuille: {en-tête du fichier: colonne du modèle}}.",
            errors=[
                ErreurChamp(
                    champ="correspondance",
                    message="objet JSON {feuille: {en-tête du fichier: colonne du modèle}} attendu",
                    valeur=texte[:200],
                )
            ],
        ) from None


async def _lire(fichiers: list[UploadFile]) -> list[FichierDepose]:
    depot = []
    for f in fichiers:
        depot.append(FichierDepose(nom=f.filename or "fichier", contenu=await f.read()))
        await f.close()
    return depot


def _rapport(resultat: service.Resultat) -> RapportImport:
    return RapportImport(
        **ImportPublic.model_validate(resultat.import_fichier, from_attributes=True).model_dump(),
        erreurs=[ErreurImport(**e.__dict__) for e in resultat.erreurs],
    )


def _en_fond(resultat: service.Resultat) -> JSONResponse:
    """202: the task's address, to poll (the screen does, every second or two)."""
    adresse = f"{router.prefix}/{resultat.import_fichier.id}"
    corps = ImportPublic.model_validate(resultat.import_fichier, from_attributes=True)
    return JSONResponse(corps.model_dump(mode="json"), status_code=202, headers={"Location": adresse})


EN_FOND: dict[int | str, dict[str, Any]] = {
    202: {
        "model": ImportPublic,
        "description": "Fichier de plus de ANCRAGE_IMPORT_LIGNES_SYNCHRONES lignes : tâche de fond créée "
        "(statut en_attente). Location : son adresse ; GET /api/v1/imports/{import_id} donne sa progression "
        "puis son rapport.",
    }
}


@router.get(
    "/modele.xlsx",
    operation_id="imports_modele_xlsx",
    summary="Modèle XLSX à remplir (une feuille par nature, notes et listes de valeurs)",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "Le modèle"}},
)
def imports_modele_xlsx(
    session: SessionDep, principal: CurrentPrincipal, association_id: AssociationParam = None
) -> Response:
    access.principal_pour(session, principal, association_id)
    return Response(
        modele_xlsx(session),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="ancrage-import-file-active.xlsx"'},
    )


@router.get(
    "/modele/{feuille}.csv",
    operation_id="imports_modele_csv",
    summary="Une feuille du modèle en CSV (mêmes colonnes)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "La feuille"}},
)
def imports_modele_csv(
    feuille: FeuilleCsv, session: SessionDep, principal: CurrentPrincipal, association_id: AssociationParam = None
) -> Response:
    access.principal_pour(session, principal, association_id)
    f = next(x for x in FEUILLES if x.cle == feuille)
    return Response(
        modele_csv(f),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{f.cle}.csv"'},
    )


@router.post(
    "/essai",
    response_model=RapportImport,
    operation_id="imports_essai",
    summary="Essai à blanc : le rapport par ligne et par champ, rien n'est écrit",
    description="Au-delà de ANCRAGE_IMPORT_LIGNES_SYNCHRONES lignes, 202 : l'essai tourne en tâche de fond "
    "et son rapport se lit sur GET /api/v1/imports/{import_id}.",
    responses=responses(ErreurValidation) | EN_FOND,
)
async def imports_essai(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    fichiers: Fichiers,
    correspondance: CorrespondanceForm = None,
    association_id: AssociationParam = None,
) -> RapportImport | JSONResponse:
    colonnes = _correspondance(correspondance)
    depot = await _lire(fichiers)
    resultat = service.importer(
        session,
        principal,
        fichiers=depot,
        essai=True,
        aujourdhui=aujourdhui(),
        max_lignes=request.app.state.settings.import_max_lignes,
        association_id=association_id,
        correspondance=colonnes,
        lignes_synchrones=request.app.state.settings.import_lignes_synchrones,
    )
    if resultat.en_fond:
        return _en_fond(resultat)
    return _rapport(resultat)


@router.post(
    "",
    response_model=RapportImport,
    status_code=status.HTTP_201_CREATED,
    operation_id="imports_importer",
    summary="Import tout ou rien (une transaction) ; rejouable par vos références",
    description="Écrit le fichier s'il ne contient aucune erreur ; sinon 422 avec les erreurs par ligne "
    "(champ « Feuille, ligne N, colonne ») et rien n'est écrit. Réimporter le même fichier ne change rien ; "
    "un fichier corrigé met à jour ce qui a changé. Au-delà de ANCRAGE_IMPORT_LIGNES_SYNCHRONES lignes, 202 : "
    "l'import tourne en tâche de fond, toujours tout ou rien ; sa progression et son rapport se lisent sur "
    "GET /api/v1/imports/{import_id}.",
    responses=responses(ErreurValidation) | EN_FOND,
)
async def imports_importer(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    fichiers: Fichiers,
    correspondance: CorrespondanceForm = None,
    association_id: AssociationParam = None,
) -> RapportImport | JSONResponse:
    colonnes = _correspondance(correspondance)
    depot = await _lire(fichiers)
    resultat = service.importer(
        session,
        principal,
        fichiers=depot,
        essai=False,
        aujourdhui=aujourdhui(),
        max_lignes=request.app.state.settings.import_max_lignes,
        association_id=association_id,
        correspondance=colonnes,
        lignes_synchrones=request.app.state.settings.import_lignes_synchrones,
    )
    if resultat.en_fond:
        return _en_fond(resultat)
    if resultat.erreurs:
        n = len(resultat.erreurs)
        raise ErreurValidation(
            f"Le fichier contient {n} erreur(s) : rien n'a été importé. Corrigez-les (voir errors, ou l'essai "
            "à blanc) puis déposez-le à nouveau.",
            errors=[
                ErreurChamp(
                    champ=f"{e.feuille}, ligne {e.ligne}, colonne {e.colonne}",
                    message=e.message,
                    valeur=e.valeur,
                )
                for e in resultat.erreurs[:500]
            ],
            import_id=str(resultat.import_fichier.id),
        )
    return _rapport(resultat)


@router.get(
    "",
    response_model=list[ImportPublic],
    operation_id="imports_historique",
    summary="Historique des imports de l'association (50 derniers)",
)
def imports_historique(
    session: SessionDep, principal: CurrentPrincipal, association_id: AssociationParam = None
) -> list[ImportPublic]:
    return [
        ImportPublic.model_validate(i, from_attributes=True)
        for i in service.historique(session, principal, association_id=association_id)
    ]


@router.get(
    "/correspondance",
    response_model=dict[str, dict[str, str]],
    operation_id="imports_correspondance",
    summary="La correspondance des colonnes gardée du dernier import (par feuille)",
)
def imports_correspondance(
    session: SessionDep, principal: CurrentPrincipal, association_id: AssociationParam = None
) -> Correspondance:
    return service.correspondances(session, principal, association_id=association_id)


@router.get(
    "/{import_id}",
    response_model=RapportImport,
    operation_id="imports_lire",
    summary="Un import : sa progression (tâche de fond) puis son résultat et son rapport",
    description="Pour l'association qui l'a déposé (ses responsables) et l'administrateur ; 404 pour tout "
    "autre. erreurs : le rapport par ligne d'une tâche de fond (500 au plus) ; vide pour un dépôt traité "
    "sur-le-champ, dont le rapport a été donné dans la réponse.",
    responses=responses(Introuvable),
)
def imports_lire(import_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> RapportImport:
    ligne = service.lire_import(session, principal, import_id)
    return RapportImport(
        **ImportPublic.model_validate(ligne, from_attributes=True).model_dump(),
        erreurs=[ErreurImport(**e) for e in ligne.erreurs or []],
    )
