"""``make bench-capacite``: how many people can work at once on one server (issue 20).

Simulated **users**, not raw clients: each signs in once (password grant; its
session is kept, renewed by ``/auth/refresh`` before its access token expires),
then acts and thinks 2 to 8 s (random, seeded) between actions, in a mix by
role: association agents ≈ 70 % (dashboard: alerts, « my » mesures, my week;
household search, file and timeline; mesures list and file; rendez-vous created
and updated with If-Match), responsables ≈ 10 % (the association's alerts and
lists), commission agents ≈ 10 % (orientations en_commission, sessions,
household files), bailleur staff ≈ 5 % and funders' analysts ≈ 5 %
(indicators). Besides them, a bailleur's system pushes 1 referral per second
(``POST /api/v1/orientations`` with an Idempotency-Key). Each user asks only for
ids it has read in its own earlier answers.

Steps of users (``--paliers``, 50 to 500): before each step, its new users sign
in spread over the warm-up (argon2 is slow on purpose; users of the earlier
steps keep their session), then the step is measured for ``--duree`` seconds.
Per step: req/s, p50/p95/p99 overall and per endpoint family, errors by status,
CPU of the API's processes, of the PostgreSQL backends of its database and of
this generator (one asyncio process; aiohttp, one client per person with its HTTP/1.1
keep-alive connections). Last line: « N utilisateurs à p95 ≤ 200 ms ».

By default on a throwaway copy of the département demo
(``ANCRAGE_BENCH_DATABASE_URL``, loaded on first use; ``CREATE DATABASE …
TEMPLATE``, dropped at the end: the rendez-vous and referrals the users write
never reach the demo), API on 127.0.0.1 with 2 workers, a hard deadline.

    python -m api.bench.capacite --paliers 50,100 --duree 60 --echauffement 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from multidict import CIMultiDictProxy
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api.bench.outils import CompteurCpu, machine
from api.demo.comptes import comptes_demo

PARIS = ZoneInfo("Europe/Paris")
SEUIL_P95_MS = 200.0
REFRESH_COOKIE = "ancrage_refresh"

# Share of each role among the users (percent), as in the issue.
MIX: dict[str, int] = {"agent": 70, "responsable": 10, "commission": 10, "bailleur": 5, "financeur": 5}

# Endpoint families, in the order of the tables.
FAMILLES = (
    "alertes",
    "ménages recherche",
    "ménage fiche",
    "chronologie",
    "mesures liste",
    "mesure fiche",
    "rendez-vous liste",
    "rendez-vous écriture",
    "orientations",
    "commissions",
    "dispositifs",
    "indicateurs",
    "push bailleur",
    "connexion",
)

# Frequent surnames (the demo's Faker fr_FR draws from them): what an agent types
# before it has read a name in its own answers.
NOMS_FREQUENTS = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "Andre", "Mercier", "Dupont", "Lambert", "Bonnet",
    "Francois", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guerin", "Muller",
)  # fmt: skip

Comptes = dict[str, list[tuple[str, uuid.UUID, str]]]


# --- accounts -------------------------------------------------------------------------------


def comptes(engine: Engine) -> Comptes:
    """Accounts to simulate, by role of the mix: (email, organisation id, role), from the
    demo's own list (``api.demo.comptes_demo``: référents with ≈ 35 mesures in progress,
    responsables, commission secretaries, bailleurs' staff, funders' analysts). The demo's
    password is the same for all."""
    with Session(engine) as session:
        demo = comptes_demo(session)
    return {r: [(c.email, c.organisation_id, c.role) for c in demo.get(r, [])] for r in MIX}


def repartir(n: int, comptes_par_role: Comptes, mix: dict[str, int] | None = None) -> list[tuple[str, str]]:
    """(role, email) of the first ``n`` users: the mix holds for every prefix (each new user
    takes the role furthest behind its share), so a step of 50 users has the same mix as a
    step of 500. Roles without accounts give their share to the others. Several users may
    share an account: each signs in on its own (one session each)."""
    parts = {r: p for r, p in (mix or MIX).items() if p > 0 and comptes_par_role.get(r)}
    if not parts:
        raise SystemExit("aucun compte à simuler : la démonstration est-elle chargée ?")
    total = sum(parts.values())
    vus: Counter[str] = Counter()
    sortie = []
    for i in range(n):
        role = max(parts, key=lambda r: parts[r] * (i + 1) / total - vus[r])
        liste = comptes_par_role[role]
        sortie.append((role, liste[vus[role] % len(liste)][0]))
        vus[role] += 1
    return sortie


# --- measurements ---------------------------------------------------------------------------


@dataclass
class Releve:
    """What the requests answered, per step: the step is the one under way when the
    request started; requests started between steps (warm-up) are not kept."""

    palier: int | None = None
    mesures: dict[int, list[tuple[str, float, str]]] = field(default_factory=dict)
    en_cours: Counter[int] = field(default_factory=Counter)

    def debut(self) -> int | None:
        if self.palier is not None:
            self.en_cours[self.palier] += 1
        return self.palier

    def fin(self, palier: int | None, famille: str, duree: float, statut: str) -> None:
        if palier is not None:
            self.mesures.setdefault(palier, []).append((famille, duree, statut))
            self.en_cours[palier] -= 1


def centile(valeurs: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of sorted values (0 when empty)."""
    if not valeurs:
        return 0.0
    rang = max(1, min(len(valeurs), int(-(-p * len(valeurs) // 100))))
    return valeurs[rang - 1]


@dataclass
class Stats:
    requetes: int
    p50: float
    p95: float
    p99: float
    erreurs: Counter[str]


def stats(lignes: Sequence[tuple[str, float, str]]) -> Stats:
    durees = sorted(d * 1000 for _, d, _ in lignes)
    erreurs = Counter(s for _, _, s in lignes if not s.startswith("2"))
    return Stats(len(lignes), centile(durees, 50), centile(durees, 95), centile(durees, 99), erreurs)


@dataclass
class Palier:
    utilisateurs: int
    connectes: int
    duree: float
    globales: Stats
    familles: dict[str, Stats]
    cpu: dict[str, float]  # CPU seconds over the step: serveur, postgres, generateur
    charge: float

    @property
    def rps(self) -> float:
        return self.globales.requetes / self.duree

    @property
    def tenu(self) -> bool:
        """All its users signed in, p95 within the threshold, no error."""
        g = self.globales
        return self.connectes == self.utilisateurs and g.requetes > 0 and g.p95 <= SEUIL_P95_MS and not g.erreurs


# --- users ----------------------------------------------------------------------------------


@dataclass
class Reponse:
    """An answer, read whole before its time is taken (as a browser shows a screen)."""

    status_code: int
    headers: CIMultiDictProxy[str]
    content: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        return json.loads(self.content)


class Appelant:
    """What one user (or the bailleur's system) holds: its token, its refresh cookie, and
    the ids it has read in its own answers."""

    def __init__(self, http: aiohttp.ClientSession, releve: Releve, rng: random.Random) -> None:
        self.http, self.releve, self.rng = http, releve, rng
        self.jeton: str | None = None
        self.refresh: str | None = None
        self.expire = 0.0
        self.identifiants: dict[str, str] = {}

    async def appel(
        self,
        famille: str,
        methode: str,
        chemin: str,
        *,
        authentifie: bool = True,
        **kw: Any,
    ) -> Reponse | None:
        """One request, timed and recorded under its family; None when it failed."""
        if authentifie:
            await self._jeton_valide()
            kw["headers"] = {**kw.get("headers", {}), "Authorization": f"Bearer {self.jeton}"}
        palier = self.releve.debut()
        t0 = time.perf_counter()
        try:
            async with self.http.request(methode, chemin, **kw) as brute:
                r = Reponse(brute.status, brute.headers, await brute.read())
        except TimeoutError:
            self.releve.fin(palier, famille, time.perf_counter() - t0, "délai dépassé")
            return None
        except aiohttp.ClientError as e:
            self.releve.fin(palier, famille, time.perf_counter() - t0, type(e).__name__)
            return None
        except BaseException:
            if palier is not None:  # cancelled at the end of the run: not a measure
                self.releve.en_cours[palier] -= 1
            raise
        self.releve.fin(palier, famille, time.perf_counter() - t0, str(r.status_code))
        return r

    def _garder(self, r: Reponse) -> bool:
        if r.status_code != 200:
            return False
        corps = r.json()
        self.jeton = str(corps["access_token"])
        self.expire = time.monotonic() + float(corps.get("expires_in", 900))
        for entete in r.headers.getall("set-cookie", []):
            nom, _, reste = entete.partition("=")
            if nom.strip() == REFRESH_COOKIE:
                self.refresh = reste.split(";", 1)[0]
        return True

    async def connecter(self, donnees: dict[str, str]) -> bool:
        self.identifiants = donnees
        r = await self.appel("connexion", "POST", "/api/v1/auth/token", authentifie=False, data=donnees)
        return r is not None and self._garder(r)

    async def _jeton_valide(self) -> None:
        """Renew the access token a minute before it expires: the refresh cookie (single
        use, a new one comes back), or signing in again (machine clients, or refused)."""
        if self.jeton is not None and time.monotonic() < self.expire - 60:
            return
        if self.refresh is not None:
            r = await self.appel(
                "connexion",
                "POST",
                "/api/v1/auth/refresh",
                authentifie=False,
                headers={"Cookie": f"{REFRESH_COOKIE}={self.refresh}"},
            )
            if r is not None and self._garder(r):
                return
        await self.connecter(self.identifiants)


def _json(r: Reponse | None) -> Any:
    # A body of megabytes (a responsable's alerts) is not parsed: decoding it would hold
    # the generator's event loop and lengthen the other users' measured times.
    if r is None or not r.is_success or len(r.content) > 1_000_000:
        return None
    try:
        return r.json()
    except ValueError:
        return None


def _items(r: Reponse | None) -> list[dict[str, Any]]:
    corps = _json(r)
    items = corps.get("items") if isinstance(corps, dict) else corps
    return [i for i in items or [] if isinstance(i, dict)]


class Utilisateur(Appelant):
    """A person of one role: signs in, then acts and thinks until the end."""

    def __init__(
        self, http: aiohttp.ClientSession, releve: Releve, rng: random.Random, role: str, email: str, mot_de_passe: str
    ) -> None:
        super().__init__(http, releve, rng)
        self.role, self.email, self.mot_de_passe = role, email, mot_de_passe
        self.moi = ""
        self.mesures: dict[str, dict[str, Any]] = {}  # id → item of a list (menage_id, statut)
        self.menages: list[str] = []
        self.noms: list[str] = []
        self.orientations: list[str] = []
        self.sessions: list[str] = []
        self.dispositifs: list[str] = []
        self.mes_rdv: list[tuple[str, str]] = []  # (id, ETag) of the rendez-vous it created
        self.suivant: str | None = None  # cursor of its last mesures page
        self.actions: dict[str, tuple[int, Callable[[], Coroutine[Any, Any, None]]]] = {
            "agent": {
                "tableau": (14, self.tableau_de_bord),
                "recherche": (15, self.recherche),
                "fiche_menage": (20, self.fiche_menage),
                "liste_mesures": (10, self.liste_mesures),
                "fiche_mesure": (15, self.fiche_mesure),
                "semaine": (8, self.semaine),
                "rdv_creer": (6, self.rdv_creer),
                "rdv_modifier": (6, self.rdv_modifier),
                "mes_mesures": (6, self.mes_mesures),
            },
            "responsable": {
                "alertes": (15, self.alertes),
                "liste_mesures": (30, self.liste_mesures),
                "fiche_mesure": (15, self.fiche_mesure),
                "recherche": (15, self.recherche),
                "fiche_menage": (15, self.fiche_menage),
                "semaine": (10, self.semaine),
            },
            "commission": {
                "en_commission": (30, self.en_commission),
                "sessions": (20, self.liste_sessions),
                "session": (15, self.fiche_session),
                "orientation": (15, self.fiche_orientation),
                "fiche_menage": (20, self.fiche_menage),
            },
            "bailleur": {
                "orientations": (40, self.liste_orientations),
                "orientation": (30, self.fiche_orientation),
                "fiche_menage": (30, self.fiche_menage),
            },
            "financeur": {"indicateurs": (60, self.indicateurs), "dispositifs": (40, self.liste_dispositifs)},
        }[role]

    async def entrer(self) -> bool:
        """Sign in (three tries), then who am I: the token response does not say it."""
        for essai in range(3):
            if await self.connecter({"grant_type": "password", "username": self.email, "password": self.mot_de_passe}):
                moi = _json(await self.appel("connexion", "GET", "/api/v1/auth/me"))
                self.moi = str(moi["id"]) if isinstance(moi, dict) else ""
                return True
            await asyncio.sleep(2 * (essai + 1))
        return False

    async def vivre(self, decalage: float, reflexion: tuple[float, float], arret: asyncio.Event) -> None:
        await asyncio.sleep(decalage)
        if not await self.entrer():
            return
        premiere = {
            "agent": self.tableau_de_bord,
            "responsable": self.tableau_de_bord,
            "commission": self.en_commission,
            "bailleur": self.liste_orientations,
            "financeur": self.liste_dispositifs,
        }[self.role]
        await premiere()
        while not arret.is_set():
            await asyncio.sleep(self.rng.uniform(*reflexion))
            if arret.is_set():
                break
            noms = list(self.actions)
            nom = self.rng.choices(noms, weights=[self.actions[n][0] for n in noms])[0]
            await self.actions[nom][1]()

    # What it remembers of its answers.

    def _retenir_mesures(self, items: list[dict[str, Any]]) -> None:
        for m in items:
            if "id" in m:
                self.mesures[str(m["id"])] = m
                if m.get("menage_id"):
                    self._retenir_menage(str(m["menage_id"]))

    def _retenir_menage(self, menage_id: str) -> None:
        if menage_id not in self.menages:
            self.menages.append(menage_id)
            del self.menages[:-200]

    def _menage(self) -> str | None:
        return self.rng.choice(self.menages) if self.menages else None

    # Agents and responsables.

    async def alertes(self) -> None:
        params = {"perimetre": "association"} if self.role == "responsable" else {}
        for a in _items(await self.appel("alertes", "GET", "/api/v1/alertes", params=params))[:50]:
            self.mesures.setdefault(str(a["mesure_id"]), {"id": a["mesure_id"]})

    async def mes_mesures(self) -> None:
        params: dict[str, Any] = {"referent_id": self.moi, "limit": 20}
        if self.rng.random() < 0.5:
            params["statut"] = "active"
        r = await self.appel("mesures liste", "GET", "/api/v1/mesures", params=params)
        self._retenir_mesures(_items(r))

    async def semaine(self) -> None:
        lundi = datetime.now(PARIS).date() - timedelta(days=datetime.now(PARIS).weekday())
        params: dict[str, Any] = {"du": lundi.isoformat(), "au": (lundi + timedelta(days=6)).isoformat(), "limit": 50}
        if self.role == "agent":
            params["referent_id"] = self.moi
        await self.appel("rendez-vous liste", "GET", "/api/v1/rendez-vous", params=params)

    async def tableau_de_bord(self) -> None:
        """The home screen: alerts, then « my » mesures (the association's for a
        responsable), then the week."""
        await self.alertes()
        await (self.mes_mesures() if self.role == "agent" else self.liste_mesures())
        await self.semaine()

    async def liste_mesures(self) -> None:
        params: dict[str, Any] = {"limit": 20}
        statut = self.rng.choice([None, "active", "active", "en_evaluation", "mandatee"])
        if statut:
            params["statut"] = statut
        if self.suivant and self.rng.random() < 0.3:
            params["apres"] = self.suivant
        r = await self.appel("mesures liste", "GET", "/api/v1/mesures", params=params)
        corps = _json(r)
        self.suivant = corps.get("suivant") if isinstance(corps, dict) else None
        self._retenir_mesures(_items(r))

    async def fiche_mesure(self) -> None:
        if not self.mesures:
            await self.liste_mesures()
            return
        mesure_id = self.rng.choice(list(self.mesures))
        corps = _json(await self.appel("mesure fiche", "GET", f"/api/v1/mesures/{mesure_id}"))
        if isinstance(corps, dict):
            self._retenir_mesures([corps])

    async def recherche(self) -> None:
        nom = self.rng.choice(self.noms or NOMS_FREQUENTS)
        q = nom[: self.rng.randint(3, max(3, min(6, len(nom))))]
        r = await self.appel("ménages recherche", "GET", "/api/v1/menages", params={"q": q, "limit": 20})
        for m in _items(r)[:5]:
            self._retenir_menage(str(m["id"]))

    async def fiche_menage(self) -> None:
        """A household's file, then its timeline (the file screen loads both)."""
        menage_id = self._menage()
        if menage_id is None:
            await (self.mes_mesures() if self.role == "agent" else self.recherche())
            return
        corps = _json(await self.appel("ménage fiche", "GET", f"/api/v1/menages/{menage_id}"))
        if isinstance(corps, dict):
            for p in corps.get("personnes") or []:
                if p.get("nom") and p["nom"] not in self.noms:
                    self.noms.append(str(p["nom"]))
            del self.noms[:-50]
        await self.appel("chronologie", "GET", f"/api/v1/menages/{menage_id}/chronologie")

    async def rdv_creer(self) -> None:
        """Plans a rendez-vous on one of its active mesures, on a working day soon."""
        actives = [i for i, m in self.mesures.items() if m.get("statut") == "active"]
        if not actives:
            await self.mes_mesures()
            return
        jour = datetime.now(PARIS).date() + timedelta(days=self.rng.randint(1, 14))
        while jour.weekday() >= 5:
            jour += timedelta(days=1)
        debut = datetime(jour.year, jour.month, jour.day, self.rng.randint(9, 16), 0, tzinfo=PARIS)
        corps = {
            "mesure_id": self.rng.choice(actives),
            "debut": debut.isoformat(),
            "duree_minutes": self.rng.choice([30, 45, 60, 90]),
            "type": self.rng.choice(["entretien_bureau", "visite_domicile", "telephone", "accompagnement_physique"]),
            "lieu": self.rng.choice(["Bureau", "Domicile", "CCAS"]),
        }
        r = await self.appel("rendez-vous écriture", "POST", "/api/v1/rendez-vous", json=corps)
        cree = _json(r)
        if r is not None and isinstance(cree, dict):
            self.mes_rdv.append((str(cree["id"]), r.headers.get("etag", "")))
            del self.mes_rdv[:-20]

    async def rdv_modifier(self) -> None:
        """Changes one of the rendez-vous it created (its own ETag: no other user edits it)."""
        if not self.mes_rdv:
            await self.rdv_creer()
            return
        k = self.rng.randrange(len(self.mes_rdv))
        rdv_id, etag = self.mes_rdv[k]
        corps: dict[str, Any] = self.rng.choice(
            [{"lieu": "Domicile"}, {"lieu": "Bureau"}, {"duree_minutes": 60}, {"duree_minutes": 45}]
        )
        r = await self.appel(
            "rendez-vous écriture", "PATCH", f"/api/v1/rendez-vous/{rdv_id}", json=corps, headers={"If-Match": etag}
        )
        if r is not None and r.is_success:
            self.mes_rdv[k] = (rdv_id, r.headers.get("etag", etag))

    # Commission, bailleurs.

    async def _orientations(self, params: dict[str, Any]) -> None:
        for o in _items(await self.appel("orientations", "GET", "/api/v1/orientations", params=params)):
            if str(o["id"]) not in self.orientations:
                self.orientations.append(str(o["id"]))
            if o.get("menage_id"):
                self._retenir_menage(str(o["menage_id"]))
        del self.orientations[:-200]

    async def en_commission(self) -> None:
        await self._orientations({"statut": "en_commission", "limit": 20})

    async def liste_orientations(self) -> None:
        params: dict[str, Any] = {"limit": 20}
        if self.rng.random() < 0.3:
            params["offset"] = 20
        await self._orientations(params)

    async def fiche_orientation(self) -> None:
        if not self.orientations:
            await (self.en_commission() if self.role == "commission" else self.liste_orientations())
            return
        await self.appel("orientations", "GET", f"/api/v1/orientations/{self.rng.choice(self.orientations)}")

    async def liste_sessions(self) -> None:
        r = await self.appel("commissions", "GET", "/api/v1/commissions", params={"limit": 20})
        self.sessions = [str(s["id"]) for s in _items(r)] or self.sessions

    async def fiche_session(self) -> None:
        if not self.sessions:
            await self.liste_sessions()
            return
        await self.appel("commissions", "GET", f"/api/v1/commissions/{self.rng.choice(self.sessions)}")

    # Funders.

    async def liste_dispositifs(self) -> None:
        """The dispositifs this funder finances: those of the conventions it reads (the list of
        all dispositifs names others too, whose indicators answer 404 to it)."""
        r = await self.appel("dispositifs", "GET", "/api/v1/conventions", params={"limit": 100})
        self.dispositifs = sorted({str(c["dispositif_id"]) for c in _items(r)}) or self.dispositifs

    async def indicateurs(self) -> None:
        """The indicator document of the year so far, for one of its dispositifs or all."""
        params: dict[str, Any] = {"du": date(datetime.now(PARIS).year, 1, 1).isoformat()}
        if self.dispositifs and self.rng.random() < 0.7:
            params["dispositif"] = self.rng.choice(self.dispositifs)
        await self.appel("indicateurs", "GET", "/api/v1/indicateurs", params=params)


async def pousser(
    http: aiohttp.ClientSession,
    releve: Releve,
    identifiants: tuple[str, str],
    par_seconde: float,
    arret: asyncio.Event,
) -> None:
    """A bailleur's system: one referral every 1/par_seconde s, on the clock (not after the
    previous answer: a system does not think), each with its Idempotency-Key."""
    from api.bench.ingest import orientation

    systeme = Appelant(http, releve, random.Random(0))  # noqa: S311
    donnees = {"grant_type": "client_credentials", "client_id": identifiants[0], "client_secret": identifiants[1]}
    if not await systeme.connecter(donnees):
        print("système du bailleur : connexion refusée, pas d'envoi d'orientations", file=sys.stderr)
        return
    dispositifs = _items(await systeme.appel("dispositifs", "GET", "/api/v1/dispositifs", params={"limit": 50}))
    if not dispositifs:
        return
    choisi = next((d for d in dispositifs if d.get("code") == "300-logements-35"), dispositifs[0])
    run, i = uuid.uuid4().hex[:6], 0
    taches: set[asyncio.Task[Any]] = set()
    prochain = time.monotonic()
    while not arret.is_set():
        corps = orientation(str(choisi["id"]), i, run)
        if len(taches) < 20:  # bounded: a stalled server does not pile up requests here
            t = asyncio.create_task(
                systeme.appel(
                    "push bailleur",
                    "POST",
                    "/api/v1/orientations",
                    json=corps,
                    headers={"Idempotency-Key": str(uuid.uuid4())},
                )
            )
            taches.add(t)
            t.add_done_callback(taches.discard)
        i += 1
        prochain += 1 / par_seconde
        await asyncio.sleep(max(0.0, prochain - time.monotonic()))
    for t in list(taches):
        t.cancel()


# --- the run --------------------------------------------------------------------------------


# Plus de 80 lignes : le déroulé d'une mesure (échauffement, paliers, relevés CPU, arrêt) se lit
# d'un trait ; découpé, chaque morceau n'aurait de sens qu'avec les autres.
async def executer(
    base: str,
    comptes_par_role: Comptes,
    *,
    mot_de_passe: str,
    paliers: Sequence[int],
    duree: float,
    echauffement: float,
    graine: int = 1,
    reflexion: tuple[float, float] = (2.0, 8.0),
    client_bailleur: tuple[str, str] | None = None,
    push: float = 1.0,
    cpu: CompteurCpu | None = None,
    mix: dict[str, int] | None = None,
    afficher: Callable[[Palier], None] | None = None,
) -> list[Palier]:
    """Run the steps against ``base`` (loopback only) and return their figures."""
    if not base.startswith(("http://127.", "http://localhost")):
        raise SystemExit("bench-capacite : boucle locale uniquement")
    n_max = max(paliers)
    releve = Releve()
    arret = asyncio.Event()

    # One client per person, as each person has a browser: its own keep-alive
    # connections, kept 60 s idle like a browser's (the server keeps them 75 s,
    # ``ANCRAGE_KEEP_ALIVE_SECONDES``: longer than a person thinks). A single pool shared by 300 users made the
    # generator the machine's second consumer (0.54 of a core at 300 users: httpcore
    # scans every pooled connection at each request). No cookie jar: each user keeps its
    # own refresh cookie and sends it itself.
    #
    # aiohttp, not httpx: the generator shares the machine it measures, and the issue gives
    # it 1–7 % of a core. With httpx it took 0.17 of a core at 300 users (2.2 ms of CPU per
    # request, most of it httpx's and httpcore's own Python); aiohttp parses HTTP in C
    # (docs/performance.md, 03/12 nuit 2).
    def client(connexions: int = 6) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            base_url=base,
            connector=aiohttp.TCPConnector(limit=connexions, keepalive_timeout=60.0),
            timeout=aiohttp.ClientTimeout(total=30.0, connect=10.0),
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    resultats: list[Palier] = []
    async with contextlib.AsyncExitStack() as pile:
        gens = [
            Utilisateur(
                await pile.enter_async_context(client()),
                releve,
                random.Random(f"{graine}-{i}"),  # noqa: S311
                role,
                email,
                mot_de_passe,
            )
            for i, (role, email) in enumerate(repartir(n_max, comptes_par_role, mix))
        ]
        # The bailleur's system: one client of its own, as many connections as referrals it
        # keeps in flight (``pousser``: 20 at most), so that none waits in the client's pool.
        http = await pile.enter_async_context(client(connexions=20))
        taches: list[asyncio.Task[None]] = []
        if client_bailleur is not None and push > 0:
            taches.append(asyncio.create_task(pousser(http, releve, client_bailleur, push, arret)))
        rapports: list[asyncio.Task[Palier]] = []
        actifs = 0
        try:
            for k, n in enumerate(sorted(paliers)):
                nouveaux = gens[actifs:n]
                # Sign-ins spread over the first three quarters of the warm-up.
                pas = echauffement * 0.75 / max(len(nouveaux), 1)
                for j, u in enumerate(nouveaux):
                    taches.append(asyncio.create_task(u.vivre(j * pas, reflexion, arret)))
                actifs = max(actifs, n)
                await asyncio.sleep(echauffement)
                connectes = sum(1 for u in gens[:n] if u.jeton is not None)
                if cpu is not None:
                    await asyncio.to_thread(cpu.demarrer)
                cpu0, t0 = time.process_time(), time.perf_counter()
                releve.palier = k
                await asyncio.sleep(duree)
                releve.palier = None
                ecoule = time.perf_counter() - t0
                lu = await asyncio.to_thread(cpu.lire) if cpu is not None else {}
                conso = {**lu, "generateur": time.process_time() - cpu0}

                async def rapport(
                    k: int = k, n: int = n, c: int = connectes, e: float = ecoule, conso: dict[str, float] = conso
                ) -> Palier:
                    # Requests started in the step and still running are waited for (bounded
                    # by the client's timeout) while the next step warms up.
                    fin = time.monotonic() + 35
                    while releve.en_cours[k] > 0 and time.monotonic() < fin:
                        await asyncio.sleep(0.2)
                    lignes = releve.mesures.get(k, [])
                    par_famille = {f: stats([x for x in lignes if x[0] == f]) for f in FAMILLES}
                    p = Palier(
                        n,
                        c,
                        e,
                        stats(lignes),
                        {f: s for f, s in par_famille.items() if s.requetes},
                        conso,
                        os.getloadavg()[0],
                    )
                    if afficher is not None:
                        afficher(p)
                    return p

                rapports.append(asyncio.create_task(rapport()))
            arret.set()
            for r in rapports:
                resultats.append(await r)
        finally:
            arret.set()
            for t in taches:
                t.cancel()
            await asyncio.gather(*taches, return_exceptions=True)
            for r in rapports:
                r.cancel()
    return resultats


def _redis_vide(url: str) -> str | None:
    """``url`` once its database is emptied, or None (with a line) if Redis does not answer."""
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).flushdb()
    except redis.RedisError as exc:
        print(f"Redis {url} injoignable ({exc}) : serveur sans Redis, chaque worker garde ses documents")
        return None
    print(f"Redis : {url} (vidé)")
    return url


# --- output ---------------------------------------------------------------------------------


def _ms(v: float) -> str:
    return f"{v:,.0f}".replace(",", " ")


def _erreurs(e: Counter[str]) -> str:
    return ", ".join(f"{s} × {n}" for s, n in sorted(e.items())) if e else "aucune"


def afficher_palier(p: Palier) -> None:
    g, c = p.globales, p.cpu
    gen = c.get("generateur", 0.0)
    print(
        f"\n— {p.utilisateurs} utilisateurs ({p.connectes} connectés), {p.duree:.0f} s — "
        f"{p.rps:.1f} req/s · p50 {_ms(g.p50)} ms · p95 {_ms(g.p95)} ms · p99 {_ms(g.p99)} ms · "
        f"erreurs : {_erreurs(g.erreurs)}"
    )
    print(
        f"  CPU en cœurs : API {c.get('serveur', 0.0) / p.duree:.2f}"
        f" · PostgreSQL {c.get('postgres', 0.0) / p.duree:.2f}"
        f" · générateur {gen / p.duree:.3f} ({gen * 1000 / max(g.requetes, 1):.2f} ms par requête)"
        f" · charge de la machine {p.charge:.1f}"
    )
    print(f"  {'famille':22}{'req':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  erreurs")
    for f, s in sorted(p.familles.items(), key=lambda x: -x[1].p95):
        print(
            f"  {f:22}{s.requetes:7d}{s.requetes / p.duree:8.1f}{_ms(s.p50):>9}{_ms(s.p95):>9}{_ms(s.p99):>9}"
            f"  {_erreurs(s.erreurs)}"
        )
    sys.stdout.flush()


def afficher_synthese(paliers: Sequence[Palier]) -> int:
    print(f"\n{'utilisateurs':>12}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'erreurs':>9}"
          f"{'API':>6}{'PG':>6}{'gén.':>7}  familles les plus lentes (p95)")  # fmt: skip
    for p in paliers:
        g = p.globales
        lentes = sorted(p.familles.items(), key=lambda x: -x[1].p95)[:3]
        print(
            f"{p.utilisateurs:>12}{p.rps:8.1f}{_ms(g.p50):>9}{_ms(g.p95):>9}{_ms(g.p99):>9}"
            f"{sum(g.erreurs.values()):>9}{p.cpu.get('serveur', 0) / p.duree:6.2f}"
            f"{p.cpu.get('postgres', 0) / p.duree:6.2f}{p.cpu.get('generateur', 0) / p.duree:7.3f}  "
            + ", ".join(f"{f} {_ms(s.p95)}" for f, s in lentes)
        )
    tenus = [p.utilisateurs for p in paliers if p.tenu]
    n = max(tenus, default=0)
    print(f"{n} utilisateurs à p95 ≤ {SEUIL_P95_MS:.0f} ms")
    return n


# --- command --------------------------------------------------------------------------------


def _entiers(s: str) -> list[int]:
    try:
        valeurs = sorted({int(x) for x in s.split(",") if x.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError("liste d'entiers séparés par des virgules attendue") from None
    if not valeurs or valeurs[0] < 1 or valeurs[-1] > 2000:
        raise argparse.ArgumentTypeError("entre 1 et 2000 utilisateurs par palier")
    return valeurs


def _intervalle(s: str) -> tuple[float, float]:
    a, _, b = s.partition(",")
    try:
        bas, haut = float(a), float(b or a)
    except ValueError:
        raise argparse.ArgumentTypeError("« min,max » en secondes attendu") from None
    return min(bas, haut), max(bas, haut)


def client_bailleur(engine: Engine) -> tuple[str, str] | None:
    """The demo bailleur's machine client, whose secret the demo publishes (None if absent)."""
    from api.demo import referentiel

    with engine.connect() as conn:
        existe = conn.execute(
            text("SELECT 1 FROM client_api WHERE client_id = :c AND actif"), {"c": referentiel.DEMO_CLIENT_ID}
        ).first()
    return (referentiel.DEMO_CLIENT_ID, referentiel.DEMO_CLIENT_SECRET) if existe else None


# Plus de 80 lignes : les options du banc, puis la base jetable, le serveur et l'impression,
# dans l'ordre où l'opérateur les lit.
def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--paliers", type=_entiers, default=[50, 100, 200, 300, 500], help="utilisateurs par palier")
    p.add_argument("--duree", type=float, default=60, help="secondes mesurées par palier")
    p.add_argument("--echauffement", type=float, default=30, help="secondes avant chaque palier (connexions)")
    p.add_argument("--reflexion", type=_intervalle, default=(2.0, 8.0), help="temps de réflexion « min,max » (s)")
    p.add_argument("--push", type=float, default=1.0, help="orientations/s poussées par le système du bailleur")
    p.add_argument("--workers", type=int, default=2, help="processus uvicorn de l'API")
    p.add_argument("--graine", type=int, default=1, help="graine des choix des utilisateurs")
    p.add_argument("--sur-place", action="store_true", help="sur la démonstration elle-même (elle garde les écritures)")
    p.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/15",
        help="Redis du serveur, comme en production à plusieurs workers (base vidée au départ ; « aucun » : sans)",
    )
    a = p.parse_args()
    if not (0 < a.duree <= 600 and 0 <= a.echauffement <= 600 and 1 <= a.workers <= 16 and 0 <= a.push <= 50):
        raise SystemExit("--duree 1 à 600 s, --echauffement 0 à 600 s, --workers 1 à 16, --push 0 à 50")

    from api.bench.ingest import copier_departement
    from api.bench.outils import PG_DEFAUT, assurer_demo, serveur_processus
    from api.core.db import make_engine
    from api.demo import referentiel

    url_demo = os.environ.get("ANCRAGE_BENCH_DATABASE_URL", PG_DEFAUT)
    demo = make_url(url_demo)
    copie = None if a.sur_place else f"{demo.database}_capacite_{uuid.uuid4().hex[:8]}"
    admin = make_engine(
        demo.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    faits: list[Palier] = []
    journal = tempfile.NamedTemporaryFile(prefix="ancrage-capacite-", suffix=".log", delete=False)  # noqa: SIM115
    # The whole run is bounded: warm-ups, steps, the last answers, then the server stops.
    delai = sum(a.echauffement + a.duree for _ in a.paliers) + 90
    try:
        if copie is None:
            assurer_demo(url_demo)
            url = url_demo
        else:
            t0 = time.perf_counter()
            url = copier_departement(url_demo, copie)
            print(f"copie jetable {copie} de {demo.database} en {time.perf_counter() - t0:.0f} s")
        engine = make_engine(url)
        par_role, systeme = comptes(engine), client_bailleur(engine)
        engine.dispose()
        print(f"machine : {machine()}")
        print(
            "comptes : "
            + ", ".join(f"{r} {len(v)}" for r, v in par_role.items())
            + f" ; paliers {a.paliers}, {a.echauffement:.0f} s d'échauffement + {a.duree:.0f} s mesurées chacun, "
            f"réflexion {a.reflexion[0]:g}–{a.reflexion[1]:g} s, système du bailleur {a.push:g} orientation/s, "
            f"API {a.workers} workers, arrêt au plus tard dans {delai / 60:.0f} min"
        )
        env = {"ANCRAGE_CLIENT_REQUETES_PAR_MINUTE": str(max(120, int(a.push * 120)))}
        if a.redis != "aucun" and (redis_url := _redis_vide(a.redis)):
            # As deployed with several workers (docs/exploitation.md): limits and kept
            # indicator documents shared between the workers. Emptied first: no document
            # kept by an earlier run.
            env["ANCRAGE_REDIS_URL"] = redis_url

        def garder(p: Palier) -> None:
            afficher_palier(p)
            faits.append(p)

        with serveur_processus(url, workers=a.workers, env=env, journal=journal) as (base, pid):
            asyncio.run(
                asyncio.wait_for(
                    executer(
                        base,
                        par_role,
                        mot_de_passe=referentiel.DEMO_PASSWORD,
                        paliers=a.paliers,
                        duree=a.duree,
                        echauffement=a.echauffement,
                        graine=a.graine,
                        reflexion=a.reflexion,
                        client_bailleur=systeme,
                        push=a.push,
                        cpu=CompteurCpu(pid, url),
                        afficher=garder,
                    ),
                    timeout=delai,
                )
            )
        fin = 0
    except TimeoutError:
        print(f"\nbench-capacite : arrêté au bout de {delai:.0f} s (délai dépassé)")
        fin = 1
    except KeyboardInterrupt:
        print("\nbench-capacite : interrompu")
        fin = 1
    finally:
        journal.close()
        if copie is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{copie}" WITH (FORCE)'))
        admin.dispose()
    # The steps done, even when interrupted; the server's errors counted, their detail in its log.
    print(f"\nmachine à la fin : {machine()}")
    with open(journal.name, encoding="utf-8", errors="replace") as fh:
        exceptions = fh.read().count("Exception in ASGI application")
    print(f"journal d'erreurs du serveur : {journal.name} ({exceptions} exceptions)")
    afficher_synthese(faits)
    return fin


if __name__ == "__main__":
    sys.exit(main())
