"""Bailleurs' systems: Idempotency-Key, external_ref, polling, signed webhooks with retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import timedelta

import pytest

from api.core.config import Settings
from api.core.models import utcnow
from api.core.sortant import PolitiqueSortante
from api.orientations.models_integration import RequeteIdempotente
from api.orientations.webhooks import livrer_dues
from tests.core.webhook_receiver import RESEAU_DU_RECEPTEUR, Recepteur
from tests.factories import (
    Monde,
    creer_convention,
    creer_dispositif,
    orientation_payload,
    transition,
)

SECRET = "secret-partage-du-bailleur-0123456789"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The receiver listens on 127.0.0.1, refused by default: allowed here as an on-premise
    # deployment allows its own range.
    return settings.model_copy(update={"webhooks_reseaux_autorises": [RESEAU_DU_RECEPTEUR]})


def _push(client, monde: Monde, payload: dict, key: str | None):
    h = monde.h("bailleur_si")
    if key is not None:
        h["Idempotency-Key"] = key
    return client.post("/api/v1/orientations", json=payload, headers=h)


def test_machine_client_needs_an_idempotency_key(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    r = _push(client, monde, orientation_payload(d["id"]), None)
    assert r.status_code == 428
    assert r.json()["type"] == "/problemes/cle-idempotence-requise"
    assert "Idempotency-Key" in r.json()["detail"]
    # a person may post without one
    assert (
        client.post(
            "/api/v1/orientations", json=orientation_payload(d["id"]), headers=monde.h("bailleur")
        ).status_code
        == 201
    )


def test_same_key_same_body_replays(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    payload = orientation_payload(d["id"], external_ref="NEO-2026-0001")
    key = str(uuid.uuid4())
    first = _push(client, monde, payload, key)
    assert first.status_code == 201, first.text
    assert "Idempotency-Replayed" not in first.headers
    again = _push(client, monde, payload, key)
    assert again.status_code == 201
    assert again.headers["Idempotency-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["Location"] == f"/api/v1/orientations/{first.json()['id']}"
    listed = client.get(
        "/api/v1/orientations?external_ref=NEO-2026-0001", headers=monde.h("bailleur_si")
    ).json()
    assert listed["total"] == 1


def test_same_key_other_body_is_422(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    key = str(uuid.uuid4())
    payload = orientation_payload(d["id"])
    assert _push(client, monde, payload, key).status_code == 201
    r = _push(client, monde, {**payload, "motifs": "Autre texte"}, key)
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "header.Idempotency-Key"


def test_key_in_progress_is_409(client, monde: Monde, db) -> None:
    d = creer_dispositif(client, monde)
    payload = orientation_payload(d["id"])
    from api.orientations.idempotence import empreinte
    from api.orientations.schemas import OrientationCreate

    key = "cle-en-cours-123"
    signature = empreinte(OrientationCreate.model_validate(payload).model_dump(mode="json"))
    db.add(RequeteIdempotente(organisation_id=monde.bailleur.id, cle=key, empreinte=signature))
    db.flush()
    r = _push(client, monde, payload, key)
    assert r.status_code == 409
    assert r.headers["Retry-After"] == "1"
    assert "en cours" in r.json()["detail"]


def test_failed_request_releases_its_key(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    key = str(uuid.uuid4())
    bad = orientation_payload(d["id"], cible_proposee_code="inconnue")
    assert _push(client, monde, bad, key).status_code == 422
    good = orientation_payload(d["id"])
    assert _push(client, monde, good, key).status_code == 201


def test_external_ref_unique_per_organisation(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    first = _push(
        client, monde, orientation_payload(d["id"], external_ref="REF-1"), str(uuid.uuid4())
    ).json()
    r = _push(client, monde, orientation_payload(d["id"], external_ref="REF-1"), str(uuid.uuid4()))
    assert r.status_code == 409
    assert r.json()["existant_url"] == f"/api/v1/orientations/{first['id']}"
    assert r.json()["existant_reference"] == first["reference"]
    # another organisation may use the same reference
    other = client.post(
        "/api/v1/orientations",
        json=orientation_payload(d["id"], external_ref="REF-1", origine="association"),
        headers=monde.h("asso_agent"),
    )
    assert other.status_code == 201


def test_polling_modifie_depuis(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    a = _push(client, monde, orientation_payload(d["id"]), str(uuid.uuid4())).json()
    b = _push(client, monde, orientation_payload(d["id"]), str(uuid.uuid4())).json()
    depuis = b["modifie_le"]
    r = client.get(
        "/api/v1/orientations", params={"modifie_depuis": depuis}, headers=monde.h("bailleur_si")
    )
    assert r.status_code == 200
    assert [o["id"] for o in r.json()["items"]] == []
    transition(client, monde, a["id"], vers_statut="en_commission")
    r = client.get(
        "/api/v1/orientations", params={"modifie_depuis": depuis}, headers=monde.h("bailleur_si")
    )
    assert [(o["id"], o["statut"]) for o in r.json()["items"]] == [(a["id"], "en_commission")]
    bad = client.get(
        "/api/v1/orientations", params={"modifie_depuis": "hier"}, headers=monde.h("bailleur_si")
    )
    assert bad.status_code == 422


def _verifier_signature(recu: dict) -> dict:
    ts = recu["headers"]["X-Ancrage-Timestamp"]
    attendu = (
        "sha256="
        + hmac.new(SECRET.encode(), ts.encode() + b"." + recu["corps"], hashlib.sha256).hexdigest()
    )
    assert recu["headers"]["X-Ancrage-Signature"] == attendu
    return json.loads(recu["corps"])


def test_webhook_signed_delivery_failure_then_retry(client, monde: Monde, db, settings) -> None:
    politique = PolitiqueSortante.depuis(settings)
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    with Recepteur() as recepteur:
        r = client.post(
            "/api/v1/webhooks",
            json={"url": recepteur.url, "secret": SECRET},
            headers=monde.h("bailleur_si"),
        )
        assert r.status_code == 201, r.text
        hook = r.json()
        assert "secret" not in hook
        o = _push(
            client,
            monde,
            orientation_payload(d["id"], external_ref="NEO-9", cible_proposee_code="sante_mentale"),
            str(uuid.uuid4()),
        ).json()
        transition(client, monde, o["id"], vers_statut="en_commission")
        transition(
            client,
            monde,
            o["id"],
            vers_statut="acceptee",
            association_id=str(monde.asso.id),
            cible_code="violences_conjugales",
            type_accompagnement_code="evaluation",
            commentaire="Violences signalées par le CDAS",
        )
        recepteur.reponses = [500]  # the first delivery fails
        assert livrer_dues(db, politique=politique) == 3  # soumise, en_commission, acceptee
        assert len(recepteur.recus) == 3
        livraisons = client.get(
            f"/api/v1/webhooks/{hook['id']}/livraisons", headers=monde.h("bailleur_si")
        ).json()
        assert sorted(lv["statut"] for lv in livraisons) == ["en_attente", "livree", "livree"]
        echouee = next(lv for lv in livraisons if lv["statut"] == "en_attente")
        assert echouee["essais"][0]["code_http"] == 500
        assert livrer_dues(db, politique=politique) == 0  # not due yet: backoff
        assert livrer_dues(db, maintenant=utcnow() + timedelta(minutes=1), politique=politique) == 1
        assert len(recepteur.recus) == 4
        livraisons = client.get(
            f"/api/v1/webhooks/{hook['id']}/livraisons", headers=monde.h("bailleur_si")
        ).json()
        assert all(lv["statut"] == "livree" for lv in livraisons)
        retried = next(lv for lv in livraisons if lv["id"] == echouee["id"])
        assert [e["code_http"] for e in retried["essais"]] == [500, 200]
        corps = [_verifier_signature(x) for x in recepteur.recus]
    statuts = sorted({c["statut"] for c in corps})
    assert statuts == ["acceptee", "en_commission", "soumise"]
    accepte = next(c for c in corps if c["statut"] == "acceptee")
    assert accepte["external_ref"] == "NEO-9"
    assert accepte["mesure_creee"] is True
    texte = " ".join(x["corps"].decode() for x in recepteur.recus).lower()
    for interdit in ("violences", "sante", "santé", "cible", "commentaire", "cdas", "impayés"):
        assert interdit not in texte, interdit


def test_webhook_gives_up_after_max_attempts(client, monde: Monde, db, settings) -> None:
    from api.orientations import webhooks

    d = creer_dispositif(client, monde)
    r = client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/ferme", "secret": SECRET},
        headers=monde.h("bailleur_si"),
    )
    hook = r.json()
    _push(client, monde, orientation_payload(d["id"]), str(uuid.uuid4()))
    quand = utcnow()
    for _ in range(webhooks.MAX_TENTATIVES):
        quand += timedelta(days=1)
        livrer_dues(db, maintenant=quand, politique=PolitiqueSortante.depuis(settings))
    lv = client.get(
        f"/api/v1/webhooks/{hook['id']}/livraisons", headers=monde.h("bailleur_si")
    ).json()[0]
    assert lv["statut"] == "echec"
    assert len(lv["essais"]) == webhooks.MAX_TENTATIVES
    assert lv["essais"][0]["erreur"].startswith("Connect")


def test_webhook_management_access(client, monde: Monde) -> None:
    body = {"url": "https://si.bailleur.example/hook", "secret": SECRET}
    for who in (
        "bailleur",
        "asso_resp",
        "gie",
        "financeur",
        "admin",
    ):  # agent of a bailleur: not responsable
        assert (
            client.post("/api/v1/webhooks", json=body, headers=monde.h(who)).status_code == 403
        ), who
    hook = client.post("/api/v1/webhooks", json=body, headers=monde.h("bailleur_si")).json()
    assert [
        h["id"] for h in client.get("/api/v1/webhooks", headers=monde.h("bailleur_si")).json()
    ] == [hook["id"]]
    assert client.get("/api/v1/webhooks", headers=monde.h("asso_resp")).json() == []
    assert (
        client.get(
            f"/api/v1/webhooks/{hook['id']}/livraisons", headers=monde.h("asso_resp")
        ).status_code
        == 404
    )
    assert (
        client.delete(f"/api/v1/webhooks/{hook['id']}", headers=monde.h("asso_resp")).status_code
        == 403
    )
    assert (
        client.delete(f"/api/v1/webhooks/{hook['id']}", headers=monde.h("bailleur_si")).status_code
        == 204
    )
    assert client.get("/api/v1/webhooks", headers=monde.h("bailleur_si")).json() == []
    short = client.post(
        "/api/v1/webhooks",
        json={"url": "https://x.example", "secret": "court"},
        headers=monde.h("bailleur_si"),
    )
    assert short.status_code == 422


def test_abandoned_reservation_is_taken_over(client, monde: Monde, db) -> None:
    from api.orientations.idempotence import DELAI_ABANDON, empreinte
    from api.orientations.schemas import OrientationCreate

    d = creer_dispositif(client, monde)
    payload = orientation_payload(d["id"])
    key = "cle-abandonnee-1"
    signature = empreinte(OrientationCreate.model_validate(payload).model_dump(mode="json"))
    db.add(
        RequeteIdempotente(
            organisation_id=monde.bailleur.id,
            cle=key,
            empreinte=signature,
            cree_le=utcnow() - DELAI_ABANDON - timedelta(seconds=5),
        )
    )
    db.flush()
    r = _push(client, monde, payload, key)
    assert r.status_code == 201, r.text
    assert "Idempotency-Replayed" not in r.headers


def test_webhook_must_be_https_in_production(db, monde: Monde) -> None:
    from api.auth.principal import Principal
    from api.core.errors import ErreurValidation
    from api.organisations.models import TypeOrganisation
    from api.orientations import webhooks
    from api.orientations.schemas import WebhookCreate

    si = monde.clients["bailleur_si"]
    p = Principal(
        "client", si.id, monde.bailleur.id, TypeOrganisation.bailleur, "client", uuid.uuid4()
    )
    http = WebhookCreate(url="http://si.bailleur.example/hook", secret=SECRET)
    with pytest.raises(ErreurValidation) as exc:
        webhooks.creer_webhook(db, p, data=http, politique=PolitiqueSortante(https_obligatoire=True))
    assert exc.value.errors is not None and exc.value.errors[0].champ == "url"
    https = WebhookCreate(url="https://si.bailleur.example/hook", secret=SECRET)
    assert webhooks.creer_webhook(
        db, p, data=https, politique=PolitiqueSortante(https_obligatoire=True)
    ).url.startswith(
        "https://"
    )
