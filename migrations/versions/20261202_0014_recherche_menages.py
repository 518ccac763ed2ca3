"""recherche des ménages : index trigrammes (nom, référence, téléphone) sur PostgreSQL

The household search (api/menages/service.py ``lister_menages``) looks for a part of a
name, of a reference or of a phone number: ``LIKE '%…%'``, which no B-tree serves. At
département scale (100 000 households) each search read every person and every
household (issue 20: 0.5–0.7 s p50 idle). On PostgreSQL, ``pg_trgm`` GIN indexes serve
these patterns (three characters or more):

* ``personne.nom_recherche`` (« nom prénom » without accents or case, written by the
  services): accent- and case-insensitive by construction;
* ``menage.reference`` (searched with ILIKE);
* the digits of ``menage.telephone``, by the very expression the query writes
  (``regexp_replace(telephone, '[^0-9]', '', 'g')``, api/core/fonctions_sql.py
  ``chiffres``): « 06 12 34 56 78 » and « 06.12.34.56.78 » are found alike.

SQLite (development, tests) keeps its plain scan: nothing to create there.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept literal: a migration does not follow the code (api/core/fonctions_sql.py CHIFFRES_PG).
INDEX = {
    "ix_personne_nom_recherche_trgm": "personne USING gin (nom_recherche gin_trgm_ops)",
    "ix_menage_reference_trgm": "menage USING gin (reference gin_trgm_ops)",
    "ix_menage_telephone_trgm": "menage USING gin (regexp_replace(telephone, '[^0-9]', '', 'g') gin_trgm_ops)",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for nom, definition in INDEX.items():
        op.execute(f"CREATE INDEX {nom} ON {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for nom in INDEX:
        op.execute(f"DROP INDEX IF EXISTS {nom}")
    # The extension stays: another schema object may use it, and it holds no data.
