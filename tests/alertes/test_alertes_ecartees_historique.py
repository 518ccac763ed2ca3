"""An alert set aside (with its reason) or put off is part of the household's history: in
its timeline and its RGPD export, for the association that carries the mesure only
(policy: ``alerte_ecartee``); the export also holds the household's consent to reminders,
for whoever reads it (policy: ``consentement_rappel``) — issue 14."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from api.alertes.models import AlerteEcartee
from api.rappels.models import ConsentementRappel
from tests.factories import Monde
from tests.vie_privee.test_export import _partage

MOTIF = "Ménage hospitalisé, suivi reporté à son retour"
MOTIF_DEFINITIF = "Ménage parti du département"
NUMERO = "+33612345678"


def _historique(db: Session, monde: Monde):
    """The shared household of tests/vie_privee/test_export.py (bailleur's referral, mesure of « asso »,
    another of « asso2 »), with two alerts of « asso »'s mesure set aside and a consent
    to reminders recorded, then withdrawn and recorded again."""
    men, _o, propre, autre = _partage(db, monde)
    agent = monde.users["asso_agent"]
    db.add_all(
        [
            AlerteEcartee(
                type="suivi_du", mesure_id=propre.id, date_reference=date(2025, 7, 31), motif=MOTIF_DEFINITIF,
                par_id=agent.id, le=datetime(2025, 8, 4, 9, 0, tzinfo=UTC),
            ),
            AlerteEcartee(
                type="fin_prevue_proche", mesure_id=propre.id, date_reference=date(2025, 1, 31), motif=MOTIF,
                jusqu_au=date(2025, 3, 1), par_id=agent.id, le=datetime(2025, 1, 10, 9, 0, tzinfo=UTC),
            ),
            ConsentementRappel(
                menage_id=men.id, sms=True, telephone="+33600000000", telephone_a_appeler="+33299123456",
                date_consentement=date(2024, 11, 2), organisation_id=monde.asso.id,
                enregistre_le=datetime(2024, 11, 2, 10, tzinfo=UTC), retire_le=datetime(2024, 12, 1, 10, tzinfo=UTC),
            ),
            ConsentementRappel(
                menage_id=men.id, sms=True, telephone=NUMERO, telephone_a_appeler="+33299123456",
                date_consentement=date(2024, 12, 1), organisation_id=monde.asso.id,
                enregistre_le=datetime(2024, 12, 1, 11, tzinfo=UTC),
            ),
        ]
    )
    db.flush()
    return men, propre, autre


def test_la_chronologie_de_l_association_porteuse_montre_les_alertes_ecartees(client, db: Session, monde: Monde) -> None:
    men, propre, _ = _historique(db, monde)
    r = client.get(f"/api/v1/menages/{men.id}/chronologie", headers=monde.h("asso_agent"))
    assert r.status_code == 200, r.text
    alertes = [e for e in r.json() if e["nature"] == "alerte"]
    assert [(e["evenement"], e["vers_statut"], e["motif"], e["date_effet"]) for e in alertes] == [
        ("fin_prevue_proche", "reportee", MOTIF, "2025-01-10"),
        ("suivi_du", "ecartee", MOTIF_DEFINITIF, "2025-08-04"),
    ]
    assert all(e["objet_id"] == str(propre.id) and e["objet_reference"] == propre.reference for e in alertes)
    assert alertes[0]["details"]["jusqu_au"] == "2025-03-01" and alertes[0]["details"]["libelle"]
    assert alertes[1]["details"]["jusqu_au"] is None


def test_ni_l_autre_association_ni_le_bailleur_ni_la_commission_ne_les_voient(client, db: Session, monde: Monde) -> None:
    """The commission and the bailleur read the mesure (complete, status), « asso2 » carries
    another mesure of the same household: none reads the alerts set aside nor their reasons."""
    men, _propre, _ = _historique(db, monde)
    for qui in ("asso2_agent", "gie", "bailleur", "bailleur_si"):
        r = client.get(f"/api/v1/menages/{men.id}/chronologie", headers=monde.h(qui))
        assert r.status_code == 200, (qui, r.text)
        assert [e for e in r.json() if e["nature"] == "alerte"] == [], qui
        assert MOTIF not in r.text and MOTIF_DEFINITIF not in r.text, qui
        e = client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h(qui))
        assert e.status_code == 200, (qui, e.text)
        assert MOTIF not in e.text and MOTIF_DEFINITIF not in e.text, qui
        assert all(m["alertes_ecartees"] == [] for m in e.json()["mesures"]), qui


def test_l_export_de_l_association_porteuse_contient_alertes_ecartees_et_consentement(
    client, db: Session, monde: Monde
) -> None:
    men, _propre, _ = _historique(db, monde)
    r = client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h("asso_agent"))
    assert r.status_code == 200, r.text
    e = r.json()
    (em,) = e["mesures"]
    assert [(a["type"], a["motif"], a["jusqu_au"]) for a in em["alertes_ecartees"]] == [
        ("fin_prevue_proche", MOTIF, "2025-03-01"),
        ("suivi_du", MOTIF_DEFINITIF, None),
    ]
    consentement = e["consentement_rappel"]
    assert consentement["en_vigueur"]["telephone"] == NUMERO
    assert [c["en_vigueur"] for c in consentement["historique"]] == [True, False]  # withdrawn one kept


def test_le_consentement_n_est_exporte_que_pour_qui_le_lit(client, db: Session, monde: Monde) -> None:
    """The export holds the consent exactly for those ``GET /menages/{id}/rappels`` answers:
    an association carrying the household; never the bailleur nor the commission."""
    men, *_ = _historique(db, monde)
    for qui in ("asso_agent", "asso_resp", "asso2_agent", "gie", "bailleur", "bailleur_si"):
        lit = client.get(f"/api/v1/menages/{men.id}/rappels", headers=monde.h(qui)).status_code == 200
        e = client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h(qui))
        assert e.status_code == 200, (qui, e.text)
        assert (e.json()["consentement_rappel"] is not None) == lit, qui
        assert (NUMERO in e.text) == lit, qui
        if qui in ("gie", "bailleur", "bailleur_si"):
            assert not lit, qui
