"""The admin's desk: webhook deliveries given up after their last try, and « Relancer »
(issue 14; policy: ``webhook_en_echec``, the platform's operator only)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from api.core.config import Settings
from api.core.models import utcnow
from api.core.sortant import PolitiqueSortante
from api.orientations import webhooks
from api.orientations.webhooks import livrer_dues
from tests.core.webhook_receiver import RESEAU_DU_RECEPTEUR, Recepteur
from tests.factories import Monde, creer_dispositif, orientation_payload

SECRET = "secret-partage-du-bailleur-0123456789"
URL = "/api/v1/webhooks/echecs"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhooks_reseaux_autorises": [RESEAU_DU_RECEPTEUR]})


def test_l_admin_voit_les_livraisons_abandonnees_et_les_relance(client, monde: Monde, db, settings) -> None:
    politique = PolitiqueSortante.depuis(settings)
    d = creer_dispositif(client, monde)
    with Recepteur() as recepteur:
        hook = client.post(
            "/api/v1/webhooks", json={"url": recepteur.url, "secret": SECRET}, headers=monde.h("bailleur_si")
        ).json()
        h = {**monde.h("bailleur_si"), "Idempotency-Key": str(uuid.uuid4())}
        o = client.post("/api/v1/orientations", json=orientation_payload(d["id"]), headers=h).json()
        assert client.get(URL, headers=monde.h("admin")).json()["total"] == 0
        recepteur.reponses = [503] * webhooks.MAX_TENTATIVES
        quand = utcnow()
        for _ in range(webhooks.MAX_TENTATIVES):
            quand += timedelta(days=1)
            livrer_dues(db, maintenant=quand, politique=politique)
        assert len(recepteur.recus) == webhooks.MAX_TENTATIVES

        r = client.get(URL, headers=monde.h("admin"))
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["total"] == 1
        echec = page["items"][0]
        assert echec["organisation_nom"] == monde.bailleur.nom
        assert echec["url"] == recepteur.url and echec["webhook_id"] == hook["id"]
        assert echec["orientation_reference"] == o["reference"]
        assert echec["tentatives"] == webhooks.MAX_TENTATIVES
        assert (echec["dernier_code_http"], echec["derniere_erreur"]) == (503, "réponse HTTP 503")
        assert echec["dernier_essai_le"] is not None and echec["webhook_actif"] is True

        # Only the platform's operator reads or sends them again.
        for qui in ("bailleur", "bailleur_si", "asso_resp", "gie"):
            assert client.get(URL, headers=monde.h(qui)).status_code == 403, qui
            assert client.post(f"{URL}/{echec['id']}/relancer", headers=monde.h(qui)).status_code == 403, qui

        r = client.post(f"{URL}/{echec['id']}/relancer", headers=monde.h("admin"))
        assert r.status_code == 200, r.text
        assert client.get(URL, headers=monde.h("admin")).json()["total"] == 0
        # Not in failure any more: sending it again twice is a 404.
        assert client.post(f"{URL}/{echec['id']}/relancer", headers=monde.h("admin")).status_code == 404
        # The worker takes it at once; the receiver answers now.
        recepteur.reponses = [200]
        assert livrer_dues(db, politique=politique) == 1
    livraison = client.get(f"/api/v1/webhooks/{hook['id']}/livraisons", headers=monde.h("bailleur_si")).json()[0]
    assert livraison["statut"] == "livree"
    assert [e["code_http"] for e in livraison["essais"]][-2:] == [503, 200]


def test_une_livraison_d_un_webhook_supprime_ne_se_relance_pas(client, monde: Monde, db, settings) -> None:
    d = creer_dispositif(client, monde)
    hook = client.post(
        "/api/v1/webhooks", json={"url": "http://127.0.0.1:9/ferme", "secret": SECRET}, headers=monde.h("bailleur_si")
    ).json()
    h = {**monde.h("bailleur_si"), "Idempotency-Key": str(uuid.uuid4())}
    assert client.post("/api/v1/orientations", json=orientation_payload(d["id"]), headers=h).status_code == 201
    quand = utcnow()
    for _ in range(webhooks.MAX_TENTATIVES):
        quand += timedelta(days=1)
        livrer_dues(db, maintenant=quand, politique=PolitiqueSortante.depuis(settings))
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=monde.h("bailleur_si")).status_code == 204
    echec = client.get(URL, headers=monde.h("admin")).json()["items"][0]
    assert echec["webhook_actif"] is False
    assert echec["derniere_erreur"].startswith("Connect")
    r = client.post(f"{URL}/{echec['id']}/relancer", headers=monde.h("admin"))
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert "supprimé" in r.json()["detail"]
