"""``menage_acces``: the policy's relations to households, kept at each write whatever writes
(services, bulk inserts), equal to what the facts give when rebuilt from scratch."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import insert
from sqlmodel import Session

from api.core.compteurs import prochaine_reference
from api.menages.models import Menage
from api.mesures.models import Mesure
from tests import factories as fab
from tests.acces import acces_index
from tests.factories import Monde, creer_convention, creer_dispositif, orienter, transition


def test_les_ecritures_de_l_api_tiennent_les_relations(client, db: Session, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    brouillon = orienter(client, monde, d["id"], soumettre=False)
    o = orienter(client, monde, d["id"])
    assert transition(client, monde, o["id"], vers_statut="en_commission").status_code == 200
    r = transition(
        client, monde, o["id"], vers_statut="acceptee", association_id=str(monde.asso.id),
        cible_code="sante_mentale", type_accompagnement_code="evaluation",
    )
    assert r.status_code == 200, r.text
    ids = [uuid.UUID(brouillon["menage_id"]), uuid.UUID(o["menage_id"])]
    tenues = acces_index.tenues(db, ids)
    assert tenues == acces_index.attendues(db, ids)
    assert (monde.gie.id, ids[0], "commission") not in tenues  # a draft is not submitted
    assert {(monde.gie.id, ids[1], "commission"), (monde.asso.id, ids[1], "porteur")} <= tenues


def test_les_insertions_en_masse_aussi(db: Session, monde: Monde) -> None:
    """The demo writes with Core INSERTs of many rows: the triggers keep the relations too."""
    disp = fab.dispositif(db, monde, cibles=fab.CIBLES_ASLL, nom="ASLL 35")
    men_id = uuid.uuid4()
    db.execute(
        insert(Menage),
        [{"id": men_id, "reference": prochaine_reference(db, "M"), "organisation_id": monde.bailleur.id,
          "composition": "femme_seule"}],
    )
    db.execute(
        insert(Mesure),
        [{"id": uuid.uuid4(), "reference": prochaine_reference(db, "S"), "menage_id": men_id,
          "dispositif_id": disp.id, "association_id": monde.asso2.id, "statut": "active", "cible_code": "jeunes",
          "type_accompagnement_code": "asll", "acces_maintien": "maintien", "date_mandatement": date(2024, 1, 1)}],
    )
    assert acces_index.tenues(db, [men_id]) == acces_index.attendues(db, [men_id]) == {
        (monde.bailleur.id, men_id, "auteur"), (monde.asso2.id, men_id, "porteur")
    }
