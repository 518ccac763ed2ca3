"""rapports : modèles (versionnés), rapports, documents déposés

Revision ID: 0032
Revises: 0030
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rapport_modele",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("famille", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("nom", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("nature", sa.String(length=20), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("cree_le", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_rapport_modele_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["source_id"], ["rapport_modele.id"], name=op.f("fk_rapport_modele_source_id_rapport_modele")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rapport_modele")),
        sa.UniqueConstraint("famille", "version", name=op.f("uq_rapport_modele_famille_version")),
    )
    op.create_index(op.f("ix_rapport_modele_famille"), "rapport_modele", ["famille"], unique=False)
    op.create_index(op.f("ix_rapport_modele_organisation_id"), "rapport_modele", ["organisation_id"], unique=False)
    op.create_table(
        "rapport",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("titre", sa.String(length=200), nullable=False),
        sa.Column("modele_id", sa.Uuid(), nullable=False),
        sa.Column("dispositif_id", sa.Uuid(), nullable=False),
        sa.Column("association_id", sa.Uuid(), nullable=True),
        sa.Column("du", sa.Date(), nullable=False),
        sa.Column("au", sa.Date(), nullable=False),
        sa.Column("auteur_id", sa.Uuid(), nullable=False),
        sa.Column("cree_par_id", sa.Uuid(), nullable=False),
        sa.Column("narration", sa.JSON(), nullable=False),
        sa.Column("statut", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("cree_le", sa.DateTime(), nullable=False),
        sa.Column("modifie_le", sa.DateTime(), nullable=False),
        sa.Column("depose_le", sa.DateTime(), nullable=True),
        sa.Column("depose_par_id", sa.Uuid(), nullable=True),
        sa.Column("fige", sa.JSON(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["modele_id"], ["rapport_modele.id"], name=op.f("fk_rapport_modele_id_rapport_modele")),
        sa.ForeignKeyConstraint(["dispositif_id"], ["dispositif.id"], name=op.f("fk_rapport_dispositif_id_dispositif")),
        sa.ForeignKeyConstraint(
            ["association_id"], ["organisation.id"], name=op.f("fk_rapport_association_id_organisation")
        ),
        sa.ForeignKeyConstraint(["auteur_id"], ["organisation.id"], name=op.f("fk_rapport_auteur_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rapport")),
    )
    for col in ("modele_id", "dispositif_id", "association_id", "auteur_id", "statut"):
        op.create_index(op.f(f"ix_rapport_{col}"), "rapport", [col], unique=False)
    op.create_table(
        "rapport_document",
        sa.Column("rapport_id", sa.Uuid(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("public", sa.String(length=10), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("contenu", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rapport_id"], ["rapport.id"], name=op.f("fk_rapport_document_rapport_id_rapport"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("rapport_id", "format", "public", name=op.f("pk_rapport_document")),
    )


def downgrade() -> None:
    op.drop_table("rapport_document")
    for col in ("modele_id", "dispositif_id", "association_id", "auteur_id", "statut"):
        op.drop_index(op.f(f"ix_rapport_{col}"), table_name="rapport")
    op.drop_table("rapport")
    op.drop_index(op.f("ix_rapport_modele_organisation_id"), table_name="rapport_modele")
    op.drop_index(op.f("ix_rapport_modele_famille"), table_name="rapport_modele")
    op.drop_table("rapport_modele")
