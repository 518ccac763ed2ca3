"""rapports : les deux modèles livrés (rapport d'activité annuel, bilan à une date)

The models are data: this inserts version 1 of each, with fixed ids (uuid5 of the code)
so that every installation names them alike. A later change to a shipped model is a new
version inserted by a new migration.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ESPACE = uuid.UUID("6f1c3f0e-2d6b-4c39-9d0a-5b7e1a0c7f15")


def upgrade() -> None:
    from api.rapports.livres import LIVRES

    table = sa.table(
        "rapport_modele",
        sa.column("id", sa.Uuid()),
        sa.column("famille", sa.Uuid()),
        sa.column("version", sa.Integer()),
        sa.column("code", sa.String()),
        sa.column("nom", sa.String()),
        sa.column("description", sa.Text()),
        sa.column("nature", sa.String()),
        sa.column("sections", sa.JSON()),
        sa.column("cree_le", sa.DateTime()),
    )
    maintenant = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        table,
        [
            {
                "id": uuid.uuid5(ESPACE, f"{m['code']}:{m['version']}"),
                "famille": uuid.uuid5(ESPACE, m["code"]),
                "version": m["version"],
                "code": m["code"],
                "nom": m["nom"],
                "description": m["description"],
                "nature": m["nature"],
                "sections": m["sections"],
                "cree_le": maintenant,
            }
            for m in LIVRES
        ],
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM rapport_modele WHERE organisation_id IS NULL AND version = 1"))
