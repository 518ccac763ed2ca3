"""Replays of the field reports (seeds 001, 002, 004) through the API."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests import factories as fab
from tests.factories import Monde


class Asso:
    """The association's worker, talking to the API."""

    def __init__(self, client, monde: Monde, who: str = "asso_agent") -> None:
        self.client, self.h = client, monde.h(who)

    def action(self, mes, action: str, body: dict) -> dict:
        r = self.client.post(f"/api/v1/mesures/{mes.id}/{action}", json=body, headers=self.h)
        assert r.status_code == 200, r.text
        return r.json()

    def patch(self, mes, body: dict) -> dict:
        version = self.client.get(f"/api/v1/mesures/{mes.id}", headers=self.h).headers["ETag"]
        r = self.client.patch(
            f"/api/v1/mesures/{mes.id}", json=body, headers=self.h | {"If-Match": version}
        )
        assert r.status_code == 200, r.text
        return r.json()

    def rdv(self, mes, **body) -> dict:
        r = self.client.post(
            "/api/v1/rendez-vous", json={"mesure_id": str(mes.id)} | body, headers=self.h
        )
        assert r.status_code == 201, r.text
        return r.json()


def _mois(debut: str, fin: str) -> int:
    """Whole months between two ISO dates, counted by hand."""
    a, b = date.fromisoformat(debut), date.fromisoformat(fin)
    return (b.year - a.year) * 12 + (b.month - a.month) - (1 if b.day < a.day else 0)


def test_seed_004_sime_year_2023(client, monde: Monde, db) -> None:
    sime = fab.dispositif(db, monde, nom="SIME", duree_max_mois=36, adhesion_requise=True)
    asso = Asso(client, monde)
    adhesion = {"evaluation": False, "adhesion_modalite": "en CCAPEX"}

    # Logement de transition: a 6-month bail associatif, then a flat of its own.
    transition = fab.mesure(db, monde, sime, mandatement=date(2023, 1, 5))
    asso.action(
        transition,
        "demarrer",
        {"date_debut": "2023-01-16", "adhesion_date": "2023-01-05"} | adhesion,
    )
    body = asso.patch(
        transition,
        {
            "modalite_logement": "logement_transition",
            "modalite_date_debut": "2023-01-16",
            "modalite_date_fin": "2023-07-16",
            "domaines": ["relogement", "budget_dettes"],
        },
    )
    assert body["modalite_logement"] == "logement_transition"
    asso.rdv(
        transition,
        debut="2023-06-12T14:00:00",
        type="accompagnement_physique",
        lieu="Agence du bailleur",
        statut="realise",
    )
    fin_transition = asso.action(
        transition,
        "terminer",
        {
            "date_fin": "2023-07-20",
            "motif_fin": "relogement",
            "situation_sortie": "locataire_parc_public",
        },
    )

    # IML bail glissant for 3 years: the lease slides to the household at the end.
    iml = fab.mesure(db, monde, sime, mandatement=date(2021, 1, 4), acces_maintien=fab.AccesMaintien.acces)
    asso.action(
        iml, "demarrer", {"date_debut": "2021-01-15", "adhesion_date": "2021-01-04"} | adhesion
    )
    body = asso.patch(
        iml,
        {
            "modalite_logement": "iml_bail_glissant",
            "modalite_date_debut": "2021-02-01",
            "date_glissement": "2024-01-15",
            "domaines": ["acces_logement", "appropriation_logement"],
        },
    )
    assert body["date_glissement"] == "2024-01-15"
    assert body["date_fin_prevue"] == "2024-01-15"  # start + 36 months
    r = client.post(
        f"/api/v1/mesures/{iml.id}/prolonger",
        json={"date_fin_prevue": "2024-06-30"},
        headers=asso.h,
    )
    assert r.status_code == 422  # past the 3 years without a derogation
    fin_iml = asso.action(
        iml,
        "terminer",
        {
            "date_fin": "2023-12-28",
            "motif_fin": "glissement_bail",
            "situation_sortie": "locataire_parc_public",
        },
    )

    # Oriented in late 2022, never adhered: "aller vers" attempts, then the end.
    non_adhesion = fab.mesure(db, monde, sime, mandatement=date(2022, 11, 2))
    asso.action(non_adhesion, "demarrer", {"date_debut": "2022-11-10"})
    for jour in ("2022-12-06", "2023-01-10"):
        asso.rdv(
            non_adhesion,
            debut=f"{jour}T10:00:00",
            type="aller_vers",
            lieu="Domicile",
            statut="absent",
        )
    r = client.post(
        f"/api/v1/mesures/{non_adhesion.id}/activer",
        json={"date_effet": "2023-01-15"},
        headers=asso.h,
    )
    assert r.status_code == 409 and r.json()["type"] == "/problemes/adhesion-requise"
    fin_na = asso.action(
        non_adhesion,
        "terminer",
        {
            "date_fin": "2023-02-10",
            "motif_fin": "non_adhesion",
            "situation_sortie": "heberge_tiers",
        },
    )

    # The full 3 years, then the maximum duration is reached.
    trois_ans = fab.mesure(db, monde, sime, mandatement=date(2020, 12, 20))
    asso.action(
        trois_ans,
        "demarrer",
        {"date_debut": "2020-12-31", "adhesion_date": "2020-12-20"} | adhesion,
    )
    fin_3 = asso.action(
        trois_ans,
        "terminer",
        {
            "date_fin": "2023-12-31",
            "motif_fin": "duree_maximale_atteinte",
            "situation_sortie": "locataire_parc_public",
        },
    )

    # Still accompanied at 31/12/2023.
    en_cours = fab.mesure(db, monde, sime, mandatement=date(2023, 9, 12))
    asso.action(
        en_cours, "demarrer", {"date_debut": "2023-09-20", "adhesion_date": "2023-09-12"} | adhesion
    )

    durees = sorted(
        _mois(f["date_debut"], f["date_fin"]) for f in (fin_transition, fin_iml, fin_na, fin_3)
    )
    assert durees == [3, 6, 35, 36]
    sorties = client.get(
        "/api/v1/mesures",
        params={"dispositif_id": str(sime.id), "statut": "terminee"},
        headers=asso.h,
    ).json()
    assert sorties["total"] == 4
    assert Counter(m["motif_fin"] for m in sorties["items"]) == {
        "relogement": 1,
        "glissement_bail": 1,
        "non_adhesion": 1,
        "duree_maximale_atteinte": 1,
    }
    actives = client.get(
        "/api/v1/mesures",
        params={"dispositif_id": str(sime.id), "statut": "active"},
        headers=asso.h,
    ).json()
    assert [m["id"] for m in actives["items"]] == [str(en_cours.id)]
    # the commission (CCAPEX) follows the exits of its dispositif
    assert (
        client.get("/api/v1/mesures", params={"statut": "terminee"}, headers=monde.h("gie")).json()[
            "total"
        ]
        == 4
    )


def test_seed_001_reorientation_and_tripartite_meeting(client, monde: Monde, db) -> None:
    d300 = fab.dispositif(db, monde, nom="300 logements accompagnés")
    asso = Asso(client, monde)
    mes = fab.mesure(db, monde, d300, mandatement=date(2023, 3, 2), type_acc="evaluation", prescripteur=monde.bailleur)
    asso.action(mes, "demarrer", {"date_debut": "2023-03-09"})
    asso.action(
        mes,
        "activer",
        {
            "date_effet": "2023-05-15",
            "adhesion_date": "2023-05-15",
            "adhesion_modalite": "entretien au bureau",
        },
    )
    asso.action(
        mes,
        "reorienter",
        {
            "date_effet": "2023-05-15",
            "type_accompagnement_code": "capacite_habiter",
            "motif": "fin de l'évaluation",
        },
    )
    body = asso.action(
        mes,
        "reorienter",
        {
            "date_effet": "2023-09-01",
            "cible_code": "sante_mentale",
            "motif": "troubles psychiques repérés",
        },
    )
    assert (body["cible_code"], body["type_accompagnement_code"]) == (
        "sante_mentale",
        "capacite_habiter",
    )
    personnes = client.get(f"/api/v1/menages/{mes.menage_id}", headers=asso.h).json()["personnes"]
    demandeur = next(p for p in personnes if p["lien"] == "demandeur")
    tri = asso.rdv(
        mes,
        debut="2023-09-20T10:00:00",
        type="rencontre_tripartite",
        lieu="Agence Néotoa",
        statut="realise",
        participants={"personnes": [demandeur["id"]], "bailleur": True},
        compte_rendu="Plan d'apurement de la dette locative convenu",
    )
    assert tri["participants"]["bailleur"] is True
    ev = client.get(f"/api/v1/mesures/{mes.id}/evenements", headers=asso.h).json()
    assert [e["donnees"] for e in ev if e["type"] == "reorientation"] == [
        {"ancien_type": "evaluation", "nouveau_type": "capacite_habiter"},
        {"ancienne_cible": "habitat_adapte", "nouvelle_cible": "sante_mentale"},
    ]
    # the referring bailleur follows the status, never the (sensitive) cible nor the meeting's note
    for url in (
        f"/api/v1/mesures/{mes.id}",
        f"/api/v1/mesures/{mes.id}/evenements",
        f"/api/v1/menages/{mes.menage_id}/chronologie",
    ):
        r = client.get(url, headers=monde.h("bailleur"))
        assert r.status_code == 200, url
        assert "sante_mentale" not in r.text and "apurement" not in r.text
    assert (
        client.get(f"/api/v1/mesures/{mes.id}", headers=monde.h("bailleur")).json()["statut"]
        == "active"
    )
    assert (
        client.get(f"/api/v1/rendez-vous/{tri['id']}", headers=monde.h("bailleur")).status_code
        == 404
    )


def test_seed_002_suivi_at_six_months(client, monde: Monde, db) -> None:
    asll = fab.dispositif(db, monde, nom="ASLL Orne", duree_max_mois=24, adhesion_requise=False)
    asso = Asso(client, monde)
    mes = fab.mesure(db, monde, asll, mandatement=date(2023, 1, 3))
    asso.action(mes, "demarrer", {"date_debut": "2023-01-10", "evaluation": False})
    body = asso.action(
        mes,
        "terminer",
        {
            "date_fin": "2023-06-30",
            "motif_fin": "objectifs_atteints",
            "situation_sortie": "locataire_parc_public",
        },
    )
    assert body["suivi_date_prevue"] == "2023-12-30"
    alertes = client.get("/api/v1/alertes", headers=asso.h).json()["items"]
    assert [(a["type"], a["date_reference"]) for a in alertes if a["mesure_id"] == str(mes.id)] == [
        ("suivi_du", "2023-12-30")
    ]
    asso.rdv(mes, debut="2024-01-04T11:00:00", type="telephone", statut="realise", est_suivi=True)
    body = asso.action(
        mes,
        "suivi",
        {
            "realise_le": "2024-01-04",
            "joint": True,
            "situation": "locataire_parc_public",
            "commentaire": "loyer payé",
        },
    )
    assert (body["suivi_realise_le"], body["suivi_joint"], body["suivi_situation"]) == (
        "2024-01-04",
        True,
        "locataire_parc_public",
    )
    alertes = client.get("/api/v1/alertes", headers=asso.h).json()["items"]
    assert [a for a in alertes if a["mesure_id"] == str(mes.id)] == []
    # the commission reads the outcome but not the worker's comment
    vue = client.get(f"/api/v1/mesures/{mes.id}", headers=monde.h("gie")).json()
    assert vue["suivi_situation"] == "locataire_parc_public" and vue["suivi_commentaire"] is None


def test_alert_for_a_household_waiting_for_its_first_rendez_vous(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    asso = Asso(client, monde)
    aujourdhui = datetime.now(ZoneInfo("Europe/Paris")).date()
    mes = fab.mesure(db, monde, disp, mandatement=aujourdhui - timedelta(days=16))
    alertes = client.get("/api/v1/alertes", headers=asso.h).json()
    attente = [a for a in alertes["items"] if a["type"] == "premier_rdv_en_attente"]
    assert [a["mesure_id"] for a in attente] == [str(mes.id)]
    assert attente[0]["date_reference"] == (aujourdhui - timedelta(days=1)).isoformat()
    # the responsable sees it too, for the whole association
    resp = client.get("/api/v1/alertes", headers=monde.h("asso_resp")).json()
    assert str(mes.id) in {a["mesure_id"] for a in resp["items"]}
    hier = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    asso.rdv(mes, debut=hier, type="visite_domicile", statut="realise")
    alertes = client.get("/api/v1/alertes", headers=asso.h).json()
    assert [a for a in alertes["items"] if a["type"] == "premier_rdv_en_attente"] == []
