"""imports : correspondance des colonnes gardée par association et par feuille

When a partner's spreadsheet has its own headers, the import takes a mapping (its header →
the template's column); the mapping of the last successful import is kept here so that
the next upload of the same export needs none.

Revision ID: 0038
Revises: 0025
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_correspondance",
        sa.Column("association_id", sa.Uuid(), nullable=False),
        sa.Column("feuille", sa.String(length=30), nullable=False),
        sa.Column("colonnes", sa.JSON(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("modifie_le", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"], ["organisation.id"], name=op.f("fk_import_correspondance_association_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["import_fichier.id"], name=op.f("fk_import_correspondance_import_id_import_fichier")
        ),
        sa.PrimaryKeyConstraint("association_id", "feuille", name=op.f("pk_import_correspondance")),
    )


def downgrade() -> None:
    op.drop_table("import_correspondance")
