"""``make bench-capacite`` cannot rot: its generator runs for a few seconds against a real
server on a small demo (SQLite file, or a PostgreSQL database of its own), every role
of the mix included, and every request it makes must succeed."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from sqlalchemy import Engine

from api.bench import capacite
from api.bench.outils import CompteurCpu, serveur_processus
from api.demo import referentiel
from api.demo.generateur import charger
from tests.core import boucle


def test_le_melange_tient_a_chaque_palier() -> None:
    comptes = {r: [(f"{r}{i}@x", uuid.uuid4(), "agent") for i in range(3)] for r in capacite.MIX}
    for n in (100, 500):
        roles = Counter(r for r, _ in capacite.repartir(n, comptes))
        assert roles == {r: n * p // 100 for r, p in capacite.MIX.items()}
    # A role without accounts gives its share to the others.
    sans_financeur = {**comptes, "financeur": []}
    assert "financeur" not in {r for r, _ in capacite.repartir(100, sans_financeur)}


def test_le_generateur_simule_chaque_role_sans_erreur(base_dediee: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    charger(base_dediee, menages=60, graine=1, journal=lambda _m: None)
    comptes = capacite.comptes(base_dediee)
    systeme = capacite.client_bailleur(base_dediee)
    assert systeme is not None and all(comptes.values())
    url = base_dediee.url.render_as_string(hide_password=False)
    with serveur_processus(url, workers=1) as (base, pid):
        paliers = boucle.executer(
            lambda: capacite.executer(
                base,
                comptes,
                mot_de_passe=referentiel.DEMO_PASSWORD,
                paliers=[5],
                duree=4,
                echauffement=3,
                reflexion=(0.05, 0.2),
                client_bailleur=systeme,
                push=2,
                cpu=CompteurCpu(pid, url),
                mix=dict.fromkeys(capacite.MIX, 1),  # one user of each role
                afficher=capacite.afficher_palier,
            )
        )
    (palier,) = paliers
    assert palier.connectes == 5
    assert palier.globales.requetes > 20
    assert not palier.globales.erreurs, palier.globales.erreurs
    assert {"alertes", "orientations", "dispositifs", "push bailleur"} <= set(palier.familles)
    assert palier.cpu["serveur"] > 0 and palier.cpu["generateur"] > 0
    assert capacite.afficher_synthese(paliers) in (0, 5)
    assert "utilisateurs à p95 ≤ 200 ms" in capsys.readouterr().out
