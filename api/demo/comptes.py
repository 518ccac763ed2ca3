"""The demo's accounts by role, for people (the summary of ``python -m api demo``) and for
load generators (``comptes_demo``)."""

from __future__ import annotations

import uuid
from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session, col

from api.demo import referentiel as ref
from api.organisations.models import ClientApi, Organisation, Utilisateur

# The roles of the demo, in the order of the summary.
ROLES = ("agent", "responsable", "commission", "bailleur", "bailleur_client", "financeur", "prescripteur", "admin")
PREFERES = {"agent": "agent1.espoir@", "responsable": "responsable.espoir@", "commission": "agent.gie@"}
LIBELLES_ROLES = {
    "agent": "Travailleur social",
    "responsable": "Responsable d'association",
    "commission": "Secrétaire de commission",
    "bailleur": "Bailleur",
    "bailleur_client": "Bailleur (client API)",
    "financeur": "Financeur",
    "prescripteur": "Prescripteur (CCAS, CDAS)",
    "admin": "Administrateur",
}


class CompteDemo(NamedTuple):
    email: str  # the login (for ``bailleur_client``: the client_id)
    organisation_id: uuid.UUID
    role: str  # the account's role in its organisation: agent | responsable (``client`` for an API client)


def _role_demo(type_organisation: str, role: str) -> str:
    if type_organisation == "association":
        return "agent" if role == "agent" else "responsable"
    return {"gie": "commission"}.get(type_organisation, type_organisation)


def comptes_demo(session: Session) -> dict[str, list[CompteDemo]]:
    """The active accounts of the demo by role: ``{role: [(email, organisation_id, role), ...]}``.

    Keys (always all present, possibly empty lists), from ``ROLES``:

    - ``agent``: référents of the associations (they carry the mesures, ≈ 35 in progress each);
    - ``responsable``: the associations' responsables (they see the whole association);
    - ``commission``: accounts of the commissions (GIE, CCAPEX: organisations of type ``gie``);
    - ``bailleur``: the bailleurs' staff;
    - ``bailleur_client``: the bailleurs' information systems, ``email`` being the ``client_id``
      (secret ``referentiel.DEMO_CLIENT_SECRET``, grant ``client_credentials``), role ``client``;
    - ``financeur``: the funders' analysts and responsables (DDETS, département);
    - ``prescripteur``: CCAS and CDAS staff;
    - ``admin``: the platform's administrator.

    Each tuple is a ``CompteDemo`` (``email``, ``organisation_id``, ``role`` ∈ agent | responsable
    | client). Every user signs in with ``referentiel.DEMO_PASSWORD``. Former référents (deactivated
    accounts that still name closed mesures) are left out. Lists are sorted by e-mail; the same
    seed gives the same lists.
    """
    suffixe = f"@{ref.DEMO_DOMAIN}"
    comptes: dict[str, list[CompteDemo]] = {role: [] for role in ROLES}
    rows = session.execute(
        select(Utilisateur.email, Utilisateur.organisation_id, Utilisateur.role, Organisation.type)
        .join(Organisation, col(Organisation.id) == col(Utilisateur.organisation_id))
        .where(col(Utilisateur.email).endswith(suffixe), col(Utilisateur.actif).is_(True))
        .order_by(col(Utilisateur.email))
    ).all()
    for adresse, org, role, type_org in rows:
        comptes.setdefault(_role_demo(type_org, role), []).append(CompteDemo(adresse, org, role))
    clients = session.execute(
        select(ClientApi.client_id, ClientApi.organisation_id)
        .where(col(ClientApi.client_id).startswith("cli_demo_"), col(ClientApi.actif).is_(True))
        .order_by(col(ClientApi.client_id))
    ).all()
    comptes["bailleur_client"] = [CompteDemo(client_id, org, "client") for client_id, org in clients]
    return comptes


def resume(comptes: dict[str, list[CompteDemo]], organisations: dict[uuid.UUID, str], exemples: int = 3) -> list[str]:
    """Lines of the summary: one account to sign in with per role, with its organisation,
    then how many accounts each role has and a few more logins."""
    lignes = [f"Comptes de démonstration, un par rôle (mot de passe « {ref.DEMO_PASSWORD} ») :"]
    for role in ROLES:
        liste = comptes.get(role, [])
        if liste:
            # the account a newcomer would try first: the main association, the GIE (which decides
            # two dispositifs), else the first in order
            c = next((x for x in liste if x.email.startswith(PREFERES.get(role, "\0"))), liste[0])
            lignes.append(f"  {LIBELLES_ROLES[role]:28} {c.email:42} {organisations.get(c.organisation_id, '')}")
    lignes.append(f"  (secret des clients API : « {ref.DEMO_CLIENT_SECRET} »)")
    lignes.append("Comptes par rôle :")
    for role in ROLES:
        liste = comptes.get(role, [])
        apercu = ", ".join(c.email for c in liste[:exemples]) + (", …" if len(liste) > exemples else "")
        lignes.append(f"  {role:16} {len(liste):>6}  {apercu}")
    return lignes


def noms_organisations(session: Session) -> dict[uuid.UUID, str]:
    return {i: nom for i, nom in session.execute(select(Organisation.id, Organisation.nom))}
