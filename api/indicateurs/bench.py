"""Benchmark: the indicator document against one raw GROUP BY pass over the mesures.

``python -m api.indicateurs.bench [N] [--url URL]`` fills a throwaway database
(SQLite file under var/ by default, or the URL given) with N mesures and their
households, referrals, decisions and rendez-vous, then times one
``SELECT cible_code, count(*) FROM mesure GROUP BY cible_code`` and the whole
document for an admin, and prints the ratio.
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session

from api.auth.principal import Principal
from api.core.config import VAR_DIR
from api.core.db import make_engine
from api.core.migrate import upgrade
from api.dispositifs.models import Cible, Convention, Dispositif
from api.indicateurs import service
from api.indicateurs.sql import table
from api.menages.models import Menage, Personne
from api.mesures.models import Mesure, MesureDomaine, MesureRessourceEntree, RendezVous
from api.organisations.models import Organisation, TypeOrganisation
from api.orientations.models import Orientation, OrientationEvenement

CIBLES = [
    "habitat_adapte",
    "reassurance",
    "sante_mentale",
    "sortants_prison",
    "violences_conjugales",
]


def remplir(session: Session, n: int, seed: int = 42) -> None:
    rnd = random.Random(seed)  # noqa: S311 - synthetic data, not security
    orgs = {t: uuid.uuid4() for t in ("association", "gie", "financeur", "bailleur")}
    session.execute(
        insert(table(Organisation)),
        [
            {"id": i, "nom": f"Org {t}", "type": t, "actif": True, "cree_le": datetime.now(UTC)}
            for t, i in orgs.items()
        ],
    )
    disp = uuid.uuid4()
    session.execute(
        insert(table(Dispositif)),
        [
            {
                "id": disp,
                "code": "BENCH",
                "nom": "Bench",
                "financeur_id": orgs["financeur"],
                "commission_id": orgs["gie"],
                "adhesion_requise": True,
                "creation_directe": False,
                "date_debut": date(2015, 1, 1),
                "cree_le": datetime.now(UTC),
            }
        ],
    )
    session.execute(
        insert(table(Cible)),
        [
            {
                "id": uuid.uuid4(),
                "dispositif_id": disp,
                "code": c,
                "libelle": c,
                "sensible": False,
                "ordre": i,
            }
            for i, c in enumerate(CIBLES)
        ],
    )
    session.execute(
        insert(table(Convention)),
        [
            {
                "id": uuid.uuid4(),
                "dispositif_id": disp,
                "association_id": orgs["association"],
                "date_debut": date(2015, 1, 1),
                "date_fin": date(2030, 1, 1),
                "objectif_menages": n // 2,
                "cree_le": datetime.now(UTC),
            }
        ],
    )
    lot = 5000
    for start in range(0, n, lot):
        men, pers, ori, ev, mes, res, dom, rdv = [], [], [], [], [], [], [], []
        for k in range(start, min(n, start + lot)):
            mid, oid, meid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            now = datetime.now(UTC)
            men.append(
                {
                    "id": meid,
                    "reference": f"M-B-{k:07d}",
                    "organisation_id": orgs["bailleur"],
                    "composition": rnd.choice(["homme_seul", "femme_seule", "couple_avec_enfants"]),
                    "commune_insee": f"35{rnd.randint(0, 350):03d}",
                    "nb_procedures_expulsion": 0,
                    "cree_le": now,
                    "modifie_le": now,
                    "version": 1,
                }
            )
            pers.append(
                {
                    "id": uuid.uuid4(),
                    "menage_id": meid,
                    "nom": "X",
                    "prenom": "Y",
                    "nom_recherche": "x y",
                    "date_naissance": date(1940, 1, 1) + timedelta(days=rnd.randint(0, 20000)),
                    "sexe": rnd.choice(["homme", "femme"]),
                    "lien": "demandeur",
                }
            )
            if rnd.random() < 0.5:
                pers.append(
                    {
                        "id": uuid.uuid4(),
                        "menage_id": meid,
                        "nom": "X",
                        "prenom": "Z",
                        "nom_recherche": "x z",
                        "date_naissance": date(2005, 1, 1) + timedelta(days=rnd.randint(0, 5000)),
                        "sexe": "femme",
                        "lien": "enfant",
                    }
                )
            reception = date(2016, 1, 1) + timedelta(days=rnd.randint(0, 3000))
            mandat = reception + timedelta(days=rnd.randint(5, 60))
            fin = mandat + timedelta(days=rnd.randint(30, 1200)) if rnd.random() < 0.6 else None
            ori.append(
                {
                    "id": oid,
                    "reference": f"O-B-{k:07d}",
                    "menage_id": meid,
                    "dispositif_id": disp,
                    "statut": "acceptee",
                    "origine": rnd.choice(["bailleur", "ccas", "ccapex"]),
                    "prescripteur_organisation_id": orgs["bailleur"],
                    "acces_maintien": "maintien",
                    "date_reception": reception,
                    "association_id": orgs["association"],
                    "cree_le": now,
                    "modifie_le": now,
                    "version": 1,
                }
            )
            ev.append(
                {
                    "id": uuid.uuid4(),
                    "orientation_id": oid,
                    "quand": now,
                    "date_effet": mandat,
                    "auteur_type": "utilisateur",
                    "auteur_id": orgs["gie"],
                    "organisation_id": orgs["gie"],
                    "vers_statut": "acceptee",
                }
            )
            mes.append(
                {
                    "id": mid,
                    "reference": f"S-B-{k:07d}",
                    "menage_id": meid,
                    "dispositif_id": disp,
                    "association_id": orgs["association"],
                    "orientation_id": oid,
                    "statut": "terminee" if fin else "active",
                    "cible_code": rnd.choice(CIBLES),
                    "type_accompagnement_code": "t",
                    "acces_maintien": rnd.choice(["acces", "maintien"]),
                    "date_mandatement": mandat,
                    "date_fin": fin,
                    "motif_fin": rnd.choice(["relogement", "non_adhesion"]) if fin else None,
                    "entree_commune_insee": f"35{rnd.randint(0, 350):03d}",
                    "entree_nb_procedures_expulsion": rnd.randint(0, 4),
                    "entree_dette_locative": rnd.randint(0, 5000),
                    "cree_le": now,
                    "modifie_le": now,
                    "version": 1,
                }
            )
            res.append({"mesure_id": mid, "type": rnd.choice(["rsa", "aah", "salaire", "are"])})
            dom.append(
                {
                    "mesure_id": mid,
                    "domaine": rnd.choice(["budget_dettes", "sante", "acces_droits"]),
                }
            )
            rdv.append(
                {
                    "id": uuid.uuid4(),
                    "mesure_id": mid,
                    "type": "visite_domicile",
                    "statut": "realise",
                    "debut": datetime(mandat.year, mandat.month, mandat.day, 10, tzinfo=UTC)
                    + timedelta(days=9),
                    "duree_minutes": 60,
                    "est_suivi": False,
                    "cree_le": now,
                    "modifie_le": now,
                    "version": 1,
                }
            )
        for model, rows in (
            (Menage, men),
            (Personne, pers),
            (Orientation, ori),
            (OrientationEvenement, ev),
            (Mesure, mes),
            (MesureRessourceEntree, res),
            (MesureDomaine, dom),
            (RendezVous, rdv),
        ):
            session.execute(insert(table(model)), rows)
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=150_000)
    parser.add_argument("--url", default=None)
    parser.add_argument(
        "--deja-chargee", action="store_true", help="mesurer sans recharger la base"
    )
    args = parser.parse_args()
    url = args.url or f"sqlite:///{VAR_DIR / 'bench_indicateurs.db'}"
    engine = make_engine(url)
    if not args.deja_chargee:
        if url.startswith("sqlite"):
            (VAR_DIR / "bench_indicateurs.db").unlink(missing_ok=True)
        upgrade(url)
        with Session(engine) as session:
            if session.execute(select(func.count()).select_from(table(Mesure))).scalar_one():
                raise SystemExit(
                    f"La base {url} contient déjà des mesures : donnez une base jetable vide."
                )
            t0 = time.perf_counter()
            remplir(session, args.n)
            print(f"{args.n} mesures chargées en {time.perf_counter() - t0:.1f} s", flush=True)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("ANALYZE")  # fresh statistics, as a running base has
    with Session(engine) as session:
        admin = Principal(
            "utilisateur",
            uuid.uuid4(),
            uuid.uuid4(),
            TypeOrganisation.admin,
            "responsable",
            uuid.uuid4(),
        )
        f = service.filtres(du=date(2023, 1, 1), au=date(2023, 12, 31))
        m = table(Mesure)
        brut = select(m.c.cible_code, func.count()).group_by(m.c.cible_code)
        mesures: dict[str, list[float]] = {"brut": [], "document": []}
        for _ in range(3):
            t = time.perf_counter()
            session.execute(brut).all()
            mesures["brut"].append(time.perf_counter() - t)
            t = time.perf_counter()
            doc: Any = service.calculer_indicateurs(session, admin, f=f, seuil=0)
            mesures["document"].append(time.perf_counter() - t)
        b, d = min(mesures["brut"]), min(mesures["document"])
        fa = next(
            c.valeur for t in doc.tableaux if t.code == "file_active" for c in t.cellules if c.total
        )
        print(
            f"{engine.dialect.name} : GROUP BY brut {b * 1000:.0f} ms ; "
            f"document ({len(doc.tableaux)} tables, file active {fa}) {d * 1000:.0f} ms ; "
            f"rapport {d / b:.1f}",
            flush=True,
        )
    engine.dispose()


if __name__ == "__main__":
    main()
