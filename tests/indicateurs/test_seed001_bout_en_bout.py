"""Seed 001 « au 30/04/2016 », loaded through the API only, gives back the report's tables.

The whole chain runs over HTTP: the bailleur refers households (with their persons),
the commission puts them before the commission and decides (accept with association,
cible and type; adjourn; wait for information; waiting list; refuse with each motif;
household's refusal), the association starts and ends some mesures, and the
commission then reads the indicators. Expected figures come from the seed report,
typed here by hand.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.factories import Monde, creer_convention, creer_dispositif, menage_payload
from tests.indicateurs.test_indicateurs_seeds import AGE_CIBLE, CIBLES, TOTAUX_CIBLE, TOTAUX_TRANCHE, TRANCHES, cellules

# The shipped example names two cibles slightly differently from the indicators' seed test.
CODE = {"habitat_adapte": "habitat_adapte_sur_mesure", "reassurance": "reassurance_locataire"}


def _orienter(client, monde: Monde, dispositif_id: str, n: int, *, naissance: date, sexe: str,
              acces: str, recue: date) -> str:
    menage = menage_payload(
        personnes=[{"nom": f"Seed{n:03d}", "prenom": "Test", "date_naissance": naissance.isoformat(),
                    "sexe": sexe, "lien": "demandeur"}],
        composition="femme_seule" if sexe == "femme" else "homme_seul",
    )
    body = {"dispositif_id": dispositif_id, "menage": menage, "origine": "bailleur", "acces_maintien": acces,
            "motifs": "Orientation du bilan 001.", "soumettre": False}
    r = client.post("/api/v1/orientations", json=body, headers=monde.h("bailleur"))
    assert r.status_code == 201, r.text
    oid = r.json()["id"]
    _passer(client, monde, oid, "bailleur", vers_statut="soumise", date_effet=recue.isoformat())
    _passer(client, monde, oid, "gie", vers_statut="en_commission", date_effet=(recue + timedelta(days=3)).isoformat())
    return oid


def _passer(client, monde: Monde, oid: str, who: str, **body) -> dict:
    r = client.post(f"/api/v1/orientations/{oid}/transitions", json=body, headers=monde.h(who))
    assert r.status_code == 200, r.text
    return r.json()


def test_seed_001_through_the_api(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"], date_debut="2014-01-01")
    D = date(2016, 4, 30)
    n = 0
    # 59 households in progress at D, by cible and age bracket exactly as in the report.
    for cible, ligne in AGE_CIBLE.items():
        for j, nb in enumerate(ligne):
            for i in range(nb):
                age = {20: 27 + i % 3, 70: (79, 72)[i % 2]}.get(20 + 10 * j, 20 + 10 * j + (i * 3) % 10)
                decision = date(2015, 3, 1) + timedelta(days=5 * n)
                # « âge au 30/04/2016 », as the report reads it (the indicators' default)
                oid = _orienter(client, monde, d["id"], n, naissance=date(D.year - age, D.month, 1),
                                sexe="femme" if n < 20 else "homme", acces="acces" if n < 5 else "maintien",
                                recue=decision - timedelta(days=20))
                _passer(client, monde, oid, "gie", vers_statut="acceptee", date_effet=decision.isoformat(),
                        association_id=str(monde.asso.id), cible_code=CODE.get(cible, cible),
                        type_accompagnement_code="capacite_habiter")
                n += 1
    # 15 more accepted, whose mesures the association started and ended before D.
    for k in range(15):
        decision = date(2015, 2, 1) + timedelta(days=k)
        oid = _orienter(client, monde, d["id"], n, naissance=date(1950, 6, 1), sexe="homme", acces="maintien",
                        recue=decision - timedelta(days=10))
        o = _passer(client, monde, oid, "gie", vers_statut="acceptee", date_effet=decision.isoformat(),
                    association_id=str(monde.asso.id), cible_code="sante_mentale",
                    type_accompagnement_code="evaluation")
        base = f"/api/v1/mesures/{o['mesure_id']}"
        debut = decision + timedelta(days=10)
        r = client.post(f"{base}/demarrer", headers=monde.h("asso_agent"),
                        json={"date_debut": debut.isoformat(), "evaluation": False, "adhesion_date": debut.isoformat(),
                              "adhesion_modalite": "rencontre tripartite"})
        assert r.status_code == 200, r.text
        r = client.post(f"{base}/terminer", headers=monde.h("asso_agent"),
                        json={"date_fin": (date(2016, 1, 4) + timedelta(days=k)).isoformat(),
                              "motif_fin": "objectifs_atteints", "situation_sortie": "locataire_parc_public"})
        assert r.status_code == 200, r.text
        n += 1
    # The commission's other decisions in the period.
    def decider(*etapes: dict) -> None:
        nonlocal n
        oid = _orienter(client, monde, d["id"], n, naissance=date(1970, 1, 1), sexe="homme", acces="maintien",
                        recue=date(2016, 1, 4))
        n += 1
        for etape in etapes:
            _passer(client, monde, oid, "gie", **etape)

    ajourner = {"vers_statut": "ajournee", "date_effet": "2016-02-01"}
    retour = {"vers_statut": "en_commission", "date_effet": "2016-02-15"}
    for _ in range(6):
        decider(ajourner)
    for _ in range(2):  # postponed twice: two ajournements
        decider(ajourner, retour, {"vers_statut": "ajournee", "date_effet": "2016-03-01"})
    for _ in range(5):
        decider({"vers_statut": "attente_infos", "date_effet": "2016-03-01"})
    for _ in range(2):
        decider({"vers_statut": "liste_attente", "date_effet": "2016-03-01"})
    for motif, nb in (("droit_commun", 7), ("hors_cible", 2), ("territoire_non_couvert", 3), ("parc_prive", 12)):
        for _ in range(nb):
            decider({"vers_statut": "refusee", "motif_refus": motif, "date_effet": "2016-03-01"})
    for _ in range(8):
        decider({"vers_statut": "refus_beneficiaire", "date_effet": "2016-03-01"})

    doc = client.get("/api/v1/indicateurs", params={"du": "2015-01-01", "au": D.isoformat(), "dispositif": d["id"]},
                     headers=monde.h("gie")).json()
    fa = cellules(doc, "file_active_cible")
    assert {k: fa[f"cible={CODE.get(k, k)}"] for k in CIBLES} == TOTAUX_CIBLE and fa["total"] == 59
    assert (cellules(doc, "file_active_sexe")["sexe=homme"], cellules(doc, "file_active_sexe")["sexe=femme"]) == (39, 20)
    ac = cellules(doc, "file_active_age_cible")
    for c in CIBLES:
        assert [ac[f"cible={CODE.get(c, c)};tranche_age={t}"] for t in TRANCHES] == AGE_CIBLE[c], c
    assert [ac[f"tranche_age={t}"] for t in TRANCHES] == TOTAUX_TRANCHE
    assert cellules(doc, "file_active_age_extremes") == {"indicateur=plus_jeune": 27, "indicateur=plus_age": 79}
    am = cellules(doc, "file_active_acces_maintien")
    assert (am["acces_maintien=acces"], am["acces_maintien=maintien"]) == (5, 54)
    assert cellules(doc, "refus_motif") == {
        "motif_refus=droit_commun": 7, "motif_refus=hors_cible": 2, "motif_refus=territoire_non_couvert": 3,
        "motif_refus=financement_non_disponible": 0, "motif_refus=parc_prive": 12, "motif_refus=autre": 0, "total": 24,
    }
    assert cellules(doc, "decisions") == {
        "decision=acceptee": 74, "decision=ajournee": 10, "decision=attente_infos": 5, "decision=liste_attente": 2,
        "decision=refusee": 24, "decision=refus_beneficiaire": 8, "total": 123,
    }
    # The funder gets the same numbers, and never a name.
    fin = client.get("/api/v1/indicateurs", params={"du": "2015-01-01", "au": D.isoformat(), "dispositif": d["id"]},
                     headers=monde.h("financeur"))
    assert fin.status_code == 200
    assert cellules(fin.json(), "file_active_cible")["total"] == 59
    assert "Seed0" not in fin.text and "M-20" not in fin.text
