"""GET /auth/me says what the principal may do (issue 14): each capability must agree
with what the route answers when the principal tries, so that the interface never
offers a button the API refuses."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from api.acces.politique import Relation
from api.capacites.service import RELATIONS_POSSIBLES
from api.menages import access as menages_access
from api.organisations.models import TypeOrganisation
from tests import factories as fab
from tests.factories import Monde, menage_payload, orientation_payload

QUI = ("asso_agent", "asso_resp", "gie", "bailleur", "bailleur_si", "financeur", "admin")


def _capacites(client: Any, monde: Monde, qui: str) -> dict[str, Any]:
    r = client.get("/api/v1/auth/me", headers=monde.h(qui))
    assert r.status_code == 200, r.text
    return r.json()["capacites"]


def _essais(dispositif_id: str) -> dict[str, tuple[str, str, dict[str, Any], int]]:
    """capability → (method, path, request, status when allowed); refused is 403."""
    return {
        "ouvrir_menage": ("POST", "/api/v1/menages", {"json": menage_payload()}, 201),
        "orienter": (
            "POST",
            "/api/v1/orientations",
            {"json": orientation_payload(dispositif_id), "headers": {"Idempotency-Key": str(uuid.uuid4())}},
            201,
        ),
        "organiser_commission": (
            "POST",
            "/api/v1/commissions",
            {"json": {"dispositif_id": dispositif_id, "date": "2023-03-01"}},
            201,
        ),
        "alertes": ("GET", "/api/v1/alertes", {}, 200),
        "indicateurs": ("GET", "/api/v1/indicateurs", {}, 200),
        "webhooks": (
            "POST",
            "/api/v1/webhooks",
            {"json": {"url": f"https://si.example/{uuid.uuid4().hex}", "secret": "t" * 32}},
            201,
        ),
    }


@pytest.mark.parametrize("qui", QUI)
def test_each_capability_is_what_the_route_answers(client, monde: Monde, qui: str) -> None:
    disp = fab.dispositif(monde.db, monde)
    capacites = _capacites(client, monde, qui)
    for nom, (methode, chemin, requete, ok) in _essais(str(disp.id)).items():
        headers = monde.h(qui) | requete.pop("headers", {})
        r = client.request(methode, chemin, headers=headers, **requete)
        attendu = ok if capacites[nom] else 403
        assert r.status_code == attendu, f"{qui} / {nom}: capacité {capacites[nom]}, {chemin} → {r.status_code} {r.text}"


def test_capabilities_follow_the_policy(client, monde: Monde) -> None:
    """Menus from the policy: the association reads mesures and rendez-vous, the commission
    mesures only, the bailleur neither; a funder or the admin never reads a household."""
    asso, gie, bailleur = (_capacites(client, monde, q) for q in ("asso_agent", "gie", "bailleur"))
    financeur, admin = _capacites(client, monde, "financeur"), _capacites(client, monde, "admin")
    assert asso["lire_mesures"] and asso["rendez_vous"] and asso["modifier_mesures"]
    assert gie["lire_mesures"] and not gie["rendez_vous"] and not gie["modifier_mesures"]
    assert not bailleur["lire_mesures"] and not bailleur["rendez_vous"]
    assert not financeur["lire_menages"] and not admin["lire_menages"]
    assert "menage_vivant" not in financeur["faits_lus"] and "indicateur" in financeur["faits_lus"]
    assert admin["administrer"] and not asso["administrer"]
    # The responsable of a partner manages its accounts; an agent does not.
    assert _capacites(client, monde, "asso_resp")["gerer_comptes"] and not asso["gerer_comptes"]


@pytest.mark.parametrize("type_", list(TypeOrganisation))
def test_possible_relations_agree_with_the_household_sql(type_: TypeOrganisation) -> None:
    """The table of possible relations says what menages/access.py lets each type hold."""
    from api.auth.principal import Principal

    p = Principal("utilisateur", uuid.uuid4(), uuid.uuid4(), type_, "agent", uuid.uuid4())
    possibles = RELATIONS_POSSIBLES[type_]
    for relation in (Relation.porteur, Relation.commission):
        assert (relation in possibles) == menages_access._type_permet(p, relation), relation
    exclu = menages_access._exclu(p)
    assert exclu == (Relation.auteur not in possibles)
