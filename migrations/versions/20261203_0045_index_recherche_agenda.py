"""Index couvrants : la page d'une recherche de ménages, la semaine d'une association

Two covering indexes found by ``make bench-capacite`` (``pg_stat_statements`` over a
run at 250–300 users, then ``EXPLAIN (ANALYZE, BUFFERS)``):

* ``ix_menage_ordre (id, modifie_le)``: a search sorts all its matches by date of
  change to keep a page of twenty; it now reads those two columns from this index
  instead of fetching each matching household from the table (4,000 for « mar » in an
  association's households).
* ``ix_mesure_association_ids (association_id, id)``: the agenda of a responsable (the
  rendez-vous of the association's week, and their count) joins the week's
  rendez-vous to the association's mesures; PostgreSQL hashed those from the table
  (22,000 mesures, 7,700 pages for the largest association), and now from the index.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_menage_ordre", "menage", ["id", "modifie_le"], unique=False)
    op.create_index("ix_mesure_association_ids", "mesure", ["association_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mesure_association_ids", table_name="mesure")
    op.drop_index("ix_menage_ordre", table_name="menage")
