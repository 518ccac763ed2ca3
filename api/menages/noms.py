"""The demandeur's name beside a reference, for lists whose readers hold the live file
(issue 14: « des personnes, pas des références »).

A list joins ``demandeur_de(menage_id)`` (an outer join: one demandeur per household,
the rule of api/menages) and shows ``libelle(prenom, nom)``. Whether the reader may see
the name is the list's decision, by the policy (``menage_vivant``): rendez-vous and
alerts are the carrying association's; the mesures list names only the rows it carries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_
from sqlmodel import col

from api.core.db import alias_pret
from api.core.referentiels import LienPersonne
from api.menages.models import Personne


def demandeur() -> Any:
    """A fresh alias of the persons table, for one join, built whole (``alias_pret``).
    Build it once, at import, and reuse it: building one at each request costs more CPU
    than many a request's own query (py-spy, issue 20)."""
    return alias_pret(Personne)


def jointure(alias: Any, menage_id: Any) -> Any:
    """The ON clause: the demandeur of that household."""
    return and_(col(alias.menage_id) == menage_id, col(alias.lien) == LienPersonne.demandeur.value)


def libelle(prenom: str | None, nom: str | None) -> str | None:
    """« Claire VALLÉE »: the first name as written, the family name in capitals."""
    if nom is None:
        return None
    return f"{prenom} {nom.upper()}" if prenom else nom.upper()
