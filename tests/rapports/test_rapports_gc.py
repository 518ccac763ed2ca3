"""While reports render, the collector leaves the old heap alone (``gc.freeze``), and gives
it back when the last render ends, even if it fails (api/rapports/rendu.py)."""

from __future__ import annotations

import gc
import threading

import pytest

from api.rapports.rendu import tas_ancien_gele


def test_le_tas_ancien_est_gele_pendant_le_rendu_puis_rendu() -> None:
    gc.unfreeze()
    avant = [object()]  # noqa: F841 - an object of the old heap
    with tas_ancien_gele():
        assert gc.get_freeze_count() > 0
        with tas_ancien_gele():  # a second render in another thread: still frozen
            pass
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with pytest.raises(ValueError), tas_ancien_gele():
        raise ValueError("rendu échoué")
    assert gc.get_freeze_count() == 0


def test_deux_rendus_qui_se_chevauchent() -> None:
    gc.unfreeze()
    dedans, fin = threading.Event(), threading.Event()

    def autre() -> None:
        with tas_ancien_gele():
            dedans.set()
            fin.wait(5)

    t = threading.Thread(target=autre)
    t.start()
    dedans.wait(5)
    with tas_ancien_gele():
        pass
    assert gc.get_freeze_count() > 0  # the other render is still going
    fin.set()
    t.join(5)
    assert gc.get_freeze_count() == 0
