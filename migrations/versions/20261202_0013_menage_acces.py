"""ménage accès : les relations des organisations aux ménages, tenues à chaque écriture

« The households I may see » was recomputed from everything an organisation ever
touched (all its mesures, all its orientations) before each query: seconds at a
département's scale. The policy's relations to a household (api/acces/politique.py)
are kept here, one row per (organisation, household, relation), so that visibility
is an index range on (organisation_id, …) and a probe by primary key.

Kept by triggers, so that every writer keeps it — the services, the demo's bulk
inserts, an operator's SQL — with the same SQL on both databases:

* a household's author: ``menage.organisation_id``;
* a referral's prescriber, its dispositif's commission once it is submitted (statut
  other than brouillon), the association it was accepted for (« porteur »);
* a mesure's association (« porteur »).

Relations only grow in the product (a submitted referral is never a draft again, a
mesure never changes association); a row is never removed but with its household.
Existing rows are backfilled with the same SELECT.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The relations one row gives, as a SELECT over ``NEW`` (the row a trigger fires for).
RELATIONS_DE = {
    "menage": "SELECT NEW.organisation_id, NEW.id, 'auteur'",
    "orientation": (
        "SELECT NEW.prescripteur_organisation_id, NEW.menage_id, 'prescripteur' "
        "UNION ALL SELECT d.commission_id, NEW.menage_id, 'commission' FROM dispositif d "
        "WHERE d.id = NEW.dispositif_id AND NEW.statut <> 'brouillon' "
        "UNION ALL SELECT NEW.association_id, NEW.menage_id, 'porteur' "
        "WHERE NEW.statut = 'acceptee' AND NEW.association_id IS NOT NULL"
    ),
    "mesure": "SELECT NEW.association_id, NEW.menage_id, 'porteur'",
}
COLONNES = {
    "menage": "organisation_id",
    "orientation": "statut, association_id, prescripteur_organisation_id, dispositif_id, menage_id",
    "mesure": "association_id, menage_id",
}
# The same relations over every existing row (backfill).
TOUT = (
    "SELECT organisation_id, id, 'auteur' FROM menage "
    "UNION SELECT prescripteur_organisation_id, menage_id, 'prescripteur' FROM orientation "
    "UNION SELECT d.commission_id, o.menage_id, 'commission' FROM orientation o "
    "JOIN dispositif d ON d.id = o.dispositif_id WHERE o.statut <> 'brouillon' "
    "UNION SELECT association_id, menage_id, 'porteur' FROM orientation "
    "WHERE statut = 'acceptee' AND association_id IS NOT NULL "
    "UNION SELECT association_id, menage_id, 'porteur' FROM mesure"
)


def upgrade() -> None:
    op.create_table(
        "menage_acces",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("menage_id", sa.Uuid(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["menage_id"], ["menage.id"], name=op.f("fk_menage_acces_menage_id_menage"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("organisation_id", "menage_id", "relation", name=op.f("pk_menage_acces")),
    )
    op.create_index(op.f("ix_menage_acces_menage_id"), "menage_acces", ["menage_id"], unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, select_new in RELATIONS_DE.items():
        if postgres:
            op.execute(
                f"CREATE FUNCTION ancrage_acces_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"INSERT INTO menage_acces (organisation_id, menage_id, relation) {select_new} "
                "ON CONFLICT DO NOTHING; RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER ancrage_acces_{table} AFTER INSERT OR UPDATE OF {COLONNES[table]} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION ancrage_acces_{table}()"
            )
        else:  # SQLite: one trigger per event, the statement inline
            for i, quand in enumerate(("INSERT", f"UPDATE OF {COLONNES[table]}")):
                op.execute(
                    f"CREATE TRIGGER ancrage_acces_{table}_{i} AFTER {quand} ON {table} FOR EACH ROW BEGIN "
                    f"INSERT OR IGNORE INTO menage_acces (organisation_id, menage_id, relation) {select_new}; END"
                )
    op.execute(f"INSERT INTO menage_acces (organisation_id, menage_id, relation) {TOUT}")
    if postgres:
        op.execute("ANALYZE menage_acces")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in ("menage", "orientation", "mesure"):
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS ancrage_acces_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS ancrage_acces_{table}()")
        else:
            for i in range(2):
                op.execute(f"DROP TRIGGER IF EXISTS ancrage_acces_{table}_{i}")
    op.drop_index(op.f("ix_menage_acces_menage_id"), table_name="menage_acces")
    op.drop_table("menage_acces")
