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


def _references_sequences(session: Session, nombres: dict[str, int]) -> dict[str, list[int]]:
    """``ancrage_reference(cle)`` (migration 0009) draws from the key's sequence, creating it
    on first use; every number of every key in one round trip (the function is volatile:
    called once per row of ``generate_series``)."""
    parties = [
        # only numbers and bound parameters: no input reaches the text
        f"SELECT {i} AS k, ancrage_reference(:c{i}) AS v FROM generate_series(1, :n{i})"  # noqa: S608
        for i in range(len(nombres))
    ]
    params: dict[str, object] = {}
    for i, (cle, n) in enumerate(nombres.items()):
        params |= {f"c{i}": cle, f"n{i}": n}
    valeurs: dict[str, list[int]] = {cle: [] for cle in nombres}
    cles = list(nombres)
    for k, v in session.execute(text(" UNION ALL ".join(parties)), params):
        valeurs[cles[k]].append(int(v))
    return {cle: sorted(v) for cle, v in valeurs.items()}


def _references_compteur(session: Session, cle: str, n: int) -> list[int]:
    """The ``compteur`` row, moved on by ``n`` in the transaction (its row lock serialises callers)."""
    for _ in range(3):
        valeur = session.execute(
            update(Compteur).where(Compteur.cle == cle).values(valeur=Compteur.valeur + n).returning(Compteur.valeur)
        ).scalar()
        if valeur is not None:
            return list(range(int(valeur) - n + 1, int(valeur) + 1))
        try:
            with session.begin_nested():
                session.execute(insert(Compteur).values(cle=cle, valeur=n))
            return list(range(1, n + 1))
        except IntegrityError:
            continue  # another transaction created the row first: move it on
    raise RuntimeError("compteur indisponible")


def tirer_references(session: Session, nombres: dict[str, int]) -> dict[str, list[str]]:
    """``nombres[p]`` next references of each prefix ``p`` this year (``M``, ``O``, ``S``),
    in increasing order, drawn at once (one round trip on PostgreSQL, whatever the counts)."""
    annee = utcnow().year
    demandes = {f"{p}-{annee}": n for p, n in nombres.items() if n > 0}
    for cle in demandes:
        nom_sequence(cle)  # checks the key's shape
    if not demandes:
        valeurs: dict[str, list[int]] = {}
    elif session.connection().dialect.name == "postgresql":
        valeurs = _references_sequences(session, demandes)
    else:
        valeurs = {cle: _references_compteur(session, cle, n) for cle, n in demandes.items()}
    return {p: [f"{p}-{annee}-{v:06d}" for v in valeurs.get(f"{p}-{annee}", [])] for p in nombres}


def prochaines_references(session: Session, *prefixes: str) -> list[str]:
    """Next reference of each prefix this year (``M``, ``O``, ``S``), in one round trip."""
    tirees = tirer_references(session, dict.fromkeys(prefixes, 1))
    return [tirees[p][0] for p in prefixes]


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
