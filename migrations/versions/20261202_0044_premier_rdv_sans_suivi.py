"""mesure.premier_rdv_realise : le premier rendez-vous réalisé de l'accompagnement, sans le suivi à 6 mois

``premier_rdv_realise`` (migration 0041) kept the earliest held rendez-vous of any kind.
The 6-month follow-up (``est_suivi``, allowed once the mesure is over) is not part of the
accompaniment: the indicators' « délai entre le mandatement et le premier rendez-vous »
excludes it, and so probed the rendez-vous of every entry of the period (10,000 probes,
≈ 70 ms of an indicator document at département scale, ``make bench-indicateurs``). The
column now excludes it too, so that the indicators read it. The alert « premier
rendez-vous en attente » reads open mesures only, which have no follow-up: unchanged.

The triggers are those of 0041 with the follow-up left out, and they also fire when
``est_suivi`` changes. Existing rows are recomputed. ``tests/alertes/test_premier_rdv_realise.py``
rebuilds the column from the rendez-vous after generated writes (follow-ups included).

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _definitions(suivi: bool) -> dict[str, str]:
    """The triggers' pieces: without the follow-up (``suivi`` False, this migration) or with
    it (0041's, for the downgrade)."""
    tenu = "{r}.statut = 'realise'" + ("" if suivi else " AND {r}.est_suivi = false")
    colonnes = "statut, debut, mesure_id" + ("" if suivi else ", est_suivi")
    return {
        "colonnes": colonnes,
        "tenu_old": tenu.format(r="OLD"),
        "tenu_new": tenu.format(r="NEW"),
        "recalcul": (
            "UPDATE mesure SET premier_rdv_realise = (SELECT min(r.debut) FROM rendez_vous r "
            f"WHERE r.mesure_id = mesure.id AND {tenu.format(r='r')}) WHERE id = {{id}}"
        ),
        "plus_tot": (
            "UPDATE mesure SET premier_rdv_realise = NEW.debut WHERE id = NEW.mesure_id "
            "AND (premier_rdv_realise IS NULL OR premier_rdv_realise > NEW.debut)"
        ),
        "tout": (
            "UPDATE mesure SET premier_rdv_realise = (SELECT min(r.debut) FROM rendez_vous r "
            f"WHERE r.mesure_id = mesure.id AND {tenu.format(r='r')})"
        ),
    }


def _postgres(d: dict[str, str]) -> None:
    op.execute("DROP TRIGGER IF EXISTS ancrage_premier_rdv ON rendez_vous")
    op.execute(
        "CREATE OR REPLACE FUNCTION ancrage_premier_rdv() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN IF {d['tenu_old']} THEN "
        "PERFORM 1 FROM mesure WHERE id = OLD.mesure_id FOR NO KEY UPDATE; "
        f"{d['recalcul'].format(id='OLD.mesure_id')}; "
        "END IF; END IF; "
        f"IF TG_OP <> 'DELETE' THEN IF {d['tenu_new']} THEN {d['plus_tot']}; END IF; END IF; "
        "RETURN NULL; END $$"
    )
    op.execute(
        f"CREATE TRIGGER ancrage_premier_rdv AFTER INSERT OR DELETE OR UPDATE OF {d['colonnes']} ON rendez_vous "
        "FOR EACH ROW EXECUTE FUNCTION ancrage_premier_rdv()"
    )


def _sqlite(d: dict[str, str]) -> None:
    for i in range(3):
        op.execute(f"DROP TRIGGER IF EXISTS ancrage_premier_rdv_{i}")
    op.execute(
        f"CREATE TRIGGER ancrage_premier_rdv_0 AFTER INSERT ON rendez_vous FOR EACH ROW "
        f"WHEN {d['tenu_new']} BEGIN {d['plus_tot']}; END"
    )
    op.execute(
        f"CREATE TRIGGER ancrage_premier_rdv_1 AFTER UPDATE OF {d['colonnes']} ON rendez_vous FOR EACH ROW "
        f"WHEN {d['tenu_old']} OR {d['tenu_new']} BEGIN "
        f"{d['recalcul'].format(id='OLD.mesure_id')}; {d['recalcul'].format(id='NEW.mesure_id')}; END"
    )
    op.execute(
        "CREATE TRIGGER ancrage_premier_rdv_2 AFTER DELETE ON rendez_vous FOR EACH ROW "
        f"WHEN {d['tenu_old']} BEGIN {d['recalcul'].format(id='OLD.mesure_id')}; END"
    )


def _appliquer(suivi: bool) -> None:
    d = _definitions(suivi)
    if op.get_bind().dialect.name == "postgresql":
        _postgres(d)
    else:
        _sqlite(d)
    # Only the mesures with a held follow-up can change; all are recomputed (one statement).
    op.execute(d["tout"] + " WHERE id IN (SELECT mesure_id FROM rendez_vous WHERE est_suivi = true)")


def upgrade() -> None:
    _appliquer(suivi=False)


def downgrade() -> None:
    _appliquer(suivi=True)
