"""Datasets for the report tests, replayed through the public API (our own data, in the
shape of seeds 004 and 001). Expected figures are counted by hand in the docstrings."""

from __future__ import annotations

from datetime import date

from tests.factories import Monde, creer_convention, creer_dispositif, menage_payload


class Association:
    def __init__(self, client, monde: Monde, dispositif_id: str) -> None:
        self.client, self.h, self.d = client, monde.h("asso_agent"), dispositif_id

    def ouvrir(self, mandat: date, *, debut: date | None = None, fin: date | None = None,
               motif: str = "relogement", cible: str = "sante_mentale", n: int = 0) -> str:
        """A household and its mesure opened directly by the association, started, maybe ended."""
        r = self.client.post("/api/v1/menages", json=menage_payload(), headers=self.h)
        assert r.status_code == 201, r.text
        r = self.client.post("/api/v1/mesures", headers=self.h, json={
            "menage_id": r.json()["id"], "dispositif_id": self.d, "cible_code": cible,
            "type_accompagnement_code": "capacite_habiter", "acces_maintien": "maintien" if n % 3 else "acces",
            "date_mandatement": mandat.isoformat()})
        assert r.status_code == 201, r.text
        mid = r.json()["id"]
        debut = debut or mandat
        r = self.client.post(f"/api/v1/mesures/{mid}/demarrer", headers=self.h, json={
            "date_debut": debut.isoformat(), "evaluation": False, "adhesion_date": mandat.isoformat(),
            "adhesion_modalite": "en CCAPEX"})
        assert r.status_code == 200, r.text
        if fin:
            self.terminer(mid, fin, motif)
        return mid

    def terminer(self, mid: str, fin: date, motif: str = "relogement") -> None:
        r = self.client.post(f"/api/v1/mesures/{mid}/terminer", headers=self.h, json={
            "date_fin": fin.isoformat(), "motif_fin": motif, "situation_sortie": "locataire_parc_public"})
        assert r.status_code == 200, r.text


def annee_sime(client, monde: Monde) -> tuple[dict, list[str]]:
    """A SIME-like year 2023 with 2022 beside it.

    - 4 mesures mandated in 2021, still accompanied at 31/12/2023;
    - 8 mandated in 2022 (February to September): 3 end in 2022, 2 end in 2023;
    - 6 mandated in 2023: 1 ends in 2023.
    So: entries 2023 = 6 (2022: 8); exits 2023 = 3 (2022: 3); file active at 31/12/2023 =
    4 + 3 + 5 = 12 (at 31/12/2022: 4 + 5 = 9). Returns the dispositif and the ids of the
    2023 mesures still open at 31/12/2023.
    """
    d = creer_dispositif(client, monde, creation_directe=True, nom="SIME", duree_max_mois=36)
    creer_convention(client, monde, d["id"], objectif_menages=40)
    a = Association(client, monde, d["id"])
    n = 0
    for k in range(4):
        a.ouvrir(date(2021, 3 + k, 10), n=(n := n + 1))
    for k in range(8):
        fin = date(2022, 11, 15 + k) if k < 3 else date(2023, 5, 10 + k) if k < 5 else None
        a.ouvrir(date(2022, 2 + k, 3), fin=fin, motif="non_adhesion" if k < 3 else "relogement", n=(n := n + 1))
    ouvertes = []
    for k in range(6):
        fin = date(2023, 10, 20) if k == 0 else None
        mid = a.ouvrir(date(2023, 6 + k, 5), fin=fin, cible="habitat_adapte_sur_mesure", n=(n := n + 1))
        if fin is None:
            ouvertes.append(mid)
    return d, ouvertes


def bilan_commission(client, monde: Monde) -> dict:
    """A bilan at 30/04/2016 in the shape of seed 001, through referrals and decisions.

    8 households accepted (santé mentale 4, habitat adapté 3, réassurance 1) → file active 8
    at 30/04/2016; 2 refused (parc privé), 2 adjourned: 12 decisions.
    """
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"], date_debut="2014-01-01")

    def orienter(n: int) -> str:
        menage = menage_payload(personnes=[{"nom": f"Bilan{n:02d}", "prenom": "Test", "date_naissance": "1975-03-01",
                                            "sexe": "femme" if n % 2 else "homme", "lien": "demandeur"}])
        r = client.post("/api/v1/orientations", headers=monde.h("bailleur"), json={
            "dispositif_id": d["id"], "menage": menage, "origine": "bailleur", "acces_maintien": "maintien",
            "motifs": "Orientation du bilan.", "soumettre": False})
        assert r.status_code == 201, r.text
        oid = r.json()["id"]
        for who, statut, quand in (("bailleur", "soumise", "2016-01-04"), ("gie", "en_commission", "2016-01-07")):
            r = client.post(f"/api/v1/orientations/{oid}/transitions", headers=monde.h(who),
                            json={"vers_statut": statut, "date_effet": quand})
            assert r.status_code == 200, r.text
        return oid

    def decider(oid: str, **body) -> None:
        r = client.post(f"/api/v1/orientations/{oid}/transitions", headers=monde.h("gie"), json=body)
        assert r.status_code == 200, r.text

    cibles = ["sante_mentale"] * 4 + ["habitat_adapte_sur_mesure"] * 3 + ["reassurance_locataire"]
    for n, cible in enumerate(cibles):
        decider(orienter(n), vers_statut="acceptee", date_effet=f"2016-02-{n + 1:02d}",
                association_id=str(monde.asso.id), cible_code=cible, type_accompagnement_code="capacite_habiter")
    for n in range(2):
        decider(orienter(20 + n), vers_statut="refusee", motif_refus="parc_prive", date_effet="2016-03-01")
    for n in range(2):
        decider(orienter(30 + n), vers_statut="ajournee", date_effet="2016-03-01")
    return d
