"""Crash safety: a server killed (SIGKILL) in the middle of a commission's batch of
decisions leaves all of the batch or none of it, never half (issue 7).

A real uvicorn process on a dedicated database (SQLite file or PostgreSQL database),
killed while it processes 200 acceptances (each one mandates a mesure), then restarted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import httpx
from sqlalchemy import func, select
from sqlmodel import Session

from api.bench.outils import port_libre
from api.core.config import PROJECT_ROOT, Settings
from api.mesures.models import Mesure
from api.mesures.service import aujourdhui
from api.organisations.models import TypeOrganisation
from api.orientations.models import Orientation
from tests import factories
from tests.factories import dispositif_payload, orientation_payload

# Sessions are held on a day that exists: not before the referrals they decide were
# received (today), not in the future.
AUJOURDHUI = aujourdhui().isoformat()

SECRET = "crash-" + "s" * 48
N = 200


def _demarrer(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "ANCRAGE_DATABASE_URL": url, "ANCRAGE_SECRET_KEY": SECRET, "ANCRAGE_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.asgi:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("le serveur n'a pas démarré")


def _token(s: Session, settings: Settings, who) -> dict[str, str]:
    return factories.headers(s, settings, who)


def test_sigkill_during_batch_of_decisions_leaves_all_or_nothing(base_dediee) -> None:
    url = base_dediee.url.render_as_string(hide_password=False)
    settings = Settings(env="test", database_url=url, secret_key=SECRET, access_token_minutes=60)
    with Session(base_dediee, expire_on_commit=False) as s:
        monde = factories.Monde(
            settings=settings, db=s,
            asso=factories.organisation(s, TypeOrganisation.association),
            asso2=factories.organisation(s, TypeOrganisation.association),
            gie=factories.organisation(s, TypeOrganisation.gie),
            bailleur=factories.organisation(s, TypeOrganisation.bailleur),
            financeur=factories.organisation(s, TypeOrganisation.financeur),
            admin_org=factories.organisation(s, TypeOrganisation.admin),
        )
        admin = factories.utilisateur(s, monde.admin_org, "responsable")
        gie = factories.utilisateur(s, monde.gie, "agent")
        bailleur = factories.utilisateur(s, monde.bailleur, "agent")
        h_admin, h_gie, h_bailleur = (_token(s, settings, u) for u in (admin, gie, bailleur))
        s.commit()
    port = port_libre()
    base = f"http://127.0.0.1:{port}"
    proc = _demarrer(url, port)
    try:
        with httpx.Client(base_url=base, timeout=60) as c:
            d = c.post("/api/v1/dispositifs", json=dispositif_payload(monde), headers=h_admin).json()
            conv = {"dispositif_id": d["id"], "association_id": str(monde.asso.id), "date_debut": "2020-01-01",
                    "date_fin": "2035-12-31", "objectif_menages": 40, "communes": ["35238"]}
            assert c.post("/api/v1/conventions", json=conv, headers=h_admin).status_code == 201
            ids = []
            for _ in range(N):
                r = c.post("/api/v1/orientations", json=orientation_payload(d["id"]), headers=h_bailleur)
                assert r.status_code == 201, r.text
                ids.append(r.json()["id"])
            session = c.post("/api/v1/commissions", json={"dispositif_id": d["id"], "date": AUJOURDHUI}, headers=h_gie).json()
            r = c.post(f"/api/v1/commissions/{session['id']}/ordre-du-jour", json={"orientation_ids": ids}, headers=h_gie)
            assert r.status_code == 200, r.text
        decisions = [
            {"orientation_id": i, "vers_statut": "acceptee", "association_id": str(monde.asso.id),
             "cible_code": "reassurance_locataire", "type_accompagnement_code": "evaluation"}
            for i in ids
        ]
        issue: dict[str, object] = {}

        def envoyer() -> None:
            try:
                issue["reponse"] = httpx.post(f"{base}/api/v1/commissions/{session['id']}/decisions",
                                              json={"decisions": decisions}, headers=h_gie, timeout=120)
            except httpx.HTTPError as exc:
                issue["erreur"] = exc

        t = threading.Thread(target=envoyer)
        t.start()
        time.sleep(0.4)  # the batch of 200 mandatements is under way
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        t.join(timeout=30)
        assert "erreur" in issue, "le lot s'est terminé avant l'arrêt : augmenter N"
        proc = _demarrer(url, port)  # the database recovers on restart
        with Session(base_dediee) as s:
            acceptees = s.execute(select(func.count()).select_from(Orientation)
                                  .where(Orientation.statut == "acceptee")).scalar_one()
            mesures = s.execute(select(func.count()).select_from(Mesure)).scalar_one()
        assert (acceptees, mesures) in {(0, 0), (N, N)}, (acceptees, mesures)
        # nothing half-done: the batch can simply be sent again
        if acceptees == 0:
            r = httpx.post(f"{base}/api/v1/commissions/{session['id']}/decisions", json={"decisions": decisions},
                           headers=h_gie, timeout=120)
            assert r.status_code == 200, r.text
            with Session(base_dediee) as s:
                assert s.execute(select(func.count()).select_from(Mesure)).scalar_one() == N
    finally:
        proc.kill()
        proc.wait(timeout=10)


