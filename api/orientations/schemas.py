"""Orientations, their events and commission sessions as the API shows them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from datetime import date as Date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, model_validator

from api.core.schemas import ModificationPartielle
from api.menages.schemas import MenageCreate
from api.mesures.models import AccesMaintien
from api.orientations.models import (
    MotifRefus,
    Orientation,
    OrigineOrientation,
    SessionCommission,
    StatutOrientation,
)


class OrientationCreate(BaseModel):
    """Un ménage existant (menage_id) ou les données du ménage (menage), pas les deux."""

    model_config = ConfigDict(extra="forbid")
    dispositif_id: uuid.UUID
    menage_id: uuid.UUID | None = Field(default=None, description="Ménage déjà connu et visible")
    menage: MenageCreate | None = Field(
        default=None,
        description="Données du ménage : un dossier est ouvert (règle des doublons : 409)",
    )
    origine: OrigineOrientation
    prescripteur_nom: str | None = Field(default=None, max_length=200, description="Personne qui oriente")
    external_ref: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Référence dans le système du prescripteur (unique)",
    )
    cible_proposee_code: str | None = Field(default=None, max_length=50, description="Code d'une cible du dispositif")
    acces_maintien: AccesMaintien
    motifs: str | None = Field(
        default=None, max_length=5000, description="Motifs de l'orientation (texte libre)"
    )
    soumettre: bool = Field(
        default=False, description="true : l'orientation est soumise aussitôt (sinon brouillon)"
    )
    date_reception: date | None = Field(
        default=None,
        description=(
            "Date de réception de l'orientation, pour reprendre un historique (défaut : "
            "aujourd'hui) : avec soumettre=true seulement, ni dans le futur ; réservée aux "
            "systèmes partenaires (clients API) et aux commissions"
        ),
        examples=["2023-03-14"],
    )

    @model_validator(mode="after")
    def _un_menage(self) -> OrientationCreate:
        if (self.menage_id is None) == (self.menage is None):
            raise ValueError("fournir soit menage_id, soit menage (exactement un des deux)")
        return self


MAX_LOT = 500


class LotOrientationsCreate(BaseModel):
    """Un lot d'orientations (envoi groupé d'un système partenaire), tout ou rien."""

    model_config = ConfigDict(extra="forbid")
    orientations: list[OrientationCreate] = Field(
        min_length=1,
        max_length=MAX_LOT,
        description=f"De 1 à {MAX_LOT} orientations, créées dans cet ordre ; "
        "une seule refusée et aucune n'est enregistrée",
    )


class OrientationUpdate(ModificationPartielle):
    """Modification par le prescripteur tant que la commission n'a pas la main."""

    model_config = ConfigDict(extra="forbid")
    table = Orientation
    prescripteur_nom: str | None = Field(default=None, max_length=200)
    cible_proposee_code: str | None = Field(default=None, max_length=50)
    acces_maintien: AccesMaintien | None = None
    motifs: str | None = Field(default=None, max_length=5000)


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vers_statut: StatutOrientation = Field(description="Nouvel état (voir le graphe des orientations)")
    motif_refus: MotifRefus | None = Field(default=None, description="Obligatoire pour « refusee »")
    commentaire: str | None = Field(default=None, max_length=2000)
    date_effet: date | None = Field(default=None, description="Date de la décision (aujourd'hui par défaut)")
    association_id: uuid.UUID | None = Field(default=None, description="Pour « acceptee » : association mandatée")
    cible_code: str | None = Field(default=None, max_length=50, description="Pour « acceptee » : cible retenue")
    type_accompagnement_code: str | None = Field(
        default=None, max_length=50, description="Pour « acceptee » : type d'accompagnement"
    )


class DecisionIn(TransitionIn):
    orientation_id: uuid.UUID


class DecisionsSession(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decisions: list[DecisionIn] = Field(min_length=1, max_length=500)


class OrientationPublic(BaseModel):
    id: uuid.UUID
    reference: str = Field(examples=["O-2026-000042"])
    menage_id: uuid.UUID
    dispositif_id: uuid.UUID
    statut: StatutOrientation
    transitions_permises: list[StatutOrientation] = Field(description="États atteignables depuis l'état actuel")
    origine: OrigineOrientation
    prescripteur_organisation_id: uuid.UUID
    prescripteur_nom: str | None
    external_ref: str | None
    cible_proposee_code: str | None
    acces_maintien: AccesMaintien
    motifs: str | None
    date_reception: date | None
    date_decision: date | None
    motif_refus: MotifRefus | None
    association_id: uuid.UUID | None
    cible_code: str | None = Field(description="« confidentielle » pour un bailleur si la cible est sensible")
    cible_libelle: str | None
    type_accompagnement_code: str | None
    mesure_id: uuid.UUID | None
    session_commission_id: uuid.UUID | None
    cree_le: datetime
    modifie_le: datetime
    version: int
    demandeur: str | None = Field(
        default=None,
        description="Dans la liste : le demandeur du ménage tel que votre organisation le lit (le dossier "
        "vivant pour l'association qui le porte, le ménage transmis pour le prescripteur et la commission) ; "
        "absent si vous ne lisez pas le ménage",
        examples=["Claire VALLÉE"],
    )


class LotOrientationsPublic(BaseModel):
    orientations: list[OrientationPublic] = Field(description="Les orientations créées, dans l'ordre du lot")


class EvenementPublic(BaseModel):
    id: uuid.UUID
    quand: datetime
    date_effet: date | None
    auteur_type: str
    auteur_id: uuid.UUID
    organisation_id: uuid.UUID
    de_statut: StatutOrientation | None
    vers_statut: StatutOrientation
    motif: str | None = Field(description="Motif codé (refus)")
    commentaire: str | None = Field(description="Visible de la commission et de l'organisation auteure")
    session_commission_id: uuid.UUID | None


MembrePresent = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
MEMBRES_MAX = 30


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dispositif_id: uuid.UUID
    date: date
    lieu: str | None = Field(default=None, max_length=200)
    membres_presents: list[MembrePresent] = Field(
        default_factory=list,
        max_length=MEMBRES_MAX,
        description="Membres présents (nom et qualité), imprimés en tête du procès-verbal",
        examples=[["Mme Le Gall, présidente (GIE)", "M. Robin, DDETS"]],
    )


class SessionUpdate(ModificationPartielle):
    """Lieu, date et membres présents d'une session encore ouverte."""

    model_config = ConfigDict(extra="forbid")
    table = SessionCommission
    date: Date | None = None  # « Date »: the field's name would hide the type
    lieu: str | None = Field(default=None, max_length=200)
    membres_presents: list[MembrePresent] | None = Field(default=None, max_length=MEMBRES_MAX)
    null_permis = frozenset({"membres_presents"})


class OrdreDuJourIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    orientation_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)


class SessionPublic(BaseModel):
    id: uuid.UUID
    dispositif_id: uuid.UUID
    date: date
    lieu: str | None
    membres_presents: list[str] = Field(description="Membres présents, imprimés au procès-verbal")
    close: bool
    decidable: bool = Field(
        description="La date de la session est arrivée et elle est ouverte : ses décisions s'enregistrent"
    )
    ordre_du_jour: list[uuid.UUID] = Field(description="Orientations inscrites à la session")
    a_decider: int = Field(description="Orientations de l'ordre du jour encore « en commission »")
    cree_le: datetime


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: HttpUrl = Field(description="Adresse qui reçoit les changements d'état (POST JSON signé)")
    secret: str = Field(min_length=24, max_length=200, description="Secret partagé pour la signature HMAC-SHA256")


class WebhookPublic(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    url: str
    actif: bool
    cree_le: datetime


class TentativePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    numero: int
    quand: datetime
    code_http: int | None
    erreur: str | None
    duree_ms: int


class LivraisonPublic(BaseModel):
    id: uuid.UUID
    orientation_id: uuid.UUID
    evenement_id: uuid.UUID
    statut: str = Field(description="en_attente, livree ou echec (abandon après le dernier essai)")
    tentatives: int
    prochaine_tentative: datetime | None
    livree_le: datetime | None
    corps: str = Field(description="Corps JSON envoyé (signé)")
    essais: list[TentativePublic]


class LivraisonEnEchec(BaseModel):
    """Une livraison de webhook abandonnée après son dernier essai (administration)."""

    id: uuid.UUID
    webhook_id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_nom: str = Field(description="Organisation abonnée (bailleur, prescripteur)")
    url: str = Field(description="Adresse cible du webhook")
    webhook_actif: bool = Field(description="Faux si l'organisation a supprimé ce webhook : rien à relancer")
    orientation_id: uuid.UUID
    orientation_reference: str
    tentatives: int = Field(description="Nombre d'essais de la dernière série")
    derniere_erreur: str | None = Field(description="Réponse ou erreur du dernier essai")
    dernier_code_http: int | None
    dernier_essai_le: datetime | None
    cree_le: datetime


class OrientationEnAttente(OrientationPublic):
    """Une orientation qui attend une séance : reçue, ajournée, en attente d'informations, ou
    « en commission » sans séance ouverte pour la décider."""

    jours_attente: int = Field(description="Jours écoulés depuis la réception de l'orientation", examples=[12])
