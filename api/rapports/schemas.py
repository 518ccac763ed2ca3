"""Reports: models (sections), drafts, deposit and the differences since."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

CODE_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"


class FormatRapport(StrEnum):
    html = "html"
    pdf = "pdf"
    docx = "docx"


class Rendu(StrEnum):
    tableau = "tableau"
    graphique = "graphique"
    tableau_graphique = "tableau_graphique"


class StatutRapport(StrEnum):
    brouillon = "brouillon"
    depose = "depose"


class NatureModele(StrEnum):
    annuel = "annuel"  # a period (a year by default), N beside N-1
    bilan = "bilan"  # a date: stocks at that date, flows since the start of the period


class BlocTable(BaseModel):
    model_config = ConfigDict(extra="forbid")
    table: str = Field(
        max_length=60, pattern=CODE_PATTERN, description="Code d'une table d'indicateurs",
        examples=["file_active"],
    )
    rendu: Rendu = Rendu.tableau
    phrase: str | None = Field(
        default=None,
        max_length=500,
        description=(
            "Phrase générée depuis les chiffres. Champs permis : {du}, {au}, {du_n1}, {au_n1}, "
            "{total}, {total_n1}, {variation}, {unite}"
        ),
        examples=["Au {au}, le service accompagne {total} ménages, contre {total_n1} un an plus tôt."],
    )


class SectionTexte(BaseModel):
    """Un texte écrit dans l'application par l'auteur du rapport."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["texte"] = "texte"
    code: str = Field(max_length=60, pattern=CODE_PATTERN, examples=["evenements_marquants"])
    titre: str = Field(min_length=1, max_length=200, examples=["Événements marquants de l'année"])
    niveau: int = Field(default=1, ge=1, le=2, description="1 : partie ; 2 : sous-partie")
    aide: str = Field(default="", max_length=1000, description="Ce qu'on attend dans cette section")


class SectionCalcul(BaseModel):
    """Un bloc calculé : une ou plusieurs tables d'indicateurs."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["calcul"] = "calcul"
    code: str = Field(max_length=60, pattern=CODE_PATTERN, examples=["file_active"])
    titre: str = Field(min_length=1, max_length=200, examples=["La file active"])
    niveau: int = Field(default=2, ge=1, le=2)
    tables: list[BlocTable] = Field(min_length=1, max_length=10)
    comparer_n1: bool = Field(default=True, description="Montrer N-1 et la variation à côté de N")


Section = Annotated[SectionTexte | SectionCalcul, Field(discriminator="type")]


class ModeleContenu(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nom: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    sections: list[Section] = Field(min_length=1, max_length=60)

    @model_validator(mode="after")
    def _codes_uniques(self) -> ModeleContenu:
        vus: set[str] = set()
        for s in self.sections:
            if s.code in vus:
                raise ValueError(f"le code de section « {s.code} » figure deux fois")
            vus.add(s.code)
        return self


class ModelePublic(BaseModel):
    id: uuid.UUID
    famille: uuid.UUID = Field(description="Commun à toutes les versions d'un même modèle")
    version: int
    code: str
    nom: str
    description: str
    nature: NatureModele
    sections: list[Section]
    organisation_id: uuid.UUID | None = Field(description="null : modèle livré avec Ancrage")
    source_id: uuid.UUID | None
    cree_le: datetime


class ModeleCopie(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nom: str | None = Field(default=None, max_length=200, description="Défaut : « Copie de … »")


class ModeleModification(BaseModel):
    """Nouvelle version d'un modèle de l'organisation (les rapports gardent l'ancienne)."""

    model_config = ConfigDict(extra="forbid")
    nom: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    sections: list[Section] | None = Field(default=None, min_length=1, max_length=60)


class RapportCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "modele_id": "7d0b5a8e-4a3c-4d7e-9d38-2f1b0c9e1a11",
                    "dispositif_id": "0b6f3f5e-3a51-4e44-9a0e-61a0e0d2c7a3",
                    "association_id": "5a4c2e11-8f7d-4b0a-bb8e-8a2f7c6d9e10",
                    "annee": 2023,
                    "titre": "Rapport d'activité 2023 du SIME",
                }
            ]
        },
    )
    modele_id: uuid.UUID
    dispositif_id: uuid.UUID
    association_id: uuid.UUID | None = Field(
        default=None,
        description="Association du rapport (obligatoire pour une association : la sienne) ; "
        "vide pour le bilan d'une commission (toutes les associations du dispositif)",
    )
    annee: int | None = Field(default=None, ge=2000, le=2100, description="Une année civile (ou du/au)")
    du: date | None = Field(default=None, description="Début de la période, inclus")
    au: date | None = Field(default=None, description="Fin de la période et date des stocks, incluse")
    titre: str | None = Field(default=None, min_length=1, max_length=200)
    narration: dict[str, Annotated[str, Field(max_length=50_000)]] = Field(
        default_factory=dict, description="Texte des sections narratives, par code de section"
    )


class RapportUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"narration": {"evenements_marquants": "Un temps d'échange avec la DDETS en mai…"}}
            ]
        },
    )
    titre: str | None = Field(default=None, min_length=1, max_length=200)
    narration: dict[str, Annotated[str, Field(max_length=50_000)]] | None = Field(
        default=None,
        description="Sections narratives à remplacer (les autres restent) ; chaîne vide : efface",
    )


class ModeleResume(BaseModel):
    id: uuid.UUID
    code: str
    nom: str
    version: int
    nature: NatureModele


class RapportPublic(BaseModel):
    id: uuid.UUID
    titre: str
    modele: ModeleResume
    sections: list[Section] = Field(description="Les sections du modèle (figées au dépôt)")
    dispositif_id: uuid.UUID
    association_id: uuid.UUID | None
    du: date
    au: date
    auteur_id: uuid.UUID = Field(description="Organisation qui écrit le rapport")
    statut: StatutRapport
    narration: dict[str, str]
    version: int
    cree_le: datetime
    modifie_le: datetime
    depose_le: datetime | None
    pdf_sha256: str | None = Field(description="SHA-256 du PDF déposé")
    modifiable: bool = Field(description="true : le demandeur peut écrire ce rapport (brouillon, auteur)")


class DossierEcart(BaseModel):
    """A file that entered or left a cell between the deposit and today."""

    type: Literal["mesure", "orientation"]
    id: uuid.UUID
    reference: str | None = Field(description="Référence du dossier (absente s'il a été supprimé depuis)")
    lien: str = Field(examples=["/api/v1/mesures/0b6f…"])
    sens: Literal["entre", "sort"] = Field(
        description="« entre » : compté aujourd'hui, pas au dépôt ; « sort » : compté au dépôt, plus aujourd'hui"
    )
    pourquoi: list[str] = Field(
        default_factory=list,
        description="Ce qui a été enregistré sur le dossier depuis le dépôt",
        examples=[["Fin de l'accompagnement au 30/11/2023 (saisie du 02/12/2026)"]],
    )


class Ecart(BaseModel):
    table: str = Field(examples=["file_active"])
    table_titre: str
    cellule: str = Field(description="Clé de la cellule", examples=["total"])
    libelle: str = Field(examples=["Total"])
    periode: Literal["N", "N-1"]
    avant: int | float | None = Field(description="Valeur déposée")
    apres: int | float | None = Field(description="Valeur calculée aujourd'hui")
    detail: str | None = Field(
        default=None,
        description="Dossiers derrière la valeur d'aujourd'hui (/api/v1/indicateurs/detail), "
        "pour qui peut les lire",
    )
    dossiers: list[DossierEcart] | None = Field(
        default=None,
        description="Les dossiers entrés dans la cellule ou sortis depuis le dépôt : pour l'organisation "
        "qui a écrit le rapport seulement (absent pour un financeur, qui ne lit que les chiffres)",
    )


class Ecarts(BaseModel):
    rapport_id: uuid.UUID
    depose_le: datetime
    calcule_le: datetime
    ecarts: list[Ecart]


class GabaritPublic(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID = Field(description="Le financeur qui l'a déposé")
    nom: str
    champs: list[str] = Field(
        description="Champs utilisés par le gabarit", examples=[["file_active.total", "rapport.titre"]]
    )
    sha256: str
    cree_le: datetime
