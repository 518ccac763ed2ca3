"""The associations' staff of the demo: one référent per ~35 mesures in progress.

Seed 002 counts 35 mesures per social worker, seed 003 one worker per 10
households: a caseload is tens of files, not thousands. The number of référents
of an association follows its file active at the demo's « today »: a dry run of
the first households (``generateur._prevoir``, exact up to 10,000 households)
counts the mesures that will still be open at that date, and the association
gets round(N / 35) référents (at least one). Every open mesure goes to the
least-loaded of them (relative to a personal capacity of 0.85–1.15), so each
carries about 30 to 40; should the forecast fall short, a référent is hired
when the average passes 40.

Closed mesures spread over the same référents and over former ones (accounts
kept but deactivated, as when a worker leaves): a mesure closed in the last 18
months goes to one of the référents in post, an older one to any slot of a
roster about 40 % larger. The roster has to be known before the mesures that
name its members are written: hence the forecast.

This class draws from its own random generator and its own Faker, so that the
households, referrals and mesures are the same whatever the staff looks like.
"""

from __future__ import annotations

import heapq
import math
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from faker import Faker

CHARGE = 35  # mesures in progress per référent (seed 002)
RECENTE = timedelta(days=548)  # a mesure closed within 18 months: its référent is probably still there
EMBAUCHE = 1.15  # hire beyond the forecast only when the average caseload passes 40
ANCIENS = 1.4  # roster of current + former référents, relative to the current ones
AGENTS_PAR_RESPONSABLE = 15  # a chef de service for about 15 workers


def slug(cle: str) -> str:
    return cle.replace("_", "-")


def email(role: str, n: int, cle: str, domaine: str, *, numerote: bool = False) -> str:
    """``agent7.espoir@…``; the first of a role elsewhere has no number (``responsable.espoir@…``)."""
    suffixe = str(n) if numerote or n > 1 else ""
    return f"{role}{suffixe}.{slug(cle)}@{domaine}"


class Equipes:
    """The référents of each association, hired as their file active grows."""

    def __init__(
        self,
        *,
        graine: int,
        associations: dict[str, uuid.UUID],
        aujourd_hui: date,
        mot_de_passe_hash: str,
        domaine: str,
        prevus: dict[str, int] | None,
    ) -> None:
        self.rng = random.Random(f"equipes-{graine}")  # noqa: S311 (synthetic data)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(graine + 1)
        self.associations = associations
        self.aujourd_hui = aujourd_hui
        self.hash = mot_de_passe_hash
        self.domaine = domaine
        # prevus is None during the dry run, which only counts the open mesures
        self.prevus = prevus
        self.ouvertes: dict[str, int] = dict.fromkeys(associations, 0)
        self.slots: dict[str, dict[int, uuid.UUID]] = {k: {} for k in associations}
        self.en_poste: dict[str, int] = dict.fromkeys(associations, 0)
        self.charges: dict[str, list[tuple[float, int]]] = {k: [] for k in associations}
        self.charge: dict[uuid.UUID, int] = {}
        self.capacite: dict[str, dict[int, float]] = {k: {} for k in associations}
        self.a_ecrire: list[dict[str, Any]] = []
        if prevus is not None:
            for cle in associations:
                for _ in range(prevus[cle]):
                    self._embaucher(cle)

    def _slot(self, cle: str, k: int) -> uuid.UUID:
        """The k-th agent account of an association (created on first use)."""
        uid = self.slots[cle].get(k)
        if uid is None:
            uid = self.slots[cle][k] = uuid.UUID(int=self.rng.getrandbits(128), version=4)
            self.a_ecrire.append(
                {
                    "id": uid,
                    "email": email("agent", k + 1, cle, self.domaine, numerote=True),
                    "nom": self.fake.last_name(),
                    "prenom": self.fake.first_name(),
                    "organisation_id": self.associations[cle],
                    "role": "agent",
                    "mot_de_passe_hash": self.hash,
                    "actif": True,
                    "cree_le": datetime(2021, 1, 1, 9, tzinfo=UTC),
                    "derniere_connexion": None,
                }
            )
        return uid

    def _embaucher(self, cle: str) -> None:
        k = self.en_poste[cle]
        self.en_poste[cle] = k + 1
        self._slot(cle, k)
        self.capacite[cle][k] = self.rng.uniform(0.85, 1.15)
        heapq.heappush(self.charges[cle], (0.0, k))

    def referent(self, cle: str, *, ouverte: bool, date_fin: date | None) -> uuid.UUID:
        """The référent of a new mesure of association ``cle``: open at « today » or closed on ``date_fin``."""
        if self.prevus is None:  # dry run
            self.ouvertes[cle] += ouverte
            return uuid.UUID(int=0)
        if ouverte:
            self.ouvertes[cle] += 1
            if self.ouvertes[cle] > CHARGE * EMBAUCHE * self.en_poste[cle]:  # the forecast fell short
                self._embaucher(cle)
            _, k = heapq.heappop(self.charges[cle])
            uid = self.slots[cle][k]
            self.charge[uid] = self.charge.get(uid, 0) + 1
            heapq.heappush(self.charges[cle], (self.charge[uid] / self.capacite[cle][k], k))
            return uid
        prevus = self.prevus[cle]
        recente = date_fin is not None and date_fin >= self.aujourd_hui - RECENTE
        tirage = prevus if recente else max(prevus + 1, math.ceil(prevus * ANCIENS))
        return self._slot(cle, self.rng.randrange(tirage))

    def vider(self) -> list[dict[str, Any]]:
        """Accounts created since the last call (to be written before the mesures naming them)."""
        rows, self.a_ecrire = self.a_ecrire, []
        return rows

    def anciens(self) -> list[uuid.UUID]:
        """Agents who only carried closed mesures from a slot past the current roster: former staff."""
        return [uid for cle, slots in self.slots.items() for k, uid in slots.items() if k >= self.en_poste[cle]]

    def responsables(self) -> list[dict[str, Any]]:
        """A few responsables per association (one per ~15 référents, at least one)."""
        rows = []
        for cle, org in self.associations.items():
            for n in range(1, max(1, math.ceil(self.en_poste[cle] / AGENTS_PAR_RESPONSABLE)) + 1):
                rows.append(
                    {
                        "id": uuid.UUID(int=self.rng.getrandbits(128), version=4),
                        "email": email("responsable", n, cle, self.domaine),
                        "nom": self.fake.last_name(),
                        "prenom": self.fake.first_name(),
                        "organisation_id": org,
                        "role": "responsable",
                        "mot_de_passe_hash": self.hash,
                        "actif": True,
                        "cree_le": datetime(2021, 1, 1, 9, tzinfo=UTC),
                        "derniere_connexion": None,
                    }
                )
        return rows
