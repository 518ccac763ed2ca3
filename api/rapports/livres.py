"""The two models shipped with Ancrage, as data (inserted by migration 0033).

« Rapport d'activité annuel » follows seed 004 (SIME 2023 to the DDETS); « Bilan du
dispositif à une date » follows seed 001 (bilan au 30/04/2016). To change a shipped model,
add a new version in a migration: reports keep the version they were written on.
"""

from __future__ import annotations

from typing import Any

from api.indicateurs.catalogue import TABLES

# Tables a model may name: every table of the catalogue, read from it (a copied list
# missed the tables added since).
TABLES_CONNUES = frozenset(t.code for t in TABLES)


def _texte(code: str, titre: str, aide: str, niveau: int = 1) -> dict[str, Any]:
    return {"type": "texte", "code": code, "titre": titre, "niveau": niveau, "aide": aide}


def _calcul(code: str, titre: str, *tables: dict[str, Any], niveau: int = 2, n1: bool = True) -> dict[str, Any]:
    return {"type": "calcul", "code": code, "titre": titre, "niveau": niveau, "tables": list(tables), "comparer_n1": n1}


def _t(table: str, rendu: str = "tableau", phrase: str | None = None) -> dict[str, Any]:
    return {"table": table, "rendu": rendu, "phrase": phrase}


RAPPORT_ANNUEL: dict[str, Any] = {
    "code": "rapport_activite_annuel",
    "version": 1,
    "nature": "annuel",
    "nom": "Rapport d'activité annuel",
    "description": "Bilan quantitatif de l'année à côté de l'année précédente, typologie des ménages, "
    "accompagnement, sorties, et les mots de l'association entre les chiffres.",
    "sections": [
        _texte("preambule", "Préambule", "Le service, son public, le cadre de la convention."),
        _texte("evenements_marquants", "Événements marquants de l'année", "Ce qui a changé l'activité."),
        _texte("bilan_quantitatif", "Bilan quantitatif", "Rappel de l'objectif de la convention."),
        _calcul(
            "flux",
            "Les entrées et les sorties",
            _t("entrees_par_mois", "tableau_graphique",
               "Du {du} au {au}, {total} ménages sont entrés dans le dispositif, contre {total_n1} "
               "l'année précédente ({variation})."),
            _t("sorties_par_mois", "tableau",
               "Du {du} au {au}, {total} ménages en sont sortis, contre {total_n1} l'année précédente."),
        ),
        _calcul(
            "activite",
            "Les mouvements au cours de l'année",
            _t("activite_par_mois", "graphique"),
            _t("activite", "tableau"),
        ),
        _calcul(
            "file_active",
            "La file active",
            _t("file_active", "tableau",
               "Au {au}, le service accompagne {total} ménages, contre {total_n1} un an plus tôt."),
            _t("file_active_annee_orientation", "tableau_graphique"),
        ),
        _calcul("territoire", "La territorialisation", _t("file_active_commune", "tableau")),
        _calcul("solutions_logement", "Les solutions logement", _t("file_active_modalite_logement", "tableau")),
        _texte("conclusion_quantitatif", "Conclusion du bilan quantitatif", "", niveau=2),
        _texte("typologie", "Typologie des ménages accompagnés", "Ce que disent les chiffres ci-dessous."),
        _calcul("composition", "Composition familiale", _t("file_active_composition", "tableau_graphique")),
        _calcul(
            "ages",
            "Tranches d'âge",
            _t("file_active_personnes_age", "tableau",
               "Les ménages de la file active au {au} représentent {total} personnes."),
        ),
        _calcul("ressources", "Ressources", _t("file_active_ressources", "tableau")),
        _calcul(
            "dette_locative",
            "La dette locative et les procédures d'expulsion",
            _t("file_active_dette_locative", "tableau"),
            _t("file_active_procedures_expulsion", "tableau"),
        ),
        _texte("bilan_qualitatif", "Bilan qualitatif : l'accompagnement social", "Relogement, savoir habiter, "
               "accès aux droits, emploi, santé, parentalité…"),
        _calcul("domaines", "Les domaines d'intervention", _t("domaines_intervention", "tableau")),
        _texte("sorties_texte", "Sorties du dispositif", ""),
        _calcul(
            "sorties",
            "Les sorties : motifs et durées",
            _t("sorties_motif", "tableau",
               "Du {du} au {au}, {total} accompagnements ont pris fin, contre {total_n1} l'année précédente."),
            _t("sorties_duree", "tableau"),
        ),
        _texte("perspectives", "Perspectives", "Ce que l'association prévoit pour l'année qui vient."),
    ],
}

BILAN_A_UNE_DATE: dict[str, Any] = {
    "code": "bilan_dispositif",
    "version": 1,
    "nature": "bilan",
    "nom": "Bilan du dispositif à une date",
    "description": "Constats qualitatifs, puis les orientations, décisions et la file active à la date "
    "du bilan (par cible, sexe, âge, accès / maintien, modalité de logement).",
    "sections": [
        _texte("constat_general", "Constat général", "Indicateurs qualitatifs : ce que les partenaires constatent."),
        _texte("constats_cible", "Constats par cible", "Atouts et limites, cible par cible."),
        _texte("actions", "Actions à mettre en place", ""),
        _texte("indicateurs_quantitatifs", "Indicateurs quantitatifs", ""),
        _calcul(
            "orientations",
            "Orientations et décisions",
            _t("decisions", "tableau", "Du {du} au {au}, la commission a pris {total} décisions."),
            _t("refus_motif", "tableau"),
            n1=False,
        ),
        _calcul(
            "file_active",
            "La file active",
            _t("file_active_cible", "tableau_graphique", "Au {au}, {total} ménages sont accompagnés."),
            _t("file_active_sexe", "tableau"),
            _t("file_active_age_cible", "tableau_graphique"),
            _t("file_active_age_extremes", "tableau"),
            _t("file_active_minima_sociaux", "tableau"),
            _t("file_active_acces_maintien", "tableau"),
            _t("file_active_modalite_logement", "tableau"),
            n1=False,
        ),
    ],
}

LIVRES = (RAPPORT_ANNUEL, BILAN_A_UNE_DATE)
