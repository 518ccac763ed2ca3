"""The imports of a caseload: each upload (dry run or import), and the association's own
references of what it imported (the key that makes a second import update, not duplicate)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class StatutImport(StrEnum):
    essai_valide = "essai_valide"  # dry run without error: the import may follow
    essai_erreurs = "essai_erreurs"  # dry run with errors: nothing may be written
    importe = "importe"  # written, in one transaction
    refuse = "refuse"  # import asked with errors: nothing written
    # A large file runs as a background task (the notifications' worker, python -m api notifications):
    en_attente = "en_attente"  # deposited, waiting for the worker
    en_cours = "en_cours"  # the worker runs it: see its lines read, checked, written
    echec = "echec"  # the task stopped on an unexpected failure: nothing written


class NatureObjet(StrEnum):
    menage = "menage"
    mesure = "mesure"
    rendez_vous = "rendez_vous"


class ImportFichier(SQLModel, table=True):
    """One upload, kept as the history of the association's imports. No nominative data:
    the file's name and fingerprint, who, when, and the counts; the per-line report is
    given back with the answer, and stored only for a background task (``erreurs``), whose
    answer nobody waits for."""

    __tablename__ = "import_fichier"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    association_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    auteur_id: uuid.UUID
    auteur_organisation_id: uuid.UUID
    quand: datetime = Field(default_factory=utcnow, index=True)
    essai: bool
    statut: str = Field(max_length=20)
    nom_fichier: str = Field(max_length=300)
    empreinte: str = Field(max_length=64, description="SHA-256 des fichiers déposés")
    nb_lignes: int = 0
    nb_erreurs: int = 0
    # {"menage": {"cree": 3, "modifie": 1, "inchange": 30}, "mesure": {...}, "rendez_vous": {...}}
    bilan: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # A background task's progress and outcome, in the database: any API worker answers
    # the screen's polling. The synchronous path fills them at once.
    en_fond: bool = False
    lignes_lues: int = 0
    lignes_verifiees: int = 0
    lignes_ecrites: int = 0
    termine_le: datetime | None = None
    # The worker's last sign of life on a running task (taken, then each progress written): a
    # task « en_cours » silent for long is one whose worker died (api/imports/service.py).
    vu_le: datetime | None = None
    message: str | None = Field(default=None, max_length=1000)
    # A task's per-line report (at most 500, like the 422 of the synchronous path): nobody
    # waits on the request to receive it. Only the importing association and the admin read it.
    erreurs: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class ImportTache(SQLModel, table=True):
    """What a background import needs and the request had: its parameters (mapping, the day,
    the author's session). Deleted with its files when the task ends, whatever the outcome."""

    __tablename__ = "import_tache"

    import_id: uuid.UUID = Field(foreign_key="import_fichier.id", primary_key=True)
    # {"correspondance": {...} | null, "aujourdhui": "2026-12-02", "session_id": "..."}
    parametres: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ImportTacheFichier(SQLModel, table=True):
    """One deposited file of a background import, kept only until the worker has run it."""

    __tablename__ = "import_tache_fichier"

    import_id: uuid.UUID = Field(foreign_key="import_tache.import_id", primary_key=True)
    rang: int = Field(primary_key=True)
    nom: str = Field(max_length=300)
    contenu: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ImportObjet(SQLModel, table=True):
    """An association's own reference (its spreadsheet's) of a fact it imported: the
    idempotence key. One row per (association, nature, reference), pointing at the
    ménage, mesure or rendez-vous it became, and the last import that wrote it."""

    __tablename__ = "import_objet"

    association_id: uuid.UUID = Field(foreign_key="organisation.id", primary_key=True)
    nature: str = Field(max_length=20, primary_key=True)
    reference_externe: str = Field(max_length=60, primary_key=True)
    objet_id: uuid.UUID = Field(index=True)
    import_id: uuid.UUID = Field(foreign_key="import_fichier.id", index=True)
    cree_par_import_id: uuid.UUID = Field(foreign_key="import_fichier.id")


class ImportCorrespondance(SQLModel, table=True):
    """An association's column mapping for one sheet, kept from its last import: its own
    spreadsheet's headers → the template's column keys. An upload without a mapping uses
    it, so a partner whose export never changes maps its columns once."""

    __tablename__ = "import_correspondance"

    association_id: uuid.UUID = Field(foreign_key="organisation.id", primary_key=True)
    feuille: str = Field(max_length=30, primary_key=True)
    # {"Réf. dossier": "reference_menage", ...}: the header as written in the file
    colonnes: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    import_id: uuid.UUID = Field(foreign_key="import_fichier.id")
    modifie_le: datetime = Field(default_factory=utcnow)
