"""Human references (``M-2026-000123``): one counter per prefix and year.

PostgreSQL: one sequence per prefix and year (``reference_m_2026``), created on
first use by the SQL function ``ancrage_reference`` (migration 0009) and
starting after the ``compteur`` row of that key if there is one (references
given before the sequences existed). ``nextval`` takes no lock that
lasts until commit, so concurrent writers no longer queue on a counter row; the
price is that a rolled-back transaction burns its number: references may have
gaps, never duplicates (the unique constraints on ``reference`` stay).

SQLite (one writer at a time anyway): the ``compteur`` row, incremented in the
transaction, without gaps.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, insert, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from api.core.models import utcnow


class Compteur(SQLModel, table=True):
    __tablename__ = "compteur"

    cle: str = Field(primary_key=True, max_length=30)
    valeur: int = 0


_CLE = re.compile(r"^[A-Z]{1,3}-\d{4}$")


def nom_sequence(cle: str) -> str:
    """``O-2026`` → ``reference_o_2026`` (the key is checked: it becomes an identifier)."""
    if not _CLE.match(cle):
        raise ValueError(f"clé de compteur invalide : {cle!r}")
    return "reference_" + cle.lower().replace("-", "_")


def _references_sequences(session: Session, cles: list[str]) -> list[int]:
    """``ancrage_reference(cle)`` (migration 0009) draws from the key's sequence, creating it
    on first use; several keys in one round trip."""
    colonnes = ", ".join(f"ancrage_reference(:c{i})" for i in range(len(cles)))
    row = session.execute(text(f"SELECT {colonnes}"), {f"c{i}": c for i, c in enumerate(cles)}).one()
    return [int(v) for v in row]


def _reference_compteur(session: Session, cle: str) -> int:
    """The ``compteur`` row, incremented in the transaction (its row lock serialises callers)."""
    for _ in range(3):
        valeur = session.execute(
            update(Compteur).where(Compteur.cle == cle).values(valeur=Compteur.valeur + 1).returning(Compteur.valeur)
        ).scalar()
        if valeur is not None:
            return int(valeur)
        try:
            with session.begin_nested():
                session.execute(insert(Compteur).values(cle=cle, valeur=1))
            return 1
        except IntegrityError:
            continue  # another transaction created the row first: increment it
    raise RuntimeError("compteur indisponible")


def prochaines_references(session: Session, *prefixes: str) -> list[str]:
    """Next reference of each prefix this year (``M``, ``O``, ``S``)."""
    annee = utcnow().year
    cles = [f"{p}-{annee}" for p in prefixes]
    for cle in cles:
        nom_sequence(cle)  # checks the key's shape
    if session.connection().dialect.name == "postgresql":
        valeurs = _references_sequences(session, cles)
    else:
        valeurs = [_reference_compteur(session, cle) for cle in cles]
    return [f"{cle}-{v:06d}" for cle, v in zip(cles, valeurs, strict=True)]


def prochaine_reference(session: Session, prefixe: str) -> str:
    """Next reference for ``prefixe`` this year."""
    return prochaines_references(session, prefixe)[0]


def aligner_sequences(conn: Connection) -> None:
    """After counter rows were written directly (demo loading): move each existing sequence
    past its row, so the next reference cannot collide. No-op on SQLite."""
    if conn.dialect.name != "postgresql":
        return
    for cle, valeur in conn.execute(text("SELECT cle, valeur FROM compteur")).all():
        if not _CLE.match(cle):
            continue
        nom = nom_sequence(cle)
        if conn.execute(text("SELECT to_regclass(:n)"), {"n": nom}).scalar() is not None:
            conn.execute(
                # nom comes from nom_sequence(), checked against _CLE: an identifier, never input
                text(f"SELECT setval('{nom}', GREATEST(:v, (SELECT last_value FROM {nom})))"),  # noqa: S608
                {"v": int(valeur)},
            )
