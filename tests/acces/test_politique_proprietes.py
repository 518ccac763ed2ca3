"""Property-based test of the access policy at the joins (issue 13).

Hypothesis draws households shared by random sets of partners: opened by an
association, a bailleur, a prescriber or a commission; referred to one of two
dispositifs (two commissions), left in draft, submitted, accepted for one of two
associations or refused; carried by one or two associations through mesures of
their own; with comments written by various organisations, workers' notes,
rendez-vous and comptes rendus, alerts set aside with a reason, and the live file
changed by the carrier after it was sent. Every fact carries a unique marker.

For every principal (two associations, two commissions, a bailleur's person and
its system, a prescriber, three funders, the admin) and every endpoint that returns
facts, the markers found in the answer are compared with the oracle: the facts the
policy's table (``api/acces/politique.py``) gives this principal, judged by its
relation to each fact, computed here in plain Python from the drawn scenario —
never from the SQL under test.

Co-funding (issue 16): the funder holding both dispositifs, a co-funder named by the
conventions of a drawn set of them, and a third funder named by none. None of them
reads a household fact; each reads the indicators and the conventions of exactly the
dispositifs the policy gives it (``Relation.financeur``), 404 or an empty list elsewhere.
"""

from __future__ import annotations

import html as html_lib
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as reglages
from hypothesis import strategies as st
from sqlmodel import Session

from api.acces.politique import Fait, Relation, lit
from api.alertes.models import AlerteEcartee
from api.alertes.schemas import TypeAlerte
from api.core.compteurs import prochaine_reference
from api.dispositifs.models import Cible, Convention, ConventionFinanceur, Dispositif
from api.mesures.models import Mesure, MesureEvenement, RendezVous
from api.organisations.models import TypeOrganisation
from api.orientations.models import Orientation, OrientationEvenement
from tests import factories
from tests.acces import acces_index
from tests.documents.clamd import PDF
from tests.factories import Monde, menage_payload

EXEMPLES = int(os.environ.get("ANCRAGE_EXEMPLES_POLITIQUE", "12"))

TYPES = {
    "asso": TypeOrganisation.association,
    "asso2": TypeOrganisation.association,
    "gie": TypeOrganisation.gie,
    "gie2": TypeOrganisation.gie,
    "bailleur": TypeOrganisation.bailleur,
    "prescripteur": TypeOrganisation.prescripteur,
    "financeur": TypeOrganisation.financeur,
    "cofinanceur": TypeOrganisation.financeur,
    "financeur_tiers": TypeOrganisation.financeur,
    "admin": TypeOrganisation.admin,
}
# principal -> its organisation
PRINCIPAUX = {
    "asso_agent": "asso",
    "asso2_agent": "asso2",
    "gie": "gie",
    "gie2": "gie2",
    "bailleur": "bailleur",
    "bailleur_si": "bailleur",
    "prescripteur": "prescripteur",
    "financeur": "financeur",
    "cofinanceur": "cofinanceur",
    "financeur_tiers": "financeur_tiers",
    "admin": "admin",
}
COMMISSION = {"D1": "gie", "D2": "gie2"}
CREATEURS = ["asso", "asso2", "bailleur", "prescripteur", "gie"]
ASSOCIATIONS = ["asso", "asso2"]
MARQUE = re.compile(r"[A-Z]+[0-9a-f]+_[0-9]+")


# --- The drawn world -------------------------------------------------------------------------


@dataclass
class OrientationTiree:
    dispositif: str
    statut: str
    association: str | None
    avec_mesure: bool
    commentaires: list[str]  # authors (organisation keys) of free-text comments


@dataclass
class MesureTiree:
    association: str
    dispositif: str
    rendez_vous: bool


@dataclass
class DocumentTire:
    """A document: which of the facts that take one (household, referral, mesure) and which of
    the organisations allowed to deposit on it, by index into the lists built; confidential?"""

    cible: int
    deposant: int
    confidentiel: bool


@dataclass
class MenageTire:
    createur: str
    orientations: list[OrientationTiree]
    mesures: list[MesureTiree]
    documents: list[DocumentTire] = field(default_factory=list)


@st.composite
def orientations(draw: st.DrawFn, createur: str) -> OrientationTiree:
    statut = draw(st.sampled_from(["brouillon", "en_commission", "acceptee", "refusee"]))
    dispositif = draw(st.sampled_from(["D1", "D2"]))
    association = draw(st.sampled_from(ASSOCIATIONS)) if statut == "acceptee" else None
    auteurs = [createur, COMMISSION[dispositif], *ASSOCIATIONS]
    return OrientationTiree(
        dispositif=dispositif,
        statut=statut,
        association=association,
        avec_mesure=statut == "acceptee" and draw(st.booleans()),
        commentaires=draw(st.lists(st.sampled_from(auteurs), max_size=2)),
    )


@st.composite
def menages(draw: st.DrawFn) -> MenageTire:
    createur = draw(st.sampled_from(CREATEURS))
    return MenageTire(
        createur=createur,
        orientations=draw(st.lists(orientations(createur), max_size=3)),
        mesures=draw(
            st.lists(
                st.builds(
                    MesureTiree,
                    association=st.sampled_from(ASSOCIATIONS),
                    dispositif=st.sampled_from(["D1", "D2"]),
                    rendez_vous=st.booleans(),
                ),
                max_size=2,
            )
        ),
        documents=draw(
            st.lists(
                st.builds(
                    DocumentTire,
                    cible=st.integers(0, 20),
                    deposant=st.integers(0, 20),
                    confidentiel=st.booleans(),
                ),
                max_size=2,
            )
        ),
    )


# --- What was built, with its markers --------------------------------------------------------

Relations = dict[str, set[Relation]]  # organisation key -> its relations to one fact


@dataclass
class Construit:
    """One household as built, with the oracle's view of each fact."""

    menage_id: str
    faits: list[tuple[str, Fait, Relations]] = field(default_factory=list)  # (marker, fact, relations)
    marques_menage: set[str] = field(default_factory=set)
    orientations: dict[str, tuple[str, Relations]] = field(default_factory=dict)  # id -> (dispositif, rel)
    commentaires: dict[str, set[str]] = field(default_factory=dict)  # orientation id -> its comment markers
    mesures: dict[str, tuple[str, Relations]] = field(default_factory=dict)  # id -> (dispositif, rel)
    marques_mesure: dict[str, set[str]] = field(default_factory=dict)  # mesure id -> its markers
    rendez_vous: dict[str, str] = field(default_factory=dict)  # id -> mesure id
    documents: dict[str, tuple[Fait, Relations]] = field(default_factory=dict)  # id -> (fact, rel)

    def ajouter(self, marque: str, fait: Fait, rel: Relations) -> None:
        self.faits.append((marque, fait, rel))

    def de(self, org: str, *faits: Fait) -> set[str]:
        return {m for m, f, rel in self.faits if f in faits and lit(f, rel.get(org, set()))}

    def lisibles(self, org: str) -> set[str]:
        return self.de(org, *Fait)

    def lit_orientation(self, org: str, oid: str) -> bool:
        return lit(Fait.orientation, self.orientations[oid][1].get(org, set()))

    def lit_mesure(self, org: str, mid: str) -> bool:
        return lit(Fait.mesure_statut, self.mesures[mid][1].get(org, set()))


class Monde2:
    """The fixed cast: ``monde`` plus a second commission and a prescriber (CCAS)."""

    def __init__(self, db: Session, monde: Monde, settings) -> None:
        self.orgs = {
            "asso": monde.asso,
            "asso2": monde.asso2,
            "gie": monde.gie,
            "gie2": factories.organisation(db, TypeOrganisation.gie, "CCAPEX 35"),
            "bailleur": monde.bailleur,
            "prescripteur": factories.organisation(db, TypeOrganisation.prescripteur, "CCAS de Rennes"),
            "financeur": monde.financeur,
            "cofinanceur": factories.organisation(db, TypeOrganisation.financeur, "Conseil départemental 35"),
            "financeur_tiers": factories.organisation(db, TypeOrganisation.financeur, "Action Logement"),
            "admin": monde.admin_org,
        }
        self.users = {
            "asso": monde.users["asso_agent"],
            "asso2": monde.users["asso2_agent"],
            "gie": monde.users["gie"],
            "gie2": factories.utilisateur(db, self.orgs["gie2"]),
            "bailleur": monde.users["bailleur"],
            "prescripteur": factories.utilisateur(db, self.orgs["prescripteur"]),
            "cofinanceur": factories.utilisateur(db, self.orgs["cofinanceur"]),
            "financeur_tiers": factories.utilisateur(db, self.orgs["financeur_tiers"]),
        }
        propres = ("gie2", "prescripteur", "cofinanceur", "financeur_tiers")
        self.headers = {
            p: factories.headers(db, settings, self.users[p]) if p in propres else monde.h(p) for p in PRINCIPAUX
        }
        self.headers_org = {org: self.headers[p] for p, org in PRINCIPAUX.items() if p != "bailleur_si"}
        self.seuil = settings.secret_statistique_seuil


def _dispositifs(db: Session, m2: Monde2, cofinances: set[str]) -> tuple[dict[str, Dispositif], dict[str, str]]:
    """D1 and D2, each with one convention of « asso »: the holding funder alone (100 %),
    or half and half with the co-funder for the dispositifs drawn in ``cofinances``."""
    out = {}
    conventions = {}
    for cle, commission in COMMISSION.items():
        d = Dispositif(
            code=f"{cle}-{uuid.uuid4().hex[:6]}",
            nom=f"ASLL {cle}",
            financeur_id=m2.orgs["financeur"].id,
            commission_id=m2.orgs[commission].id,
            date_debut=date(2020, 1, 1),
        )
        db.add(d)
        db.flush()
        db.add(Cible(dispositif_id=d.id, code="sante_mentale", libelle="Santé mentale", sensible=True))
        # each association reports on one dispositif (a report needs a convention it signed)
        c = Convention(
            dispositif_id=d.id,
            association_id=m2.orgs[SIGNATAIRE[cle]].id,
            date_debut=date(2020, 1, 1),
            date_fin=date(2030, 12, 31),
            objectif_menages=40,
        )
        db.add(c)
        db.flush()
        parts = {"financeur": 5_000, "cofinanceur": 5_000} if cle in cofinances else {"financeur": 10_000}
        for org, p in parts.items():
            db.add(ConventionFinanceur(convention_id=c.id, financeur_id=m2.orgs[org].id, part_centiemes=p))
        db.flush()
        out[cle] = d
        conventions[cle] = str(c.id)
    return out, conventions


SIGNATAIRE = {"D1": "asso", "D2": "asso2"}


def _relations_convention(cle: str, cofinances: set[str]) -> Relations:
    """The oracle's relations to the convention of dispositif ``cle``: its signatory
    (« asso » for D1, « asso2 » for D2), its commission, its funders, the admin."""
    financeurs = {"financeur"} | ({"cofinanceur"} if cle in cofinances else set())
    out: Relations = {}
    for org, type_ in TYPES.items():
        rel: set[Relation] = set()
        if org == SIGNATAIRE[cle]:
            rel.add(Relation.signataire)
        if org == COMMISSION[cle]:
            rel.add(Relation.commission)
        if org in financeurs:
            rel.add(Relation.financeur)
        if type_ == TypeOrganisation.admin:
            rel.add(Relation.administration)
        out[org] = rel
    return out


def _relations_orientation(ot: OrientationTiree, createur: str) -> Relations:
    out: Relations = {}
    for org, type_ in TYPES.items():
        rel: set[Relation] = set()
        if org == createur:
            rel.add(Relation.prescripteur)
        if org == COMMISSION[ot.dispositif] and ot.statut != "brouillon":
            rel.add(Relation.commission)
        if org == ot.association and ot.statut == "acceptee":
            rel.add(Relation.destinataire)
        if type_ == TypeOrganisation.admin:
            rel.add(Relation.administration)
        out[org] = rel
    return out


def _construire(client, db: Session, m2: Monde2, tire: MenageTire, disp: dict[str, Dispositif], pre: str) -> Construit:
    compteur = iter(range(1000))

    def marque(genre: str) -> str:
        return f"{genre}{pre}_{next(compteur)}"

    envoye = marque("ENVOYE")
    payload = menage_payload(adresse=envoye)
    payload["personnes"][0]["nom"] = marque("NOM")
    createur = tire.createur
    r = client.post("/api/v1/menages", json=payload, headers=m2.headers_org[createur])
    assert r.status_code == 201, r.text
    c = Construit(menage_id=r.json()["id"])
    men_id = uuid.UUID(c.menage_id)

    acceptees: list[tuple[Orientation, OrientationTiree]] = []
    for ot in tire.orientations:
        motif = marque("MOTIF")
        r = client.post(
            "/api/v1/orientations",
            json={
                "dispositif_id": str(disp[ot.dispositif].id),
                "menage_id": c.menage_id,
                "origine": "bailleur",
                "acces_maintien": "maintien",
                "motifs": motif,
                # a submitted referral is never a draft again: a draft is drawn as never sent
                "soumettre": ot.statut != "brouillon",
            },
            headers=m2.headers_org[createur],
        )
        assert r.status_code == 201, r.text
        o = db.get(Orientation, uuid.UUID(r.json()["id"]))
        assert o is not None
        o.statut = ot.statut
        if ot.association:
            o.association_id = m2.orgs[ot.association].id
            o.cible_code = "sante_mentale"
            acceptees.append((o, ot))
        db.add(o)
        o_rel = _relations_orientation(ot, createur)
        c.orientations[str(o.id)] = (ot.dispositif, o_rel)
        c.ajouter(str(o.id), Fait.orientation, o_rel)
        c.ajouter(motif, Fait.orientation, o_rel)
        c.commentaires[str(o.id)] = set()
        for auteur in ot.commentaires:
            comm = marque("COMM")
            db.add(
                OrientationEvenement(
                    orientation_id=o.id,
                    auteur_type="utilisateur",
                    auteur_id=m2.users[auteur].id,
                    organisation_id=m2.orgs[auteur].id,
                    de_statut="en_commission",
                    vers_statut=ot.statut,
                    commentaire=comm,
                )
            )
            # a comment is its author's and the commission's, read with its referral only
            comm_rel: Relations = {
                org: (({Relation.auteur} if org == auteur else set())
                      | ({Relation.commission} if org == COMMISSION[ot.dispositif] else set()))
                if lit(Fait.orientation, o_rel[org]) else set()
                for org in TYPES
            }
            c.ajouter(comm, Fait.commentaire, comm_rel)
            c.commentaires[str(o.id)].add(comm)
        db.flush()

    porteurs: set[str] = {ot.association for _, ot in acceptees if ot.association}
    tirees: list[tuple[MesureTiree, Orientation | None]] = [
        (MesureTiree(ot.association or "asso", ot.dispositif, rendez_vous=True), o)
        for o, ot in acceptees
        if ot.avec_mesure
    ] + [(mt, None) for mt in tire.mesures]
    for mt, o in tirees:
        type_marque, suivi, mcomm = marque("TYPE"), marque("SUIVI"), marque("MCOMM")
        me = Mesure(
            reference=prochaine_reference(db, "S"),
            menage_id=men_id,
            dispositif_id=disp[mt.dispositif].id,
            association_id=m2.orgs[mt.association].id,
            statut="active",
            cible_code="sante_mentale",
            type_accompagnement_code=type_marque,
            acces_maintien="maintien",
            date_mandatement=date(2024, 1, 1),
            suivi_commentaire=suivi,
            orientation_id=o.id if o else None,
        )
        db.add(me)
        db.flush()
        if o is not None:
            o.mesure_id = me.id
            db.add(o)
        db.add(
            MesureEvenement(
                mesure_id=me.id,
                auteur_type="utilisateur",
                auteur_id=m2.users[mt.association].id,
                organisation_id=me.association_id,
                type="demarrage",
                de_statut="mandatee",
                vers_statut="active",
                commentaire=mcomm,
            )
        )
        porteurs.add(mt.association)
        # an alert set aside by the carrier's worker, with the reason (``Fait.alerte_ecartee``)
        ecart = marque("ECART")
        db.add(
            AlerteEcartee(
                type=TypeAlerte.fin_prevue_proche.value,
                mesure_id=me.id,
                date_reference=date(2024, 6, 30),
                motif=ecart,
                par_id=m2.users[mt.association].id,
            )
        )
        m_rel: Relations = {
            org: ({Relation.porteur} if org == mt.association else set())
            | ({Relation.commission} if org == COMMISSION[mt.dispositif] else set())
            | ({Relation.prescripteur} if o is not None and org == createur else set())
            for org in TYPES
        }
        mid = str(me.id)
        c.mesures[mid] = (mt.dispositif, m_rel)
        c.marques_mesure[mid] = {type_marque, suivi, mcomm, ecart}
        c.ajouter(mid, Fait.mesure_statut, m_rel)
        c.ajouter(ecart, Fait.alerte_ecartee, m_rel)
        c.ajouter(type_marque, Fait.mesure_complete, m_rel)
        c.ajouter(suivi, Fait.note_mesure, m_rel)
        c.ajouter(mcomm, Fait.note_mesure, m_rel)
        if o is not None:  # the referral names its mesure: its readers see that reference
            c.ajouter(mid, Fait.orientation, c.orientations[str(o.id)][1])
        if mt.rendez_vous:
            lieu, cr = marque("LIEU"), marque("CR")
            rv = RendezVous(
                mesure_id=me.id,
                debut=datetime(2024, 2, 1, 10, tzinfo=UTC),
                type="visite_domicile",
                statut="realise",
                lieu=lieu,
                compte_rendu=cr,
            )
            db.add(rv)
            db.flush()
            c.rendez_vous[str(rv.id)] = mid
            c.marques_mesure[mid] |= {lieu, cr}
            c.ajouter(lieu, Fait.rendez_vous, m_rel)
            c.ajouter(cr, Fait.compte_rendu, m_rel)
    db.flush()

    men_rel: Relations = {}
    for org in TYPES:
        rel: set[Relation] = set()
        if org in porteurs:
            rel.add(Relation.porteur)
        if org == createur:
            rel.add(Relation.auteur)
            if not porteurs:
                rel.add(Relation.auteur_non_porte)
            if tire.orientations:
                rel.add(Relation.prescripteur)
        if any(org == COMMISSION[ot.dispositif] and ot.statut != "brouillon" for ot in tire.orientations):
            rel.add(Relation.commission)
        men_rel[org] = rel
    if porteurs:
        # The carrying association changes the live file after it was sent.
        vivant = marque("VIVANT")
        h = m2.headers_org[sorted(porteurs)[0]]
        r = client.get(f"/api/v1/menages/{c.menage_id}", headers=h)
        assert r.status_code == 200, r.text
        r = client.patch(
            f"/api/v1/menages/{c.menage_id}", json={"adresse": vivant}, headers={**h, "If-Match": r.headers["ETag"]}
        )
        assert r.status_code == 200, r.text
        c.ajouter(vivant, Fait.menage_vivant, men_rel)
        # what was sent, for those who do not read the live file
        c.ajouter(envoye, Fait.menage_transmis, {
            org: set() if lit(Fait.menage_vivant, rel) else rel for org, rel in men_rel.items()
        })
        c.marques_menage = {vivant, envoye}
    else:  # nobody carries it: the live file is still what was sent
        c.ajouter(envoye, Fait.menage_vivant, men_rel)
        c.ajouter(envoye, Fait.menage_transmis, men_rel)
        c.marques_menage = {envoye}
    _documents(client, m2, c, tire, men_rel, marque)
    return c


def _documents(client, m2: Monde2, c: Construit, tire: MenageTire, men_rel: Relations, marque) -> None:
    """Documents deposited through the API by organisations the policy lets deposit: who reads
    the live file (household), the referral (not the admin) or the full mesure."""
    cibles: list[tuple[str, str | None, list[str]]] = [
        ("menage_id", c.menage_id, [o for o in TYPES if lit(Fait.menage_vivant, men_rel[o])])
    ]
    for oid, (_, o_rel) in c.orientations.items():
        cibles.append(("orientation_id", oid, [o for o in TYPES if o != "admin" and lit(Fait.orientation, o_rel[o])]))
    for mid, (_, m_rel) in c.mesures.items():
        cibles.append(("mesure_id", mid, [o for o in TYPES if lit(Fait.mesure_complete, m_rel[o])]))
    cibles = [x for x in cibles if x[2]]
    for dt in tire.documents:
        if not cibles:
            return
        champ, cible_id, deposants = cibles[dt.cible % len(cibles)]
        deposant = deposants[dt.deposant % len(deposants)]
        titre = marque("DOC")
        r = client.post(
            "/api/v1/documents",
            data={"type": "evaluation", "titre": titre, "date_document": "2024-03-01",
                  "confidentiel": str(dt.confidentiel).lower(), champ: cible_id},
            files={"fichier": ("piece.pdf", PDF, "application/pdf")},
            headers=m2.headers_org[deposant],
        )
        assert r.status_code == 201, (deposant, champ, r.text)
        commission = None
        if champ == "orientation_id":
            dispositif = c.orientations[cible_id][0]  # type: ignore[index]
            ot_soumise = Relation.commission in c.orientations[cible_id][1][COMMISSION[dispositif]]  # type: ignore[index]
            commission = COMMISSION[dispositif] if ot_soumise else None
        rel: Relations = {
            org: ({Relation.auteur} if org == deposant else set())
            | ({Relation.commission} if org == commission else set())
            for org in TYPES
        }
        fait = Fait.document_confidentiel if dt.confidentiel else Fait.document
        c.documents[r.json()["id"]] = (fait, rel)
        c.ajouter(r.json()["id"], fait, rel)
        c.ajouter(titre, fait, rel)


# --- The property ------------------------------------------------------------------------------


@dataclass
class Compteur:
    exemples: int = 0
    menages: int = 0
    requetes: int = 0
    vues: set[str] = field(default_factory=set)
    cellules_secretes: int = 0  # small counts of a deposited report, checked masked for the funder


COMPTE = Compteur()


def _marques(texte: str, connues: set[str]) -> set[str]:
    """The markers of facts found in an answer: our own markers, and the ids of records."""
    return {m for m in MARQUE.findall(texte) if m in connues} | {i for i in connues if "-" in i and i in texte}


class Lecteur:
    def __init__(self, client, m2: Monde2, principal: str, toutes: set[str], lisibles: set[str]) -> None:
        self.client, self.h, self.principal = client, m2.headers[principal], principal
        self.toutes, self.lisibles = toutes, lisibles

    def get(self, url: str, vue: str) -> tuple[int, set[str], object]:
        r = self.client.get(url, headers=self.h)
        COMPTE.requetes += 1
        COMPTE.vues.add(vue)
        assert r.status_code in (200, 403, 404), (self.principal, url, r.status_code, r.text)
        if r.status_code != 200:
            return r.status_code, set(), None
        trouvees = _marques(r.text, self.toutes)
        fuite = trouvees - self.lisibles
        assert not fuite, f"{vue} ({url}) : {self.principal} lit {sorted(fuite)}, que la politique ne lui donne pas"
        return r.status_code, trouvees, r.json()


def _verifier(client, m2: Monde2, c: Construit, toutes: set[str]) -> None:
    """Every principal, every view that returns facts of this household."""
    for principal, org in PRINCIPAUX.items():
        lisibles = c.lisibles(org)
        lecteur = Lecteur(client, m2, principal, toutes, lisibles)
        ctx = f"{principal} sur {c.menage_id}"
        menage = c.de(org, Fait.menage_vivant) or c.de(org, Fait.menage_transmis)
        # the export first: it gathers every fact, exactly those it reads one by one
        statut, vu, _ = lecteur.get(f"/api/v1/menages/{c.menage_id}/export", "export")
        if statut == 200:
            attendu = menage | (lisibles - c.marques_menage)
            assert vu == attendu, (ctx, sorted(vu ^ attendu))
        statut, vu, _ = lecteur.get(f"/api/v1/menages/{c.menage_id}", "ménage")
        assert (statut == 200) == bool(menage), ctx
        # The search finds the household by an address exactly as this principal reads it:
        # the carrier's new address only for who reads the live file, the address as sent
        # only for who reads it as sent (and not for the carrier, whose file moved on).
        for cherchee in sorted(c.marques_menage):
            code, _, resultats = lecteur.get(f"/api/v1/menages?q={cherchee}&limit=100", "recherche de ménages")
            trouve = code == 200 and c.menage_id in {i["id"] for i in resultats["items"]}  # type: ignore[index]
            assert trouve == (cherchee in menage), (ctx, cherchee, menage)
        if statut == 200:
            assert vu == menage, (ctx, vu, menage)
            statut, vu, _ = lecteur.get(f"/api/v1/menages/{c.menage_id}/chronologie", "chronologie")
            ids = {i for i in c.orientations if c.lit_orientation(org, i)} | {i for i in c.mesures if c.lit_mesure(org, i)}
            assert statut == 200 and ids <= vu, (ctx, ids - vu)
            assert vu & set().union(*c.commentaires.values(), set()) == c.de(org, Fait.commentaire), ctx
            # the alerts set aside, with their reason: in the timeline of who reads them, only
            assert {m for m in vu if m.startswith("ECART")} == c.de(org, Fait.alerte_ecartee), ctx
            statut, _, corps = lecteur.get(f"/api/v1/menages/{c.menage_id}/acces", "qui a consulté")
            assert statut == 200, ctx
            assert {e["organisation_id"] for e in corps["items"]} <= {str(m2.orgs[org].id)}, ctx  # type: ignore[index]
        else:
            for suffixe in ("chronologie", "acces"):
                assert lecteur.get(f"/api/v1/menages/{c.menage_id}/{suffixe}", suffixe)[0] == 404, ctx
        for oid in c.orientations:
            statut, vu, _ = lecteur.get(f"/api/v1/orientations/{oid}", "orientation")
            assert (statut == 200) == c.lit_orientation(org, oid), (ctx, oid)
            statut, vu, _ = lecteur.get(f"/api/v1/orientations/{oid}/evenements", "événements d'orientation")
            assert vu & c.commentaires[oid] == c.de(org, Fait.commentaire) & c.commentaires[oid], (ctx, oid)
        for mid in c.mesures:
            statut, vu, _ = lecteur.get(f"/api/v1/mesures/{mid}", "mesure")
            assert (statut == 200) == c.lit_mesure(org, mid), (ctx, mid)
            propres = c.marques_mesure[mid] & lisibles
            if statut == 200:  # the detail: the cible and type in full, the suivi's note for the carrier
                attendu = {m for m in propres if m.startswith(("TYPE", "SUIVI"))}
                assert {m for m in vu if m.startswith(("TYPE", "SUIVI"))} == attendu, (ctx, mid)
            statut, vu, _ = lecteur.get(f"/api/v1/mesures/{mid}/evenements", "événements de mesure")
            assert {m for m in vu if m.startswith("MCOMM")} == {m for m in propres if m.startswith("MCOMM")}, ctx
            statut, vu, _ = lecteur.get(f"/api/v1/rendez-vous?mesure_id={mid}&limit=100", "agenda")
            assert {m for m in vu if m.startswith(("LIEU", "CR"))} == {
                m for m in propres if m.startswith(("LIEU", "CR"))
            }, (ctx, mid)
        statut, _, corps = lecteur.get(f"/api/v1/documents?menage_id={c.menage_id}&limit=100", "documents")
        lus = {d for d, (fait, rel) in c.documents.items() if lit(fait, rel.get(org, set()))}
        assert {d["id"] for d in corps["items"]} == lus, ctx  # type: ignore[index]
        for did, (fait, rel) in c.documents.items():
            statut, _, _ = lecteur.get(f"/api/v1/documents/{did}", "document")
            assert (statut == 200) == lit(fait, rel.get(org, set())), (ctx, did)
            r = client.get(f"/api/v1/documents/{did}/contenu", headers=lecteur.h)
            assert (r.status_code == 200) == (did in lus) and r.status_code in (200, 404), (ctx, did, r.status_code)
        for rid, mid in c.rendez_vous.items():
            statut, _, _ = lecteur.get(f"/api/v1/rendez-vous/{rid}", "rendez-vous")
            assert (statut == 200) == bool(c.marques_mesure[mid] & c.de(org, Fait.rendez_vous)), (ctx, rid)


def _financements(
    client, m2: Monde2, disp: dict[str, Dispositif], conventions: dict[str, str], cofinances: set[str], toutes: set[str]
) -> None:
    """Conventions for every principal, indicators for the funders: exactly the
    dispositifs the policy gives each one (``Fait.convention``, ``Fait.indicateur``)."""
    for principal, org in PRINCIPAUX.items():
        lecteur = Lecteur(client, m2, principal, toutes, set())
        statut, _, corps = lecteur.get("/api/v1/conventions?limit=100", "conventions")
        rendues = {i["id"] for i in corps["items"]} & set(conventions.values()) if statut == 200 else set()  # type: ignore[index]
        attendues = {
            conventions[cle] for cle in disp if lit(Fait.convention, _relations_convention(cle, cofinances)[org])
        }
        assert rendues == attendues, (principal, cofinances, rendues ^ attendues)
        for cle, cid in conventions.items():
            statut, _, _ = lecteur.get(f"/api/v1/conventions/{cid}", "convention")
            assert (statut == 200) == (cid in attendues), (principal, cle, statut)
        if TYPES[org] != TypeOrganisation.financeur:
            continue
        lus = {cle for cle in disp if lit(Fait.indicateur, _relations_convention(cle, cofinances)[org])}
        for cle, d in disp.items():
            # The status only: the document names the dispositif's configured labels (its types
            # of support), which this test marks as facts of the mesures that use them.
            r = client.get(f"/api/v1/indicateurs?dispositif={d.id}", headers=lecteur.h)
            COMPTE.vues.add("indicateurs")
            assert r.status_code == (200 if cle in lus else 404), (principal, cle, cofinances, r.status_code)


def _listes(client, m2: Monde2, construits: list[Construit], disp: dict[str, Dispositif], toutes: set[str]) -> None:
    """The lists of the example's dispositifs show each principal exactly what it reads."""
    for principal, org in PRINCIPAUX.items():
        lisibles = set().union(*(c.lisibles(org) for c in construits))
        lecteur = Lecteur(client, m2, principal, toutes, lisibles)
        for cle, d in disp.items():
            orientations = {
                i for c in construits for i, (k, _) in c.orientations.items() if k == cle and c.lit_orientation(org, i)
            }
            mesures = {i for c in construits for i, (k, _) in c.mesures.items() if k == cle and c.lit_mesure(org, i)}
            for url, attendus in (
                (f"/api/v1/orientations?dispositif_id={d.id}&limit=100", orientations),
                (f"/api/v1/mesures?dispositif_id={d.id}&limit=100", mesures),
            ):
                statut, _, corps = lecteur.get(url, "listes")
                rendus = {i["id"] for i in corps["items"]} if statut == 200 else set()  # type: ignore[index]
                assert rendus == attendus, (principal, url, rendus ^ attendus)
        statut, _, corps = lecteur.get("/api/v1/menages?limit=100", "liste des ménages")
        rendus = {i["id"] for i in corps["items"]} if statut == 200 else set()  # type: ignore[index]
        for c in construits:
            visible = bool(c.de(org, Fait.menage_vivant, Fait.menage_transmis))
            assert (c.menage_id in rendus) == visible, (principal, c.menage_id)


def _tables_html(texte: str) -> dict[str, list[str]]:
    """The figures of a rendered report, by block title: every numeric cell, in order."""
    out = {}
    for titre, corps in re.findall(r"<h4>(.*?)</h4>(.*?)(?=<h4>|</section>)", texte, flags=re.S):
        out[html_lib.unescape(titre)] = re.findall(r'<td class="n">(.*?)</td>', corps)
    return out


def _rapports(
    client, m2: Monde2, disp: dict[str, Dispositif], cofinances: set[str], toutes: set[str], seuil: int
) -> None:
    """Reports on the example's households: asso's annual report on D1, deposited; asso2's on
    D2, left a draft. Who reads which is the policy's table judged on plain relations (the
    author; the commission and the funders of the dispositif, co-funders included, once
    deposited); what a funder
    reads holds no marker of any fact (no name, no reference, no text of a file) and no count
    below the threshold of statistical secrecy, cell by cell against the author's copy."""
    ecrits = {}
    for org, cle, deposer in (("asso", "D1", True), ("asso2", "D2", False)):
        h = m2.headers_org[org]
        modele = next(m for m in client.get("/api/v1/rapports/modeles", headers=h).json()
                      if m["code"] == "rapport_activite_annuel")
        r = client.post("/api/v1/rapports", headers=h,
                        json={"modele_id": modele["id"], "dispositif_id": str(disp[cle].id), "annee": 2024})
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
        if deposer:
            etag = client.get(f"/api/v1/rapports/{rid}", headers=h).headers["ETag"]
            r = client.post(f"/api/v1/rapports/{rid}/deposer", headers=h | {"If-Match": etag})
            assert r.status_code == 200, r.text
        relations = {o: set() for o in TYPES}
        relations[org].add(Relation.auteur)
        if deposer:
            relations[COMMISSION[cle]].add(Relation.commission)
            relations["financeur"].add(Relation.financeur)
            if cle in cofinances:
                relations["cofinanceur"].add(Relation.financeur)
        ecrits[rid] = relations
    for principal, org in PRINCIPAUX.items():
        h = m2.headers[principal]
        r = client.get("/api/v1/rapports?limit=100", headers=h)
        listes = {i["id"] for i in r.json()["items"]} if r.status_code == 200 else set()
        for rid, relations in ecrits.items():
            lu = lit(Fait.rapport, relations[org])
            statut = client.get(f"/api/v1/rapports/{rid}", headers=h).status_code
            assert statut == (200 if lu else 404) or (not lu and statut == 403), (principal, rid, statut)
            assert (rid in listes) == lu, (principal, rid)
            if not lu:
                continue
            r = client.get(f"/api/v1/rapports/{rid}/document", params={"format": "html"}, headers=h)
            assert r.status_code == 200, (principal, r.text)
            assert _marques(r.text, toutes) == set(), (principal, _marques(r.text, toutes))
            if principal not in ("financeur", "cofinanceur"):
                continue
            # cell by cell against the author's copy: a count of 1 to seuil - 1 is never shown
            auteur = client.get(f"/api/v1/rapports/{rid}/document", params={"format": "html"},
                                headers=m2.headers_org["asso"]).text
            unites = {t["titre"]: t["unite"] for t in client.get(
                "/api/v1/indicateurs", headers=m2.headers_org["asso"],
                params={"du": "2024-01-01", "au": "2024-12-31", "dispositif": str(disp["D1"].id)}).json()["tableaux"]}
            lus, complets = _tables_html(r.text), _tables_html(auteur)
            assert lus.keys() == complets.keys()
            for titre, cellules in complets.items():
                if unites.get(titre) not in ("mesures", "menages", "personnes", "orientations", "decisions"):
                    continue
                assert len(lus[titre]) == len(cellules), titre
                for a, f in zip(cellules, lus[titre], strict=True):
                    if a.replace("\u202f", "").isdigit() and 0 < int(a.replace("\u202f", "")) < seuil:
                        assert f == "secret", (titre, a, f)
                        COMPTE.cellules_secretes += 1
            ecarts = client.get(f"/api/v1/rapports/{rid}/ecarts", headers=h)
            assert ecarts.status_code == 200 and all(e["dossiers"] is None for e in ecarts.json()["ecarts"])
            assert _marques(ecarts.text, toutes) == set()
    COMPTE.vues.add("rapports")


@pytest.fixture
def settings(settings):
    # The bailleur's system reads every view of every example: its per-minute limit is not under test.
    return settings.model_copy(update={"client_requetes_par_minute": 100_000})


@pytest.fixture(scope="module", autouse=True)
def _compte_rendu():
    """Says what the property test covered (run with -s -p no:xdist to read it)."""
    yield
    if COMPTE.exemples:
        print(
            f"\npolitique : {COMPTE.exemples} exemples, {COMPTE.menages} ménages, {len(PRINCIPAUX)} principaux, "
            f"{len(COMPTE.vues)} vues ({', '.join(sorted(COMPTE.vues))}), {COMPTE.requetes} requêtes, "
            f"{COMPTE.cellules_secretes} petites cellules de rapport vérifiées masquées pour le financeur"
        )


@pytest.fixture
def m2(db: Session, monde: Monde, settings) -> Monde2:
    return Monde2(db, monde, settings)


@reglages(
    max_examples=EXEMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(tires=st.lists(menages(), min_size=1, max_size=3), cofinances=st.sets(st.sampled_from(sorted(COMMISSION))))
def test_chaque_vue_montre_exactement_ce_que_la_politique_donne(
    client, db: Session, m2: Monde2, tires, cofinances
) -> None:
    disp, conventions = _dispositifs(db, m2, cofinances)
    pre = uuid.uuid4().hex[:6]
    construits = [_construire(client, db, m2, t, disp, f"{pre}{i}") for i, t in enumerate(tires)]
    toutes = {m for c in construits for m, _, _ in c.faits}
    # the relations kept at each write are those the facts give, rebuilt from scratch
    ids = [uuid.UUID(c.menage_id) for c in construits]
    assert acces_index.tenues(db, ids) == acces_index.attendues(db, ids)
    for c in construits:
        _verifier(client, m2, c, toutes)
    _listes(client, m2, construits, disp, toutes)
    _financements(client, m2, disp, conventions, cofinances, toutes)
    _rapports(client, m2, disp, cofinances, toutes, m2.seuil)
    COMPTE.exemples += 1
    COMPTE.menages += len(construits)
