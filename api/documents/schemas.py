"""What the API says of a document (never its storage key)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from api.documents.models import AnalyseAntivirus, FormatDocument, TypeDocument

LIBELLES_TYPE: dict[TypeDocument, str] = {
    TypeDocument.rapport_social: "Rapport social",
    TypeDocument.evaluation: "Évaluation",
    TypeDocument.justificatif_ressources: "Justificatif de ressources",
    TypeDocument.dette_locative: "Dette locative",
    TypeDocument.adhesion_signee: "Adhésion signée",
    TypeDocument.decision: "Décision",
    TypeDocument.autre: "Autre",
}


class DocumentPublic(BaseModel):
    id: uuid.UUID
    menage_id: uuid.UUID = Field(description="Ménage du document (toujours renseigné)")
    orientation_id: uuid.UUID | None = Field(description="Orientation à laquelle il est joint, s'il l'est")
    mesure_id: uuid.UUID | None = Field(description="Mesure à laquelle il est jointe, s'il l'est")
    organisation_id: uuid.UUID = Field(description="Organisation qui l'a déposé (et à qui il appartient)")
    type: TypeDocument
    type_libelle: str = Field(examples=["Évaluation"])
    titre: str = Field(examples=["Évaluation sociale de mars"])
    date_document: date
    confidentiel: bool = Field(description="Gardé dans l'organisation qui l'a déposé, commission comprise")
    format: FormatDocument = Field(description="Reconnu d'après le contenu du fichier, jamais d'après son nom")
    taille: int = Field(description="Octets")
    analyse: AnalyseAntivirus = Field(description="Résultat de l'analyse antivirus au dépôt")
    apercu: bool = Field(description="Le navigateur sait l'afficher (PDF, image)")
    supprimable: bool = Field(description="Le lecteur peut le supprimer (organisation qui l'a déposé)")
    cree_le: datetime
