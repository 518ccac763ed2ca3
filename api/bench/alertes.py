"""``python -m api.bench.alertes URL``: the alerts of a migrated copy of the département demo,
former rules against current ones (issue 20: ≤ 100 ms for a responsable).

* **Same alerts**: for every responsable of the demo (the whole association) and every
  référent (« moi »), the whole list (every row, in order) and the counts per kind, with
  the former rule « premier rendez-vous en attente » (a probe of the held rendez-vous of
  each open mesure) and with the current one (``mesure.premier_rdv_realise``, migration
  0041). Any difference is printed and the command fails.
* **Cost**: ``EXPLAIN (ANALYZE, BUFFERS)`` of the list's statement (first page and counts)
  for the responsable of the association with the most open mesures, both versions in
  turn in the same pass, then of each rule alone: time and pages (shared hit + read).

Never run it on the demo itself: it writes nothing, but a copy keeps the comparison away
from other sessions' writes (``CREATE DATABASE copie TEMPLATE ancrage_bench``, migrated).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlmodel import Session, col

from api.alertes import service
from api.alertes.schemas import Perimetre, TypeAlerte
from api.alertes.service import REGLES, RegleAlerte
from api.auth.principal import Principal
from api.bench.outils import machine
from api.core.config import Settings
from api.core.db import make_engine
from api.core.fonctions_sql import PARIS
from api.core.pagination import PageParams
from api.demo.comptes import comptes_demo
from api.mesures.models import Mesure, RendezVous, StatutMesure, StatutRendezVous
from api.organisations.models import TypeOrganisation, Utilisateur

TOUT = PageParams(limit=1_000_000, offset=0)
PREMIERE_PAGE = PageParams(limit=20, offset=0)


def regles_avec_sonde() -> tuple[RegleAlerte, ...]:
    """``REGLES`` with « premier rendez-vous en attente » as it was before migration 0041:
    no held rendez-vous, asked of ``rendez_vous`` for each open mesure."""

    def sonde() -> Any:
        return and_(
            col(Mesure.statut) != StatutMesure.terminee.value,
            col(Mesure.date_mandatement) <= service._MANDATEE_AVANT,
            ~exists().where(
                col(RendezVous.mesure_id) == col(Mesure.id),
                col(RendezVous.statut) == StatutRendezVous.realise.value,
            ),
        )

    return tuple(
        dataclasses.replace(r, condition=sonde) if r.type == TypeAlerte.premier_rdv_en_attente else r for r in REGLES
    )


def resultat(
    session: Session,
    principal: Principal,
    perimetre: Perimetre,
    regles: Sequence[RegleAlerte],
    valeurs: dict[str, Any],
    page: PageParams = TOUT,
) -> tuple[list[tuple[Any, ...]], dict[str, int]]:
    """Every row of the list, in the list's order, and the counts per kind."""
    lignes: list[tuple[Any, ...]] = []
    comptes: dict[str, int] = {}
    for ligne in session.execute(
        service.instruction_alertes(principal, perimetre, page, None, regles), valeurs | principal.valeurs_liees()
    ).mappings():
        if ligne["n"] is not None:
            comptes[ligne["type"]] = int(ligne["n"])
        else:
            lignes.append(
                (ligne["date_reference"], ligne["type"], ligne["mesure_reference"], str(ligne["rendez_vous_id"] or ""))
            )
    return sorted(lignes), comptes


def expliquer(session: Session, instruction: Any, valeurs: dict[str, Any]) -> tuple[float, int]:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement: execution time (ms), pages (hit + read)."""
    compilee = instruction.compile(session.connection())
    plan = (
        session.connection()
        .exec_driver_sql(
            f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {compilee.string}", compilee.construct_params(valeurs)
        )
        .scalar_one()
    )
    racine = (plan if isinstance(plan, list) else json.loads(plan))[0]
    noeud = racine["Plan"]
    return float(racine["Execution Time"]), int(noeud["Shared Hit Blocks"]) + int(noeud["Shared Read Blocks"])


def _principal(session: Session, email: str, organisation_id: uuid.UUID, role: str) -> Principal:
    uid = session.execute(select(col(Utilisateur.id)).where(col(Utilisateur.email) == email)).scalar_one()
    return Principal("utilisateur", uid, organisation_id, TypeOrganisation.association, role, uuid.uuid4())


def comparer(session: Session, valeurs: dict[str, Any]) -> int:
    """Former and current rules over every responsable and référent: the number of differences."""
    comptes = comptes_demo(session)
    ancien = regles_avec_sonde()
    ecarts = 0
    vus = {"responsable": 0, "agent": 0}
    alertes = 0
    for role, perimetre in (("responsable", Perimetre.association), ("agent", Perimetre.moi)):
        for c in comptes[role]:
            p = _principal(session, c.email, c.organisation_id, c.role)
            avant = resultat(session, p, perimetre, ancien, valeurs)
            apres = resultat(session, p, perimetre, REGLES, valeurs)
            vus[role] += 1
            alertes += len(apres[0])
            if avant != apres:
                ecarts += 1
                print(
                    f"ÉCART {c.email} ({perimetre.value}) : compteurs {avant[1]} → {apres[1]}, "
                    f"{len(avant[0])} → {len(apres[0])} lignes"
                )
    print(
        f"{vus['responsable']} responsables (association) et {vus['agent']} référents (moi) : "
        f"{alertes} alertes, {ecarts} écart(s) entre la règle par sonde et la colonne tenue"
    )
    return ecarts


def mesurer(session: Session, valeurs: dict[str, Any], tours: int, avant_seulement: bool = False) -> None:
    """The responsable of the association with the most open mesures, both versions in turn."""
    ouvertes = func.count().label("n")
    asso, n = session.execute(
        select(col(Mesure.association_id), ouvertes)
        .where(col(Mesure.statut) != StatutMesure.terminee.value)
        .group_by(col(Mesure.association_id))
        .order_by(ouvertes.desc())
        .limit(1)
    ).one()
    resp = next(c for c in comptes_demo(session)["responsable"] if c.organisation_id == asso)
    p = _principal(session, resp.email, resp.organisation_id, resp.role)
    print(f"Plus grande association : {n} mesures ouvertes ; responsable {resp.email}")
    versions = {"avant (sonde)": regles_avec_sonde(), "après (colonne tenue)": REGLES}
    if avant_seulement:  # a copy not yet migrated to 0041
        del versions["après (colonne tenue)"]
    releves: dict[str, list[tuple[float, int]]] = {v: [] for v in versions}
    for _ in range(tours):
        for nom, regles in versions.items():
            releves[nom].append(
                expliquer(
                    session,
                    service.instruction_alertes(p, Perimetre.association, PREMIERE_PAGE, None, regles),
                    valeurs | p.valeurs_liees(),
                )
            )
    for nom, r in releves.items():
        print(
            f"  liste (page de 20 et compteurs), {nom} : médiane {statistics.median(t for t, _ in r):.1f} ms "
            f"({', '.join(f'{t:.0f}' for t, _ in r)}), {r[-1][1]} pages"
        )
    for nom, regles in versions.items():
        for regle in regles:
            lignes = service._lignes(regle, p, Perimetre.association).subquery("r")
            t, pages = expliquer(session, select(func.count()).select_from(lignes), valeurs)
            print(f"  {nom}, {regle.type.value} seule : {t:.1f} ms, {pages} pages")


def main() -> int:
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    a.add_argument("url", help="base PostgreSQL migrée (une copie de la démonstration départementale)")
    a.add_argument("--tours", type=int, default=5)
    a.add_argument("--sans-comparaison", action="store_true")
    a.add_argument("--avant-seulement", action="store_true", help="base pas encore migrée jusqu'à 0041")
    args = a.parse_args()
    instant = datetime.now(UTC)
    valeurs = service.valeurs_alertes(instant.astimezone(PARIS).date(), instant, Settings().alerte_premier_rdv_jours)
    print(machine())
    engine = make_engine(args.url)
    try:
        with Session(engine) as session:
            ecarts = 0 if args.sans_comparaison or args.avant_seulement else comparer(session, valeurs)
            mesurer(session, valeurs, args.tours, args.avant_seulement)
            session.rollback()
    finally:
        engine.dispose()
    return 1 if ecarts else 0


if __name__ == "__main__":
    sys.exit(main())
