"""débit : références par séquences, index de page des mesures

* PostgreSQL: ``ancrage_reference(cle)`` draws the next number of a reference
  (``O-2026`` → ``reference_o_2026``) from a sequence created on first use,
  starting after the ``compteur`` row of that key: no row lock held until
  commit, so concurrent referrals no longer queue on the counter (numbers burnt
  by a rollback leave gaps). SQLite keeps the ``compteur`` row.
* ``ix_mesure_page (dispositif_id, statut, date_mandatement, reference)``: the
  mesures list reads its page (newest mandatement first, then reference, both
  descending) by a backward scan of this index instead of sorting every
  matching row (EXPLAIN in the README, « Bancs d'essai »).

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


FONCTION = r"""
CREATE OR REPLACE FUNCTION ancrage_reference(p_cle text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    nom text := 'reference_' || lower(replace(p_cle, '-', '_'));
    depart bigint;
BEGIN
    IF p_cle !~ '^[A-Z]{1,3}-[0-9]{4}$' THEN
        RAISE EXCEPTION 'clé de compteur invalide : %', p_cle;
    END IF;
    IF to_regclass(nom) IS NULL THEN
        SELECT coalesce(max(valeur), 0) + 1 INTO depart FROM compteur WHERE cle = p_cle;
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', nom, depart);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL;  -- created at the same moment by another transaction
        END;
    END IF;
    RETURN nextval(nom::regclass);
END
$$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FONCTION)
    op.create_index("ix_mesure_page", "mesure", ["dispositif_id", "statut", "date_mandatement", "reference"])


def downgrade() -> None:
    op.drop_index("ix_mesure_page", table_name="mesure")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ancrage_reference(text)")
        op.execute(
            "DO $$ DECLARE s record; BEGIN "
            "FOR s IN SELECT sequencename FROM pg_sequences WHERE sequencename LIKE 'reference\\_%' LOOP "
            "EXECUTE format('DROP SEQUENCE %I', s.sequencename); END LOOP; END $$;"
        )
