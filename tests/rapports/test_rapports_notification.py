"""The deposit of a report tells the dispositif's funder: in the app and by e-mail (a real
SMTP server, aiosmtpd, as in tests/notifications/test_notifications.py), a sentence and a link, with no
household name, no file reference, nothing of the report's free text."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from api.notifications.courriel import livrer, preparer
from tests.factories import Monde
from tests.notifications.test_notifications import URL, smtp  # noqa: F401 - the SMTP server fixture
from tests.rapports.rapports_donnees import annee_sime

try:  # WeasyPrint needs Debian's Pango (installed by .ci/run): in CI its absence is a failure
    import weasyprint  # noqa: F401
except OSError as e:  # pragma: no cover
    if os.environ.get("CI"):
        raise
    pytest.skip(f"*** RAPPORTS NON TESTÉS : WeasyPrint ne trouve pas Pango ({e}) ***", allow_module_level=True)


def test_le_depot_notifie_le_financeur_sans_donnee_nominative(client, db: Session, monde: Monde, smtp) -> None:  # noqa: F811
    boite, config = smtp
    d, _ = annee_sime(client, monde)
    h = monde.h("asso_agent")
    # What no notification may carry: the households' names, the files' references, and the
    # report's free text (its title and narration here name a household on purpose).
    menages = client.get("/api/v1/menages", headers=h, params={"limit": 100}).json()["items"]
    noms = sorted({p["nom"] for m in menages for p in client.get(f"/api/v1/menages/{m['id']}", headers=h).json()["personnes"]})
    mesures = client.get("/api/v1/mesures", headers=h, params={"limit": 100}).json()["items"]
    references = [m["reference"] for m in mesures]
    assert len(noms) >= 10 and len(references) == 18
    modele = next(m for m in client.get("/api/v1/rapports/modeles", headers=h).json() if m["code"] == "rapport_activite_annuel")
    r = client.post("/api/v1/rapports", headers=h, json={
        "modele_id": modele["id"], "dispositif_id": d["id"], "annee": 2023, "titre": f"Rapport 2023 (cas {noms[0]})",
        "narration": {"evenements_marquants": f"Le relogement de la famille {noms[1]} ({references[0]})."}})
    assert r.status_code == 201, r.text
    rap = r.json()
    # a draft tells nobody
    assert client.get("/api/v1/notifications/compteur", headers=monde.h("financeur")).json() == {"non_lues": 0}
    etag = client.get(f"/api/v1/rapports/{rap['id']}", headers=h).headers["ETag"]
    assert client.post(f"/api/v1/rapports/{rap['id']}/deposer", headers=h | {"If-Match": etag}).status_code == 200

    # In the app: the funder's people, and nobody else.
    [n] = client.get("/api/v1/notifications", headers=monde.h("financeur")).json()["items"]
    assert n["type"] == "rapport_depose" and n["lien"] == f"/rapports/{rap['id']}"
    assert monde.asso.nom in n["phrase"] and "SIME" in n["phrase"] and "année 2023" in n["phrase"]
    for qui in ("asso_resp", "asso2_agent", "gie", "bailleur"):
        notifs = client.get("/api/v1/notifications", headers=monde.h(qui)).json()["items"]
        assert [x for x in notifs if x["type"] == "rapport_depose"] == [], qui
    # the link leads to a report the funder reads
    assert client.get(f"/api/v1/rapports/{rap['id']}", headers=monde.h("financeur")).status_code == 200

    # By e-mail, at once (the default for this kind).
    maintenant = datetime.now(UTC)
    assert preparer(db, url=URL, heure_resume=7, maintenant=maintenant) >= 1
    livrer(db, config, maintenant=maintenant)
    recus = [m for _, rcpt, m in boite.recus if rcpt == [monde.users["financeur"].email]]
    [courriel] = recus
    assert f"{URL}/rapports/{rap['id']}" in courriel.get_content()
    textes = [n["phrase"], courriel.as_string()]
    for interdit in [*noms, *references, "relogement de la famille"]:
        for texte in textes:
            assert interdit.lower() not in texte.lower(), interdit
