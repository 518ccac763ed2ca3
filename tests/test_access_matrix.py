"""The access matrix (DOMAIN.md, « Who may see what »): every route × every kind of principal.

ONE table, ``MATRICE``: one entry per route of the app (method + path template)
giving the status each principal must get, run against real records that
belong to the association « asso » (a ménage it opened, one of its accounts,
the organisation itself). ``test_la_matrice_couvre_toutes_les_routes`` fails
as soon as a route of the app is missing from the table (or the table names a
route that no longer exists): a new route cannot ship without its line here.

To add a route: add one ``Route(...)`` line below. Path parameters are filled
from ``Dossiers.ids()`` by name (``{menage_id}`` …): a new kind of record adds
one key there (and what creates it in ``dossiers``). Give the request body with
``requete=lambda d: {...}`` (keyword arguments of ``TestClient.request``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts

from tests.factories import MOT_DE_PASSE, Monde, client_api, menage_payload

# Every kind of principal; "anonyme" sends no token.
PRINCIPAUX = (
    "asso_agent",  # association that opened the file: agent
    "asso_resp",  # same association: responsable
    "asso2_agent",  # another association
    "gie",  # commission
    "bailleur",  # bailleur: a person
    "bailleur_si",  # bailleur: its machine client
    "financeur",  # funder (DDETS)
    "admin",  # platform administrator
    "anonyme",
)
AUTHENTIFIES = tuple(p for p in PRINCIPAUX if p != "anonyme")


def ouvert(status: int) -> dict[str, int]:
    """Same answer for everyone, anonymous included."""
    return dict.fromkeys(PRINCIPAUX, status)


def connecte(status: int, **autres: int) -> dict[str, int]:
    """``status`` for every signed-in principal except those named; 401 for anonymous."""
    out = dict.fromkeys(AUTHENTIFIES, status) | {"anonyme": 401}
    out.update(autres)
    return out


def seuls(status: int, *qui: str, sinon: int = 404) -> dict[str, int]:
    """``status`` for those named, ``sinon`` for the other signed-in ones, 401 anonymous."""
    return connecte(sinon, **dict.fromkeys(qui, status))


ASSO = ("asso_agent", "asso_resp")


@dataclass
class Route:
    methode: str
    chemin: str
    attendu: dict[str, int]
    requete: Callable[[Dossiers], dict[str, Any]] = field(default=lambda d: {})

    @property
    def cle(self) -> tuple[str, str]:
        return self.methode, self.chemin


@dataclass
class Dossiers:
    """The records the matrix runs against, all belonging to the association « asso »."""

    m: Monde
    menage_id: str
    menage_version: int
    client_id: str

    def ids(self) -> dict[str, str]:
        return {
            "menage_id": self.menage_id,
            "organisation_id": str(self.m.asso.id),
            "utilisateur_id": str(self.m.users["asso_agent"].id),
            "client_id": self.client_id,
            "chemin": "une/page/inconnue",
        }


MATRICE: list[Route] = [
    # --- plumbing -----------------------------------------------------------------------------
    Route("GET", "/health", ouvert(200)),
    Route("GET", "/health/ready", ouvert(200)),
    Route("GET", "/openapi.json", ouvert(200)),
    Route("GET", "/docs", ouvert(200)),
    Route("GET", "/docs/oauth2-redirect", ouvert(200)),
    # The single-page app's fallback: no frontend is built in the tests, so 404 for all.
    Route("GET", "/{chemin:path}", ouvert(404)),
    # --- auth: the token endpoint ignores any bearer; refresh needs the cookie -----------------
    Route(
        "POST",
        "/api/v1/auth/token",
        ouvert(200),
        requete=lambda d: {
            "data": {
                "grant_type": "password",
                "username": d.m.users["asso_agent"].email,
                "password": MOT_DE_PASSE,
            }
        },
    ),
    Route("POST", "/api/v1/auth/refresh", ouvert(401)),
    Route("POST", "/api/v1/auth/logout", ouvert(204)),
    Route("GET", "/api/v1/auth/me", connecte(200)),
    # --- organisations: a directory every signed-in principal reads; the admin manages it ----
    Route("GET", "/api/v1/organisations", connecte(200)),
    Route("GET", "/api/v1/organisations/{organisation_id}", connecte(200)),
    Route(
        "POST",
        "/api/v1/organisations",
        seuls(201, "admin", sinon=403),
        requete=lambda d: {"json": {"nom": "Association nouvelle", "type": "association"}},
    ),
    Route(
        "PATCH",
        "/api/v1/organisations/{organisation_id}",
        seuls(200, "admin", sinon=403),
        requete=lambda d: {"json": {"nom": "Association Espoir 35 (renommée)"}},
    ),
    # --- accounts: one's own organisation; a responsable manages it; the admin, all ----------
    Route("GET", "/api/v1/utilisateurs", connecte(200)),
    Route("GET", "/api/v1/utilisateurs/{utilisateur_id}", seuls(200, *ASSO, "admin")),
    Route(
        "POST",
        "/api/v1/utilisateurs",
        seuls(201, "asso_resp", "admin", sinon=403),
        requete=lambda d: {
            "json": {
                "email": f"{uuid.uuid4().hex[:8]}@espoir35.fr",
                "nom": "Durand",
                "prenom": "Lou",
                "organisation_id": str(d.m.asso.id),
                "mot_de_passe": "un-mot-de-passe-long",
            }
        },
    ),
    Route(
        "PATCH",
        "/api/v1/utilisateurs/{utilisateur_id}",
        seuls(200, "asso_resp", "admin") | {"asso_agent": 403},
        requete=lambda d: {"json": {"prenom": "Camille"}},
    ),
    Route(
        "POST",
        "/api/v1/utilisateurs/{utilisateur_id}/deverrouiller",
        seuls(204, "asso_resp", "admin") | {"asso_agent": 403},
    ),
    # --- machine clients: the admin only --------------------------------------------------------
    Route("GET", "/api/v1/clients-api", seuls(200, "admin", sinon=403)),
    Route(
        "POST",
        "/api/v1/clients-api",
        seuls(201, "admin", sinon=403),
        requete=lambda d: {"json": {"nom": "SI locatif", "organisation_id": str(d.m.bailleur.id)}},
    ),
    Route(
        "PATCH",
        "/api/v1/clients-api/{client_id}",
        seuls(200, "admin", sinon=403),
        requete=lambda d: {"json": {"nom": "SI locatif (nouveau)"}},
    ),
    # --- ménages: the association's own file; nobody else even learns it exists ---------------
    # The list answers 200 to all, filtered (funder and admin always get an empty page).
    Route("GET", "/api/v1/menages", connecte(200)),
    Route(
        "POST",
        "/api/v1/menages",
        connecte(201, financeur=403, admin=403),
        requete=lambda d: {"json": menage_payload()},
    ),
    Route("GET", "/api/v1/menages/{menage_id}", seuls(200, *ASSO)),
    Route(
        "PATCH",
        "/api/v1/menages/{menage_id}",
        seuls(200, *ASSO),
        requete=lambda d: {
            "json": {"telephone": "02 99 00 00 00"},
            "headers": {"If-Match": f'"{d.menage_version}"'},
        },
    ),
    Route("GET", "/api/v1/menages/{menage_id}/acces", seuls(200, *ASSO)),
    Route("GET", "/api/v1/menages/{menage_id}/export", seuls(200, *ASSO)),
    # --- audit: one's own organisation's entries (a machine client has no business there) -----
    Route("GET", "/api/v1/audit", connecte(200, bailleur_si=403)),
]


def _routes_de_l_app(app) -> set[tuple[str, str]]:
    out = set()
    # FastAPI keeps included routers as such in app.routes; this walks the routes inside.
    for route in iter_route_contexts(app.routes):
        # Every HTTP route (FastAPI's and Starlette's: /docs, /openapi.json); a mount has no
        # methods: it shows up as "MOUNT" and fails the coverage test until it has its line.
        methodes = getattr(route, "methods", None) or {"MOUNT"}
        for methode in methodes:
            if methode != "HEAD":  # added by Starlette to every GET
                out.add((methode, route.path))
    return out


def test_la_matrice_couvre_toutes_les_routes(app) -> None:
    dans_l_app = _routes_de_l_app(app)
    dans_la_matrice = {r.cle for r in MATRICE}
    assert len(dans_la_matrice) == len(MATRICE), "une route figure deux fois dans MATRICE"
    manquantes = sorted(dans_l_app - dans_la_matrice)
    assert not manquantes, (
        f"routes absentes de la matrice d'accès (tests/test_access_matrix.py) : {manquantes}"
    )
    perimees = sorted(dans_la_matrice - dans_l_app)
    assert not perimees, f"la matrice nomme des routes qui n'existent plus : {perimees}"
    for r in MATRICE:
        assert set(r.attendu) == set(PRINCIPAUX), f"{r.cle} : un statut par principal"


@pytest.fixture
def dossiers(client, monde: Monde) -> Dossiers:
    created = client.post("/api/v1/menages", json=menage_payload(), headers=monde.h("asso_agent"))
    assert created.status_code == 201, created.text
    bailleur_si = monde.clients["bailleur_si"]
    autre = client_api(monde.db, monde.bailleur)
    assert autre.id != bailleur_si.id
    return Dossiers(
        m=monde,
        menage_id=created.json()["id"],
        menage_version=created.json()["version"],
        client_id=str(autre.id),
    )


def _chemin(template: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda g: ids[g.group(1)], template)


@pytest.mark.parametrize("principal", PRINCIPAUX)
@pytest.mark.parametrize("route", MATRICE, ids=lambda r: f"{r.methode} {r.chemin}")
def test_matrice_d_acces(client, dossiers: Dossiers, route: Route, principal: str) -> None:
    kwargs = route.requete(dossiers)
    headers = dict(kwargs.pop("headers", {}))
    if principal != "anonyme":
        headers |= dossiers.m.h(principal)
    r = client.request(
        route.methode, _chemin(route.chemin, dossiers.ids()), headers=headers, **kwargs
    )
    attendu = route.attendu[principal]
    assert r.status_code == attendu, (
        f"{route.methode} {route.chemin} par {principal} : {r.status_code} {r.text[:300]}"
    )
    if attendu >= 400 and route.chemin.startswith("/api/"):
        assert r.headers["content-type"] == "application/problem+json"
    if attendu == 404 and "{menage_id}" in route.chemin:
        # a hidden file answers exactly like one that never existed
        autre = dossiers.ids() | {"menage_id": str(uuid.uuid4())}
        kwargs = route.requete(dossiers)
        kwargs.pop("headers", None)
        inconnu = client.request(
            route.methode, _chemin(route.chemin, autre), headers=headers, **kwargs
        )
        assert inconnu.status_code == 404
        assert (
            inconnu.json()["type"] == r.json()["type"]
            and inconnu.json()["title"] == r.json()["title"]
        )
