"""imports : les gros fichiers en tâche de fond (progression, résultat, fichiers en attente)

An upload above ANCRAGE_IMPORT_LIGNES_SYNCHRONES lines is run by the worker: its progress
and its outcome live on import_fichier (several API workers answer the screen's polling),
its files and parameters wait in import_tache / import_tache_fichier until it has run.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_fichier") as batch:
        batch.add_column(sa.Column("en_fond", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("lignes_lues", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("lignes_verifiees", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("lignes_ecrites", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("termine_le", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("vu_le", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("message", sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column("erreurs", sa.JSON(), nullable=True))
    # The imports done before were all synchronous: read, checked and tried at once.
    op.execute("UPDATE import_fichier SET lignes_lues = nb_lignes, lignes_verifiees = nb_lignes, lignes_ecrites = nb_lignes")
    with op.batch_alter_table("import_fichier") as batch:
        for colonne in ("en_fond", "lignes_lues", "lignes_verifiees", "lignes_ecrites"):
            batch.alter_column(colonne, server_default=None)
    op.create_table(
        "import_tache",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("parametres", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["import_fichier.id"], name=op.f("fk_import_tache_import_id_import_fichier")),
        sa.PrimaryKeyConstraint("import_id", name=op.f("pk_import_tache")),
    )
    op.create_table(
        "import_tache_fichier",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("rang", sa.Integer(), nullable=False),
        sa.Column("nom", sa.String(length=300), nullable=False),
        sa.Column("contenu", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["import_tache.import_id"], name=op.f("fk_import_tache_fichier_import_id_import_tache")
        ),
        sa.PrimaryKeyConstraint("import_id", "rang", name=op.f("pk_import_tache_fichier")),
    )


def downgrade() -> None:
    op.drop_table("import_tache_fichier")
    op.drop_table("import_tache")
    with op.batch_alter_table("import_fichier") as batch:
        for colonne in ("erreurs", "message", "vu_le", "termine_le", "lignes_ecrites", "lignes_verifiees", "lignes_lues", "en_fond"):
            batch.drop_column(colonne)
