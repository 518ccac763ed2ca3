"""The one factories module of the suite.

Three levels, from the outside in:

* **the world and its accounts** (``monde``, ``organisation``, ``utilisateur``, ``client_api``,
  ``headers``): organisations of every kind, tokens minted directly;
* **what a client sends** (``menage_payload``, ``dispositif_payload``, ``orientation_payload``)
  and helpers that go through the API (``creer_dispositif``, ``creer_convention``, ``orienter``,
  ``transition``);
* **rows written as the use cases leave them** (``dispositif``, ``convention``, ``menage``,
  ``orientation``, ``mesure``, ``rendez_vous``, ``domaines``): one factory per record, with
  plain defaults a test can compute by hand, and keywords for what a test asserts. Mesures go
  through ``mandater`` so that the entry snapshot and the grants are those of the product.

A test states the values it asserts (a name, a birth date, a private note) instead of relying
on a default: the defaults may change, the test's claim must not.
"""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from faker import Faker
from sqlmodel import Session, select

from api.auth.models import SessionAuth
from api.auth.principal import Principal
from api.core.compteurs import prochaine_reference
from api.core.config import Settings
from api.core.models import utcnow
from api.core.security import create_token, hash_password
from api.core.texte import normaliser
from api.dispositifs.models import Cible, Convention, Dispositif, TypeAccompagnement
from api.menages.models import Dette, Menage, Personne, Ressource
from api.mesures.mandatement import mandater
from api.mesures.models import AccesMaintien, Mesure, MesureDomaine, MesureEvenement, RendezVous
from api.organisations.models import ClientApi, Organisation, TypeOrganisation, Utilisateur
from api.orientations.models import Orientation, OrientationEvenement, StatutOrientation

# ---------------------------------------------------------------------------------------------
# The world and its accounts
# ---------------------------------------------------------------------------------------------

fake = Faker("fr_FR")
Faker.seed(1234)
MOT_DE_PASSE = "mot-de-passe-solide-42"
# Hashing with argon2 is slow on purpose: every test account shares one hash.
_HASH = hash_password(MOT_DE_PASSE)


def organisation(db: Session, type: TypeOrganisation, nom: str | None = None) -> Organisation:
    org = Organisation(nom=nom or f"{type.value} {fake.company()}", type=type.value)
    db.add(org)
    db.flush()
    return org


def utilisateur(db: Session, org: Organisation, role: str = "agent", email: str | None = None) -> Utilisateur:
    user = Utilisateur(
        email=email or f"{uuid.uuid4().hex[:10]}@{org.type}.test",
        nom=fake.last_name(),
        prenom=fake.first_name(),
        organisation_id=org.id,
        role=role,
        mot_de_passe_hash=_HASH,
    )
    db.add(user)
    db.flush()
    return user


def client_api(db: Session, org: Organisation) -> ClientApi:
    client = ClientApi(
        client_id="cli_" + uuid.uuid4().hex[:16], nom="SI " + org.nom, organisation_id=org.id, secret_hash=_HASH
    )
    db.add(client)
    db.flush()
    return client


def token(db: Session, settings: Settings, who: Utilisateur | ClientApi) -> str:
    """A valid access token, minted without going through the sign-in endpoint."""
    is_client = isinstance(who, ClientApi)
    auth = SessionAuth(
        utilisateur_id=None if is_client else who.id,
        client_api_id=who.id if is_client else None,
        expire_le=utcnow() + timedelta(days=1),
    )
    db.add(auth)
    db.flush()
    sub = f"{'client' if is_client else 'utilisateur'}:{who.id}"
    jwt, _ = create_token(settings, sub=sub, typ="access", sid=auth.id, lifetime=timedelta(minutes=15))
    return jwt


def headers(db: Session, settings: Settings, who: Utilisateur | ClientApi) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(db, settings, who)}"}


def menage_payload(**overrides: Any) -> dict[str, Any]:
    """A household as a client would send it."""
    payload: dict[str, Any] = {
        "personnes": [
            {
                "nom": fake.last_name(),
                "prenom": fake.first_name_female(),
                "date_naissance": "1980-05-17",
                "sexe": "femme",
                "lien": "demandeur",
            },
            {
                "nom": fake.last_name(),
                "prenom": fake.first_name(),
                "date_naissance": "2012-09-01",
                "sexe": "homme",
                "lien": "enfant",
            },
        ],
        "statut_occupation": "locataire_parc_public",
        "commune_insee": "35238",
        "adresse": fake.street_address(),
        "ressources": [{"type": "rsa", "montant_mensuel": 607}],
        "dettes": [{"type": "loyer", "montant": 2300}],
        "nb_procedures_expulsion": 1,
        "stade_procedure": "assignation",
    }
    payload.update(overrides)
    return payload


@dataclass
class Monde:
    settings: Settings
    db: Session
    asso: Organisation
    asso2: Organisation
    gie: Organisation
    bailleur: Organisation
    financeur: Organisation
    admin_org: Organisation
    users: dict[str, Utilisateur] = field(default_factory=dict)
    clients: dict[str, ClientApi] = field(default_factory=dict)

    def h(self, who: str) -> dict[str, str]:
        """Authorization headers for a named principal of the world."""
        target = self.clients.get(who) or self.users[who]
        return headers(self.db, self.settings, target)


def monde(db: Session, settings: Settings) -> Monde:
    m = Monde(
        settings=settings,
        db=db,
        asso=organisation(db, TypeOrganisation.association, "Association Espoir 35"),
        asso2=organisation(db, TypeOrganisation.association, "Association ALFADI"),
        gie=organisation(db, TypeOrganisation.gie, "GIE Bailleurs 35"),
        bailleur=organisation(db, TypeOrganisation.bailleur, "Néotoa"),
        financeur=organisation(db, TypeOrganisation.financeur, "DDETS 35"),
        admin_org=organisation(db, TypeOrganisation.admin, "Administration"),
    )
    m.users = {
        "asso_agent": utilisateur(db, m.asso, "agent"),
        "asso_resp": utilisateur(db, m.asso, "responsable"),
        "asso2_agent": utilisateur(db, m.asso2, "agent"),
        "gie": utilisateur(db, m.gie, "agent"),
        "bailleur": utilisateur(db, m.bailleur, "agent"),
        "financeur": utilisateur(db, m.financeur, "agent"),
        "admin": utilisateur(db, m.admin_org, "responsable"),
    }
    m.clients = {"bailleur_si": client_api(db, m.bailleur)}
    return m


def date_iso(d: date) -> str:
    return d.isoformat()


def utc(y: int, mo: int, d: int, h: int = 12) -> datetime:
    return datetime(y, mo, d, h, tzinfo=UTC)


def principal_de(user: Utilisateur, org: Organisation) -> Principal:
    """The principal of a named account, as the sign-in would build it."""
    return Principal("utilisateur", user.id, org.id, TypeOrganisation(org.type), user.role, uuid.uuid4())


def principal(org: Organisation) -> Principal:
    """An agent of ``org`` with no account row: enough for the read-side use cases."""
    return Principal("utilisateur", uuid.uuid4(), org.id, TypeOrganisation(org.type), "agent", uuid.uuid4())


# ---------------------------------------------------------------------------------------------
# What a client sends, and helpers that go through the API
# ---------------------------------------------------------------------------------------------

EXEMPLE = (
    Path(__file__).resolve().parents[1] / "api" / "dispositifs" / "exemples" / "dispositif_300_logements_accompagnes.json"
)


def dispositif_payload(monde: Monde, **overrides: Any) -> dict[str, Any]:
    """Seed 001's dispositif from the shipped JSON example, with this world's organisations."""
    texte = EXEMPLE.read_text()
    texte = texte.replace("{{financeur_id}}", str(monde.financeur.id)).replace(
        "{{commission_id}}", str(monde.gie.id)
    )
    data = json.loads(texte)
    data["code"] = f"{data['code']}_{uuid.uuid4().hex[:6]}"
    data.update(overrides)
    return data


def creer_dispositif(client, monde: Monde, **overrides: Any) -> dict[str, Any]:
    r = client.post(
        "/api/v1/dispositifs", json=dispositif_payload(monde, **overrides), headers=monde.h("admin")
    )
    assert r.status_code == 201, r.text
    return r.json()


def creer_convention(
    client, monde: Monde, dispositif_id: str, association=None, **overrides: Any
) -> dict[str, Any]:
    payload = {
        "dispositif_id": dispositif_id,
        "association_id": str((association or monde.asso).id),
        "date_debut": "2020-01-01",
        "date_fin": "2035-12-31",
        "objectif_menages": 40,
        "mois_mesures_finances": 480,
        "budget_euros": 230000,
        "communes": ["35238", "35288"],
    }
    payload.update(overrides)
    r = client.post("/api/v1/conventions", json=payload, headers=monde.h("admin"))
    assert r.status_code == 201, r.text
    return r.json()


_NAISSANCE_0 = date(1950, 1, 1)
_NAISSANCES = itertools.count()


def orientation_payload(dispositif_id: str, **overrides: Any) -> dict[str, Any]:
    menage = menage_payload()
    # A distinct birth date in this process: two households must not trip the duplicate
    # rule (random dates collided now and then among a few hundred referrals).
    menage["personnes"][0]["date_naissance"] = (_NAISSANCE_0 + timedelta(days=next(_NAISSANCES) % 18_000)).isoformat()
    payload: dict[str, Any] = {
        "dispositif_id": dispositif_id,
        "menage": menage,
        "origine": "bailleur",
        "prescripteur_nom": "Chargée de contentieux",
        "acces_maintien": "maintien",
        "motifs": "Impayés de loyer, isolement.",
        "soumettre": True,
    }
    payload.update(overrides)
    return payload


def orienter(
    client, monde: Monde, dispositif_id: str, who: str = "bailleur", headers=None, **overrides: Any
) -> dict[str, Any]:
    h = headers or monde.h(who)
    r = client.post(
        "/api/v1/orientations", json=orientation_payload(dispositif_id, **overrides), headers=h
    )
    assert r.status_code == 201, r.text
    return r.json()


def transition(client, monde: Monde, oid: str, who: str = "gie", **body: Any):
    return client.post(f"/api/v1/orientations/{oid}/transitions", json=body, headers=monde.h(who))


# ---------------------------------------------------------------------------------------------
# Rows, written as the use cases leave them
# ---------------------------------------------------------------------------------------------

# Seed 001's cibles: the last three are the sensitive ones.
CIBLES_001 = [
    ("habitat_adapte", "Habitat adapté sur mesure", False),
    ("reassurance", "Réassurance du locataire", False),
    ("sante_mentale", "Santé mentale", True),
    ("sortants_prison", "Sortants de prison", True),
    ("violences_conjugales", "Violences conjugales", True),
]
TYPES_001 = [
    ("evaluation", "Évaluation", 3),
    ("capacite_habiter", "Capacité à habiter", None),
    ("soutien_personnalise", "Soutien personnalisé au logement", None),
]
# An ASLL with one sensitive cible and one that is not.
CIBLES_ASLL = [
    ("sante_mentale", "Santé mentale", True),
    ("jeunes", "Jeunes de moins de 30 ans", False),
]


def dispositif(
    db: Session,
    m: Monde,
    code: str | None = None,
    *,
    financeur: Organisation | None = None,
    commission: Organisation | None = None,
    cibles: list[tuple[str, str, bool]] = CIBLES_001,
    types: list[tuple[str, str, int | None]] = TYPES_001,
    **champs: Any,
) -> Dispositif:
    """A dispositif of this world's funder and commission, with seed 001's cibles and types."""
    code = code or "D" + uuid.uuid4().hex[:10]
    valeurs: dict[str, Any] = {
        "code": code,
        "nom": f"Dispositif {code}",
        "financeur_id": (financeur or m.financeur).id,
        "commission_id": (commission or m.gie).id,
        "duree_max_mois": 36,
        "adhesion_requise": True,
        "creation_directe": False,
        "date_debut": date(2015, 1, 1),
    }
    valeurs.update(champs)
    d = Dispositif(**valeurs)
    db.add(d)
    db.flush()
    for i, (c, libelle, sensible) in enumerate(cibles):
        db.add(Cible(dispositif_id=d.id, code=c, libelle=libelle, sensible=sensible, ordre=i))
    for i, (c, libelle, duree) in enumerate(types):
        db.add(TypeAccompagnement(dispositif_id=d.id, code=c, libelle=libelle, duree_max_mois=duree, ordre=i))
    db.flush()
    return d


def convention(
    db: Session, d: Dispositif, asso: Organisation, debut: date, fin: date, objectif: int
) -> Convention:
    c = Convention(
        dispositif_id=d.id,
        association_id=asso.id,
        date_debut=debut,
        date_fin=fin,
        objectif_menages=objectif,
    )
    db.add(c)
    db.flush()
    return c


def menage(
    db: Session,
    m: Monde,
    *,
    organisation: Organisation | None = None,
    nom: str | None = None,
    prenom: str | None = None,
    naissance: date | None = date(1980, 1, 1),
    sexe: str = "homme",
    autres: list[tuple[date | None, str, str]] = (),  # type: ignore[assignment]
    composition: str = "homme_seul",
    commune: str | None = "35238",
    statut_occupation: str | None = "locataire_parc_public",
    adresse: str | None = "3 rue des Lilas",
    telephone: str | None = "0299000000",
    courriel: str | None = "menage@example.org",
    ressources: list[str | tuple[str, int]] = (),  # type: ignore[assignment]
    dettes: list[tuple[str, int]] = (),  # type: ignore[assignment]
    nb_procedures: int = 0,
    modifie_le: datetime | None = None,
    **champs: Any,
) -> Menage:
    """A household opened by ``organisation`` (the world's association by default): a demandeur
    and the ``autres`` persons (birth date, sex, link), resources (a type, 500 € a month, or
    (type, amount)), debts (type, amount)."""
    men = Menage(
        reference=prochaine_reference(db, "M"),
        organisation_id=(organisation or m.asso).id,
        composition=composition,
        statut_occupation=statut_occupation,
        commune_insee=commune,
        adresse=adresse,
        telephone=telephone,
        courriel=courriel,
        nb_procedures_expulsion=nb_procedures,
        **champs,
    )
    if modifie_le is not None:
        men.modifie_le = modifie_le
    db.add(men)
    db.flush()
    personnes = [
        (naissance, sexe, "demandeur", nom or fake.last_name(), prenom or fake.first_name()),
        *((n, s, lien, fake.last_name(), fake.first_name()) for n, s, lien in autres),
    ]
    for n, s, lien, nm, pn in personnes:
        db.add(
            Personne(
                menage_id=men.id,
                nom=nm,
                prenom=pn,
                nom_recherche=normaliser(f"{nm} {pn}"),
                date_naissance=n,
                sexe=s,
                lien=lien,
            )
        )
    for r in ressources:
        type_, montant = r if isinstance(r, tuple) else (r, 500)
        db.add(Ressource(menage_id=men.id, type=type_, montant_mensuel=montant))
    for t, montant in dettes:
        db.add(Dette(menage_id=men.id, type=t, montant=montant))
    db.flush()
    return men


def orientation(
    db: Session,
    m: Monde,
    men: Menage,
    d: Dispositif,
    *,
    statut: str = "acceptee",
    reception: date | None = None,
    evenements: list[tuple[str, date, str | None]] | None = None,
    commentaire: str | None = None,
    origine: str = "bailleur",
    prescripteur: Organisation | None = None,
    prescripteur_nom: str | None = None,
    motifs: str | None = None,
    association: Organisation | None = None,
    cible: str | None = None,
) -> Orientation:
    """A referral from the world's bailleur and its decision events.

    ``evenements`` lists (vers_statut, date, motif) from « en commission »; without it, one
    event from « en commission » to ``statut`` by the commission, carrying ``commentaire``.
    """
    o = Orientation(
        reference=prochaine_reference(db, "O"),
        menage_id=men.id,
        dispositif_id=d.id,
        statut=statut,
        origine=origine,
        prescripteur_organisation_id=(prescripteur or m.bailleur).id,
        prescripteur_nom=prescripteur_nom,
        acces_maintien="maintien",
        motifs=motifs,
        date_reception=reception,
        association_id=association.id if association else None,
        cible_code=cible,
        cible_proposee_code=cible,
    )
    db.add(o)
    db.flush()
    if evenements is None:
        evenements_faits = [("en_commission", statut, None, None, commentaire, m.users["gie"].id)]
    else:
        etapes = ["en_commission", *(vers for vers, _, _ in evenements)]
        evenements_faits = [
            (de, vers, quand, motif, None, uuid.uuid4())
            for de, (vers, quand, motif) in zip(etapes, evenements, strict=False)
        ]
    for de, vers, quand, motif, texte, auteur in evenements_faits:
        ev = OrientationEvenement(
            orientation_id=o.id,
            auteur_type="utilisateur",
            auteur_id=auteur,
            organisation_id=m.gie.id,
            de_statut=de,
            vers_statut=vers,
            motif=motif,
            commentaire=texte,
        )
        if quand is not None:
            ev.quand = datetime.combine(quand, time(15, 0), tzinfo=UTC)
            ev.date_effet = quand
        db.add(ev)
    db.flush()
    return o


_AGENT = object()  # « the world's agent when the association is the world's », the usual case


def mesure(
    db: Session,
    m: Monde,
    disp: Dispositif,
    *,
    men: Menage | None = None,
    association: Organisation | None = None,
    cible: str = "habitat_adapte",
    type_acc: str = "capacite_habiter",
    mandatement: date = date(2023, 1, 10),
    referent: Any = _AGENT,
    acces_maintien: AccesMaintien | str = AccesMaintien.maintien,
    prescripteur: Organisation | None = None,
    orientation: Orientation | None = None,
    statut: str | None = None,
    date_debut: date | None = None,
    date_fin: date | None = None,
    commentaire: str | None = None,
    **champs: Any,
) -> Mesure:
    """A mesure mandated by the commission, as the orientations' decision does it (entry
    snapshot, grants), then left in ``statut`` (« terminee » when ``date_fin`` is given,
    « mandatee » otherwise) with the other ``champs`` set as a later use case would.

    With ``prescripteur``, an accepted referral from that organisation comes first; with
    ``orientation``, the mesure answers that referral. ``commentaire`` is the mandatement
    event's note.
    """
    men = men or menage(db, m)
    association = association or m.asso
    if prescripteur is not None:
        orientation = Orientation(
            reference="O-" + uuid.uuid4().hex[:10],
            menage_id=men.id,
            dispositif_id=disp.id,
            statut=StatutOrientation.acceptee.value,
            origine="bailleur",
            prescripteur_organisation_id=prescripteur.id,
            acces_maintien=AccesMaintien(acces_maintien).value,
            association_id=association.id,
            cible_code=cible,
            type_accompagnement_code=type_acc,
            date_reception=mandatement,
            date_decision=mandatement,
        )
        db.add(orientation)
        db.flush()
    if referent is _AGENT:
        referent = m.users["asso_agent"] if association.id == m.asso.id else None
    mes = mandater(
        db,
        principal_de(m.users["gie"], m.gie),
        menage=men,
        dispositif_id=disp.id,
        association_id=association.id,
        cible_code=cible,
        type_accompagnement_code=type_acc,
        acces_maintien=AccesMaintien(acces_maintien),
        date_mandatement=mandatement,
        orientation_id=orientation.id if orientation is not None else None,
        reception_orientation=orientation.date_reception if orientation is not None else None,
        referent_id=referent.id if referent is not None else None,
    )
    if prescripteur is not None and orientation is not None:
        orientation.mesure_id = mes.id
        db.add(orientation)
    if statut is not None or date_fin is not None:
        mes.statut = statut or "terminee"
    mes.date_debut = date_debut or mes.date_debut
    mes.date_fin = date_fin
    for k, v in champs.items():
        setattr(mes, k, v)
    db.add(mes)
    db.flush()
    if commentaire is not None:
        for ev in db.exec(select(MesureEvenement).where(MesureEvenement.mesure_id == mes.id)):
            ev.commentaire = commentaire
            db.add(ev)
        db.flush()
    return mes


def domaines(db: Session, mes: Mesure, *codes: str) -> None:
    db.add_all(MesureDomaine(mesure_id=mes.id, domaine=c) for c in codes)
    db.flush()


def rendez_vous(
    db: Session,
    mes: Mesure,
    quand: date | datetime,
    *,
    type: str = "visite_domicile",
    statut: str = "realise",
    est_suivi: bool = False,
    lieu: str | None = "Au domicile",
    compte_rendu: str | None = "Le logement est très encombré.",
    participants: dict[str, Any] | None = None,
) -> RendezVous:
    """A rendez-vous of ``mes``; a plain date means 10:00 UTC that day."""
    debut = quand if isinstance(quand, datetime) else datetime.combine(quand, time(10, 0), tzinfo=UTC)
    r = RendezVous(
        mesure_id=mes.id,
        debut=debut,
        type=type,
        statut=statut,
        est_suivi=est_suivi,
        lieu=lieu,
        compte_rendu=compte_rendu,
        participants=participants if participants is not None else {"autres": ["Mme Voisine"]},
    )
    db.add(r)
    db.flush()
    return r
