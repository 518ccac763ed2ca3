"""imports : historique des imports et références propres des associations

import_fichier keeps each upload (dry run or import: file name, fingerprint, author,
counts; never the data); import_objet maps an association's own reference of a ménage,
a mesure or a rendez-vous to what it became, so that importing the corrected file again
updates instead of duplicating.

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_fichier",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("association_id", sa.Uuid(), nullable=False),
        sa.Column("auteur_id", sa.Uuid(), nullable=False),
        sa.Column("auteur_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("quand", sa.DateTime(), nullable=False),
        sa.Column("essai", sa.Boolean(), nullable=False),
        sa.Column("statut", sa.String(length=20), nullable=False),
        sa.Column("nom_fichier", sa.String(length=300), nullable=False),
        sa.Column("empreinte", sa.String(length=64), nullable=False),
        sa.Column("nb_lignes", sa.Integer(), nullable=False),
        sa.Column("nb_erreurs", sa.Integer(), nullable=False),
        sa.Column("bilan", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"], ["organisation.id"], name=op.f("fk_import_fichier_association_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_fichier")),
    )
    op.create_index(op.f("ix_import_fichier_association_id"), "import_fichier", ["association_id"], unique=False)
    op.create_index(op.f("ix_import_fichier_quand"), "import_fichier", ["quand"], unique=False)
    op.create_table(
        "import_objet",
        sa.Column("association_id", sa.Uuid(), nullable=False),
        sa.Column("nature", sa.String(length=20), nullable=False),
        sa.Column("reference_externe", sa.String(length=60), nullable=False),
        sa.Column("objet_id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("cree_par_import_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"], ["organisation.id"], name=op.f("fk_import_objet_association_id_organisation")
        ),
        sa.ForeignKeyConstraint(["import_id"], ["import_fichier.id"], name=op.f("fk_import_objet_import_id_import_fichier")),
        sa.ForeignKeyConstraint(
            ["cree_par_import_id"], ["import_fichier.id"], name=op.f("fk_import_objet_cree_par_import_id_import_fichier")
        ),
        sa.PrimaryKeyConstraint("association_id", "nature", "reference_externe", name=op.f("pk_import_objet")),
    )
    op.create_index(op.f("ix_import_objet_objet_id"), "import_objet", ["objet_id"], unique=False)
    op.create_index(op.f("ix_import_objet_import_id"), "import_objet", ["import_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_import_objet_import_id"), table_name="import_objet")
    op.drop_index(op.f("ix_import_objet_objet_id"), table_name="import_objet")
    op.drop_table("import_objet")
    op.drop_index(op.f("ix_import_fichier_quand"), table_name="import_fichier")
    op.drop_index(op.f("ix_import_fichier_association_id"), table_name="import_fichier")
    op.drop_table("import_fichier")
