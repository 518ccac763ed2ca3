"""journal des acces en ajout seul

The access log (CNIL 2021-122) is append-only: no UPDATE ever, and DELETE only
by the retention purge.

* PostgreSQL: a trigger refuses UPDATE, and DELETE unless the transaction set
  ``SET LOCAL ancrage.purge = 'on'`` (only ``python -m api retention`` does).
* SQLite has no session settings: its triggers refuse UPDATE, and DELETE of an
  entry younger than 6 months (the CNIL's minimum retention), which the purge
  never touches.

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-23 09:20:14.452338
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0006"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION journal_acces_ajout_seul() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND current_setting('ancrage.purge', true) = 'on' THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'journal_acces est en ajout seul (% refusé)', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER journal_acces_ajout_seul
            BEFORE UPDATE OR DELETE ON journal_acces
            FOR EACH ROW EXECUTE FUNCTION journal_acces_ajout_seul()
        """)
        op.execute("""
            CREATE TRIGGER journal_acces_pas_de_vidage
            BEFORE TRUNCATE ON journal_acces
            FOR EACH STATEMENT EXECUTE FUNCTION journal_acces_ajout_seul()
        """)
    else:
        op.execute("""
            CREATE TRIGGER journal_acces_pas_de_modification
            BEFORE UPDATE ON journal_acces
            BEGIN
                SELECT RAISE(ABORT, 'journal_acces est en ajout seul (UPDATE refusé)');
            END
        """)
        op.execute("""
            CREATE TRIGGER journal_acces_pas_de_suppression
            BEFORE DELETE ON journal_acces
            WHEN OLD.quand >= datetime('now', '-6 months')
            BEGIN
                SELECT RAISE(ABORT, 'journal_acces est en ajout seul (DELETE refusé)');
            END
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS journal_acces_pas_de_vidage ON journal_acces")
        op.execute("DROP TRIGGER IF EXISTS journal_acces_ajout_seul ON journal_acces")
        op.execute("DROP FUNCTION IF EXISTS journal_acces_ajout_seul()")
    else:
        op.execute("DROP TRIGGER IF EXISTS journal_acces_pas_de_suppression")
        op.execute("DROP TRIGGER IF EXISTS journal_acces_pas_de_modification")
