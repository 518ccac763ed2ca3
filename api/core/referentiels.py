"""Value lists shared by several domains (docs/domaine.md, « Listes de référence »: SI-SIAO lists).

Stored as plain strings in the database so that a list can grow without a
schema change; validated here at the API's edge.
"""

from __future__ import annotations

from enum import StrEnum


class Sexe(StrEnum):
    femme = "femme"
    homme = "homme"
    non_renseigne = "non_renseigne"


class LienPersonne(StrEnum):
    demandeur = "demandeur"
    conjoint = "conjoint"
    enfant = "enfant"
    autre = "autre"


class Composition(StrEnum):
    homme_seul = "homme_seul"
    femme_seule = "femme_seule"
    couple_sans_enfant = "couple_sans_enfant"
    femme_seule_avec_enfants = "femme_seule_avec_enfants"
    homme_seul_avec_enfants = "homme_seul_avec_enfants"
    couple_avec_enfants = "couple_avec_enfants"
    groupe_adultes = "groupe_adultes"
    groupe_avec_enfants = "groupe_avec_enfants"


class TypeRessource(StrEnum):
    salaire = "salaire"
    prime_activite = "prime_activite"
    are = "are"
    rsa = "rsa"
    aah = "aah"
    ass = "ass"
    allocations_familiales = "allocations_familiales"
    ij = "ij"
    retraite = "retraite"
    pension_invalidite = "pension_invalidite"
    garantie_jeunes_cej = "garantie_jeunes_cej"
    bourse = "bourse"
    aucune = "aucune"
    autre = "autre"


class TypeDette(StrEnum):
    loyer = "loyer"
    energie = "energie"
    eau = "eau"
    caf_indu = "caf_indu"
    impots = "impots"
    credit_consommation = "credit_consommation"
    telephonie = "telephonie"
    amendes = "amendes"
    autre = "autre"


class SituationLogement(StrEnum):
    """Housing situation, at entry (statut d'occupation) and at exit."""

    locataire_parc_public = "locataire_parc_public"
    locataire_parc_prive = "locataire_parc_prive"
    proprietaire = "proprietaire"
    sous_locataire = "sous_locataire"
    logement_transition = "logement_transition"
    heberge_tiers = "heberge_tiers"
    hebergement = "hebergement"
    structure = "structure"
    sans_logement = "sans_logement"
    detention = "detention"
    hopital = "hopital"
    autre = "autre"


class SituationProfessionnelle(StrEnum):
    """The household's socio-professional situation (the demandeur's), in the words of
    seed 002's bilan: « ont un emploi », « au foyer, invalides, handicapés ou retraités »,
    « étudiants, stagiaires ou apprentis »; the others are without a job (seed 002's
    51 % on minima sociaux, seed 004's « ne sont pas en emploi »)."""

    emploi = "emploi"
    au_foyer_invalide_retraite = "au_foyer_invalide_retraite"
    etudiant_stagiaire_apprenti = "etudiant_stagiaire_apprenti"
    sans_emploi = "sans_emploi"


class StadeProcedure(StrEnum):
    """Stage of the eviction procedure (prévention des expulsions)."""

    aucune = "aucune"
    impayes = "impayes"
    commandement_payer = "commandement_payer"
    assignation = "assignation"
    jugement_resiliation = "jugement_resiliation"
    commandement_quitter = "commandement_quitter"
    concours_force_publique_demande = "concours_force_publique_demande"
    concours_force_publique_accorde = "concours_force_publique_accorde"
    expulsion_realisee = "expulsion_realisee"


INSEE_PATTERN = r"^(\d{5}|2[AB]\d{3})$"
