"""Human references (``M-2026-000123``): one counter row per prefix and year."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from api.core.models import utcnow


class Compteur(SQLModel, table=True):
    __tablename__ = "compteur"

    cle: str = Field(primary_key=True, max_length=30)
    valeur: int = 0


def prochaine_reference(session: Session, prefixe: str) -> str:
    """Next reference for ``prefixe`` this year; the row lock serialises concurrent callers."""
    annee = utcnow().year
    cle = f"{prefixe}-{annee}"
    for _ in range(3):
        valeur = session.execute(
            update(Compteur)
            .where(Compteur.cle == cle)
            .values(valeur=Compteur.valeur + 1)
            .returning(Compteur.valeur)
        ).scalar()
        if valeur is not None:
            return f"{cle}-{valeur:06d}"
        try:
            with session.begin_nested():
                session.execute(insert(Compteur).values(cle=cle, valeur=1))
            return f"{cle}-{1:06d}"
        except IntegrityError:
            continue  # another transaction created the row first: increment it
    raise RuntimeError("compteur indisponible")
