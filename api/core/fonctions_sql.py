"""Date arithmetic and search keys in SQL, written once for PostgreSQL and SQLite.

The alerts are computed set-wise in the database (api/alertes/service.py): their
dates (mandatement + n days, start + n months, the Paris day of a rendez-vous) must
be the very dates Python gives (``ajouter_mois``, ``astimezone(PARIS)``). PostgreSQL
has the operators; SQLite has no time zones and normalises « 31/01 + 1 month » to
03/03, so on SQLite these are small Python functions registered on each connection
(``enregistrer_sqlite``, called by ``make_engine``).

``chiffres`` is the digits of a phone number: the household search's key, indexed on
PostgreSQL by that very expression (migration 0014).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, DateTime, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

PARIS = ZoneInfo("Europe/Paris")
_FORMAT_SQLITE = "%Y-%m-%d %H:%M:%S.%f"


class jours_apres(FunctionElement[date]):
    """``jours_apres(d, n)``: the date ``n`` days after ``d``."""

    type = Date()
    name = "ancrage_jours_apres"
    inherit_cache = True


class mois_apres(FunctionElement[date]):
    """``mois_apres(d, n)``: same day ``n`` months later, clamped to the month's last day."""

    type = Date()
    name = "ancrage_mois_apres"
    inherit_cache = True


class minutes_apres(FunctionElement[datetime]):
    """``minutes_apres(t, n)``: the instant ``n`` minutes after ``t``."""

    type = DateTime(timezone=True)
    name = "ancrage_minutes_apres"
    inherit_cache = True


class jour_paris(FunctionElement[date]):
    """``jour_paris(t)``: the day in France of the instant ``t``."""

    type = Date()
    name = "ancrage_jour_paris"
    inherit_cache = True


class chiffres(FunctionElement[str]):
    """``chiffres(t)``: the digits of ``t`` (« 06 12-34.56 78 » → « 0612345678 »)."""

    type = String()
    name = "ancrage_chiffres"
    inherit_cache = True


# Written out, not bound: PostgreSQL uses an expression index only for the same expression.
CHIFFRES_PG = "regexp_replace({}, '[^0-9]', '', 'g')"


def _args(element: Any, compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(c, **kw) for c in element.clauses]


@compiles(jours_apres)
@compiles(mois_apres)
@compiles(minutes_apres)
@compiles(jour_paris)
@compiles(chiffres)
def _sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"{element.name}({', '.join(_args(element, compiler, **kw))})"


@compiles(jours_apres, "postgresql")
def _pg_jours(element: Any, compiler: Any, **kw: Any) -> str:
    d, n = _args(element, compiler, **kw)
    return f"({d} + CAST({n} AS INTEGER))"


@compiles(mois_apres, "postgresql")
def _pg_mois(element: Any, compiler: Any, **kw: Any) -> str:
    # date + interval clamps to the month's end (2024-01-31 + 1 month = 2024-02-29).
    d, n = _args(element, compiler, **kw)
    return f"CAST({d} + make_interval(months => CAST({n} AS INTEGER)) AS DATE)"


@compiles(minutes_apres, "postgresql")
def _pg_minutes(element: Any, compiler: Any, **kw: Any) -> str:
    t, n = _args(element, compiler, **kw)
    return f"({t} + make_interval(mins => CAST({n} AS INTEGER)))"


@compiles(jour_paris, "postgresql")
def _pg_jour_paris(element: Any, compiler: Any, **kw: Any) -> str:
    (t,) = _args(element, compiler, **kw)
    return f"CAST(timezone('Europe/Paris', {t}) AS DATE)"


@compiles(chiffres, "postgresql")
def _pg_chiffres(element: Any, compiler: Any, **kw: Any) -> str:
    (t,) = _args(element, compiler, **kw)
    return CHIFFRES_PG.format(t)


def ajouter_mois(d: date, mois: int) -> date:
    """Same day ``mois`` months later, clamped to the month's last day (31/08 + 6 → 28/02)."""
    annee, index = divmod(d.month - 1 + mois, 12)
    annee += d.year
    jour = min(d.day, calendar.monthrange(annee, index + 1)[1])
    return date(annee, index + 1, jour)


def _date(texte: str | None) -> date | None:
    return None if texte is None else date.fromisoformat(texte[:10])


def _instant(texte: str | None) -> datetime | None:
    # SQLite keeps UTC instants without an offset (« 2026-03-01 09:30:00.000000 »).
    return None if texte is None else datetime.fromisoformat(texte).replace(tzinfo=UTC)


def _sqlite_jours(d: str | None, n: int | None) -> str | None:
    jour = _date(d)
    return None if jour is None or n is None else (jour + timedelta(days=n)).isoformat()


def _sqlite_mois(d: str | None, n: int | None) -> str | None:
    jour = _date(d)
    return None if jour is None or n is None else ajouter_mois(jour, n).isoformat()


def _sqlite_minutes(t: str | None, n: int | None) -> str | None:
    instant = _instant(t)
    return None if instant is None or n is None else (instant + timedelta(minutes=n)).strftime(_FORMAT_SQLITE)


def _sqlite_jour_paris(t: str | None) -> str | None:
    instant = _instant(t)
    return None if instant is None else instant.astimezone(PARIS).date().isoformat()


def _sqlite_chiffres(t: str | None) -> str | None:
    return None if t is None else "".join(c for c in t if "0" <= c <= "9")


def enregistrer_sqlite(dbapi_conn: Any) -> None:
    """Register the functions above on a new SQLite connection."""
    dbapi_conn.create_function("ancrage_jours_apres", 2, _sqlite_jours, deterministic=True)
    dbapi_conn.create_function("ancrage_mois_apres", 2, _sqlite_mois, deterministic=True)
    dbapi_conn.create_function("ancrage_minutes_apres", 2, _sqlite_minutes, deterministic=True)
    dbapi_conn.create_function("ancrage_jour_paris", 1, _sqlite_jour_paris, deterministic=True)
    dbapi_conn.create_function("ancrage_chiffres", 1, _sqlite_chiffres, deterministic=True)
