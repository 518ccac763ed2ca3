"""Search by name in the orientations list (issue 14), as each reader reads the household:
the prescriber what it sent, the commission what was submitted to it, the carrying
association the live file, the admin no name at all."""

from __future__ import annotations

from typing import Any

from tests.factories import (
    Monde,
    creer_convention,
    creer_dispositif,
    orientation_payload,
    orienter,
    transition,
)

URL = "/api/v1/orientations"


def _personnes(nom: str, prenom: str) -> list[dict[str, Any]]:
    return [
        {"nom": nom, "prenom": prenom, "date_naissance": "1980-05-17", "sexe": "femme", "lien": "demandeur"},
        {"nom": "Autre", "prenom": "Enfant", "date_naissance": "2012-09-01", "sexe": "homme", "lien": "enfant"},
    ]


def _orienter(client, monde: Monde, d: dict[str, Any], nom: str, prenom: str) -> dict[str, Any]:
    menage = orientation_payload(d["id"])["menage"]
    menage["personnes"] = _personnes(nom, prenom)
    return orienter(client, monde, d["id"], menage=menage)


def _trouvees(client, monde: Monde, qui: str, q: str) -> list[tuple[str, str | None]]:
    r = client.get(URL, params={"q": q}, headers=monde.h(qui))
    assert r.status_code == 200, r.text
    return [(i["reference"], i["demandeur"]) for i in r.json()["items"]]


def _accepter(client, monde: Monde, o: dict[str, Any]) -> None:
    assert transition(client, monde, o["id"], vers_statut="en_commission").status_code == 200
    r = transition(
        client,
        monde,
        o["id"],
        vers_statut="acceptee",
        association_id=str(monde.asso.id),
        cible_code="habitat_adapte_sur_mesure",
        type_accompagnement_code="capacite_habiter",
    )
    assert r.status_code == 200, r.text


def test_chacun_cherche_le_menage_tel_qu_il_le_lit(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    vallee = _orienter(client, monde, d, "Vallée", "Claire")
    autre = _orienter(client, monde, d, "Martin", "Jeanne")
    _accepter(client, monde, vallee)

    # Accents and case aside, by name or first name; the row names the demandeur.
    for q in ("vallee", "VALLÉE", "claire", "vallée cl"):
        assert _trouvees(client, monde, "bailleur", q) == [(vallee["reference"], "Claire VALLÉE")], q
    assert _trouvees(client, monde, "gie", "vallee") == [(vallee["reference"], "Claire VALLÉE")]
    assert _trouvees(client, monde, "asso_agent", "vallee") == [(vallee["reference"], "Claire VALLÉE")]
    # By reference too (the referral's or its household's), case aside.
    assert [r for r, _ in _trouvees(client, monde, "bailleur", autre["reference"].lower())] == [autre["reference"]]
    # The admin reads the referrals, not the households: references only, no name.
    assert _trouvees(client, monde, "admin", "vallee") == []
    assert _trouvees(client, monde, "admin", vallee["reference"]) == [(vallee["reference"], None)]
    # Another association, which neither sent nor carries it, finds nothing.
    assert _trouvees(client, monde, "asso2_agent", "vallee") == []
    # LIKE wildcards typed by the person are taken literally.
    assert _trouvees(client, monde, "bailleur", "%") == []


def test_un_nom_change_par_l_association_ne_se_cherche_pas_chez_le_prescripteur(client, monde: Monde) -> None:
    """Multi-partner: the carrying association corrects the name in the live file; the
    bailleur that sent the household, and the commission it was submitted to, still find it
    under the name they were sent, never under the new one."""
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    o = _orienter(client, monde, d, "Vallée", "Claire")
    _accepter(client, monde, o)
    h = monde.h("asso_agent")
    lu = client.get(f"/api/v1/menages/{o['menage_id']}", headers=h)
    assert lu.status_code == 200, lu.text
    personnes = [
        {k: p[k] for k in ("id", "nom", "prenom", "date_naissance", "sexe", "lien")} for p in lu.json()["personnes"]
    ]
    for p in personnes:
        if p["lien"] == "demandeur":
            p["nom"] = "Kerjean"
    r = client.patch(
        f"/api/v1/menages/{o['menage_id']}", json={"personnes": personnes}, headers={**h, "If-Match": lu.headers["ETag"]}
    )
    assert r.status_code == 200, r.text

    # The association finds the new name and no longer the old one.
    assert _trouvees(client, monde, "asso_agent", "kerjean") == [(o["reference"], "Claire KERJEAN")]
    assert _trouvees(client, monde, "asso_agent", "vallee") == []
    for qui in ("bailleur", "gie"):
        assert _trouvees(client, monde, qui, "kerjean") == [], qui
        assert _trouvees(client, monde, qui, "vallee") == [(o["reference"], "Claire VALLÉE")], qui
    # The same rows without a search name the demandeur the same way.
    tous = client.get(URL, headers=monde.h("bailleur")).json()["items"]
    assert [i["demandeur"] for i in tous] == ["Claire VALLÉE"]
