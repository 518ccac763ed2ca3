"""PDF and DOCX are rendered by the workshop (api/rapports/atelier.py), a process of its own:
the API worker neither renders them nor keeps WeasyPrint and matplotlib, and a workshop that
dies is replaced at the next render."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from api.rapports import atelier, rendu
from tests import RACINE
from tests.factories import creer_convention, creer_dispositif
from tests.rapports.test_rapports import creer, docx_texte, modele, pdf_texte


def _refuse(*_args, **_kwargs):
    raise AssertionError("rendu dans le worker de l'API")


def test_pdf_and_docx_are_rendered_outside_the_api_worker(client, monde, monkeypatch) -> None:
    # in this process the renderers fail: only the workshop (a fresh interpreter) can render
    for nom in ("en_pdf", "en_docx", "en_html", "graphique_svg"):
        monkeypatch.setattr(rendu, nom, _refuse)
    d = creer_dispositif(client, monde, creation_directe=True)
    creer_convention(client, monde, d["id"])
    h = monde.h("asso_agent")
    rap = creer(client, h, modele_id=modele(client, h, "rapport_activite_annuel")["id"], dispositif_id=d["id"], annee=2023)
    assert client.get(f"/api/v1/rapports/{rap['id']}", headers=h).status_code == 200  # starts the workshop
    r = client.get(f"/api/v1/rapports/{rap['id']}/document", params={"format": "pdf"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.content.startswith(b"%PDF") and "Rapport d'activité" in pdf_texte(r.content)
    r = client.get(f"/api/v1/rapports/{rap['id']}/document", params={"format": "docx"}, headers=h)
    assert r.status_code == 200 and "Rapport d'activité" in docx_texte(r.content)
    assert atelier.pid() not in (None, os.getpid())

    # killed (out of memory, an operator): the next render starts another one
    ancien = atelier.pid()
    assert ancien is not None
    os.kill(ancien, signal.SIGKILL)
    r = client.get(f"/api/v1/rapports/{rap['id']}/document", params={"format": "pdf"}, headers=h)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert atelier.pid() not in (None, ancien)



def test_the_workshop_can_start_with_the_worker(tmp_path) -> None:
    """``ANCRAGE_RAPPORTS_ATELIER_AU_DEMARRAGE=true``: the worker starts its workshop as soon as
    the app is built (api/asgi.py), so that its first PDF is as fast as the others; by default
    it waits for the first report opened."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ANCRAGE_")},
        "ANCRAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'atelier.db'}",
        "ANCRAGE_SECRET_KEY": "atelier-" + "s" * 48,
        "ANCRAGE_DOCUMENTS_REPERTOIRE": str(tmp_path / "documents"),
    }
    code = "import api.asgi; from api.rapports import atelier; print(atelier.pid())"
    for valeur, lance in (("true", True), ("false", False)):
        sortie = subprocess.run(
            [sys.executable, "-c", code],
            cwd=RACINE,
            env=env | {"ANCRAGE_RAPPORTS_ATELIER_AU_DEMARRAGE": valeur},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.split()[-1]
        assert (sortie != "None") is lance, (valeur, sortie)
