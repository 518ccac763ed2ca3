"""Seed 001's orientation story replayed through the API.

Referrals from a bailleur's system (Idempotency-Key, webhook) and from a CCAS;
two commission sessions with ajournement, attente d'informations, refusals with
each of the five motifs, refus du bénéficiaire, liste d'attente, acceptances
creating mesures; the bailleur's webhook receives each change, signed; each
role sees exactly what the policy of docs/domaine.md allows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections import Counter

import pytest
from sqlalchemy import func
from sqlmodel import select

from api.core.config import Settings
from api.core.sortant import PolitiqueSortante
from api.mesures.models import Mesure
from api.mesures.service import aujourdhui
from api.organisations.models import TypeOrganisation
from api.orientations.webhooks import livrer_dues
from tests import factories
from tests.core.webhook_receiver import RESEAU_DU_RECEPTEUR, Recepteur
from tests.factories import (
    Monde,
    creer_convention,
    creer_dispositif,
    orientation_payload,
    transition,
)

# Sessions are held on a day that exists: not before the referrals they decide were
# received (today), not in the future.
AUJOURDHUI = aujourdhui().isoformat()

SECRET = "secret-webhook-neotoa-2026-abcdef"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The bailleur's receiver listens on 127.0.0.1, refused by default: allowed here.
    return settings.model_copy(update={"webhooks_reseaux_autorises": [RESEAU_DU_RECEPTEUR]})


def test_seed_001_story(client, monde: Monde, db, settings) -> None:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"], association=monde.asso)
    creer_convention(client, monde, d["id"], association=monde.asso2)
    ccas = factories.organisation(db, TypeOrganisation.prescripteur, "CCAS de Rennes")
    monde.users["ccas"] = factories.utilisateur(db, ccas)

    with Recepteur() as recepteur:
        assert (
            client.post(
                "/api/v1/webhooks",
                json={"url": recepteur.url, "secret": SECRET},
                headers=monde.h("bailleur_si"),
            ).status_code
            == 201
        )
        o: dict[str, dict] = {}
        for i in range(1, 7):  # six referrals from the bailleur's system
            h = {**monde.h("bailleur_si"), "Idempotency-Key": str(uuid.uuid4())}
            r = client.post(
                "/api/v1/orientations",
                headers=h,
                json=orientation_payload(d["id"], external_ref=f"NEO-{i}"),
            )
            assert r.status_code == 201, r.text
            o[f"B{i}"] = r.json()
        for i in range(1, 5):  # four from the CCAS (C1 first as a draft)
            r = client.post(
                "/api/v1/orientations",
                headers=monde.h("ccas"),
                json=orientation_payload(
                    d["id"], origine="ccas", soumettre=i != 1, acces_maintien="acces"
                ),
            )
            assert r.status_code == 201, r.text
            o[f"C{i}"] = r.json()
        assert (
            transition(client, monde, o["C1"]["id"], who="ccas", vers_statut="soumise").status_code
            == 200
        )

        s1 = client.post(
            "/api/v1/commissions",
            json={"dispositif_id": d["id"], "date": AUJOURDHUI},
            headers=monde.h("gie"),
        ).json()
        r = client.post(
            f"/api/v1/commissions/{s1['id']}/ordre-du-jour",
            json={"orientation_ids": [x["id"] for x in o.values()]},
            headers=monde.h("gie"),
        )
        assert r.status_code == 200, r.text

        def dec(k: str, statut: str, **kw) -> dict:
            return {"orientation_id": o[k]["id"], "vers_statut": statut, **kw}

        accepte_asso = {"association_id": str(monde.asso.id)}
        r = client.post(
            f"/api/v1/commissions/{s1['id']}/decisions",
            headers=monde.h("gie"),
            json={
                "decisions": [
                    dec(
                        "B1",
                        "acceptee",
                        **accepte_asso,
                        cible_code="sante_mentale",
                        type_accompagnement_code="evaluation",
                    ),
                    dec("B2", "refusee", motif_refus="droit_commun"),
                    dec("B3", "refusee", motif_refus="parc_prive"),
                    dec("B4", "ajournee", commentaire="Attendre l'avis du CMP"),
                    dec("B5", "attente_infos", commentaire="Montant de la dette ?"),
                    dec("B6", "refusee", motif_refus="hors_cible"),
                    dec("C1", "refusee", motif_refus="territoire_non_couvert"),
                    dec("C2", "refusee", motif_refus="financement_non_disponible"),
                    dec("C3", "liste_attente"),
                    dec("C4", "refus_beneficiaire"),
                ]
            },
        )
        assert r.status_code == 200, r.text

        s2 = client.post(
            "/api/v1/commissions",
            json={"dispositif_id": d["id"], "date": AUJOURDHUI},
            headers=monde.h("gie"),
        ).json()
        assert (
            client.post(
                f"/api/v1/commissions/{s2['id']}/ordre-du-jour",
                json={"orientation_ids": [o["B4"]["id"], o["B5"]["id"]]},
                headers=monde.h("gie"),
            ).status_code
            == 200
        )
        r = client.post(
            f"/api/v1/commissions/{s2['id']}/decisions",
            headers=monde.h("gie"),
            json={
                "decisions": [
                    dec(
                        "B4",
                        "acceptee",
                        association_id=str(monde.asso2.id),
                        cible_code="habitat_adapte_sur_mesure",
                        type_accompagnement_code="capacite_habiter",
                    ),
                    dec("B5", "refus_beneficiaire"),
                ]
            },
        )
        assert r.status_code == 200, r.text
        r = transition(
            client,
            monde,
            o["C3"]["id"],
            vers_statut="acceptee",
            date_effet=AUJOURDHUI,
            **accepte_asso,
            cible_code="reassurance_locataire",
            type_accompagnement_code="soutien_personnalise_logement",
        )
        assert r.status_code == 200, r.text

        assert livrer_dues(db, politique=PolitiqueSortante.depuis(settings)) == 22
        recus = list(recepteur.recus)

    # --- the webhook: every change of the bailleur's referrals, signed, nothing sensitive
    par_ref: dict[str, list[str]] = {}
    for recu in recus:
        ts = recu["headers"]["X-Ancrage-Timestamp"]
        sig = (
            "sha256="
            + hmac.new(
                SECRET.encode(), f"{ts}.".encode() + recu["corps"], hashlib.sha256
            ).hexdigest()
        )
        assert recu["headers"]["X-Ancrage-Signature"] == sig
        corps = json.loads(recu["corps"])
        par_ref.setdefault(corps["external_ref"], []).append(corps["statut"])
        assert "sante" not in recu["corps"].decode() and "CMP" not in recu["corps"].decode()
    assert {k: v for k, v in sorted(par_ref.items())} == {
        "NEO-1": ["soumise", "en_commission", "acceptee"],
        "NEO-2": ["soumise", "en_commission", "refusee"],
        "NEO-3": ["soumise", "en_commission", "refusee"],
        "NEO-4": ["soumise", "en_commission", "ajournee", "en_commission", "acceptee"],
        "NEO-5": [
            "soumise",
            "en_commission",
            "attente_infos",
            "en_commission",
            "refus_beneficiaire",
        ],
        "NEO-6": ["soumise", "en_commission", "refusee"],
    }

    # --- the figures of the story, as the commission reads them
    gie = client.get(
        "/api/v1/orientations",
        params={"dispositif_id": d["id"], "limit": 100},
        headers=monde.h("gie"),
    ).json()["items"]
    assert Counter(x["statut"] for x in gie) == {
        "acceptee": 3,
        "refusee": 5,
        "refus_beneficiaire": 2,
    }
    assert Counter(x["motif_refus"] for x in gie if x["motif_refus"]) == {
        "droit_commun": 1,
        "parc_prive": 1,
        "hors_cible": 1,
        "territoire_non_couvert": 1,
        "financement_non_disponible": 1,
    }
    assert Counter(x["origine"] for x in gie) == {"bailleur": 6, "ccas": 4}
    n_mesures = db.exec(
        select(func.count()).select_from(Mesure).where(Mesure.dispositif_id == uuid.UUID(d["id"]))
    ).one()
    assert n_mesures == 3
    evs_b4 = client.get(
        f"/api/v1/orientations/{o['B4']['id']}/evenements", headers=monde.h("gie")
    ).json()
    assert [e["vers_statut"] for e in evs_b4].count("ajournee") == 1

    # --- who sees what (lists and details)
    tous = {k: x["id"] for k, x in o.items()}
    attendu = {
        "bailleur_si": {"B1", "B2", "B3", "B4", "B5", "B6"},
        "bailleur": {"B1", "B2", "B3", "B4", "B5", "B6"},
        "ccas": {"C1", "C2", "C3", "C4"},
        "gie": set(tous),
        "admin": set(tous),
        "asso_agent": {"B1", "C3"},  # accepted and addressed to it
        "asso2_agent": {"B4"},
        "financeur": set(),
    }
    for who, cles in attendu.items():
        vus = client.get(
            "/api/v1/orientations",
            params={"dispositif_id": d["id"], "limit": 100},
            headers=monde.h(who),
        ).json()["items"]
        assert {x["id"] for x in vus} == {tous[k] for k in cles}, who
        for k, oid in tous.items():
            code = client.get(f"/api/v1/orientations/{oid}", headers=monde.h(who)).status_code
            assert code == (200 if k in cles else 404), (who, k)
    b1 = client.get(f"/api/v1/orientations/{tous['B1']}", headers=monde.h("bailleur_si")).json()
    assert (b1["statut"], b1["cible_code"], b1["cible_libelle"]) == (
        "acceptee",
        "confidentielle",
        "cible confidentielle",
    )
    b2 = client.get(f"/api/v1/orientations/{tous['B2']}", headers=monde.h("bailleur")).json()
    assert (b2["statut"], b2["motif_refus"]) == ("refusee", "droit_commun")
    evs = client.get(
        f"/api/v1/orientations/{tous['B4']}/evenements", headers=monde.h("bailleur_si")
    ).json()
    assert all(e["commentaire"] is None for e in evs if e["organisation_id"] == str(monde.gie.id))
    # the minutes: session 1 has its ten decisions (B4 adjourned there, accepted in session 2)
    pv1 = client.get(f"/api/v1/commissions/{s1['id']}/proces-verbal.csv", headers=monde.h("gie"))
    lignes = pv1.content.decode("utf-8-sig").strip().splitlines()[1:]
    assert len(lignes) == 10
    assert Counter(ligne.split(";")[7] for ligne in lignes) == {
        "Refus de la commission": 5,
        "Acceptation": 1,
        "Ajournement": 1,
        "Attente d'informations": 1,
        "Liste d'attente": 1,
        "Refus du bénéficiaire": 1,
    }
    pv2 = client.get(f"/api/v1/commissions/{s2['id']}/proces-verbal.csv", headers=monde.h("gie"))
    lignes2 = sorted(
        ligne.split(";")[7] for ligne in pv2.content.decode("utf-8-sig").strip().splitlines()[1:]
    )
    assert lignes2 == ["Acceptation", "Refus du bénéficiaire"]
