"""Synthetic, reproducible demo population (``python -m api demo``).

The same seed gives the same data (names, dates and even UUIDs come from one
seeded generator). Rows are inserted in batches with SQLAlchemy Core
(executemany), so the département scale (about 100 000 households, 150 000
mesures, 1.5 million rendez-vous) loads in minutes on PostgreSQL.

The rows follow the product's rules rather than its HTTP endpoints (one call
per row would take hours): orientations walk the graph of docs/domaine.md with one event
per transition, each accepted orientation gets its mesure with the household's
situation at entry copied as ``mandater()`` does, mesures end with a motif and a
housing situation, and the decision mix is seed 001's (≈ 73 % accepted, 24 %
refused by the commission with its five motifs, 8 % refused by the household,
ajournements and waits for information along the way).
"""

from __future__ import annotations

import bisect
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

from faker import Faker
from sqlalchemy import Engine, func, insert, select, update
from sqlmodel import Session, SQLModel, col

from api.core.compteurs import Compteur, aligner_sequences
from api.core.security import hash_password
from api.core.texte import normaliser
from api.demo import referentiel as ref
from api.demo.equipes import CHARGE, Equipes, email
from api.dispositifs.models import (
    Cible,
    Convention,
    ConventionCommune,
    ConventionFinanceur,
    Dispositif,
    DispositifCommune,
    TypeAccompagnement,
)
from api.menages.models import Dette, Menage, Personne, Ressource
from api.mesures.entree import instantane
from api.mesures.models import (
    Mesure,
    MesureDetteEntree,
    MesureDomaine,
    MesureEvenement,
    MesureHistorique,
    MesureRessourceEntree,
    RendezVous,
)
from api.organisations.models import ClientApi, Organisation, Utilisateur
from api.orientations.models import Orientation, OrientationEvenement, SessionCommission

ECHELLES = {"small": 300, "departement": 100_000}
DEBUT = date(2021, 1, 1)
BATCH = 1000  # households per transaction
ECHANTILLON = 10_000  # households of the dry run that sizes the associations' rosters (≈ 10 % more CPU)

RESSOURCES = [
    ("rsa", 25),
    ("aah", 20),
    ("salaire", 18),
    ("retraite", 12),
    ("are", 8),
    ("prime_activite", 5),
    ("pension_invalidite", 4),
    ("ij", 3),
    ("allocations_familiales", 2),
    ("aucune", 3),
]
STATUTS = [
    ("locataire_parc_public", 75),
    ("locataire_parc_prive", 5),
    ("heberge_tiers", 7),
    ("hebergement", 5),
    ("sans_logement", 4),
    ("structure", 4),
]
MOTIFS_REFUS = [("droit_commun", 7), ("hors_cible", 2), ("territoire_non_couvert", 3), ("parc_prive", 12)]
MOTIFS_FIN = [
    ("objectifs_atteints", 30),
    ("relogement", 15),
    ("glissement_bail", 8),
    ("non_adhesion", 15),
    ("reorientation_autre_dispositif", 8),
    ("sanction_fin_prise_en_charge", 3),
    ("demenagement", 8),
    ("deces", 2),
    ("duree_maximale_atteinte", 6),
    ("autre", 5),
]
SORTIES = [
    ("locataire_parc_public", 60),
    ("locataire_parc_prive", 6),
    ("sous_locataire", 8),
    ("logement_transition", 4),
    ("heberge_tiers", 6),
    ("hebergement", 6),
    ("structure", 5),
    ("sans_logement", 3),
    ("autre", 2),
]
TYPES_RDV = [
    ("visite_domicile", 40),
    ("entretien_bureau", 20),
    ("telephone", 20),
    ("accompagnement_physique", 8),
    ("rencontre_tripartite", 5),
    ("aller_vers", 4),
    ("atelier_collectif", 2),
    ("visio", 1),
]
DOMAINES = [
    "acces_logement",
    "maintien",
    "relogement",
    "appropriation_logement",
    "insertion_quartier",
    "budget_dettes",
    "acces_droits",
    "sante",
    "emploi",
    "parentalite",
    "vieillissement",
    "mediation_locative",
]


@dataclass
class Contexte:
    rng: random.Random
    fake: Faker
    aujourd_hui: date
    orgs: dict[str, uuid.UUID] = field(default_factory=dict)
    users: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    dispositifs: list[dict[str, Any]] = field(default_factory=list)
    compteurs: dict[str, int] = field(default_factory=dict)
    rangs: dict[uuid.UUID, int] = field(default_factory=dict)
    pools: dict[str, list[str]] = field(default_factory=dict)
    cles: dict[uuid.UUID, str] = field(default_factory=dict)  # organisation id -> key
    clients: dict[str, uuid.UUID] = field(default_factory=dict)  # bailleur key -> its API client
    # per dispositif: the dates of its commission sessions (sorted) and their ids
    seances: dict[uuid.UUID, tuple[list[date], list[uuid.UUID]]] = field(default_factory=dict)
    equipes: Equipes | None = None

    def pioche(self, kind: str) -> str:
        """A value drawn from a pool made once by Faker (Faker per row is the slow part)."""
        pool = self.pools.get(kind)
        if pool is None:
            maker = {
                "nom": self.fake.last_name,
                "prenom_f": self.fake.first_name_female,
                "prenom_h": self.fake.first_name_male,
                "adresse": self.fake.street_address,
                "tel": self.fake.phone_number,
                "personne": self.fake.name,
            }[kind]
            pool = self.pools[kind] = [maker() for _ in range(3000)]
        return pool[self.rng.randrange(len(pool))]

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def choix(self, poids: list[tuple[str, int]]) -> str:
        return self.rng.choices([v for v, _ in poids], weights=[w for _, w in poids])[0]

    def reference(self, prefixe: str, annee: int) -> str:
        cle = f"{prefixe}-{annee}"
        self.compteurs[cle] = self.compteurs.get(cle, 0) + 1
        return f"{cle}-{self.compteurs[cle]:06d}"

    def instant(self, d: date, heure: int = 10) -> datetime:
        return datetime(d.year, d.month, d.day, heure, self.rng.choice((0, 15, 30, 45)), tzinfo=UTC)

    def seance(self, dispositif_id: uuid.UUID, au_plus_tot: date) -> tuple[date, uuid.UUID]:
        """The dispositif's first commission session on or after ``au_plus_tot``."""
        dates, ids = self.seances[dispositif_id]
        i = bisect.bisect_left(dates, au_plus_tot)
        return dates[i], ids[i]


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    day = min(d.day, 28)
    return date(d.year + y, m + 1, day)


# Plus de 80 lignes : la liste des partenaires d'un département, écrite comme on la décrirait ;
# la découper séparerait des comptes de leur organisation.
def _partenaires(session: Session, ctx: Contexte, menages: int, pwd: str) -> None:
    """Organisations, their staff except the associations' référents, clients, dispositifs, sessions."""
    echelle = menages / ECHELLES["departement"]
    utilisateurs: list[dict[str, Any]] = []

    def compte(org: uuid.UUID, adresse: str, role: str, nom: str | None = None, prenom: str | None = None) -> None:
        utilisateurs.append(
            {
                "id": ctx.uid(),
                "email": adresse,
                "nom": nom or ctx.fake.last_name(),
                "prenom": prenom or ctx.fake.first_name(),
                "organisation_id": org,
                "role": role,
                "mot_de_passe_hash": pwd,
                "actif": True,
                "cree_le": datetime(DEBUT.year, DEBUT.month, DEBUT.day, 9, tzinfo=UTC),
                "derniere_connexion": None,
            }
        )

    for key, nom, type_ in ref.ORGANISATIONS:
        org_id = ctx.uid()
        session.execute(
            insert(Organisation.__table__),
            [{"id": org_id, "nom": nom, "type": type_, "actif": True, "cree_le": datetime(2020, 12, 1, tzinfo=UTC)}],
        )
        ctx.orgs[key] = org_id
        ctx.cles[org_id] = key
        ctx.users[key] = []
        if type_ == "association":
            continue  # référents and responsables: api/demo/equipes.py
        responsables, agents, minimum = ref.EFFECTIFS.get(key) or ref.EFFECTIFS[type_]
        debut = len(utilisateurs)
        for n in range(1, responsables + 1):
            compte(org_id, email("responsable", n, key, ref.DEMO_DOMAIN), "responsable")
        for n in range(1, max(minimum, round(agents * echelle)) + 1):
            compte(org_id, email("agent", n, key, ref.DEMO_DOMAIN), "agent")
        ctx.users[key] = [u["id"] for u in utilisateurs[debut:]]
    # The platform's administrator (an existing admin organisation is reused).
    admin_org = (
        session.execute(select(Organisation.id).where(Organisation.type == "admin").order_by(Organisation.cree_le))
        .scalars()
        .first()
    )
    if admin_org is None:
        admin_org = ctx.uid()
        session.execute(
            insert(Organisation.__table__),
            [
                {
                    "id": admin_org,
                    "nom": "Administration Ancrage",
                    "type": "admin",
                    "actif": True,
                    "cree_le": datetime(2020, 12, 1, tzinfo=UTC),
                }
            ],
        )
    compte(admin_org, ref.DEMO_ADMIN, "responsable", "Administrateur", "Démonstration")
    session.execute(insert(Utilisateur.__table__), utilisateurs)
    # Each bailleur's information system; one secret, hashed once, for all of them.
    secret = hash_password(ref.DEMO_CLIENT_SECRET)
    for key, nom, type_ in ref.ORGANISATIONS:
        if type_ == "bailleur":
            ctx.clients[key] = ctx.uid()
            session.execute(
                insert(ClientApi.__table__),
                [
                    {
                        "id": ctx.clients[key],
                        "client_id": f"cli_demo_{key}",
                        "nom": f"SI locatif {nom}",
                        "organisation_id": ctx.orgs[key],
                        "secret_hash": secret,
                        "actif": True,
                        "cree_le": datetime(2020, 12, 1, tzinfo=UTC),
                    }
                ],
            )
    communes = [c for c, _, _ in ref.COMMUNES_35]
    for spec in ref.DISPOSITIFS:
        disp = Dispositif(
            id=ctx.uid(),
            code=spec["code"],
            nom=spec["nom"],
            financeur_id=ctx.orgs[spec["financeur"]],
            commission_id=ctx.orgs[spec["commission"]],
            duree_max_mois=spec["duree_max_mois"],
            adhesion_requise=True,
            date_debut=DEBUT,
        )
        session.add(disp)
        session.flush()
        session.add_all(DispositifCommune(dispositif_id=disp.id, commune_insee=c) for c in communes)
        for i, (code, libelle, sensible, _) in enumerate(spec["cibles"]):
            session.add(
                Cible(id=ctx.uid(), dispositif_id=disp.id, code=code, libelle=libelle, sensible=sensible, ordre=i)
            )
        for i, (code, libelle, duree) in enumerate(spec["types"]):
            session.add(
                TypeAccompagnement(
                    id=ctx.uid(), dispositif_id=disp.id, code=code, libelle=libelle, duree_max_mois=duree, ordre=i
                )
            )
        for assoc, objectif in spec["associations"].items():
            conv = Convention(
                id=ctx.uid(),
                dispositif_id=disp.id,
                association_id=ctx.orgs[assoc],
                date_debut=DEBUT,
                date_fin=date(2027, 12, 31),
                objectif_menages=objectif,
                mois_mesures_finances=objectif * 12,
                budget_euros=objectif * 3500,
            )
            session.add(conv)
            session.flush()
            # As the API writes it when no funder is named: the dispositif's own, for the whole.
            session.add(
                ConventionFinanceur(convention_id=conv.id, financeur_id=disp.financeur_id, part_centiemes=10_000)
            )
            session.add_all(ConventionCommune(convention_id=conv.id, commune_insee=c) for c in communes)
        ctx.dispositifs.append({**spec, "id": disp.id})
        # Commission sessions from the start until three months ahead: the past ones closed.
        premiere, rythme, lieu = spec["sessions"]
        dates = [premiere + timedelta(days=rythme * i) for i in range((ctx.aujourd_hui - premiere).days // rythme + 14)]
        dates = [d for d in dates if d <= ctx.aujourd_hui + timedelta(days=92)]
        ids = [ctx.uid() for _ in dates]
        ctx.seances[disp.id] = (dates, ids)
        session.execute(
            insert(SessionCommission.__table__),
            [
                {
                    "id": i,
                    "dispositif_id": disp.id,
                    "date": d,
                    "lieu": lieu,
                    # the past sessions sat: their members are known (no draw: the same seed
                    # gives the same data as before this column)
                    "membres_presents": "\n".join(spec["membres"]) if d < ctx.aujourd_hui else None,
                    "close": d < ctx.aujourd_hui,
                    "cree_le": datetime(d.year, d.month, d.day, 9, tzinfo=UTC) - timedelta(days=28),
                }
                for d, i in zip(dates, ids, strict=True)
            ],
        )
    session.commit()


class Lot:
    """Rows of one batch, per table, inserted together."""

    def __init__(self) -> None:
        self.rows: dict[type[SQLModel], list[dict[str, Any]]] = {}

    def add(self, model: type[SQLModel], **values: Any) -> dict[str, Any]:
        self.rows.setdefault(model, []).append(values)
        return values

    def ecrire(self, session: Session) -> None:
        # Parents before children (foreign keys).
        copy = session.get_bind().dialect.name == "postgresql"
        for model in (
            Utilisateur,
            Menage,
            Personne,
            Ressource,
            Dette,
            Orientation,
            OrientationEvenement,
            Mesure,
            MesureRessourceEntree,
            MesureDetteEntree,
            MesureDomaine,
            MesureEvenement,
            MesureHistorique,
            RendezVous,
        ):
            rows = self.rows.get(model)
            if not rows:
                continue
            if copy:
                _copy(session, model, rows)
            else:
                session.execute(insert(model.__table__), rows)


def _copy(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY through psycopg 3: an order of magnitude faster than INSERTs."""
    from psycopg.types.json import Jsonb

    table = model.__table__
    columns = [c.name for c in table.columns]
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([Jsonb(v) if isinstance(v, dict) else v for v in (row.get(c) for c in columns)])


def _situation_professionnelle(menage_id: uuid.UUID) -> str:
    """Seed 002's shares (20 % en emploi, 28 % au foyer / invalides / retraités, 1 %
    étudiants, the rest sans emploi), drawn from the ménage's id: not from the generator's
    random sequence, which would move every figure drawn after it."""
    k = menage_id.int % 100
    if k < 20:
        return "emploi"
    if k < 48:
        return "au_foyer_invalide_retraite"
    if k < 49:
        return "etudiant_stagiaire_apprenti"
    return "sans_emploi"


# Plus de 80 lignes : le portrait d'un ménage tiré au hasard (seeds 002-004), un tirage après
# l'autre ; l'ordre des tirages fait la reproductibilité (même graine, mêmes données).
def _menage(ctx: Contexte, lot: Lot, annee: int) -> dict[str, Any]:
    rng = ctx.rng
    mid = ctx.uid()
    homme = rng.random() < 0.62
    age = min(85, max(19, int(rng.gauss(46, 14))))
    naissance = date(ctx.aujourd_hui.year - age, rng.randint(1, 12), rng.randint(1, 28))
    forme = ctx.choix([("isole", 55), ("monoparental", 20), ("couple", 10), ("couple_enfants", 15)])
    nom = ctx.pioche("nom")
    personnes = [
        (
            "demandeur",
            nom,
            ctx.pioche("prenom_h") if homme else ctx.pioche("prenom_f"),
            naissance,
            "homme" if homme else "femme",
        )
    ]
    if forme in ("couple", "couple_enfants"):
        cn = date(naissance.year + rng.randint(-5, 5), rng.randint(1, 12), rng.randint(1, 28))
        personnes.append(
            (
                "conjoint",
                nom,
                ctx.pioche("prenom_f") if homme else ctx.pioche("prenom_h"),
                cn,
                "femme" if homme else "homme",
            )
        )
    if forme in ("monoparental", "couple_enfants"):
        for _ in range(rng.randint(1, 3)):
            en = date(ctx.aujourd_hui.year - rng.randint(0, 17), rng.randint(1, 12), rng.randint(1, 28))
            personnes.append(
                ("enfant", nom, ctx.pioche(rng.choice(("prenom_f", "prenom_h"))), en, rng.choice(("homme", "femme")))
            )
    composition = {
        "isole": "homme_seul" if homme else "femme_seule",
        "monoparental": "homme_seul_avec_enfants" if homme else "femme_seule_avec_enfants",
        "couple": "couple_sans_enfant",
        "couple_enfants": "couple_avec_enfants",
    }[forme]
    statut = ctx.choix(STATUTS)
    bailleur = ctx.orgs[rng.choice(("neotoa", "archipel", "espacil"))] if statut == "locataire_parc_public" else None
    commune = rng.choices([c for c, _, _ in ref.COMMUNES_35], weights=[w for _, _, w in ref.COMMUNES_35])[0]
    cree = ctx.instant(date(annee, rng.randint(1, 12), rng.randint(1, 28)))
    if cree.date() > ctx.aujourd_hui:
        cree = ctx.instant(ctx.aujourd_hui - timedelta(days=rng.randint(1, 60)))
    procedures = rng.choices((0, 1, 2, 3), weights=(55, 30, 10, 5))[0]
    valeurs = dict(
        id=mid,
        reference=ctx.reference("M", cree.year),
        organisation_id=bailleur or ctx.orgs["ccas_rennes"],
        composition=composition,
        statut_occupation=statut,
        bailleur_id=bailleur,
        commune_insee=commune,
        adresse=ctx.pioche("adresse"),
        telephone=ctx.pioche("tel")[:30],
        courriel=None,
        nb_procedures_expulsion=procedures,
        stade_procedure="assignation" if procedures else "aucune",
        situation_professionnelle=_situation_professionnelle(mid),
        cree_le=cree,
        cree_par_id=None,
        modifie_le=cree,
        version=1,
        anonymise_le=None,
    )
    lot.add(Menage, **valeurs)
    for lien, n, p, dn, sexe in personnes:
        lot.add(
            Personne,
            id=ctx.uid(),
            menage_id=mid,
            nom=n,
            prenom=p,
            nom_recherche=normaliser(f"{n} {p}"),
            date_naissance=dn,
            sexe=sexe,
            lien=lien,
        )
    types = {ctx.choix(RESSOURCES) for _ in range(rng.randint(1, 2))}
    ressources = {t: (None if t == "aucune" else rng.randint(300, 1500)) for t in types}
    for t, m in ressources.items():
        lot.add(Ressource, id=ctx.uid(), menage_id=mid, type=t, montant_mensuel=m)
    dettes: dict[str, int] = {}
    if rng.random() < 0.5:
        dettes["loyer"] = rng.randint(300, 15000)
    if rng.random() < 0.3:
        dettes[rng.choice(("energie", "caf_indu", "impots", "credit_consommation", "telephonie"))] = rng.randint(
            100, 5000
        )
    for t, m in dettes.items():
        lot.add(Dette, id=ctx.uid(), menage_id=mid, type=t, montant=m)
    return {
        **valeurs,
        "ressources": ressources,
        "dettes": dettes,
        "personnes": [(lien, dn, sexe) for lien, _n, _p, dn, sexe in personnes],
    }


def _evenement_orientation(
    ctx: Contexte,
    lot: Lot,
    oid: uuid.UUID,
    auteur: tuple[str, uuid.UUID, uuid.UUID],
    d: date,
    de: str | None,
    vers: str,
    motif: str | None = None,
    seance: tuple[date, uuid.UUID] | None = None,
) -> None:
    # Events of one referral get strictly increasing times, even on the same day.
    rang = ctx.rangs[oid] = ctx.rangs.get(oid, 0) + 1
    quand = datetime(d.year, d.month, d.day, 8, tzinfo=UTC) + timedelta(minutes=rang)
    lot.add(
        OrientationEvenement,
        id=ctx.uid(),
        orientation_id=oid,
        quand=quand,
        date_effet=d,
        auteur_type=auteur[0],
        auteur_id=auteur[1],
        organisation_id=auteur[2],
        de_statut=de,
        vers_statut=vers,
        motif=motif,
        commentaire=None,
        session_commission_id=seance[1] if seance else None,
    )


# Plus de 80 lignes : une orientation qui parcourt le graphe, pas à pas, comme dans la vie ;
# l'ordre des tirages fait la reproductibilité (même graine, mêmes données).
def _orientation(ctx: Contexte, lot: Lot, menage: dict[str, Any], debut: date) -> tuple[date, bool] | None:
    """One referral walking the graph; returns (date it ends, whether a mesure followed)."""
    rng = ctx.rng
    disp = rng.choices(ctx.dispositifs, weights=(50, 35, 15))[0]
    if disp["code"] == "sime-35":
        origine, prescripteur = "ccapex", ctx.orgs["ccapex"]
    elif menage["bailleur_id"] and rng.random() < 0.7:
        origine, prescripteur = "bailleur", menage["bailleur_id"]
    else:
        origine, prescripteur = rng.choice(
            (("ccas", ctx.orgs["ccas_rennes"]), ("cdas_travailleur_social", ctx.orgs["cdas_nord"]))
        )
    oid = ctx.uid()
    commission = disp["commission"]
    # The commission's decisions are signed by one of its secretaries; referrals by a
    # prescriber's account, or by the bailleur's information system.
    auteur_c = ("utilisateur", rng.choice(ctx.users[commission]), ctx.orgs[commission])
    cle_p = ctx.cles[prescripteur]
    if origine == "bailleur" and rng.random() < 0.6:
        auteur_p = ("client", ctx.clients[cle_p], prescripteur)
    else:
        auteur_p = ("utilisateur", rng.choice(ctx.users[cle_p]), prescripteur)
    cible = ctx.choix([(c, w) for c, _, _, w in disp["cibles"]])
    acces = (
        "acces"
        if menage["statut_occupation"] not in ("locataire_parc_public", "locataire_parc_prive")
        else ("acces" if rng.random() < 0.1 else "maintien")
    )
    _evenement_orientation(ctx, lot, oid, auteur_p, debut, "brouillon", "soumise")
    d = debut + timedelta(days=rng.randint(3, 20))
    statut = "soumise"
    decision = None
    # The session whose agenda the referral is on: the first one at least 3 days after
    # its inscription. Decisions are taken at a past session, on its date; a referral
    # whose session is still to come waits there, « en_commission ».
    seance: tuple[date, uuid.UUID] | None = None
    if d < ctx.aujourd_hui:
        seance = ctx.seance(disp["id"], d + timedelta(days=3))
        _evenement_orientation(ctx, lot, oid, auteur_c, d, "soumise", "en_commission", seance=seance)
        statut = "en_commission"
        for inter in ("ajournee", "attente_infos"):
            if seance[0] >= ctx.aujourd_hui:
                break
            if rng.random() < (0.10 if inter == "ajournee" else 0.05):
                d = seance[0]
                _evenement_orientation(ctx, lot, oid, auteur_c, d, "en_commission", inter, seance=seance)
                d2 = d + timedelta(days=rng.randint(14, 35))
                if d2 >= ctx.aujourd_hui:
                    statut = inter
                    break
                seance = ctx.seance(disp["id"], d2 + timedelta(days=3))
                _evenement_orientation(ctx, lot, oid, auteur_c, d2, inter, "en_commission", seance=seance)
                d = d2
        if statut == "en_commission" and seance[0] < ctx.aujourd_hui:
            d = seance[0]
            tirage = rng.random()
            if tirage < 0.02:
                _evenement_orientation(ctx, lot, oid, auteur_c, d, "en_commission", "liste_attente", seance=seance)
                suivante = ctx.seance(disp["id"], d + timedelta(days=rng.randint(20, 60)))
                if suivante[0] < ctx.aujourd_hui:
                    seance, d = suivante, suivante[0]
                    _evenement_orientation(ctx, lot, oid, auteur_c, d, "liste_attente", "acceptee", seance=seance)
                    decision = "acceptee"
                else:
                    statut = "liste_attente"
            elif tirage < 0.73:
                decision = "acceptee"
                _evenement_orientation(ctx, lot, oid, auteur_c, d, "en_commission", "acceptee", seance=seance)
            elif tirage < 0.92:
                decision = "refusee"
                _evenement_orientation(
                    ctx, lot, oid, auteur_c, d, "en_commission", "refusee", ctx.choix(MOTIFS_REFUS), seance=seance
                )
            else:
                decision = "refus_beneficiaire"
                _evenement_orientation(ctx, lot, oid, auteur_c, d, "en_commission", "refus_beneficiaire", seance=seance)
    statut = decision or statut
    association = None
    mesure_id = None
    type_code = None
    if decision == "acceptee":
        association = ctx.orgs[
            ctx.rng.choices(list(disp["associations"]), weights=list(disp["associations"].values()))[0]
        ]
        types = [c for c, _, _ in disp["types"]]
        type_code = types[0] if rng.random() < 0.3 else rng.choice(types[1:] or types)
        mesure_id = ctx.uid()
    motif_refus = None
    if decision == "refusee":
        motif_refus = lot.rows[OrientationEvenement][-1]["motif"]
    lot.add(
        Orientation,
        id=oid,
        reference=ctx.reference("O", debut.year),
        menage_id=menage["id"],
        dispositif_id=disp["id"],
        statut=statut,
        origine=origine,
        prescripteur_organisation_id=prescripteur,
        prescripteur_nom=ctx.pioche("personne"),
        prescripteur_utilisateur_id=None,
        external_ref=None,
        cible_proposee_code=cible,
        acces_maintien=acces,
        motifs="Ménage orienté pour un accompagnement adapté.",
        date_reception=debut,
        date_decision=d if decision else None,
        motif_refus=motif_refus,
        association_id=association,
        cible_code=cible if association else None,
        type_accompagnement_code=type_code,
        mesure_id=mesure_id,
        session_commission_id=seance[1] if seance else None,
        cree_le=ctx.instant(debut, 9),
        modifie_le=ctx.instant(d, 15),
        version=1,
    )
    if decision != "acceptee" or association is None or mesure_id is None or type_code is None:
        return (d, False)
    fin = _mesure(ctx, lot, menage, disp, mesure_id, oid, association, cible, type_code, acces, d, debut)
    return (fin, True)


# Plus de 80 lignes : la vie d'une mesure (démarrage, modalités, rendez-vous, fin, suivi), un
# tirage après l'autre ; l'ordre des tirages fait la reproductibilité (même graine, mêmes données).
def _mesure(
    ctx: Contexte,
    lot: Lot,
    menage: dict[str, Any],
    disp: dict[str, Any],
    mid: uuid.UUID,
    oid: uuid.UUID,
    association: uuid.UUID,
    cible: str,
    type_code: str,
    acces: str,
    decision: date,
    reception: date,
) -> date:
    rng = ctx.rng
    assoc_key = next(k for k, v in ctx.orgs.items() if v == association)
    mandat = min(decision + timedelta(days=rng.randint(0, 15)), ctx.aujourd_hui)  # never in the future
    debut = mandat + timedelta(days=rng.randint(5, 45))
    motif = ctx.choix(MOTIFS_FIN)
    mois = (
        rng.randint(1, 5)
        if motif == "non_adhesion"
        else (disp["duree_max_mois"] if motif == "duree_maximale_atteinte" else rng.randint(4, disp["duree_max_mois"]))
    )
    fin_prevue = _add_months(debut, disp["duree_max_mois"])
    fin = _add_months(debut, mois) + timedelta(days=rng.randint(0, 25))
    evenements: list[tuple[date, str, str | None, str]] = [(mandat, "mandatement", None, "mandatee")]
    statut = "mandatee"
    if debut <= ctx.aujourd_hui:
        evenements.append((debut, "demarrage", "mandatee", "en_evaluation"))
        statut = "en_evaluation"
        activation = debut + timedelta(days=rng.randint(20, 80))
        if activation <= ctx.aujourd_hui and activation < fin:
            evenements.append((activation, "activation", "en_evaluation", "active"))
            statut = "active"
    termine = fin <= ctx.aujourd_hui and statut != "mandatee"
    if termine:
        evenements.append((fin, "fin", statut, "terminee"))
        statut = "terminee"
    elif statut == "active" and rng.random() < 0.05:
        evenements.append((ctx.aujourd_hui - timedelta(days=rng.randint(1, 40)), "suspension", "active", "suspendue"))
        statut = "suspendue"
    assert ctx.equipes is not None
    referent = ctx.equipes.referent(assoc_key, ouverte=not termine, date_fin=fin if termine else None)
    auteur = ("utilisateur", referent, association)
    modalite = None
    if disp["code"] == "sime-35":
        modalite = "iml_bail_glissant" if type_code == "iml_bail_glissant" else "logement_transition"
    elif rng.random() < 0.1:
        modalite = rng.choice(("bail_direct", "sous_location_gla"))
    suivi_prevu = _add_months(fin, 6) if termine else None
    suivi_fait = suivi_prevu if suivi_prevu and suivi_prevu <= ctx.aujourd_hui and rng.random() < 0.6 else None
    ligne_mesure = lot.add(
        Mesure,
        id=mid,
        reference=ctx.reference("S", mandat.year),
        menage_id=menage["id"],
        dispositif_id=disp["id"],
        association_id=association,
        orientation_id=oid,
        referent_id=referent,
        statut=statut,
        cible_code=cible,
        type_accompagnement_code=type_code,
        acces_maintien=acces,
        date_mandatement=mandat,
        date_debut=debut if debut <= ctx.aujourd_hui else None,
        date_fin_prevue=fin_prevue,
        date_fin=fin if termine else None,
        motif_fin=motif if termine else None,
        situation_sortie=ctx.choix(SORTIES) if termine else None,
        adhesion_date=debut if debut <= ctx.aujourd_hui else None,
        adhesion_modalite="rencontre tripartite" if debut <= ctx.aujourd_hui else None,
        derogation_duree_motif=None,
        modalite_logement=modalite,
        modalite_date_debut=debut if modalite else None,
        modalite_date_fin=None,
        date_glissement=None,
        entree_statut_occupation=menage["statut_occupation"],
        entree_composition=menage["composition"],
        entree_commune_insee=menage["commune_insee"],
        entree_nb_procedures_expulsion=menage["nb_procedures_expulsion"],
        entree_stade_procedure=menage["stade_procedure"],
        entree_situation_professionnelle=menage["situation_professionnelle"],
        entree_dette_locative=menage["dettes"].get("loyer", 0),
        **instantane(menage["personnes"], mandat),
        entree_reception_orientation=reception,
        suivi_date_prevue=suivi_prevu,
        suivi_realise_le=suivi_fait,
        suivi_joint=True if suivi_fait else None,
        suivi_situation=ctx.choix(SORTIES) if suivi_fait else None,
        suivi_commentaire=None,
        premier_rdv_realise=None,
        cree_le=ctx.instant(mandat, 11),
        modifie_le=ctx.instant(min(fin, ctx.aujourd_hui), 16),
        version=1,
    )
    for t, m in menage["ressources"].items():
        lot.add(MesureRessourceEntree, mesure_id=mid, type=t, montant_mensuel=m)
    for t, m in menage["dettes"].items():
        lot.add(MesureDetteEntree, mesure_id=mid, type=t, montant=m)
    for dom in rng.sample(DOMAINES, rng.randint(1, 4)):
        lot.add(MesureDomaine, mesure_id=mid, domaine=dom)
    for d, type_, de, vers in evenements:
        lot.add(
            MesureEvenement,
            id=ctx.uid(),
            mesure_id=mid,
            quand=ctx.instant(d, 17),
            date_effet=d,
            auteur_type=auteur[0],
            auteur_id=auteur[1],
            organisation_id=auteur[2],
            type=type_,
            de_statut=de,
            vers_statut=vers,
            motif=motif if type_ == "fin" else None,
            commentaire=None,
            donnees=None,
        )
    # The statut in force on any past day (api/mesures/historique.py), and « no modalité »
    # until the modalité's start. Ids derived from the mesure's, not drawn: the generator's
    # random sequence (hence every other row) stays what it was.
    periodes = [("statut", de_statut, d0, d1) for (d0, _, _, de_statut), (d1, _, _, _) in pairwise(evenements)]
    if modalite and debut > mandat:
        periodes.append(("modalite_logement", None, mandat, debut))
    for i, (attribut, valeur, du, jusqu_au) in enumerate(periodes):
        if du < jusqu_au:
            lot.add(
                MesureHistorique,
                id=uuid.uuid5(mid, str(i)),
                mesure_id=mid,
                attribut=attribut,
                valeur=valeur,
                du=du,
                jusqu_au=jusqu_au,
                cree_le=datetime(jusqu_au.year, jusqu_au.month, jusqu_au.day, 17, tzinfo=UTC),
            )
    # Rendez-vous: about one a month, the first soon after mandatement.
    if statut != "mandatee" or rng.random() < 0.5:
        fin_rdv = min(fin if termine else ctx.aujourd_hui + timedelta(days=30), ctx.aujourd_hui + timedelta(days=30))
        jour = mandat + timedelta(days=rng.randint(3, 25))
        premier = True
        while jour <= fin_rdv:
            type_rdv = (
                "rencontre_tripartite" if premier and disp["code"] == "300-logements-35" else ctx.choix(TYPES_RDV)
            )
            if jour > ctx.aujourd_hui:
                statut_rdv = "planifie"
            else:
                statut_rdv = ctx.choix([("realise", 80), ("annule", 8), ("absent", 12)])
            # Drawn in the order they always were (same seed, same data).
            rdv_id = ctx.uid()
            debut_rdv = ctx.instant(jour, rng.randint(9, 16))
            if statut_rdv == "realise" and ligne_mesure["premier_rdv_realise"] is None:
                # Written with the mesure (the rendez-vous come in order): the trigger of
                # migration 0041 then finds it already right and does not rewrite the row.
                ligne_mesure["premier_rdv_realise"] = debut_rdv
            lot.add(
                RendezVous,
                id=rdv_id,
                mesure_id=mid,
                debut=debut_rdv,
                duree_minutes=rng.choice((30, 45, 60, 90)),
                type=type_rdv,
                lieu=None,
                statut=statut_rdv,
                participants=None,
                compte_rendu=None,
                est_suivi=False,
                cree_par_id=referent,
                cree_le=ctx.instant(jour - timedelta(days=7)),
                modifie_le=ctx.instant(jour),
                version=1,
            )
            premier = False
            jour += timedelta(days=rng.randint(25, 60))
    return fin if termine else ctx.aujourd_hui


def _foyers(ctx: Contexte, n: int) -> Iterator[Callable[[Lot], None]]:
    for _ in range(n):

        def one(lot: Lot) -> None:
            annee = ctx.rng.randint(DEBUT.year, max(DEBUT.year, ctx.aujourd_hui.year - 2))
            menage = _menage(ctx, lot, annee)
            debut = menage["cree_le"].date()
            for _ in range(3):  # a household may be referred again after a first support
                res = _orientation(ctx, lot, menage, debut)
                if res is None:
                    break
                fin, _ = res
                debut = fin + timedelta(days=ctx.rng.randint(30, 240))
                if debut >= ctx.aujourd_hui - timedelta(days=10) or ctx.rng.random() < 0.3:
                    break

        yield one


def _prevoir(ctx: Contexte, n: int, associations: dict[str, uuid.UUID], graine: int, pwd: str) -> dict[str, int]:
    """Référents expected per association at the end: a dry run of the first households.

    The run draws from a copy of the generator's state and writes nothing; the real run
    then starts from the same state, so with n ≤ ECHANTILLON the forecast is exact.
    """
    m = min(n, ECHANTILLON)
    etat, compteurs = ctx.rng.getstate(), dict(ctx.compteurs)
    ctx.equipes = Equipes(
        graine=graine,
        associations=associations,
        aujourd_hui=ctx.aujourd_hui,
        mot_de_passe_hash=pwd,
        domaine=ref.DEMO_DOMAIN,
        prevus=None,
    )
    for foyer in _foyers(ctx, m):
        foyer(Lot())
    ouvertes = ctx.equipes.ouvertes
    ctx.rng.setstate(etat)
    ctx.compteurs, ctx.rangs = compteurs, {}
    return {cle: max(1, round(ouvertes[cle] * n / max(m, 1) / CHARGE)) for cle in associations}


# Referrals waiting for the commission, per dispositif: received and not yet on an agenda,
# and on the agenda of the next session. A fixed number whatever the scale, drawn last with
# their own seed: the rest of the demo (and the capacity bench measured on it) is unchanged.
ATTENTE_PAR_DISPOSITIF = (8, 4)


def _en_attente(session: Session, ctx: Contexte, graine: int) -> dict[str, int]:
    """New referrals for households whose earlier referrals were all refused: some received
    in the last weeks and waiting for a session, some on the next session's agenda."""
    ctx.rng = random.Random(f"{graine}-attente")  # noqa: S311 (synthetic data)
    refusees = session.execute(
        select(
            Orientation.menage_id,
            Orientation.dispositif_id,
            Orientation.origine,
            Orientation.prescripteur_organisation_id,
            Orientation.acces_maintien,
            Orientation.reference,
        )
        .where(col(Orientation.statut).in_(["refusee", "refus_beneficiaire"]))
        .order_by(col(Orientation.reference))
    ).all()
    occupes = set(
        session.execute(
            select(Orientation.menage_id).where(col(Orientation.statut).notin_(["refusee", "refus_beneficiaire"]))
        ).scalars()
    )
    lot = Lot()
    for disp in ctx.dispositifs:
        candidats = [r for r in refusees if r.dispositif_id == disp["id"] and r.menage_id not in occupes]
        en_attente, inscrites = ATTENTE_PAR_DISPOSITIF
        choisis = ctx.rng.sample(candidats, min(len(candidats), en_attente + inscrites))
        prochaine = ctx.seance(disp["id"], ctx.aujourd_hui + timedelta(days=1))
        commission = disp["commission"]
        for i, r in enumerate(choisis):
            occupes.add(r.menage_id)
            oid = ctx.uid()
            recue = ctx.aujourd_hui - timedelta(days=ctx.rng.randint(1, 45))
            cle_p = ctx.cles[r.prescripteur_organisation_id]
            auteur_p = ("utilisateur", ctx.rng.choice(ctx.users[cle_p]), r.prescripteur_organisation_id)
            _evenement_orientation(ctx, lot, oid, auteur_p, recue, "brouillon", "soumise")
            seance = None
            if i >= en_attente:
                seance = prochaine
                auteur_c = ("utilisateur", ctx.rng.choice(ctx.users[commission]), ctx.orgs[commission])
                _evenement_orientation(
                    ctx, lot, oid, auteur_c, ctx.aujourd_hui, "soumise", "en_commission", seance=seance
                )
            lot.add(
                Orientation,
                id=oid,
                reference=ctx.reference("O", recue.year),
                menage_id=r.menage_id,
                dispositif_id=disp["id"],
                statut="en_commission" if seance else "soumise",
                origine=r.origine,
                prescripteur_organisation_id=r.prescripteur_organisation_id,
                prescripteur_nom=ctx.pioche("personne"),
                prescripteur_utilisateur_id=None,
                external_ref=None,
                cible_proposee_code=ctx.choix([(c, w) for c, _, _, w in disp["cibles"]]),
                acces_maintien=r.acces_maintien,
                motifs="Nouvelle orientation : la situation du ménage a changé depuis le refus.",
                date_reception=recue,
                date_decision=None,
                motif_refus=None,
                association_id=None,
                cible_code=None,
                type_accompagnement_code=None,
                mesure_id=None,
                session_commission_id=seance[1] if seance else None,
                cree_le=ctx.instant(recue, 9),
                modifie_le=ctx.instant(ctx.aujourd_hui if seance else recue, 15),
                version=1,
            )
    compte = {str(model.__tablename__): len(rows) for model, rows in lot.rows.items()}
    lot.ecrire(session)
    return compte


def charger(
    engine: Engine,
    *,
    echelle: str = "small",
    graine: int = 1,
    menages: int | None = None,
    aujourd_hui: date | None = None,
    journal: Callable[[str], None] = print,
) -> dict[str, int]:
    """Load the demo population; refuses to load twice into the same database.

    Returns the number of rows per table (and ``secondes``); ``comptes_demo`` lists the
    accounts it created, by role.
    """
    n = menages if menages is not None else ECHELLES[echelle]
    rng = random.Random(graine)  # noqa: S311 (synthetic data, not security)
    ctx = Contexte(rng=rng, fake=Faker("fr_FR"), aujourd_hui=aujourd_hui or date.today())
    ctx.fake.seed_instance(graine)
    start = time.perf_counter()
    pwd = hash_password(ref.DEMO_PASSWORD)  # once: argon2 takes a good part of a second
    with Session(engine) as session:
        if session.exec(select(Organisation).where(Organisation.nom == ref.ORGANISATIONS[0][1])).first():
            raise SystemExit("Les données de démonstration sont déjà chargées dans cette base.")
        _partenaires(session, ctx, n, pwd)
        associations = {k: ctx.orgs[k] for k, _, t in ref.ORGANISATIONS if t == "association"}
        prevus = _prevoir(ctx, n, associations, graine, pwd)
        equipes = ctx.equipes = Equipes(
            graine=graine,
            associations=associations,
            aujourd_hui=ctx.aujourd_hui,
            mot_de_passe_hash=pwd,
            domaine=ref.DEMO_DOMAIN,
            prevus=prevus,
        )
        compte: dict[str, int] = {}
        lot = Lot()
        for i, foyer in enumerate(_foyers(ctx, n), start=1):
            foyer(lot)
            if i % BATCH == 0 or i == n:
                for row in equipes.vider():  # the référents hired for this batch, before their mesures
                    lot.add(Utilisateur, **row)
                for model, rows in lot.rows.items():
                    table = str(model.__tablename__)
                    compte[table] = compte.get(table, 0) + len(rows)
                lot.ecrire(session)
                session.commit()
                lot = Lot()
                if i % (BATCH * 10) == 0:
                    journal(f"  {i} ménages… ({time.perf_counter() - start:.0f} s)")
        for row in equipes.vider():
            session.execute(insert(Utilisateur.__table__), [row])
        anciens = equipes.anciens()
        for i in range(0, len(anciens), 500):  # former référents: their accounts are closed
            session.execute(
                update(Utilisateur.__table__)
                .where(Utilisateur.__table__.c.id.in_(anciens[i : i + 500]))
                .values(actif=False)
            )
        session.execute(insert(Utilisateur.__table__), equipes.responsables())
        for table, n_lignes in _en_attente(session, ctx, graine).items():
            compte[table] = compte.get(table, 0) + n_lignes
        for cle, valeur in ctx.compteurs.items():
            existing = session.get(Compteur, cle)
            if existing:
                existing.valeur = max(existing.valeur, valeur)
                session.add(existing)
            else:
                session.add(Compteur(cle=cle, valeur=valeur))
        session.commit()
        compte["utilisateur"] = session.execute(select(func.count()).select_from(Utilisateur)).scalar_one()
        compte["session_commission"] = session.execute(select(func.count()).select_from(SessionCommission)).scalar_one()
    with engine.begin() as conn:
        aligner_sequences(conn)  # PostgreSQL: sequences already drawn from go past the rows
    compte["secondes"] = round(time.perf_counter() - start)
    return compte
