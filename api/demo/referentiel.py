"""Fixed data of the demo: Ille-et-Vilaine (35) communes, the seeds' dispositifs, partners."""

from __future__ import annotations

from datetime import date
from typing import Any

# (INSEE code, name, weight ~ population share among these communes)
COMMUNES_35: list[tuple[str, str, int]] = [
    ("35238", "Rennes", 40),
    ("35288", "Saint-Malo", 8),
    ("35115", "Fougères", 4),
    ("35360", "Vitré", 3),
    ("35236", "Redon", 2),
    ("35047", "Bruz", 3),
    ("35051", "Cesson-Sévigné", 3),
    ("35281", "Saint-Jacques-de-la-Lande", 2),
    ("35093", "Dinard", 2),
    ("35024", "Betton", 2),
    ("35210", "Pacé", 2),
    ("35278", "Saint-Grégoire", 2),
    ("35240", "Le Rheu", 1),
    ("35001", "Acigné", 1),
    ("35152", "Liffré", 1),
    ("35133", "Iffendic", 1),
]

DEMO_PASSWORD = "demo-ancrage-2026"
# One secret for every bailleur's API client (cli_demo_<bailleur>): argon2 is hashed once.
DEMO_CLIENT_SECRET = "demo-secret-si-neotoa-2026"
DEMO_CLIENT_ID = "cli_demo_neotoa"
DEMO_DOMAIN = "ancrage-demo.fr"
DEMO_ADMIN = f"admin@{DEMO_DOMAIN}"

# Staff of the partners other than associations (whose référents follow their file
# active, api/demo/equipes.py): (responsables, agents at the département scale, at
# least); the agents scale with the number of households, 100 000 being 1.
EFFECTIFS = {
    "gie": (1, 6, 1),  # commission secretaries
    "ccapex": (1, 3, 1),
    "ddets": (1, 4, 2),  # funders' analysts
    "departement": (1, 4, 2),
    "bailleur": (1, 6, 2),  # each bailleur, besides its API client
    "prescripteur": (1, 1, 1),
}

# (key, name, type)
ORGANISATIONS = [
    ("gie", "GIE Bailleurs sociaux d'Ille-et-Vilaine", "gie"),
    ("ccapex", "CCAPEX d'Ille-et-Vilaine", "gie"),
    ("ddets", "DDETS d'Ille-et-Vilaine", "financeur"),
    ("departement", "Département d'Ille-et-Vilaine (FSL)", "financeur"),
    ("espoir", "Association Espoir 35", "association"),
    ("alfadi", "ALFADI", "association"),
    ("asfad", "ASFAD", "association"),
    ("adefo", "ADEFO", "association"),
    ("ccas_liffre", "CCAS de Liffré", "association"),
    ("neotoa", "Néotoa", "bailleur"),
    ("archipel", "Archipel Habitat", "bailleur"),
    ("espacil", "Espacil Habitat", "bailleur"),
    ("ccas_rennes", "CCAS de Rennes", "prescripteur"),
    ("cdas_nord", "CDAS Rennes Nord", "prescripteur"),
]

# Dispositifs of the seeds, as plain data.
DISPOSITIFS: list[dict[str, Any]] = [
    {
        "code": "300-logements-35",
        "nom": "300 logements accompagnés en Ille-et-Vilaine",
        "financeur": "ddets",
        "commission": "gie",
        "duree_max_mois": 36,
        "cibles": [
            ("habitat_adapte", "Habitat adapté sur mesure", False, 15),
            ("reassurance_locataire", "Réassurance du locataire", False, 7),
            ("sante_mentale", "Santé mentale", True, 33),
            ("sortants_prison", "Sortants de prison", True, 3),
            ("violences_conjugales", "Violences conjugales", True, 1),
        ],
        "types": [
            ("evaluation", "Évaluation", 3),
            ("capacite_habiter", "Capacité à habiter", None),
            ("soutien_personnalise", "Soutien personnalisé au logement", None),
        ],
        "associations": {"espoir": 30, "alfadi": 15, "asfad": 10, "ccas_liffre": 2},
        # commission sessions: first date, days between two sessions, place
        "sessions": (date(2021, 1, 5), 14, "GIE, salle du conseil, Rennes"),
        # who sits (printed in the procès-verbal of the past sessions)
        "membres": [
            "Présidence : GIE des bailleurs sociaux d'Ille-et-Vilaine",
            "DDETS d'Ille-et-Vilaine",
            "Département d'Ille-et-Vilaine (CDAS)",
            "Associations conventionnées (voix consultative)",
        ],
    },
    {
        "code": "asll-35",
        "nom": "ASLL (FSL d'Ille-et-Vilaine)",
        "financeur": "departement",
        "commission": "gie",
        "duree_max_mois": 12,
        "cibles": [("acces", "Accès au logement", False, 60), ("maintien", "Maintien dans le logement", False, 40)],
        "types": [("asll", "ASLL", None)],
        "associations": {"espoir": 30, "alfadi": 30},
        "sessions": (date(2021, 1, 12), 14, "GIE, salle du conseil, Rennes"),
        "membres": ["Présidence : GIE des bailleurs sociaux d'Ille-et-Vilaine", "Département d'Ille-et-Vilaine (FSL)"],
    },
    {
        "code": "sime-35",
        "nom": "SIME : prévention des expulsions",
        "financeur": "ddets",
        "commission": "ccapex",
        "duree_max_mois": 36,
        "cibles": [("prevention_expulsion", "Prévention des expulsions récurrentes", False, 100)],
        "types": [
            ("iml_bail_glissant", "IML bail glissant", None),
            ("logement_transition", "Logement de transition", 6),
        ],
        "associations": {"adefo": 40},
        "sessions": (date(2021, 1, 14), 28, "Préfecture d'Ille-et-Vilaine, salle Anne de Bretagne"),
        "membres": ["Présidence : sous-préfecture (CCAPEX)", "DDETS d'Ille-et-Vilaine", "CAF d'Ille-et-Vilaine",
                    "Département d'Ille-et-Vilaine"],
    },
]
