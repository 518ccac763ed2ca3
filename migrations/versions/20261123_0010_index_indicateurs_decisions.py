"""indicateurs : décisions par date d'effet, date de réception de l'orientation à l'entrée

* The indicators count the decisions of a period by their effective date
(``COALESCE(date_effet, UTC date of quand)``, api/indicateurs/sql.py ``jour``):
no index served that filter, so every report read all the orientation events
(a parallel sequential scan of 668 000 rows at département scale). A partial
expression index over the decision events, with the columns the grouping reads,
gives the year's decisions by an index range (index only), and statistics on the
expression (PostgreSQL) let the planner expect as many as there are. The expression is exactly the
query's on each database (PostgreSQL: ``timezone('UTC', quand)::date``; SQLite:
``date(quand)``), else the planner would not match it.
* ``mesure.entree_reception_orientation``: the orientation's reception date,
copied at mandatement like the rest of the entry snapshot (it is set once, at
submission, before any mesure). The year of orientation of the file active was
the only reason the indicators joined the orientations: every one of them read
and hashed (200 000 rows) for 22 000 mesures. Existing mesures are backfilled
from their orientation.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# api/indicateurs/service.py DECISIONS (kept literal: a migration does not follow the code).
DECISIONS = "('acceptee', 'ajournee', 'attente_infos', 'liste_attente', 'refusee', 'refus_beneficiaire')"


def upgrade() -> None:
    op.add_column("mesure", sa.Column("entree_reception_orientation", sa.Date(), nullable=True))
    op.execute(
        "UPDATE mesure SET entree_reception_orientation = "
        "(SELECT o.date_reception FROM orientation o WHERE o.id = mesure.orientation_id) "
        "WHERE orientation_id IS NOT NULL"
    )
    if op.get_bind().dialect.name == "postgresql":
        date_ev = "COALESCE(date_effet, CAST(timezone('UTC', quand) AS DATE))"
    else:
        date_ev = "coalesce(date_effet, date(quand))"
    op.create_index(
        "ix_orientation_evenement_decisions",
        "orientation_evenement",
        [sa.text(date_ev)],
        postgresql_where=sa.text(f"vers_statut IN {DECISIONS}"),
        sqlite_where=sa.text(f"vers_statut IN {DECISIONS}"),
        postgresql_include=["orientation_id", "vers_statut", "motif", "date_effet", "quand"],
    )
    if op.get_bind().dialect.name == "postgresql":
        # The planner ignores the statistics of a partial index's expression: without its
        # own statistics it estimated 1 200 decisions for a year instead of 30 000 and
        # probed the orientations one by one (30 000 index scans) instead of hashing them.
        op.execute(f"CREATE STATISTICS st_orientation_evenement_date_effective ON ({date_ev}) FROM orientation_evenement")
        op.execute("ANALYZE orientation_evenement")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_orientation_evenement_date_effective")
    op.drop_index("ix_orientation_evenement_decisions", table_name="orientation_evenement")
    with op.batch_alter_table("mesure", schema=None) as batch_op:
        batch_op.drop_column("entree_reception_orientation")
