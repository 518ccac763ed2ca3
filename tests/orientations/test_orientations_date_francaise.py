"""A referral is received on the French date: sent at 00:30 in Paris (23:30 UTC the day
before), it is received « today » in Paris, and the commission's desk says « Reçue
aujourd'hui », not « En attente depuis 1 jour » (an e2e run after 23:00 UTC caught it)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from api.mesures import service as mesures
from tests import factories as fab

INSTANT = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # 03/12/2026 00:30 in Paris


class _Horloge(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return INSTANT if tz is None else INSTANT.astimezone(tz)


@pytest.fixture
def minuit_a_paris(monkeypatch):
    """The clock at 00:30 in Paris, for « today » (mesures.aujourdhui) and for any code
    that would take the UTC date instead."""
    monkeypatch.setattr(mesures, "datetime", _Horloge)
    for module in ("api.orientations.creation", "api.orientations.decisions", "api.orientations.seances"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: INSTANT, raising=False)
    assert mesures.aujourdhui() == date(2026, 12, 3)


def test_a_referral_is_received_on_the_french_date(client, monde, minuit_a_paris) -> None:
    d = fab.creer_dispositif(client, monde)
    # submitted at creation
    o = fab.orienter(client, monde, d["id"])
    assert o["date_reception"] == "2026-12-03"
    # a draft submitted from its page
    brouillon = fab.orienter(client, monde, d["id"], soumettre=False)
    r = client.get(f"/api/v1/orientations/{brouillon['id']}", headers=monde.h("bailleur"))
    r = client.post(
        f"/api/v1/orientations/{brouillon['id']}/transitions",
        json={"vers_statut": "soumise"},
        headers=monde.h("bailleur") | {"If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["date_reception"] == "2026-12-03"
