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
    en_fond: bool = Field(
        description="true : fichier de plus de ANCRAGE_IMPORT_LIGNES_SYNCHRONES lignes, traité en tâche de fond "
        "(statut en_attente puis en_cours, puis le résultat)"
    )
    lignes_lues: int = Field(description="Progression : lignes lues du fichier")
    lignes_verifiees: int = Field(description="Progression : lignes vérifiées (valeurs, références, listes)")
    lignes_ecrites: int = Field(
        description="Progression : lignes écrites (pour un essai ou un import refusé : essayées, puis annulées)"
    )
    termine_le: datetime | None = Field(description="Fin du traitement ; null tant qu'une tâche attend ou tourne")
    message: str | None = Field(description="Statut echec : pourquoi la tâche s'est arrêtée (rien n'a été écrit)")


class RapportImport(ImportPublic):
    erreurs: list[ErreurImport] = Field(description="Erreurs par feuille, ligne et colonne ; vide : import possible")
