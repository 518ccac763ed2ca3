from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.imports.models import StatutImport


class ErreurImport(BaseModel):
    """Une erreur du fichier, là où l'utilisateur la corrige."""

    feuille: str = Field(examples=["Mesures"])
    ligne: int | None = Field(description="Numéro de ligne dans la feuille (l'en-tête est la ligne 1)", examples=[4])
    colonne: str | None = Field(examples=["cible"])
    valeur: Any = Field(default=None, description="La valeur refusée")
    message: str = Field(description="Ce qui ne va pas et ce qui est permis, en français")


class Compteurs(BaseModel):
    cree: int = 0
    modifie: int = 0
    inchange: int = 0


class ImportPublic(BaseModel):
    id: uuid.UUID
    association_id: uuid.UUID
    auteur_id: uuid.UUID
    quand: datetime
    essai: bool = Field(description="true : essai à blanc, rien n'a été écrit")
    statut: StatutImport
    nom_fichier: str
    empreinte: str = Field(description="SHA-256 des fichiers déposés")
    nb_lignes: int
    nb_erreurs: int
    bilan: dict[str, Compteurs] = Field(
        description="Par nature (menage, mesure, rendez_vous) : créés, modifiés, inchangés "
        "(pour un essai : ce que l'import ferait)"
    )


class RapportImport(ImportPublic):
    erreurs: list[ErreurImport] = Field(description="Erreurs par feuille, ligne et colonne ; vide : import possible")
