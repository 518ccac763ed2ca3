"""recherche des ménages par adresse : index trigrammes sur PostgreSQL

The header's search box (issue 14) finds a household by name, reference, phone or
address. The address part (api/menages/service.py ``condition_recherche``) is an
``ILIKE '%…%'`` like the others: on PostgreSQL a ``pg_trgm`` GIN index serves it, so
it joins the UNION of index reads of migration 0014 instead of scanning every
household. SQLite keeps its plain scan.

Revision ID: 0028
Revises: 0018
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = {"ix_menage_adresse_trgm": "menage USING gin (adresse gin_trgm_ops)"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for nom, definition in INDEX.items():
        op.execute(f"CREATE INDEX {nom} ON {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for nom in INDEX:
        op.execute(f"DROP INDEX IF EXISTS {nom}")
