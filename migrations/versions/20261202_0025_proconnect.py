"""proconnect : organisations autorisées, tentatives de connexion, sessions ProConnect

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("proconnect_autorise", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "proconnect_tentative",
        sa.Column("state", sa.String(length=100), nullable=False),
        sa.Column("nonce", sa.String(length=100), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("cree_le", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_proconnect_tentative")),
    )
    op.create_index(op.f("ix_proconnect_tentative_cree_le"), "proconnect_tentative", ["cree_le"], unique=False)
    op.create_table(
        "proconnect_session",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("id_token", sa.String(length=8000), nullable=False),
        sa.Column("cree_le", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session_auth.id"],
            name=op.f("fk_proconnect_session_session_id_session_auth"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_proconnect_session")),
    )


def downgrade() -> None:
    op.drop_table("proconnect_session")
    op.drop_index(op.f("ix_proconnect_tentative_cree_le"), table_name="proconnect_tentative")
    op.drop_table("proconnect_tentative")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("proconnect_autorise")
