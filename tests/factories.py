"""Small factories: organisations, accounts, tokens minted directly, households."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from faker import Faker
from sqlmodel import Session

from api.auth.models import SessionAuth
from api.core.config import Settings
from api.core.models import utcnow
from api.core.security import create_token, hash_password
from api.organisations.models import ClientApi, Organisation, TypeOrganisation, Utilisateur

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
