"""mesure : début du premier rendez-vous réalisé, tenu par la base ; index des mesures ouvertes sans lui

The alert « premier rendez-vous en attente » (api/alertes/service.py) asked, for each open
mesure of the scope, whether a held rendez-vous exists: for a responsable of the largest
association of the département demo, 9,415 probes of ``ix_rendez_vous_premier_realise``,
28,000 pages. ``mesure.premier_rdv_realise`` keeps the answer at each write, and the
partial index ``ix_mesure_sans_premier_rdv`` gives the open mesures still waiting directly.

Kept by triggers on ``rendez_vous`` (like ``menage_acces``, migration 0013), so that every
writer keeps it — the rendez-vous services, the import, the demo's COPY, a test's ORM
insert, an operator's SQL:

* a held rendez-vous written (created « réalisé », or passing to it): the column becomes
  the earlier of its value and the rendez-vous' start (a conditional UPDATE, re-checked by
  PostgreSQL against the latest row version under concurrency);
* a held rendez-vous that changes (status back, start moved, another mesure) or is
  deleted: the column is recomputed from the mesure's held rendez-vous. On PostgreSQL the
  mesure is locked first, in its own statement, so that the recount sees a concurrent
  writer's rendez-vous once it has committed (a single UPDATE would keep the snapshot taken
  before it waited).

The alerts' other partial indexes on mesures (migration 0036) get the columns their rules
read (INCLUDE, PostgreSQL): the rules on open mesures and on follow-ups due become
index-only scans (for the largest association, 5,500 heap pages read by each of the two
rules on open mesures and 7,300 by the follow-ups, against 160 and 340 index pages).

``tests/test_premier_rdv_realise.py`` recomputes it from the rendez-vous after generated
sequences of writes and compares. Existing rows are filled from the rendez-vous.

Revision ID: 0041
Revises: 0039
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0041"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLONNES = "statut, debut, mesure_id"
# The earliest held rendez-vous of the mesure ``{id}`` (an expression of the trigger's row).
RECALCUL = (
    "UPDATE mesure SET premier_rdv_realise = (SELECT min(r.debut) FROM rendez_vous r "
    "WHERE r.mesure_id = mesure.id AND r.statut = 'realise') WHERE id = {id}"
)
PLUS_TOT = (
    "UPDATE mesure SET premier_rdv_realise = NEW.debut WHERE id = NEW.mesure_id "
    "AND (premier_rdv_realise IS NULL OR premier_rdv_realise > NEW.debut)"
)
SANS_PREMIER_RDV = "statut <> 'terminee' AND premier_rdv_realise IS NULL"
# The alerts' partial indexes, with what their rules read (PostgreSQL: index-only scans).
ALERTES = ["id", "reference", "dispositif_id"]
OUVERTES = [*ALERTES, "date_mandatement", "date_debut", "date_fin_prevue", "derogation_duree_motif"]
INDEX_0036 = {
    "ix_mesure_ouverte": (["association_id", "referent_id"], "statut <> 'terminee'", OUVERTES),
    "ix_mesure_suivi_du": (
        ["association_id", "referent_id", "suivi_date_prevue"],
        "statut = 'terminee' AND suivi_realise_le IS NULL",
        ALERTES,
    ),
}


def _index_0036(postgres: bool, *, inclure: bool) -> None:
    for nom, (colonnes, ou, inclus) in INDEX_0036.items():
        op.drop_index(nom, table_name="mesure")
        op.create_index(
            nom,
            "mesure",
            colonnes,
            unique=False,
            postgresql_where=sa.text(ou),
            sqlite_where=sa.text(ou),
            postgresql_include=inclus if inclure else [],
        )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column("mesure", sa.Column("premier_rdv_realise", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    if postgres:
        op.execute(
            "UPDATE mesure SET premier_rdv_realise = r.premier FROM (SELECT mesure_id, min(debut) AS premier "
            "FROM rendez_vous WHERE statut = 'realise' GROUP BY mesure_id) r WHERE mesure.id = r.mesure_id"
        )
        op.execute(
            "CREATE FUNCTION ancrage_premier_rdv() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP <> 'INSERT' THEN IF OLD.statut = 'realise' THEN "
            "PERFORM 1 FROM mesure WHERE id = OLD.mesure_id FOR NO KEY UPDATE; "
            f"{RECALCUL.format(id='OLD.mesure_id')}; "
            "END IF; END IF; "
            f"IF TG_OP <> 'DELETE' THEN IF NEW.statut = 'realise' THEN {PLUS_TOT}; END IF; END IF; "
            "RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER ancrage_premier_rdv AFTER INSERT OR DELETE OR UPDATE OF {COLONNES} ON rendez_vous "
            "FOR EACH ROW EXECUTE FUNCTION ancrage_premier_rdv()"
        )
    else:  # SQLite: one trigger per event, the statements inline; its writers are serialised
        op.execute(
            "UPDATE mesure SET premier_rdv_realise = (SELECT min(r.debut) FROM rendez_vous r "
            "WHERE r.mesure_id = mesure.id AND r.statut = 'realise')"
        )
        op.execute(
            "CREATE TRIGGER ancrage_premier_rdv_0 AFTER INSERT ON rendez_vous FOR EACH ROW "
            f"WHEN NEW.statut = 'realise' BEGIN {PLUS_TOT}; END"
        )
        op.execute(
            f"CREATE TRIGGER ancrage_premier_rdv_1 AFTER UPDATE OF {COLONNES} ON rendez_vous FOR EACH ROW "
            "WHEN OLD.statut = 'realise' OR NEW.statut = 'realise' BEGIN "
            f"{RECALCUL.format(id='OLD.mesure_id')}; {RECALCUL.format(id='NEW.mesure_id')}; END"
        )
        op.execute(
            "CREATE TRIGGER ancrage_premier_rdv_2 AFTER DELETE ON rendez_vous FOR EACH ROW "
            f"WHEN OLD.statut = 'realise' BEGIN {RECALCUL.format(id='OLD.mesure_id')}; END"
        )
    op.create_index(
        "ix_mesure_sans_premier_rdv",
        "mesure",
        ["association_id", "referent_id", "date_mandatement"],
        unique=False,
        postgresql_where=sa.text(SANS_PREMIER_RDV),
        sqlite_where=sa.text(SANS_PREMIER_RDV),
        postgresql_include=ALERTES,
    )
    if postgres:  # SQLite has no INCLUDE
        _index_0036(postgres, inclure=True)
    # No ANALYZE here: the backfill rewrote most rows, autovacuum analyses the table soon
    # after; until then a NULL test on a column without statistics is estimated rare,
    # which is what the partial index wants.


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        _index_0036(postgres, inclure=False)
    op.drop_index("ix_mesure_sans_premier_rdv", table_name="mesure")
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS ancrage_premier_rdv ON rendez_vous")
        op.execute("DROP FUNCTION IF EXISTS ancrage_premier_rdv()")
    else:
        for i in range(3):
            op.execute(f"DROP TRIGGER IF EXISTS ancrage_premier_rdv_{i}")
    # Not a batch: a copy of the table would lose the triggers of ``mesure`` (migration 0013).
    op.drop_column("mesure", "premier_rdv_realise")
