"""Referrals by batch (POST /api/v1/orientations/lot): the single route's rules, all or nothing,
one Idempotency-Key for the whole batch."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from api.audit.models import JournalAcces
from api.menages.models import Menage
from api.orientations.models import Orientation, OrientationEvenement
from api.orientations.models_integration import LivraisonWebhook, RequeteIdempotente
from tests.factories import Monde, creer_dispositif, dispositif_payload, menage_payload, orientation_payload
from tests.orientations.test_ingestion_concurrente import monde_reel, serveur  # noqa: F401 - serveur: fixture

LOT = "/api/v1/orientations/lot"
SECRET = "secret-partage-du-bailleur-0123456789"


def _envoyer(client, monde: Monde, items: list[dict], *, who: str = "bailleur_si", cle: str | None = "nouvelle"):
    """Headers are made for each request: a refused push rolls back what was only flushed."""
    h = monde.h(who)
    if cle is not None:
        h["Idempotency-Key"] = str(uuid.uuid4()) if cle == "nouvelle" else cle
    return client.post(LOT, json={"orientations": items}, headers=h)


def _comptes(db: Session) -> tuple[int, int, int]:
    return (
        db.exec(select(func.count()).select_from(Orientation)).one(),
        db.exec(select(func.count()).select_from(Menage)).one(),
        db.exec(select(func.count()).select_from(OrientationEvenement)).one(),
    )


@pytest.fixture
def disp(client, monde: Monde, db: Session) -> dict:
    d = creer_dispositif(client, monde)
    db.commit()  # the world survives the rollback of a refused push (a savepoint here)
    return d


def _refus(client, monde: Monde, db: Session, items: list[dict], status: int, champ: str, numero: int, **kw):
    """Push a batch that must be refused; checks status, field, message, and that nothing was written."""
    avant = _comptes(db)
    r = _envoyer(client, monde, items, **kw)
    assert r.status_code == status, r.text
    corps = r.json()
    champs = [e["champ"] for e in corps.get("errors") or []] or [corps.get("champ")]
    assert champs == [champ]
    assert f"Orientation n° {numero} du lot" in corps["detail"]
    assert "Aucune orientation du lot n'a été enregistrée" in corps["detail"]
    assert corps["orientation"] == numero - 1
    assert _comptes(db) == avant
    return corps


# --- success ------------------------------------------------------------------------------


def test_lot_cree_chaque_orientation_comme_la_route_unitaire(client, monde: Monde, db: Session, disp) -> None:
    r = client.post(
        "/api/v1/webhooks", json={"url": "https://si.neotoa.test/ancrage", "secret": SECRET}, headers=monde.h("bailleur_si")
    )
    assert r.status_code == 201, r.text
    connu = client.post("/api/v1/menages", json=menage_payload(), headers=monde.h("bailleur_si")).json()
    items = [
        orientation_payload(disp["id"], external_ref="LOT-1", cible_proposee_code="sante_mentale"),
        orientation_payload(disp["id"], menage=None, menage_id=connu["id"], soumettre=False, external_ref="LOT-2"),
        orientation_payload(disp["id"], external_ref="LOT-3", cible_proposee_code="reassurance_locataire"),
    ]
    avant = _comptes(db)
    r = _envoyer(client, monde, items)
    assert r.status_code == 201, r.text
    assert "Idempotency-Replayed" not in r.headers
    crees = r.json()["orientations"]
    assert [o["external_ref"] for o in crees] == ["LOT-1", "LOT-2", "LOT-3"]
    assert crees[1]["menage_id"] == connu["id"]
    assert len({o["reference"] for o in crees}) == 3 and all(o["reference"].startswith("O-") for o in crees)
    assert [o["statut"] for o in crees] == ["soumise", "brouillon", "soumise"]
    # received today in France (the machine's date is UTC's: a day behind after 23:00 in winter)
    aujourdhui = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    assert [o["date_reception"] for o in crees] == [aujourdhui, None, aujourdhui]
    # a sensitive cible is masked for the bailleur, as on the single route
    assert [o["cible_proposee_code"] for o in crees] == ["confidentielle", None, "reassurance_locataire"]
    assert _comptes(db)[:2] == (avant[0] + 3, avant[1] + 2)
    nouveaux = [db.get(Menage, uuid.UUID(crees[i]["menage_id"])) for i in (0, 2)]
    assert all(m is not None and m.reference.startswith("M-") for m in nouveaux)

    ids = [uuid.UUID(o["id"]) for o in crees]
    evenements = db.exec(
        select(OrientationEvenement.orientation_id, OrientationEvenement.de_statut, OrientationEvenement.vers_statut)
        .where(col(OrientationEvenement.orientation_id).in_(ids))
    ).all()
    assert sorted((ids.index(o), de or "", vers) for o, de, vers in evenements) == [
        (0, "", "brouillon"),
        (0, "brouillon", "soumise"),
        (1, "", "brouillon"),
        (2, "", "brouillon"),
        (2, "brouillon", "soumise"),
    ]
    # the submissions are queued for the bailleur's webhook (a draft has nothing to tell)
    livraisons = db.exec(select(LivraisonWebhook).where(col(LivraisonWebhook.orientation_id).in_(ids))).all()
    assert sorted(ids.index(liv.orientation_id) for liv in livraisons) == [0, 2]
    assert all('"statut":"soumise"' in liv.corps for liv in livraisons)
    journal = db.exec(
        select(JournalAcces.ressource, JournalAcces.ressource_id).where(JournalAcces.action == "creer")
    ).all()
    assert {rid for res, rid in journal if res == "orientation"} >= set(ids)
    assert {rid for res, rid in journal if res == "menage"} >= {m.id for m in nouveaux if m}

    # the same referral through the single route: the same answer but for what identifies it
    seule = client.post(
        "/api/v1/orientations",
        json=orientation_payload(disp["id"], external_ref="SEULE", cible_proposee_code="sante_mentale"),
        headers={**monde.h("bailleur_si"), "Idempotency-Key": str(uuid.uuid4())},
    ).json()
    propre = {"id", "reference", "menage_id", "external_ref", "cree_le", "modifie_le"}
    assert {k: v for k, v in crees[0].items() if k not in propre} == {
        k: v for k, v in seule.items() if k not in propre
    }


def test_une_personne_envoie_un_lot_sans_cle(client, monde: Monde, disp) -> None:
    r = _envoyer(client, monde, [orientation_payload(disp["id"])], who="asso_agent", cle=None)
    assert r.status_code == 201, r.text
    assert r.json()["orientations"][0]["prescripteur_organisation_id"] == str(monde.asso.id)


# --- idempotency --------------------------------------------------------------------------


def test_meme_cle_meme_lot_rejoue(client, monde: Monde, db: Session, disp) -> None:
    items = [orientation_payload(disp["id"], external_ref=f"REJEU-{i}") for i in range(2)]
    cle = str(uuid.uuid4())
    premier = _envoyer(client, monde, items, cle=cle)
    assert premier.status_code == 201, premier.text
    avant = _comptes(db)
    encore = _envoyer(client, monde, items, cle=cle)
    assert encore.status_code == 201
    assert encore.headers["Idempotency-Replayed"] == "true"
    assert encore.json() == premier.json()
    assert _comptes(db) == avant


def test_meme_cle_autre_lot_422(client, monde: Monde, db: Session, disp) -> None:
    cle = str(uuid.uuid4())
    items = [orientation_payload(disp["id"])]
    assert _envoyer(client, monde, items, cle=cle).status_code == 201
    avant = _comptes(db)
    r = _envoyer(client, monde, [*items, orientation_payload(disp["id"])], cle=cle)
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "header.Idempotency-Key"
    assert _comptes(db) == avant


def test_client_machine_sans_cle_428(client, monde: Monde, db: Session, disp) -> None:
    avant = _comptes(db)
    r = _envoyer(client, monde, [orientation_payload(disp["id"])], cle=None)
    assert r.status_code == 428
    assert r.json()["type"] == "/problemes/cle-idempotence-requise"
    assert _comptes(db) == avant


def test_cle_en_cours_409(client, monde: Monde, db: Session, disp) -> None:
    from api.orientations.idempotence import empreinte
    from api.orientations.schemas import LotOrientationsCreate

    corps = {"orientations": [orientation_payload(disp["id"])]}
    cle = "cle-lot-en-cours"
    signature = empreinte(LotOrientationsCreate.model_validate(corps).model_dump(mode="json"))
    db.add(RequeteIdempotente(organisation_id=monde.bailleur.id, cle=cle, empreinte=signature))
    db.commit()
    r = _envoyer(client, monde, corps["orientations"], cle=cle)
    assert r.status_code == 409
    assert r.headers["Retry-After"] == "1"


def test_lot_refuse_libere_sa_cle(client, monde: Monde, db: Session, disp) -> None:
    cle = str(uuid.uuid4())
    bon = orientation_payload(disp["id"])
    mauvais = orientation_payload(disp["id"], cible_proposee_code="inconnue")
    assert _envoyer(client, monde, [bon, mauvais], cle=cle).status_code == 422
    assert db.exec(select(RequeteIdempotente).where(RequeteIdempotente.cle == cle)).first() is None
    r = _envoyer(client, monde, [bon], cle=cle)
    assert r.status_code == 201 and "Idempotency-Replayed" not in r.headers


# --- refusals: all or nothing, the field with its index -------------------------------------


def test_dispositif_inconnu(client, monde: Monde, db: Session, disp) -> None:
    items = [orientation_payload(disp["id"]) for _ in range(3)]
    items[2]["dispositif_id"] = str(uuid.uuid4())
    corps = _refus(client, monde, db, items, 422, "orientations.2.dispositif_id", 3)
    assert "dispositif inconnu" in corps["detail"]


def test_cible_inconnue(client, monde: Monde, db: Session, disp) -> None:
    items = [orientation_payload(disp["id"]), orientation_payload(disp["id"], cible_proposee_code="inconnue")]
    corps = _refus(client, monde, db, items, 422, "orientations.1.cible_proposee_code", 2)
    assert "sante_mentale" in corps["errors"][0]["message"]
    assert corps["errors"][0]["valeur"] == "inconnue"


def test_external_ref_deja_recue(client, monde: Monde, db: Session, disp) -> None:
    deja = _envoyer(client, monde, [orientation_payload(disp["id"], external_ref="NEO-7")]).json()["orientations"][0]
    items = [orientation_payload(disp["id"], external_ref=f"NEO-{i}") for i in range(4)]
    items[3]["external_ref"] = "NEO-7"
    corps = _refus(client, monde, db, items, 409, "orientations.3.external_ref", 4)
    assert corps["existant_url"] == f"/api/v1/orientations/{deja['id']}"
    assert corps["existant_reference"] == deja["reference"]


def test_external_ref_deux_fois_dans_le_lot(client, monde: Monde, db: Session, disp) -> None:
    items = [orientation_payload(disp["id"], external_ref=r) for r in ("A-1", "A-2", "A-1")]
    corps = _refus(client, monde, db, items, 409, "orientations.2.external_ref", 3)
    assert corps["existant_index"] == 0
    assert "orientation n° 1 du lot" in corps["detail"]


def test_homonyme_connu(client, monde: Monde, db: Session, disp) -> None:
    menage = menage_payload()
    connu = client.post("/api/v1/menages", json=menage, headers=monde.h("bailleur")).json()
    db.commit()
    items = [orientation_payload(disp["id"]), orientation_payload(disp["id"], menage=menage)]
    corps = _refus(client, monde, db, items, 409, "orientations.1.menage.personnes", 2)
    assert corps["type"] == "/problemes/doublon"
    assert corps["existant_id"] == connu["id"]
    # the caller says it is another person: accepted
    items[1]["menage"] = {**menage, "doublon_confirme": True}
    assert _envoyer(client, monde, items).status_code == 201


def test_deux_menages_identiques_dans_le_lot(client, monde: Monde, db: Session, disp) -> None:
    menage = menage_payload()
    items = [
        orientation_payload(disp["id"]),
        orientation_payload(disp["id"], menage=menage),
        orientation_payload(disp["id"]),
        orientation_payload(disp["id"], menage=menage),
    ]
    corps = _refus(client, monde, db, items, 409, "orientations.3.menage.personnes", 4)
    assert corps["type"] == "/problemes/doublon"
    assert corps["existant_index"] == 1
    items[3]["menage"] = {**menage, "doublon_confirme": True}
    assert _envoyer(client, monde, items).status_code == 201


def test_menage_invisible(client, monde: Monde, db: Session, disp) -> None:
    autre = client.post("/api/v1/menages", json=menage_payload(), headers=monde.h("asso2_agent")).json()
    db.commit()
    items = [orientation_payload(disp["id"]) for _ in range(3)]
    items[1] = orientation_payload(disp["id"], menage=None, menage_id=autre["id"])
    corps = _refus(client, monde, db, items, 404, "orientations.1.menage_id", 2)
    assert corps["type"] == "/problemes/introuvable"


def test_bailleur_du_menage_invalide(client, monde: Monde, db: Session, disp) -> None:
    items = [orientation_payload(disp["id"], menage=menage_payload(bailleur_id=str(monde.asso.id)))]
    _refus(client, monde, db, items, 422, "orientations.0.menage.bailleur_id", 1)


def test_la_premiere_orientation_refusee_repond(client, monde: Monde, db: Session, disp) -> None:
    """Refusals found by rules checked later still answer for the earliest referral."""
    items = [orientation_payload(disp["id"], external_ref=r) for r in ("B-1", "B-1", "B-3")]
    items[2]["dispositif_id"] = str(uuid.uuid4())
    _refus(client, monde, db, items, 409, "orientations.1.external_ref", 2)


# --- who may, and limits --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["financeur", "admin"])
def test_financeur_et_admin_refuses(client, monde: Monde, db: Session, disp, who: str) -> None:
    avant = _comptes(db)
    r = _envoyer(client, monde, [orientation_payload(disp["id"])], who=who)
    assert r.status_code == 403
    assert r.json()["type"] == "/problemes/role-insuffisant"
    assert _comptes(db) == avant


def test_lot_vide_422(client, monde: Monde, db: Session, disp) -> None:
    r = _envoyer(client, monde, [])
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "body.orientations"


def test_plus_de_500_orientations_422(client, monde: Monde, db: Session, disp) -> None:
    avant = _comptes(db)
    item = orientation_payload(disp["id"], menage=None, menage_id=str(uuid.uuid4()))
    r = _envoyer(client, monde, [item] * 501)
    assert r.status_code == 422
    erreur = r.json()["errors"][0]
    assert erreur["champ"] == "body.orientations"
    assert "500 au plus" in erreur["message"]
    assert _comptes(db) == avant


def test_le_nombre_d_instructions_ne_depend_pas_de_la_taille_du_lot(client, monde: Monde, db: Session, disp) -> None:
    """Set-wise: each rule is one query and each table one INSERT for the whole batch, so a
    batch of 12 costs the same statements as a batch of 3, whatever optional fields each
    referral leaves empty."""
    from collections import Counter

    from sqlalchemy import event

    r = client.post(
        "/api/v1/webhooks", json={"url": "https://si.neotoa.test/ancrage", "secret": SECRET}, headers=monde.h("bailleur_si")
    )
    assert r.status_code == 201, r.text
    connu = client.post("/api/v1/menages", json=menage_payload(), headers=monde.h("bailleur_si")).json()
    db.commit()
    engine = db.get_bind().engine
    instructions: list[str] = []

    def compter(conn, cursor, statement, parameters, context, executemany) -> None:
        mots = statement.split()
        instructions.append(" ".join(mots[:3] if mots[0] == "INSERT" else mots[:1]))

    def pousser(n: int) -> list[str]:
        items = []
        for i in range(n):
            item = orientation_payload(disp["id"], external_ref=f"N{n}-{i}", soumettre=i % 2 == 0)
            if i % 3 == 0:
                item |= {"cible_proposee_code": "sante_mentale", "prescripteur_nom": None, "motifs": None}
            if i % 4 == 1:
                item["menage"]["personnes"][0]["date_naissance"] = None
                item["menage"]["ressources"] = [{"type": "rsa"}]
            items.append(item)
        items[1] = orientation_payload(disp["id"], menage=None, menage_id=connu["id"], external_ref=f"N{n}-m")
        h = {**monde.h("bailleur_si"), "Idempotency-Key": str(uuid.uuid4())}
        instructions.clear()
        event.listen(engine, "before_cursor_execute", compter)
        try:
            r = client.post(LOT, json={"orientations": items}, headers=h)
        finally:
            event.remove(engine, "before_cursor_execute", compter)
        assert r.status_code == 201, r.text
        return list(instructions)

    pousser(2)  # the first references of the year may create their counter rows (SQLite)
    petit, grand = pousser(3), pousser(12)
    assert grand == petit
    inserts = Counter(i for i in grand if i.startswith("INSERT"))
    tables = ("menage", "personne", "ressource", "dette", "orientation", "orientation_evenement", "livraison_webhook")
    assert all(inserts[f"INSERT INTO {t}"] == 1 for t in tables), inserts


def test_deux_lots_simultanes_avec_une_meme_external_ref(serveur, base_dediee, settings) -> None:  # noqa: F811
    """Two batches pushed at once with different keys share one external_ref: one is created
    whole, the other refused whole (409), even when both passed the checks before either
    committed (the unique index then refuses the second at its INSERT). PostgreSQL only."""
    import threading

    import httpx

    monde, h_admin, h_si = monde_reel(base_dediee, settings)
    d = httpx.post(f"{serveur}/api/v1/dispositifs", json=dispositif_payload(monde), headers=h_admin)
    assert d.status_code == 201, d.text
    commune = "COMMUNE-" + uuid.uuid4().hex[:6]
    lots = {
        nom: [orientation_payload(d.json()["id"], external_ref=f"{nom}-{i}") for i in range(20)] for nom in ("A", "B")
    }
    for items in lots.values():
        items[7]["external_ref"] = commune
    barriere = threading.Barrier(2)

    def pousser(nom: str) -> httpx.Response:
        with httpx.Client(base_url=serveur, timeout=60) as c:
            barriere.wait()
            h = {**h_si, "Idempotency-Key": str(uuid.uuid4())}
            return c.post(LOT, json={"orientations": lots[nom]}, headers=h)

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        reponses = dict(zip(lots, pool.map(pousser, lots), strict=True))
    assert sorted(r.status_code for r in reponses.values()) == [201, 409], {k: r.text for k, r in reponses.items()}
    perdant = next(nom for nom, r in reponses.items() if r.status_code == 409)
    print(f"\nlot refusé : {reponses[perdant].json()['detail']}")
    # Refused by the checks or by the unique index, the loser is told which referral.
    assert reponses[perdant].json()["champ"] == "orientations.7.external_ref", reponses[perdant].text
    with Session(base_dediee) as s:
        refs = set(
            s.exec(select(Orientation.external_ref).where(col(Orientation.external_ref).in_(
                [o["external_ref"] for items in lots.values() for o in items]
            )))
        )
    assert commune in refs
    assert not refs & {o["external_ref"] for o in lots[perdant]} - {commune}  # nothing of the refused batch
    assert len(refs) == 20
