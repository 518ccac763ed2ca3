"""The access matrix (docs/domaine.md, « Qui voit quoi »): every route × every kind of principal.

ONE table, ``MATRICE``: one entry per route of the app (method + path template)
giving the status each principal must get, run against real records that
belong to the association « asso » (a ménage it opened, one of its accounts,
the organisation itself). ``test_la_matrice_couvre_toutes_les_routes`` fails
as soon as a route of the app is missing from the table (or the table names a
route that no longer exists): a new route cannot ship without its line here.

To add a route: add one ``Route(...)`` line below. Path parameters are filled
from ``Dossiers.ids()`` by name (``{menage_id}`` …): a new kind of record adds
one key there (and what creates it in ``dossiers``). Give the request body with
``requete=lambda d: {...}`` (keyword arguments of ``TestClient.request``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from sqlmodel import select

from api.calendrier.service import creer_jeton
from api.dispositifs.models import Convention, ConventionCommune
from api.documents.models import Document
from api.documents.stockage import nouvelle_cle
from api.imports.models import ImportFichier
from api.mesures.models import Mesure, MotifFin, RendezVous, StatutMesure, TypeRendezVous
from api.notifications.models import EnvoiCourriel, Notification
from api.orientations.models import Orientation, SessionCommission, StatutOrientation
from api.orientations.models_integration import AbonnementWebhook, LivraisonWebhook, TentativeLivraison
from api.rappels.models import ConsentementRappel, RappelRendezVous
from api.rapports.models import Rapport, RapportDocument, RapportModele
from tests import factories as fab
from tests.documents.clamd import PDF
from tests.factories import MOT_DE_PASSE, Monde, client_api, dispositif_payload, menage_payload, orientation_payload

# Every kind of principal; "anonyme" sends no token.
PRINCIPAUX = (
    "asso_agent",  # association that opened the file: agent
    "asso_resp",  # same association: responsable
    "asso2_agent",  # another association
    "gie",  # commission
    "bailleur",  # bailleur: a person
    "bailleur_si",  # bailleur: its machine client
    "financeur",  # funder (DDETS)
    "admin",  # platform administrator
    "anonyme",
)
AUTHENTIFIES = tuple(p for p in PRINCIPAUX if p != "anonyme")


def ouvert(status: int) -> dict[str, int]:
    """Same answer for everyone, anonymous included."""
    return dict.fromkeys(PRINCIPAUX, status)


def connecte(status: int, **autres: int) -> dict[str, int]:
    """``status`` for every signed-in principal except those named; 401 for anonymous."""
    out = dict.fromkeys(AUTHENTIFIES, status) | {"anonyme": 401}
    out.update(autres)
    return out


def seuls(status: int, *qui: str, sinon: int = 404) -> dict[str, int]:
    """``status`` for those named, ``sinon`` for the other signed-in ones, 401 anonymous."""
    return connecte(sinon, **dict.fromkeys(qui, status))


ASSO = ("asso_agent", "asso_resp")
BAILLEUR = ("bailleur", "bailleur_si")
# A mesure's writes: the carrying association; those who read it (commission, prescriber) 403.
ECRITURE_MESURE = seuls(200, *ASSO, sinon=404) | {"gie": 403, "bailleur": 403, "bailleur_si": 403}


@dataclass
class Route:
    methode: str
    chemin: str
    attendu: dict[str, int]
    requete: Callable[[Dossiers], dict[str, Any]] = field(default=lambda d: {})
    # Path parameters taken from another key of ``Dossiers.ids()``: a lifecycle action needs
    # its mesure in the state the action leaves from (``{"mesure_id": "mesure_suspendue_id"}``).
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def cle(self) -> tuple[str, str]:
        return self.methode, self.chemin


@dataclass
class Dossiers:
    """The records the matrix runs against, all belonging to the association « asso »."""

    m: Monde
    menage_id: str  # opened by asso, no referral: nobody else sees it
    menage_suivi_id: str  # referred by the bailleur, its mesure carried by asso
    menage_version: int
    client_id: str
    dispositif_id: str
    dispositif_direct_id: str  # creation_directe: the association opens its mesures itself
    convention_id: str
    # the bailleur's referral, accepted: the mesure carried by asso was born from it
    orientation_id: str
    orientation_version: int
    # the bailleur's referrals waiting for the commission: one submitted, one on the agenda
    orientation_soumise_id: str
    orientation_en_commission_id: str
    session_id: str
    # one mesure of asso per state a lifecycle action leaves from
    mesure_id: str  # active
    mesure_version: int
    mesure_mandatee_id: str
    mesure_evaluation_id: str
    mesure_suspendue_id: str
    mesure_terminee_id: str
    rdv_id: str
    rdv_version: int
    webhook_id: str
    jeton: str
    document_id: str  # deposited by asso on the accepted referral: shared with the commission
    notification_id: str  # addressed to asso_agent (nobody else, not even its colleagues)
    envoi_id: str  # an e-mail given up by the worker (the admin's dead-letter view)
    rappel_id: str  # a reminder to the household given up by the worker (the admin's dead-letter view)
    livraison_id: str = ""  # a webhook delivery given up by the worker (the admin's desk)
    # reports: the shipped annual model, asso's own copy, a draft of asso and a deposited one
    modele_id: str = ""
    modele_copie_id: str = ""
    rapport_id: str = ""
    rapport_depose_id: str = ""
    import_id: str = ""

    def ids(self) -> dict[str, str]:
        return {
            "menage_id": self.menage_id,
            "menage_suivi_id": self.menage_suivi_id,
            "organisation_id": str(self.m.asso.id),
            "utilisateur_id": str(self.m.users["asso_agent"].id),
            "client_id": self.client_id,
            "chemin": "une/page/inconnue",
            "dispositif_id": self.dispositif_id,
            "convention_id": self.convention_id,
            "orientation_id": self.orientation_id,
            "orientation_soumise_id": self.orientation_soumise_id,
            "session_id": self.session_id,
            "mesure_id": self.mesure_id,
            "mesure_mandatee_id": self.mesure_mandatee_id,
            "mesure_evaluation_id": self.mesure_evaluation_id,
            "mesure_suspendue_id": self.mesure_suspendue_id,
            "mesure_terminee_id": self.mesure_terminee_id,
            "rdv_id": self.rdv_id,
            "webhook_id": self.webhook_id,
            "document_id": self.document_id,
            "notification_id": self.notification_id,
            "envoi_id": self.envoi_id,
            "rappel_id": self.rappel_id,
            "livraison_id": self.livraison_id,
            "jeton": self.jeton,
            "code": "35238",  # a commune of the référentiel (Rennes)
            "modele_id": self.modele_id,
            "modele_copie_id": self.modele_copie_id,
            "rapport_id": self.rapport_id,
            "rapport_depose_id": self.rapport_depose_id,
            "feuille_import": "mesures",
            "import_id": self.import_id,
        }


MATRICE: list[Route] = [
    # --- plumbing -----------------------------------------------------------------------------
    Route("GET", "/health", ouvert(200)),
    Route("GET", "/health/ready", ouvert(200)),
    Route("GET", "/openapi.json", ouvert(200)),
    Route("GET", "/docs", ouvert(200)),
    Route("GET", "/docs/oauth2-redirect", ouvert(200)),
    # The single-page app's fallback: no frontend is built in the tests, so 404 for all.
    Route("GET", "/{chemin:path}", ouvert(404)),
    # --- auth: the token endpoint ignores any bearer; refresh needs the cookie -----------------
    Route(
        "POST",
        "/api/v1/auth/token",
        ouvert(200),
        requete=lambda d: {
            "data": {
                "grant_type": "password",
                "username": d.m.users["asso_agent"].email,
                "password": MOT_DE_PASSE,
            }
        },
    ),
    Route("POST", "/api/v1/auth/refresh", ouvert(401)),
    Route("POST", "/api/v1/auth/logout", ouvert(204)),
    Route("GET", "/api/v1/auth/me", connecte(200)),
    # --- organisations: a directory every signed-in principal reads; the admin manages it ----
    Route("GET", "/api/v1/organisations", connecte(200)),
    Route("GET", "/api/v1/organisations/{organisation_id}", connecte(200)),
    Route(
        "POST",
        "/api/v1/organisations",
        seuls(201, "admin", sinon=403),
        requete=lambda d: {"json": {"nom": "Association nouvelle", "type": "association"}},
    ),
    Route(
        "PATCH",
        "/api/v1/organisations/{organisation_id}",
        seuls(200, "admin", sinon=403),
        requete=lambda d: {"json": {"nom": "Association Espoir 35 (renommée)"}},
    ),
    # --- accounts: one's own organisation; a responsable manages it; the admin, all ----------
    Route("GET", "/api/v1/utilisateurs", connecte(200)),
    Route("GET", "/api/v1/utilisateurs/{utilisateur_id}", seuls(200, *ASSO, "admin")),
    Route(
        "POST",
        "/api/v1/utilisateurs",
        seuls(201, "asso_resp", "admin", sinon=403),
        requete=lambda d: {
            "json": {
                "email": f"{uuid.uuid4().hex[:8]}@espoir35.fr",
                "nom": "Durand",
                "prenom": "Lou",
                "organisation_id": str(d.m.asso.id),
                "mot_de_passe": "un-mot-de-passe-long",
            }
        },
    ),
    Route(
        "PATCH",
        "/api/v1/utilisateurs/{utilisateur_id}",
        seuls(200, "asso_resp", "admin") | {"asso_agent": 403},
        requete=lambda d: {"json": {"prenom": "Camille"}},
    ),
    Route(
        "POST",
        "/api/v1/utilisateurs/{utilisateur_id}/deverrouiller",
        seuls(204, "asso_resp", "admin") | {"asso_agent": 403},
    ),
    # --- machine clients: the admin only --------------------------------------------------------
    Route("GET", "/api/v1/clients-api", seuls(200, "admin", sinon=403)),
    Route(
        "POST",
        "/api/v1/clients-api",
        seuls(201, "admin", sinon=403),
        requete=lambda d: {"json": {"nom": "SI locatif", "organisation_id": str(d.m.bailleur.id)}},
    ),
    Route(
        "PATCH",
        "/api/v1/clients-api/{client_id}",
        seuls(200, "admin", sinon=403),
        requete=lambda d: {"json": {"nom": "SI locatif (nouveau)"}},
    ),
    # --- ménages: the association's own file; nobody else even learns it exists ---------------
    # The list answers 200 to all, filtered (funder and admin always get an empty page).
    Route("GET", "/api/v1/menages", connecte(200)),
    Route(
        "POST",
        "/api/v1/menages",
        connecte(201, financeur=403, admin=403),
        requete=lambda d: {"json": menage_payload()},
    ),
    Route("GET", "/api/v1/menages/{menage_id}", seuls(200, *ASSO)),
    Route(
        "PATCH",
        "/api/v1/menages/{menage_id}",
        seuls(200, *ASSO),
        requete=lambda d: {
            "json": {"telephone": "02 99 00 00 00"},
            "headers": {"If-Match": f'"{d.menage_version}"'},
        },
    ),
    Route("GET", "/api/v1/menages/{menage_id}/acces", seuls(200, *ASSO)),
    Route("GET", "/api/v1/menages/{menage_id}/export", seuls(200, *ASSO)),
    # --- dispositifs: read by every partner (to fill a referral); configured by the admin -----
    Route("GET", "/api/v1/dispositifs", connecte(200)),
    Route("GET", "/api/v1/dispositifs/{dispositif_id}", connecte(200)),
    Route(
        "POST",
        "/api/v1/dispositifs",
        seuls(201, "admin", sinon=403),
        requete=lambda d: {"json": dispositif_payload(d.m)},
    ),
    Route(
        "PATCH",
        "/api/v1/dispositifs/{dispositif_id}",
        seuls(200, "admin", sinon=403),
        requete=lambda d: {"json": {"nom": "300 logements accompagnés (2026)"}},
    ),
    # --- conventions: the signing association, the dispositif's commission and funder, admin --
    Route("GET", "/api/v1/conventions", connecte(200)),
    Route("GET", "/api/v1/conventions/{convention_id}", seuls(200, *ASSO, "gie", "financeur", "admin")),
    Route(
        "POST",
        "/api/v1/conventions",
        seuls(201, "admin", sinon=403),
        requete=lambda d: {
            "json": {
                "dispositif_id": d.dispositif_id,
                "association_id": str(d.m.asso2.id),
                "date_debut": "2024-01-01",
                "date_fin": "2026-12-31",
                "objectif_menages": 20,
                "communes": ["35288"],
            }
        },
    ),
    Route(
        "PATCH",
        "/api/v1/conventions/{convention_id}",
        seuls(200, "admin", sinon=403),
        requete=lambda d: {"json": {"objectif_menages": 45}},
    ),
    # --- orientations: the prescriber (bailleur), the commission, the association it is
    # addressed to once accepted, the admin reads; funder and others 404 ------------------------
    Route("GET", "/api/v1/orientations", connecte(200)),
    Route(
        "POST",
        "/api/v1/orientations",
        connecte(201, financeur=403, admin=403),
        requete=lambda d: {
            "json": orientation_payload(d.dispositif_id),
            "headers": {"Idempotency-Key": str(uuid.uuid4())},
        },
    ),
    Route(
        "POST",
        "/api/v1/orientations/lot",
        connecte(201, financeur=403, admin=403),
        requete=lambda d: {
            "json": {"orientations": [orientation_payload(d.dispositif_id), orientation_payload(d.dispositif_id)]},
            "headers": {"Idempotency-Key": str(uuid.uuid4())},
        },
    ),
    Route(
        "GET",
        "/api/v1/orientations/{orientation_id}",
        seuls(200, *ASSO, "gie", "bailleur", "bailleur_si", "admin"),
    ),
    Route(
        "PATCH",
        "/api/v1/orientations/{orientation_id}",
        seuls(200, "bailleur", "bailleur_si") | {"gie": 403, "admin": 403},
        requete=lambda d: {
            "json": {"motifs": "Impayés de loyer depuis six mois."},
            "headers": {"If-Match": '"1"'},
        },
        ids={"orientation_id": "orientation_soumise_id"},
    ),
    Route(
        "POST",
        "/api/v1/orientations/{orientation_id}/transitions",
        seuls(200, "gie") | {"bailleur": 403, "bailleur_si": 403, "admin": 403},
        requete=lambda d: {"json": {"vers_statut": "en_commission", "date_effet": "2023-01-15"}},
        ids={"orientation_id": "orientation_soumise_id"},
    ),
    Route(
        "GET",
        "/api/v1/orientations/{orientation_id}/evenements",
        seuls(200, *ASSO, "gie", "bailleur", "bailleur_si", "admin"),
    ),
    # --- communes: a public référentiel, for every signed-in reader ---------------------------
    Route("GET", "/api/v1/communes", connecte(200), requete=lambda d: {"params": {"q": "Rennes"}}),
    Route("GET", "/api/v1/communes/{code}", connecte(200)),
    # --- commission sessions: the dispositif's commission; the admin reads ----------------------
    Route("GET", "/api/v1/commissions", connecte(200)),
    Route(
        "POST",
        "/api/v1/commissions",
        seuls(201, "gie", sinon=403),
        requete=lambda d: {"json": {"dispositif_id": d.dispositif_id, "date": "2023-03-01"}},
    ),
    Route("GET", "/api/v1/commissions/attente", connecte(200)),  # empty for who decides nothing
    Route("GET", "/api/v1/commissions/{session_id}", seuls(200, "gie", "admin")),
    Route(
        "PATCH",
        "/api/v1/commissions/{session_id}",
        seuls(200, "gie") | {"admin": 403},
        requete=lambda d: {"json": {"lieu": "Salle 2", "membres_presents": ["Mme Le Gall"]}},
    ),
    Route(
        "POST",
        "/api/v1/commissions/{session_id}/ordre-du-jour",
        seuls(200, "gie") | {"admin": 403},
        requete=lambda d: {"json": {"orientation_ids": [d.orientation_soumise_id]}},
    ),
    Route(
        "POST",
        "/api/v1/commissions/{session_id}/decisions",
        seuls(200, "gie") | {"admin": 403},
        requete=lambda d: {
            "json": {"decisions": [{"orientation_id": d.orientation_en_commission_id, "vers_statut": "ajournee"}]}
        },
    ),
    Route("POST", "/api/v1/commissions/{session_id}/cloture", seuls(200, "gie") | {"admin": 403}),
    Route("GET", "/api/v1/commissions/{session_id}/proces-verbal.csv", seuls(200, "gie", "admin")),
    Route("GET", "/api/v1/commissions/{session_id}/proces-verbal.pdf", seuls(200, "gie", "admin")),
    Route("GET", "/api/v1/commissions/{session_id}/proces-verbal.docx", seuls(200, "gie", "admin")),
    # --- webhooks: the bailleur's (its responsable or machine client) ---------------------------
    Route(
        "POST",
        "/api/v1/webhooks",
        seuls(201, "bailleur_si", sinon=403),
        requete=lambda d: {"json": {"url": "https://si.bailleur.example/autre", "secret": "t" * 32}},
    ),
    Route("GET", "/api/v1/webhooks", connecte(200)),
    Route("DELETE", "/api/v1/webhooks/{webhook_id}", seuls(204, "bailleur_si", sinon=403)),
    Route("GET", "/api/v1/webhooks/{webhook_id}/livraisons", seuls(200, "bailleur", "bailleur_si")),
    # --- mesures: the carrying association writes; the commission reads; the bailleur whose
    # referral it was sees the status (403 on writes); others, funder and admin 404 -------------
    Route("GET", "/api/v1/mesures", connecte(200)),
    Route(
        "POST",
        "/api/v1/mesures",
        # another association names a ménage it cannot see: 422 « ménage inconnu », exactly
        # as for a ménage that does not exist (a body reference, not a path)
        seuls(201, *ASSO, sinon=403) | {"asso2_agent": 422},
        requete=lambda d: {
            "json": {
                "menage_id": d.menage_id,
                "dispositif_id": d.dispositif_direct_id,
                "cible_code": "habitat_adapte",
                "type_accompagnement_code": "capacite_habiter",
                "acces_maintien": "acces",
                "date_mandatement": "2023-05-02",
            }
        },
    ),
    Route("GET", "/api/v1/mesures/{mesure_id}", seuls(200, *ASSO, "gie", *BAILLEUR)),
    Route(
        "PATCH",
        "/api/v1/mesures/{mesure_id}",
        ECRITURE_MESURE,
        requete=lambda d: {
            "json": {"domaines": ["budget_dettes"]},
            "headers": {"If-Match": f'"{d.mesure_version}"'},
        },
    ),
    Route("GET", "/api/v1/mesures/{mesure_id}/evenements", seuls(200, *ASSO, "gie", *BAILLEUR)),
    Route(
        "POST",
        "/api/v1/mesures/{mesure_id}/demarrer",
        ECRITURE_MESURE,
        requete=lambda d: {"json": {"date_debut": "2023-01-20"}},
        ids={"mesure_id": "mesure_mandatee_id"},
    ),
    Route(
        "POST",
        "/api/v1/mesures/{mesure_id}/activer",
        ECRITURE_MESURE,
        requete=lambda d: {"json": {"date_effet": "2023-03-15", "adhesion_date": "2023-03-15"}},
        ids={"mesure_id": "mesure_evaluation_id"},
    ),
    Route(
        "POST",
        "/api/v1/mesures/{mesure_id}/suspendre",
        ECRITURE_MESURE,
        requete=lambda d: {"json": {"date_effet": "2023-06-01", "motif": "hospitalisation"}},
    ),
    Route(
        "POST",
        "/api/v1/mesures/{mesure_id}/reprendre",
        ECRITURE_MESURE,
        requete=lambda d: {"json": {"date_effet": "2023-07-01"}},
        ids={"mesure_id": "mesure_suspendue_id"},
    ),
    Route(
        "POST",
        "/api/v1/mesures/{mesure_id}/reorienter",
        ECRITURE_MESURE,
        requete=lambda d: {"json": {"date_effet": "2023-08-01", "cible_code": "reassurance", "motif": "apaisé"}},
    ),
    Route(
        "POST",
        "/api/v1/mesures/{mesure_id}/prolonger",
        ECRITURE_MESURE,
        requete=lambda d: {"json": {"date_fin_prevue": "2026-06-30", "derogation_motif": "relogement en juin"}},
    ),
    Route(
        "POST",
        "/api/v1/mesures/{mesure_id}/changer-referent",
        ECRITURE_MESURE,
        requete=lambda d: {"json": {"referent_id": str(d.m.users["asso_resp"].id)}},
    ),
    Route(
        "POST",
        "/api/v1/mesures/{mesure_id}/terminer",
        ECRITURE_MESURE,
        requete=lambda d: {
            "json": {
                "date_fin": "2023-11-30",
                "motif_fin": "relogement",
                "situation_sortie": "locataire_parc_public",
            }
        },
    ),
    Route(
        "POST",
        "/api/v1/mesures/{mesure_id}/suivi",
        ECRITURE_MESURE,
        requete=lambda d: {"json": {"realise_le": "2024-05-30", "joint": True, "situation": "locataire_parc_public"}},
        ids={"mesure_id": "mesure_terminee_id"},
    ),
    # --- rendez-vous: the carrying association only (commission and bailleur: 403 on create) --
    Route("GET", "/api/v1/rendez-vous", connecte(200)),
    Route(
        "POST",
        "/api/v1/rendez-vous",
        seuls(201, *ASSO) | {"gie": 403, "bailleur": 403, "bailleur_si": 403},
        requete=lambda d: {"json": {"mesure_id": d.mesure_id, "debut": "2023-04-03T14:00", "type": "visio"}},
    ),
    Route("GET", "/api/v1/rendez-vous/{rdv_id}", seuls(200, *ASSO)),
    Route(
        "PATCH",
        "/api/v1/rendez-vous/{rdv_id}",
        seuls(200, *ASSO),
        requete=lambda d: {
            "json": {"lieu": "Bureau de Rennes"},
            "headers": {"If-Match": f'"{d.rdv_version}"'},
        },
    ),
    # --- documents: the organisation that deposited it; a referral's, the deciding commission --
    Route(
        "POST",
        "/api/v1/documents",
        seuls(201, *ASSO),
        requete=lambda d: {
            "data": {"type": "evaluation", "titre": "Bilan", "date_document": "2023-02-01", "menage_id": d.menage_id},
            "files": {"fichier": ("bilan.pdf", PDF, "application/pdf")},
        },
    ),
    Route("GET", "/api/v1/documents", connecte(200)),
    Route("GET", "/api/v1/documents/{document_id}", seuls(200, *ASSO, "gie")),
    Route("GET", "/api/v1/documents/{document_id}/contenu", seuls(200, *ASSO, "gie")),
    Route("DELETE", "/api/v1/documents/{document_id}", seuls(204, *ASSO) | {"gie": 403}),
    # --- notifications: one's own (a machine client has none); the dead letters: the admin ----
    Route("GET", "/api/v1/notifications", connecte(200, bailleur_si=403)),
    Route("GET", "/api/v1/notifications/compteur", connecte(200)),
    Route("POST", "/api/v1/notifications/tout-lu", connecte(200, bailleur_si=403)),
    Route("GET", "/api/v1/notifications/preferences", connecte(200, bailleur_si=403)),
    Route(
        "PUT",
        "/api/v1/notifications/preferences",
        connecte(200, bailleur_si=403),
        requete=lambda d: {"json": [{"type": "alerte_dossier", "frequence": "quotidien"}]},
    ),
    Route("POST", "/api/v1/notifications/{notification_id}/lue", seuls(200, "asso_agent") | {"bailleur_si": 403}),
    Route("POST", "/api/v1/notifications/{notification_id}/non-lue", seuls(200, "asso_agent") | {"bailleur_si": 403}),
    Route("GET", "/api/v1/notifications/echecs", seuls(200, "admin", sinon=403)),
    Route("POST", "/api/v1/notifications/echecs/{envoi_id}/relancer", seuls(200, "admin", sinon=403)),
    # the webhook deliveries given up (policy: webhook_en_echec): the platform's operator only
    Route("GET", "/api/v1/webhooks/echecs", seuls(200, "admin", sinon=403)),
    Route("POST", "/api/v1/webhooks/echecs/{livraison_id}/relancer", seuls(200, "admin", sinon=403)),
    # --- rendez-vous reminders: the household's consent, the carrying association's only -------
    Route(
        "GET", "/api/v1/menages/{menage_id}/rappels", seuls(200, *ASSO) | {"bailleur": 403, "bailleur_si": 403, "gie": 403},
        ids={"menage_id": "menage_suivi_id"},
    ),
    Route(
        "PUT",
        "/api/v1/menages/{menage_id}/rappels",
        seuls(200, *ASSO) | {"bailleur": 403, "bailleur_si": 403, "gie": 403},
        ids={"menage_id": "menage_suivi_id"},
        requete=lambda d: {"json": {"sms": True, "telephone": "0612345678", "telephone_a_appeler": "0299123456"}},
    ),
    Route(
        "DELETE", "/api/v1/menages/{menage_id}/rappels",
        seuls(200, *ASSO) | {"bailleur": 403, "bailleur_si": 403, "gie": 403},
        ids={"menage_id": "menage_suivi_id"},
    ),
    Route("GET", "/api/v1/rappels/echecs", seuls(200, "admin", sinon=403)),
    Route("POST", "/api/v1/rappels/echecs/{rappel_id}/relancer", seuls(200, "admin", sinon=403)),
    # --- alertes: association users only ------------------------------------------------------
    Route("GET", "/api/v1/alertes", seuls(200, *ASSO, "asso2_agent", sinon=403)),
    # setting one aside: an alert the person has now; this mesure has no « suivi » due today
    Route(
        "POST",
        "/api/v1/alertes/ecarter",
        seuls(404, *ASSO, "asso2_agent", sinon=403),
        requete=lambda d: {
            "json": {
                "type": "suivi_du",
                "mesure_id": d.mesure_id,
                "date_reference": date.today().isoformat(),
                "motif": "Ménage injoignable",
            }
        },
    ),
    # --- the responsable's team: caseload and reassigning several mesures -------------------
    Route("GET", "/api/v1/equipe/charge", seuls(200, "asso_resp", sinon=403)),
    Route(
        "POST",
        "/api/v1/mesures/reaffecter",
        seuls(200, "asso_resp", sinon=403),
        requete=lambda d: {"json": {"mesure_ids": [d.mesure_id], "referent_id": str(d.m.users["asso_resp"].id)}},
    ),
    # --- chronologie: who sees the household's file or one of its referrals/mesures ----------
    Route(
        "GET",
        "/api/v1/menages/{menage_id}/chronologie",
        seuls(200, *ASSO, "gie", *BAILLEUR),
        ids={"menage_id": "menage_suivi_id"},
    ),
    # --- agenda: a person's own secret address; the .ics is read with the secret alone -------
    Route("POST", "/api/v1/calendrier/jeton", connecte(201, bailleur_si=403)),
    Route("DELETE", "/api/v1/calendrier/jeton", seuls(204, "asso_agent") | {"bailleur_si": 403}),
    Route("GET", "/api/v1/calendrier/{jeton}.ics", ouvert(200)),
    # --- indicateurs: own association, the commission's and funder's dispositifs, admin all ---
    Route("GET", "/api/v1/indicateurs", connecte(200, bailleur=403, bailleur_si=403)),
    Route(
        "GET",
        "/api/v1/indicateurs/detail",
        connecte(200, bailleur=403, bailleur_si=403, financeur=404, admin=404),
        requete=lambda d: {"params": {"table": "file_active_cible", "cellule": "total"}},
    ),
    # --- rapports: an association writes its own, the commission its dispositif's bilan; the
    # commission and the funder read deposited reports; a draft is its author's only ----------
    Route("GET", "/api/v1/rapports/modeles", connecte(200)),
    Route("GET", "/api/v1/rapports/gabarits", connecte(200)),
    Route(
        "POST",
        "/api/v1/rapports/gabarits",
        seuls(201, "financeur", sinon=403),
        requete=lambda d: {"data": {"nom": "Gabarit"}, "files": {"fichier": ("g.docx", _gabarit_docx(), "application/octet-stream")}},
    ),
    Route("GET", "/api/v1/rapports/modeles/{modele_id}", seuls(200, *ASSO, "asso2_agent", "gie")),
    Route(
        "POST",
        "/api/v1/rapports/modeles/{modele_id}/copie",
        seuls(201, "asso_resp", sinon=403),
        requete=lambda d: {"json": {"nom": "Notre rapport"}},
    ),
    Route(
        "PATCH",
        "/api/v1/rapports/modeles/{modele_id}",
        seuls(201, "asso_resp", sinon=403),
        requete=lambda d: {"json": {"nom": "Notre rapport, v2"}},
        ids={"modele_id": "modele_copie_id"},
    ),
    Route(
        "POST",
        "/api/v1/rapports",
        seuls(201, *ASSO, "gie", sinon=403),
        requete=lambda d: {"json": {"modele_id": d.modele_id, "dispositif_id": d.dispositif_id, "annee": 2023}},
    ),
    Route("GET", "/api/v1/rapports", connecte(200)),
    Route("GET", "/api/v1/rapports/{rapport_id}", seuls(200, *ASSO)),
    Route(
        "PATCH",
        "/api/v1/rapports/{rapport_id}",
        seuls(200, *ASSO),
        requete=lambda d: {"json": {"narration": {"perspectives": "Texte."}}, "headers": {"If-Match": '"1"'}},
    ),
    Route(
        "GET",
        "/api/v1/rapports/{rapport_id}/document",
        seuls(200, *ASSO, "gie", "financeur"),
        requete=lambda d: {"params": {"format": "html"}},
        ids={"rapport_id": "rapport_depose_id"},
    ),
    # deposing a deposited report: 409 for those who read it (the 200 is in tests/rapports/test_rapports.py)
    Route(
        "POST",
        "/api/v1/rapports/{rapport_id}/deposer",
        seuls(409, *ASSO, "gie", "financeur"),
        requete=lambda d: {"headers": {"If-Match": '"2"'}},
        ids={"rapport_id": "rapport_depose_id"},
    ),
    Route(
        "GET",
        "/api/v1/rapports/{rapport_id}/ecarts",
        seuls(200, *ASSO, "gie", "financeur"),
        ids={"rapport_id": "rapport_depose_id"},
    ),
    # --- audit: one's own organisation's entries (a machine client has no business there) -----
    Route("GET", "/api/v1/audit", connecte(200, bailleur_si=403)),
    # --- ProConnect: public; off in the tests' settings (tests/auth/test_proconnect.py runs it on) ---
    Route("GET", "/api/v1/auth/proconnect/etat", ouvert(200)),
    Route("GET", "/api/v1/auth/proconnect/connexion", ouvert(404)),
    Route("GET", "/api/v1/auth/proconnect/retour", ouvert(404)),
    Route("GET", "/api/v1/auth/proconnect/deconnexion", ouvert(404)),
    # --- imports: an association's responsable for its own; the admin names the association ---
    Route("GET", "/api/v1/imports/modele.xlsx", connecte(403, asso_resp=200, admin=422)),
    Route(
        "GET",
        "/api/v1/imports/modele/{feuille}.csv",
        connecte(403, asso_resp=200, admin=422),
        ids={"feuille": "feuille_import"},
    ),
    # The file names an unknown dispositif: a report (dry run), a 422 writing nothing (import).
    Route("POST", "/api/v1/imports/essai", connecte(403, asso_resp=200, admin=422), requete=lambda d: _depot_import()),
    Route("POST", "/api/v1/imports", connecte(403, asso_resp=422, admin=422), requete=lambda d: _depot_import()),
    Route("GET", "/api/v1/imports", connecte(403, asso_resp=200, admin=422)),
    Route("GET", "/api/v1/imports/correspondance", connecte(403, asso_resp=200, admin=422)),
    # An upload (a background task's progress and report): its association's responsables and
    # the admin; to anyone else it does not exist.
    Route("GET", "/api/v1/imports/{import_id}", connecte(404, asso_resp=200, admin=200), ids={"import_id": "import_id"}),
]


def _gabarit_docx() -> bytes:
    """A funder's Word template with one placeholder."""
    import io

    import docx

    d = docx.Document()
    d.add_paragraph("File active : {{ file_active.total }}")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _depot_import() -> dict[str, Any]:
    menages = "reference_menage;nom;prenom;lien\nM1;Durand;Ana;demandeur\n"
    mesures = "reference_mesure;reference_menage;dispositif;cible;type_accompagnement;acces_maintien;date_mandatement\n"
    mesures += "S1;M1;inconnu;x;y;acces;01/01/2024\n"
    return {
        "files": [
            ("fichiers", ("menages.csv", menages.encode(), "text/csv")),
            ("fichiers", ("mesures.csv", mesures.encode(), "text/csv")),
        ]
    }


def _routes_de_l_app(app) -> set[tuple[str, str]]:
    out = set()
    # FastAPI keeps included routers as such in app.routes; this walks the routes inside.
    for route in iter_route_contexts(app.routes):
        # Every HTTP route (FastAPI's and Starlette's: /docs, /openapi.json); a mount has no
        # methods: it shows up as "MOUNT" and fails the coverage test until it has its line.
        methodes = getattr(route, "methods", None) or {"MOUNT"}
        for methode in methodes:
            if methode != "HEAD":  # added by Starlette to every GET
                out.add((methode, route.path))
    return out


def test_la_matrice_couvre_toutes_les_routes(app) -> None:
    dans_l_app = _routes_de_l_app(app)
    dans_la_matrice = {r.cle for r in MATRICE}
    assert len(dans_la_matrice) == len(MATRICE), "une route figure deux fois dans MATRICE"
    manquantes = sorted(dans_l_app - dans_la_matrice)
    assert not manquantes, f"routes absentes de la matrice d'accès (tests/acces/test_access_matrix.py) : {manquantes}"
    perimees = sorted(dans_la_matrice - dans_l_app)
    assert not perimees, f"la matrice nomme des routes qui n'existent plus : {perimees}"
    for r in MATRICE:
        assert set(r.attendu) == set(PRINCIPAUX), f"{r.cle} : un statut par principal"


@pytest.fixture
def dossiers(client, monde: Monde) -> Dossiers:
    """Built with the domain services and the ORM, not over HTTP: ~9 × 110 tests use it."""
    db, m = monde.db, monde
    bailleur_si = m.clients["bailleur_si"]
    autre = client_api(db, m.bailleur)
    assert autre.id != bailleur_si.id
    disp = fab.dispositif(db, m)  # commission: m.gie, funder: m.financeur
    conv = Convention(
        dispositif_id=disp.id,
        association_id=m.asso.id,
        date_debut=date(2020, 1, 1),
        date_fin=date(2035, 12, 31),
        objectif_menages=40,
    )
    db.add(conv)
    db.flush()
    db.add(ConventionCommune(convention_id=conv.id, commune_insee="35238"))
    direct = fab.dispositif(db, m, creation_directe=True, adhesion_requise=False)
    conv_direct = Convention(
        dispositif_id=direct.id,
        association_id=m.asso.id,
        date_debut=date(2020, 1, 1),
        date_fin=date(2035, 12, 31),
        objectif_menages=10,
    )
    db.add(conv_direct)
    db.flush()
    db.add(ConventionCommune(convention_id=conv_direct.id, commune_insee="35238"))
    propre = fab.menage(db, m)  # opened by asso, nobody else's business
    men = fab.menage(db, m)
    # the bailleur's referral, accepted by the commission: the mesure carried by asso
    mes = fab.mesure(db, m, disp, men=men, prescripteur=m.bailleur)
    _etat(mes, StatutMesure.active)
    # one mesure per state a lifecycle action leaves from (same household: cheaper)
    autres = {
        statut: fab.mesure(db, m, disp, men=men, prescripteur=m.bailleur)
        for statut in (StatutMesure.en_evaluation, StatutMesure.suspendue, StatutMesure.terminee)
    }
    for statut, x in autres.items():
        _etat(x, statut)
    mandatee = fab.mesure(db, m, disp, men=men, prescripteur=m.bailleur)
    db.flush()
    # two referrals of the bailleur waiting for the commission
    seance = SessionCommission(dispositif_id=disp.id, date=date(2023, 2, 1))
    db.add(seance)
    db.flush()
    soumise = _orientation(db, m, disp, men, StatutOrientation.soumise)
    en_commission = _orientation(db, m, disp, men, StatutOrientation.en_commission, seance.id)
    rdv = RendezVous(
        mesure_id=mes.id,
        debut=datetime(2023, 3, 1, 9, 0, tzinfo=UTC),
        type=TypeRendezVous.visite_domicile.value,
        cree_par_id=m.users["asso_agent"].id,
    )
    webhook = AbonnementWebhook(organisation_id=m.bailleur.id, url="https://si.bailleur.example/hook", secret="s" * 32)
    db.add_all([rdv, webhook])
    db.flush()
    _, jeton = creer_jeton(db, fab.principal_de(m.users["asso_agent"], m.asso))
    orientation = db.get(Orientation, mes.orientation_id)
    assert orientation is not None
    annuel = db.exec(select(RapportModele).where(RapportModele.code == "rapport_activite_annuel")).first()
    copie = RapportModele(famille=uuid.uuid4(), code="copie", nom="Copie", nature="annuel", sections=annuel.sections,
                          organisation_id=m.asso.id)
    brouillon = Rapport(titre="Rapport 2023", modele_id=annuel.id, dispositif_id=disp.id, association_id=m.asso.id,
                        du=date(2023, 1, 1), au=date(2023, 12, 31), auteur_id=m.asso.id,
                        cree_par_id=m.users["asso_agent"].id, narration={})
    # deposited: a frozen model without computed section (the écarts recompute nothing costly)
    depose = Rapport(titre="Rapport 2022", modele_id=annuel.id, dispositif_id=disp.id, association_id=m.asso.id,
                     du=date(2022, 1, 1), au=date(2022, 12, 31), auteur_id=m.asso.id,
                     cree_par_id=m.users["asso_agent"].id, narration={}, statut="depose", version=2,
                     depose_le=datetime(2023, 1, 15, tzinfo=UTC), pdf_sha256="0" * 64,
                     fige={"modele": {"id": str(annuel.id), "code": annuel.code, "nom": annuel.nom, "version": 1,
                                      "nature": "annuel", "sections": []},
                           "narration": {}, "noms": {}, "doc_n": {"parametres": {}, "tableaux": []}, "doc_n1": None})
    db.add_all([copie, brouillon, depose])
    db.flush()
    for fmt in ("html", "pdf", "docx"):
        for public in ("complet", "agrege"):
            db.add(RapportDocument(rapport_id=depose.id, format=fmt, public=public, sha256="0" * 64, contenu=b"<p>x</p>"))
    document = Document(
        menage_id=men.id, orientation_id=orientation.id, organisation_id=m.asso.id, depose_par_id=m.users["asso_agent"].id,
        type="evaluation", titre="Évaluation", date_document=date(2023, 1, 15), format="pdf", taille=len(PDF),
        sha256="0" * 64, cle_stockage=nouvelle_cle(), analyse="saine",
    )
    db.add(document)
    db.flush()
    client.app.state.stockage.ecrire(document.cle_stockage, PDF)
    notification = Notification(
        utilisateur_id=m.users["asso_agent"].id, type="mandatement", phrase="Mandatée.", lien=f"/mesures/{mes.id}",
        frequence="immediat", courriel="a_envoyer",
    )
    envoi = EnvoiCourriel(
        utilisateur_id=m.users["asso_agent"].id, destinataire="agent@asso.test", sujet="Ancrage", corps="…",
        statut="echec", tentatives=6,
    )
    db.add_all([notification, envoi])
    db.flush()
    consentement = ConsentementRappel(
        menage_id=men.id, sms=True, telephone="+33612345678", telephone_a_appeler="+33299123456",
        date_consentement=date(2023, 1, 20), organisation_id=m.asso.id,
    )
    db.add(consentement)
    db.flush()
    rappel = RappelRendezVous(
        rendez_vous_id=rdv.id, menage_id=men.id, consentement_id=consentement.id, canal="sms", motif="veille",
        rdv_debut=rdv.debut, destinataire="+33612345678", sujet="Rappel", corps="…", statut="echec", tentatives=6,
    )
    db.add(rappel)
    # An upload of the association, a background task still waiting for the worker.
    depot = ImportFichier(
        association_id=m.asso.id, auteur_id=m.users["asso_resp"].id, auteur_organisation_id=m.asso.id,
        essai=False, statut="en_attente", nom_fichier="file.xlsx", empreinte="0" * 64, en_fond=True,
    )
    db.add(depot)
    db.flush()
    livraison = LivraisonWebhook(
        abonnement_id=webhook.id, orientation_id=orientation.id, evenement_id=uuid.uuid4(), corps="{}",
        statut="echec", tentatives=8, prochaine_tentative=None,
    )
    db.add(livraison)
    db.flush()
    db.add(TentativeLivraison(livraison_id=livraison.id, numero=8, code_http=503, erreur="réponse HTTP 503"))
    db.flush()
    return Dossiers(
        m=m,
        menage_id=str(propre.id),
        menage_suivi_id=str(men.id),
        menage_version=propre.version,
        client_id=str(autre.id),
        dispositif_id=str(disp.id),
        dispositif_direct_id=str(direct.id),
        convention_id=str(conv.id),
        orientation_id=str(orientation.id),
        orientation_version=orientation.version,
        orientation_soumise_id=str(soumise.id),
        orientation_en_commission_id=str(en_commission.id),
        session_id=str(seance.id),
        mesure_id=str(mes.id),
        mesure_version=mes.version,
        mesure_mandatee_id=str(mandatee.id),
        mesure_evaluation_id=str(autres[StatutMesure.en_evaluation].id),
        mesure_suspendue_id=str(autres[StatutMesure.suspendue].id),
        mesure_terminee_id=str(autres[StatutMesure.terminee].id),
        rdv_id=str(rdv.id),
        rdv_version=rdv.version,
        webhook_id=str(webhook.id),
        jeton=jeton,
        modele_id=str(annuel.id),
        modele_copie_id=str(copie.id),
        rapport_id=str(brouillon.id),
        rapport_depose_id=str(depose.id),
        document_id=str(document.id),
        notification_id=str(notification.id),
        envoi_id=str(envoi.id),
        rappel_id=str(rappel.id),
        import_id=str(depot.id),
        livraison_id=str(livraison.id),
    )


def _etat(mes: Mesure, statut: StatutMesure) -> None:
    """Put a mandated mesure (10 January 2023) in ``statut`` with consistent dates."""
    mes.statut = statut.value
    mes.date_debut = date(2023, 1, 20)
    mes.date_fin_prevue = date(2026, 1, 20)
    if statut != StatutMesure.en_evaluation:
        mes.adhesion_date = date(2023, 1, 20)
    if statut == StatutMesure.terminee:
        mes.date_fin = date(2023, 11, 30)
        mes.motif_fin = MotifFin.relogement.value
        mes.situation_sortie = "locataire_parc_public"
        mes.suivi_date_prevue = date(2024, 5, 30)


def _orientation(db, m: Monde, disp, men, statut: StatutOrientation, seance_id=None) -> Orientation:
    o = Orientation(
        reference="O-" + uuid.uuid4().hex[:10],
        menage_id=men.id,
        dispositif_id=disp.id,
        statut=statut.value,
        origine="bailleur",
        prescripteur_organisation_id=m.bailleur.id,
        acces_maintien="maintien",
        date_reception=date(2023, 1, 5),
        session_commission_id=seance_id,
    )
    db.add(o)
    db.flush()
    return o


def _chemin(template: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda g: ids[g.group(1)], template)


@pytest.mark.parametrize("principal", PRINCIPAUX)
@pytest.mark.parametrize("route", MATRICE, ids=lambda r: f"{r.methode} {r.chemin}")
def test_matrice_d_acces(client, dossiers: Dossiers, route: Route, principal: str) -> None:
    kwargs = route.requete(dossiers)
    headers = dict(kwargs.pop("headers", {}))
    if principal != "anonyme":
        headers |= dossiers.m.h(principal)
    ids = dossiers.ids()
    ids |= {param: ids[cle] for param, cle in route.ids.items()}
    r = client.request(route.methode, _chemin(route.chemin, ids), headers=headers, **kwargs)
    attendu = route.attendu[principal]
    assert r.status_code == attendu, f"{route.methode} {route.chemin} par {principal} : {r.status_code} {r.text[:300]}"
    if attendu >= 400 and route.chemin.startswith("/api/"):
        assert r.headers["content-type"] == "application/problem+json"
    if attendu == 404 and "{menage_id}" in route.chemin:
        # a hidden file answers exactly like one that never existed
        autre = ids | {"menage_id": str(uuid.uuid4())}
        kwargs = route.requete(dossiers)
        kwargs.pop("headers", None)
        inconnu = client.request(route.methode, _chemin(route.chemin, autre), headers=headers, **kwargs)
        assert inconnu.status_code == 404
        assert inconnu.json()["type"] == r.json()["type"] and inconnu.json()["title"] == r.json()["title"]
