"""No query per row (issue 20): each list costs the same number of SQL statements
whether it shows 1 row or 50.

Every GET route that answers a page or a list is here, with a way to give it rows. The
statements are counted on the engine (``before_cursor_execute``) around one request,
after a first request has warmed the caches (principal, statement caches).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from api.audit.models import ActionAudit
from api.audit.service import journaliser
from api.menages.models import Menage
from api.mesures.models import RendezVous
from tests import factories
from tests import factories as fab
from tests.core.instructions import instructions
from tests.factories import Monde, creer_convention, creer_dispositif, orienter

_numeros = itertools.count()


def compter(engine: Engine) -> AbstractContextManager[list[str]]:
    # The savepoints are the test's rolled-back transaction, not the request's work.
    return instructions(
        engine, lambda s: not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    )


class Liste:
    """One list endpoint: ``preparer`` gives the context once (a dispositif, a household…),
    ``ajouter`` adds one row to what the list shows, ``url`` says where to read it."""

    def __init__(
        self,
        qui: str,
        url: Callable[[dict[str, Any]], str],
        ajouter: Callable[[Any, Any, Monde, dict[str, Any]], None],
        preparer: Callable[[Any, Any, Monde], dict[str, Any]] = lambda *_: {},
    ) -> None:
        self.qui, self.url, self.ajouter, self.preparer = qui, url, ajouter, preparer


def _disp(client: Any, db: Any, monde: Monde) -> dict[str, Any]:
    return {"disp": fab.dispositif(db, monde)}


def _mesure_pour(db: Any, monde: Monde, ctx: dict[str, Any], **kw: Any) -> Any:
    return fab.mesure(db, monde, ctx["disp"], **kw)


def _rdv(db: Any, mesure: Any, jours: int = -1, statut: str = "realise") -> RendezVous:
    rdv = RendezVous(
        mesure_id=mesure.id,
        debut=datetime.now(UTC) + timedelta(days=jours),
        duree_minutes=60,
        type="visite_domicile",
        statut=statut,
    )
    db.add(rdv)
    db.flush()
    return rdv


def _orientation_ctx(client: Any, db: Any, monde: Monde) -> dict[str, Any]:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    return {"d": d}


def _une_mesure(client: Any, db: Any, monde: Monde) -> dict[str, Any]:
    ctx = _disp(client, db, monde)
    ctx["mesure"] = _mesure_pour(db, monde, ctx, date_mandatement=date.today() - timedelta(days=400))
    return ctx


def _webhook_ctx(client: Any, db: Any, monde: Monde) -> dict[str, Any]:
    from api.orientations.models_integration import AbonnementWebhook

    ctx = _orientation_ctx(client, db, monde)
    ctx["o"] = orienter(client, monde, ctx["d"]["id"])
    ctx["hook"] = AbonnementWebhook(organisation_id=monde.bailleur.id, url="https://si.example/hook", secret="s" * 32)
    db.add(ctx["hook"])
    db.flush()
    return ctx


def _livraison_en_echec(db: Any, ctx: dict[str, Any]) -> None:
    import uuid

    from api.orientations.models_integration import LivraisonWebhook, TentativeLivraison

    lv = LivraisonWebhook(
        abonnement_id=ctx["hook"].id, orientation_id=uuid.UUID(ctx["o"]["id"]), evenement_id=uuid.uuid4(), corps="{}",
        statut="echec", tentatives=1, prochaine_tentative=None,
    )
    db.add(lv)
    db.flush()
    db.add(TentativeLivraison(livraison_id=lv.id, numero=1, code_http=500, erreur="réponse HTTP 500"))


def _principal(monde: Monde, qui: str) -> Any:
    user = monde.users[qui]
    org = monde.db.get(factories.Organisation, user.organisation_id)
    return fab.principal_de(user, org)


LISTES: dict[str, Liste] = {
    "menages": Liste("asso_agent", lambda c: "/api/v1/menages", lambda cl, db, m, c: fab.menage(db, m) and None),
    "mesures": Liste(
        "asso_agent", lambda c: "/api/v1/mesures", lambda cl, db, m, c: _mesure_pour(db, m, c) and None, _disp
    ),
    "mesures (commission)": Liste(
        "gie", lambda c: "/api/v1/mesures", lambda cl, db, m, c: _mesure_pour(db, m, c) and None, _disp
    ),
    "rendez-vous": Liste(
        "asso_agent",
        lambda c: "/api/v1/rendez-vous",
        # one mesure (and household) per rendez-vous: the references were read row by row
        lambda cl, db, m, c: _rdv(db, _mesure_pour(db, m, c, date_mandatement=date(2020, 1, 1))) and None,
        _disp,
    ),
    "alertes": Liste(
        "asso_agent",
        lambda c: "/api/v1/alertes",
        lambda cl, db, m, c: _mesure_pour(
            db, m, c, date_mandatement=date.today() - timedelta(days=40), referent=m.users["asso_agent"]
        )
        and None,
        _disp,
    ),
    "orientations": Liste(
        "bailleur", lambda c: "/api/v1/orientations", lambda cl, db, m, c: orienter(cl, m, c["d"]["id"]) and None,
        _orientation_ctx,
    ),
    "orientations (commission)": Liste(
        "gie", lambda c: "/api/v1/orientations", lambda cl, db, m, c: orienter(cl, m, c["d"]["id"]) and None,
        _orientation_ctx,
    ),
    # The search by name (issue 14): the households as sent, read in a fixed number of queries.
    "orientations (recherche)": Liste(
        "bailleur", lambda c: "/api/v1/orientations?q=O-", lambda cl, db, m, c: orienter(cl, m, c["d"]["id"]) and None,
        _orientation_ctx,
    ),
    "orientations (recherche, commission)": Liste(
        "gie", lambda c: "/api/v1/orientations?q=O-", lambda cl, db, m, c: orienter(cl, m, c["d"]["id"]) and None,
        _orientation_ctx,
    ),
    "webhooks en échec": Liste(
        "admin", lambda c: "/api/v1/webhooks/echecs", lambda cl, db, m, c: _livraison_en_echec(db, c), _webhook_ctx
    ),
    "journal": Liste(
        "asso_resp",
        lambda c: "/api/v1/audit",
        lambda cl, db, m, c: journaliser(
            db, _principal(m, "asso_agent"), ActionAudit.lire, "menage", fab.menage(db, m).id
        ),
    ),
    "qui a consulté": Liste(
        "asso_agent",
        lambda c: f"/api/v1/menages/{c['menage'].id}/acces",
        lambda cl, db, m, c: journaliser(db, _principal(m, "asso_resp"), ActionAudit.lire, "menage", c["menage"].id),
        lambda cl, db, m: {"menage": fab.menage(db, m)},
    ),
    "sessions": Liste(
        "gie",
        lambda c: "/api/v1/commissions",
        lambda cl, db, m, c: cl.post(
            "/api/v1/commissions",
            json={
                "dispositif_id": c["d"]["id"],
                "date": (date(2027, 1, 1) + timedelta(days=next(_numeros))).isoformat(),
                "lieu": "Rennes",
            },
            headers=m.h("gie"),
        ).raise_for_status()
        and None,
        _orientation_ctx,
    ),
    "utilisateurs": Liste(
        "admin", lambda c: "/api/v1/utilisateurs", lambda cl, db, m, c: factories.utilisateur(db, m.asso) and None
    ),
    "organisations": Liste(
        "admin",
        lambda c: "/api/v1/organisations",
        lambda cl, db, m, c: factories.organisation(db, factories.TypeOrganisation.association) and None,
    ),
    "clients API": Liste(
        "admin", lambda c: "/api/v1/clients-api", lambda cl, db, m, c: factories.client_api(db, m.bailleur) and None
    ),
    "dispositifs": Liste("admin", lambda c: "/api/v1/dispositifs", lambda cl, db, m, c: fab.dispositif(db, m) and None),
    "conventions": Liste(
        "admin",
        lambda c: "/api/v1/conventions",
        lambda cl, db, m, c: creer_convention(cl, m, creer_dispositif(cl, m)["id"]) and None,
    ),
    "événements d'une mesure": Liste(
        "asso_agent",
        lambda c: f"/api/v1/mesures/{c['mesure'].id}/evenements",
        lambda cl, db, m, c: db.add(_evenement_mesure(m, c["mesure"])),
        _une_mesure,
    ),
    "chronologie": Liste(
        "asso_agent",
        lambda c: f"/api/v1/menages/{c['mesure'].menage_id}/chronologie",
        lambda cl, db, m, c: _rdv(db, c["mesure"]) and None,
        _une_mesure,
    ),
    # A household followed again and again: each mesure brings its events.
    "chronologie d'un ménage à plusieurs mesures": Liste(
        "asso_agent",
        lambda c: f"/api/v1/menages/{c['mesure'].menage_id}/chronologie",
        lambda cl, db, m, c: _mesure_pour(
            db, m, c, men=db.get(Menage, c["mesure"].menage_id), date_mandatement=date.today() - timedelta(days=30)
        )
        and None,
        _une_mesure,
    ),
}


def _evenement_mesure(monde: Monde, mesure: Any) -> Any:
    from api.mesures.models import MesureEvenement

    return MesureEvenement(
        mesure_id=mesure.id,
        auteur_type="utilisateur",
        auteur_id=monde.users["asso_agent"].id,
        organisation_id=monde.asso.id,
        type="commentaire",
        commentaire="Visite faite.",
    )


def _lignes(corps: Any) -> int:
    return len(corps) if isinstance(corps, list) else len(corps["items"])


@pytest.mark.parametrize("nom", list(LISTES))
def test_une_liste_coute_autant_de_requetes_pour_1_ligne_que_pour_50(
    nom: str, client, db, monde: Monde, engine: Engine
) -> None:
    liste = LISTES[nom]
    ctx = liste.preparer(client, db, monde)
    h = monde.h(liste.qui)
    url = liste.url(ctx)

    def lire() -> tuple[int, list[str]]:
        with compter(engine) as requetes:
            r = client.get(url, params={"limit": 100}, headers=h)
        assert r.status_code == 200, r.text
        return _lignes(r.json()), requetes

    liste.ajouter(client, db, monde, ctx)
    db.flush()
    lire()  # warms the caches (principal, compiled statements)
    peu, avec_peu = lire()
    for _ in range(49):
        liste.ajouter(client, db, monde, ctx)
    db.flush()
    beaucoup, avec_beaucoup = lire()
    assert beaucoup - peu >= 49, (peu, beaucoup)
    assert len(avec_beaucoup) == len(avec_peu), "\n\n".join(
        [f"{len(avec_peu)} requêtes pour {peu} ligne(s), {len(avec_beaucoup)} pour {beaucoup} :", *avec_beaucoup]
    )
