"""A household's timeline, filtered by what each reader may see."""

from __future__ import annotations

from datetime import UTC, date, datetime

from api.orientations.models import OrientationEvenement
from tests import factories as fab
from tests.factories import Monde


def _scenario(client, monde: Monde, db):
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp, mandatement=date(2023, 1, 10), prescripteur=monde.bailleur)
    for quand, de, vers, commentaire in [
        (datetime(2023, 1, 2, 9, tzinfo=UTC), "brouillon", "soumise", None),
        (datetime(2023, 1, 5, 9, tzinfo=UTC), "soumise", "en_commission", None),
        (datetime(2023, 1, 10, 9, tzinfo=UTC), "en_commission", "acceptee", "avis favorable"),
    ]:
        db.add(
            OrientationEvenement(
                orientation_id=mes.orientation_id,
                quand=quand,
                date_effet=quand.date(),
                auteur_type="utilisateur",
                auteur_id=monde.users["gie"].id,
                organisation_id=monde.gie.id,
                de_statut=de,
                vers_statut=vers,
                commentaire=commentaire,
            )
        )
    db.flush()
    h = monde.h("asso_agent")
    assert (
        client.post(
            f"/api/v1/mesures/{mes.id}/demarrer",
            headers=h,
            json={"date_debut": "2023-01-20", "commentaire": "premier contact"},
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/v1/mesures/{mes.id}/reorienter",
            headers=h,
            json={"date_effet": "2023-03-01", "cible_code": "sante_mentale", "motif": "soins"},
        ).status_code
        == 200
    )
    r = client.post(
        "/api/v1/rendez-vous",
        headers=h,
        json={
            "mesure_id": str(mes.id),
            "debut": "2023-02-14T10:00:00",
            "type": "visite_domicile",
            "lieu": "Domicile",
            "compte_rendu": "secret",
        },
    )
    assert r.status_code == 201
    return mes


def _get(client, monde: Monde, mes, who: str):
    return client.get(f"/api/v1/menages/{mes.menage_id}/chronologie", headers=monde.h(who))


def test_association_sees_everything_in_time_order(client, monde: Monde, db) -> None:
    mes = _scenario(client, monde, db)
    r = _get(client, monde, mes, "asso_agent")
    assert r.status_code == 200, r.text
    lignes = [(e["nature"], e["evenement"], e["date_effet"]) for e in r.json()]
    assert lignes == [
        ("orientation", "soumise", "2023-01-02"),
        ("orientation", "en_commission", "2023-01-05"),
        ("orientation", "acceptee", "2023-01-10"),
        ("mesure", "mandatement", "2023-01-10"),
        ("mesure", "demarrage", "2023-01-20"),
        ("rendez_vous", "visite_domicile", "2023-02-14"),
        ("mesure", "reorientation", "2023-03-01"),
    ]
    assert r.json()[4]["commentaire"] == "premier contact"
    assert "secret" not in r.text  # the compte rendu is read on the rendez-vous itself


def test_commission_sees_referrals_and_mesure_events_but_no_rendez_vous(
    client, monde: Monde, db
) -> None:
    mes = _scenario(client, monde, db)
    r = _get(client, monde, mes, "gie")
    assert r.status_code == 200
    assert [e["nature"] for e in r.json()] == ["orientation"] * 3 + ["mesure"] * 3
    assert r.json()[5]["details"] == {
        "ancienne_cible": "habitat_adapte",
        "nouvelle_cible": "sante_mentale",
    }
    assert all(e["commentaire"] is None for e in r.json() if e["nature"] == "mesure")


def test_bailleur_sees_only_statuses_of_its_referral(client, monde: Monde, db) -> None:
    mes = _scenario(client, monde, db)
    for who in ("bailleur", "bailleur_si"):
        r = _get(client, monde, mes, who)
        assert r.status_code == 200, who
        lignes = [(e["nature"], e["evenement"]) for e in r.json()]
        assert lignes == [
            ("orientation", "soumise"),
            ("orientation", "en_commission"),
            ("orientation", "acceptee"),
            ("mesure", "mandatement"),
            ("mesure", "demarrage"),
        ]
        assert all(
            e["commentaire"] is None and e["motif"] is None and e["details"] is None
            for e in r.json()
        )
        assert "sante_mentale" not in r.text


def test_others_get_404(client, monde: Monde, db) -> None:
    mes = _scenario(client, monde, db)
    for who in ("asso2_agent", "financeur", "admin"):
        assert _get(client, monde, mes, who).status_code == 404, who
