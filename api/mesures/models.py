"""Mesures (one support measure: one association, one ménage) and rendez-vous."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class StatutMesure(StrEnum):
    mandatee = "mandatee"
    en_evaluation = "en_evaluation"
    active = "active"
    suspendue = "suspendue"
    terminee = "terminee"


class AccesMaintien(StrEnum):
    acces = "acces"
    maintien = "maintien"


class ModaliteLogement(StrEnum):
    bail_direct = "bail_direct"
    sous_location_gla = "sous_location_gla"
    iml_bail_glissant = "iml_bail_glissant"
    logement_transition = "logement_transition"
    hebergement = "hebergement"


class MotifFin(StrEnum):
    objectifs_atteints = "objectifs_atteints"
    relogement = "relogement"
    glissement_bail = "glissement_bail"
    reorientation_autre_dispositif = "reorientation_autre_dispositif"
    non_adhesion = "non_adhesion"
    sanction_fin_prise_en_charge = "sanction_fin_prise_en_charge"
    demenagement = "demenagement"
    deces = "deces"
    duree_maximale_atteinte = "duree_maximale_atteinte"
    autre = "autre"


class DomaineIntervention(StrEnum):
    acces_logement = "acces_logement"
    maintien = "maintien"
    relogement = "relogement"
    appropriation_logement = "appropriation_logement"
    insertion_quartier = "insertion_quartier"
    budget_dettes = "budget_dettes"
    acces_droits = "acces_droits"
    sante = "sante"
    emploi = "emploi"
    parentalite = "parentalite"
    vieillissement = "vieillissement"
    mediation_locative = "mediation_locative"


class TypeRendezVous(StrEnum):
    visite_domicile = "visite_domicile"
    entretien_bureau = "entretien_bureau"
    rencontre_tripartite = "rencontre_tripartite"
    accompagnement_physique = "accompagnement_physique"
    telephone = "telephone"
    visio = "visio"
    atelier_collectif = "atelier_collectif"
    aller_vers = "aller_vers"


class StatutRendezVous(StrEnum):
    planifie = "planifie"
    realise = "realise"
    annule = "annule"
    absent = "absent"


# What every alert on a mesure reads of it (api/alertes/service.py), and what the rules on
# open mesures read besides (their dates, the dérogation): kept in the alerts' indexes.
COLONNES_ALERTES = ("id", "reference", "dispositif_id")
COLONNES_ALERTES_OUVERTES = (
    *COLONNES_ALERTES,
    "date_mandatement",
    "date_debut",
    "date_fin_prevue",
    "derogation_duree_motif",
)


class Mesure(SQLModel, table=True):
    __tablename__ = "mesure"
    __table_args__ = (
        Index("ix_mesure_dispositif_id_date_mandatement", "dispositif_id", "date_mandatement"),
        # The lists' shape (one dispositif, one status, one association, newest first);
        # INCLUDE lets PostgreSQL count the visible mesures from the index alone.
        Index(
            "ix_mesure_liste",
            "dispositif_id",
            "statut",
            "association_id",
            "date_mandatement",
            postgresql_include=["orientation_id", "id"],
        ),
        # The page itself: a backward scan gives newest mandatement first, then reference
        # (unique, so the order is total and a keyset cursor can follow it).
        Index("ix_mesure_page", "dispositif_id", "statut", "date_mandatement", "reference"),
        # An association's own mesures, newest first (its list across dispositifs).
        Index("ix_mesure_association_page", "association_id", "date_mandatement", "reference"),
        # The ids of an association's mesures, from the index alone: what its week of
        # rendez-vous (the agenda, its count) joins on; from ``ix_mesure_association_id``
        # PostgreSQL read every mesure the association ever carried from the table
        # (7,700 pages for the largest; migration 0045).
        Index("ix_mesure_association_ids", "association_id", "id"),
        # The periods of a modalité de logement (IML, logement de transition): a quarter of
        # the mesures have one; the indicators' entries and exits into them read those of a
        # dispositif only, not every mesure of the period (migration 0046).
        Index(
            "ix_mesure_modalite",
            "dispositif_id",
            "date_mandatement",
            postgresql_where=text("modalite_logement IS NOT NULL"),
            sqlite_where=text("modalite_logement IS NOT NULL"),
        ),
        # The alerts' work list reads an association's (or a référent's) open mesures, a
        # sixth of all, and the closed ones whose six-month follow-up is still due: two
        # partial indexes, so neither is a scan of everything the association ever carried.
        # INCLUDE (PostgreSQL, migration 0041): what the rules read, so that the rules are
        # index-only scans (162 pages instead of 5,500 heap pages for the open mesures of
        # the largest association; the visibility map says which heap pages to read still).
        Index(
            "ix_mesure_ouverte",
            "association_id",
            "referent_id",
            postgresql_where=text("statut <> 'terminee'"),
            sqlite_where=text("statut <> 'terminee'"),
            postgresql_include=list(COLONNES_ALERTES_OUVERTES),
        ),
        Index(
            "ix_mesure_suivi_du",
            "association_id",
            "referent_id",
            "suivi_date_prevue",
            postgresql_where=text("statut = 'terminee' AND suivi_realise_le IS NULL"),
            sqlite_where=text("statut = 'terminee' AND suivi_realise_le IS NULL"),
            postgresql_include=list(COLONNES_ALERTES),
        ),
        # The alert « premier rendez-vous en attente »: the open mesures without a held
        # rendez-vous are few (about one in twenty at département scale), read from here
        # instead of probing the rendez-vous of every open mesure (migration 0041).
        Index(
            "ix_mesure_sans_premier_rdv",
            "association_id",
            "referent_id",
            "date_mandatement",
            postgresql_where=text("statut <> 'terminee' AND premier_rdv_realise IS NULL"),
            sqlite_where=text("statut <> 'terminee' AND premier_rdv_realise IS NULL"),
            postgresql_include=list(COLONNES_ALERTES),
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    menage_id: uuid.UUID = Field(foreign_key="menage.id", index=True)
    dispositif_id: uuid.UUID = Field(foreign_key="dispositif.id", index=True)
    association_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    # The accepted referral it comes from (None when opened directly by the association).
    orientation_id: uuid.UUID | None = Field(default=None, index=True)
    referent_id: uuid.UUID | None = Field(default=None, foreign_key="utilisateur.id", index=True)
    statut: str = Field(max_length=20, default=StatutMesure.mandatee.value, index=True)
    cible_code: str = Field(max_length=50)
    type_accompagnement_code: str = Field(max_length=50)
    acces_maintien: str = Field(max_length=10)
    date_mandatement: date
    date_debut: date | None = None
    date_fin_prevue: date | None = None
    date_fin: date | None = Field(default=None, index=True)
    motif_fin: str | None = Field(default=None, max_length=40)
    situation_sortie: str | None = Field(default=None, max_length=40)
    adhesion_date: date | None = None
    adhesion_modalite: str | None = Field(default=None, max_length=200)
    derogation_duree_motif: str | None = Field(default=None, max_length=500)
    modalite_logement: str | None = Field(default=None, max_length=30)
    modalite_date_debut: date | None = None
    modalite_date_fin: date | None = None
    date_glissement: date | None = None
    # Situation at entry, copied at mandatement: "at entry" figures never move afterwards.
    entree_statut_occupation: str | None = Field(default=None, max_length=40)
    entree_composition: str | None = Field(default=None, max_length=40)
    entree_commune_insee: str | None = Field(default=None, max_length=5, index=True)
    entree_nb_procedures_expulsion: int = 0
    entree_stade_procedure: str | None = Field(default=None, max_length=40)
    entree_dette_locative: int = 0
    entree_situation_professionnelle: str | None = Field(default=None, max_length=40)
    # The demandeur and the persons at entry (api/mesures/entree.py): ages in full
    # years on the mandatement date, so that age figures survive retention.
    entree_age_demandeur: int | None = None
    # The demandeur's month and year of birth (YYYYMM), the day dropped: ages *at a date*
    # are computed from it (api/mesures/entree.py), and retention keeps it so that
    # every age table is the same before and after anonymisation (docs/indicateurs.md).
    entree_naissance_demandeur: int | None = None
    entree_sexe_demandeur: str | None = Field(default=None, max_length=20)
    entree_nb_mineurs: int = 0
    entree_nb_18_25: int = 0
    entree_nb_26_64: int = 0
    entree_nb_65_plus: int = 0
    entree_nb_age_inconnu: int = 0
    # Across the classes above (api/mesures/entree.py, FOYER): seed 004's young adults
    # living with their parents and persons of 65 or more living alone.
    entree_nb_jeunes_majeurs_domicile: int = 0
    entree_nb_isoles_65_plus: int = 0
    # The orientation's reception date, copied at mandatement (it is set once, at
    # submission, before any mesure): the indicators' year of orientation without
    # joining every orientation (issue 8).
    entree_reception_orientation: date | None = None
    suivi_date_prevue: date | None = None
    suivi_realise_le: date | None = None
    suivi_joint: bool | None = None
    suivi_situation: str | None = Field(default=None, max_length=40)
    suivi_commentaire: str | None = Field(default=None, max_length=2000)
    # The start of the mesure's first held rendez-vous (« réalisé », the follow-up
    # included), None while there is none. Derived from ``rendez_vous``, kept by database
    # triggers whatever writes them (migration 0041: creation, status, date, move,
    # deletion; the services, the import, the demo's COPY, an operator's SQL); never
    # written by the application, not part of the mesure's version.
    premier_rdv_realise: datetime | None = None
    cree_le: datetime = Field(default_factory=utcnow)
    modifie_le: datetime = Field(default_factory=utcnow)
    version: int = 1


class MesureRessourceEntree(SQLModel, table=True):
    __tablename__ = "mesure_ressource_entree"

    mesure_id: uuid.UUID = Field(foreign_key="mesure.id", primary_key=True, ondelete="CASCADE")
    type: str = Field(max_length=40, primary_key=True)
    montant_mensuel: int | None = None


class MesureDetteEntree(SQLModel, table=True):
    __tablename__ = "mesure_dette_entree"

    mesure_id: uuid.UUID = Field(foreign_key="mesure.id", primary_key=True, ondelete="CASCADE")
    type: str = Field(max_length=40, primary_key=True)
    montant: int = 0


class MesureDomaine(SQLModel, table=True):
    __tablename__ = "mesure_domaine"

    mesure_id: uuid.UUID = Field(foreign_key="mesure.id", primary_key=True, ondelete="CASCADE")
    domaine: str = Field(max_length=40, primary_key=True)


class MesureHistorique(SQLModel, table=True):
    """A past value of one attribute of a mesure and the days it was in force:
    ``du`` included, ``jusqu_au`` excluded. The current value is on the mesure, in force
    from the latest ``jusqu_au`` (or the mandatement); indicators at a past date read
    the value in force that day (api/mesures/historique.py)."""

    __tablename__ = "mesure_historique"
    __table_args__ = (
        Index("ix_mesure_historique_mesure", "mesure_id", "attribut", "jusqu_au"),
        # Indicators at D: the periods containing D, whatever the mesure.
        Index("ix_mesure_historique_periode", "jusqu_au", "du", "mesure_id"),
        # The past periods of a modalité de logement ending from a date on (the indicators'
        # entries and exits): a few rows, where the statut's periods are twelve times more.
        Index(
            "ix_mesure_historique_modalite",
            "jusqu_au",
            "du",
            postgresql_where=text("attribut = 'modalite_logement'"),
            sqlite_where=text("attribut = 'modalite_logement'"),
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    mesure_id: uuid.UUID = Field(foreign_key="mesure.id", ondelete="CASCADE")
    attribut: str = Field(max_length=30)
    valeur: str | None = Field(default=None, max_length=60)
    du: date
    jusqu_au: date
    cree_le: datetime = Field(default_factory=utcnow)


class MesureEvenement(SQLModel, table=True):
    """Every change of a mesure, kept for ever: the timeline is read from these."""

    __tablename__ = "mesure_evenement"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    mesure_id: uuid.UUID = Field(foreign_key="mesure.id", index=True)
    quand: datetime = Field(default_factory=utcnow)
    date_effet: date | None = None
    auteur_type: str = Field(max_length=20)
    auteur_id: uuid.UUID
    organisation_id: uuid.UUID
    type: str = Field(max_length=30)
    de_statut: str | None = Field(default=None, max_length=20)
    vers_statut: str | None = Field(default=None, max_length=20)
    motif: str | None = Field(default=None, max_length=60)
    commentaire: str | None = Field(default=None, max_length=2000)
    donnees: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class RendezVous(SQLModel, table=True):
    __tablename__ = "rendez_vous"
    __table_args__ = (
        Index("ix_rendez_vous_mesure_id_debut", "mesure_id", "debut"),
        # Indicators: the rendez-vous of a period by type and status from the index alone,
        # and each mesure's first held rendez-vous (not a follow-up) in one probe.
        Index("ix_rendez_vous_indicateurs", "debut", "mesure_id", "type", "statut"),
        Index("ix_rendez_vous_premier_realise", "mesure_id", "statut", "est_suivi", "debut"),
        # The alerts' « rendez-vous à renseigner »: the planned ones already past are few
        # (a held one leaves « planifie »), read from this partial index whatever the scope.
        Index(
            "ix_rendez_vous_planifie_debut",
            "debut",
            "mesure_id",
            "cree_par_id",
            postgresql_where=text("statut = 'planifie'"),
            sqlite_where=text("statut = 'planifie'"),
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    mesure_id: uuid.UUID = Field(foreign_key="mesure.id")
    debut: datetime = Field(index=True)
    duree_minutes: int = 60
    type: str = Field(max_length=30)
    lieu: str | None = Field(default=None, max_length=300)
    statut: str = Field(max_length=20, default=StatutRendezVous.planifie.value)
    participants: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    compte_rendu: str | None = Field(default=None, max_length=10000)
    est_suivi: bool = False  # the 6-month follow-up contact: allowed after the end
    cree_par_id: uuid.UUID | None = None
    cree_le: datetime = Field(default_factory=utcnow)
    modifie_le: datetime = Field(default_factory=utcnow)
    version: int = 1
