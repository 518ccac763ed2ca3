"""The import template, declared once: its sheets, their columns, what each accepts.

The template (XLSX and CSV), the reading of an uploaded file and the dry-run report
are all computed from ``FEUILLES``: a column added here is in the template, read, checked
and documented, nowhere else to touch. Coded values come from the same lists as the API
(``api/core/referentiels.py``, ``api/mesures/models.py``) with their French labels
(``api/indicateurs/libelles.py``): a user may type the code or the label, in any case,
with or without accents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from api.core.referentiels import (
    LienPersonne,
    Sexe,
    SituationLogement,
    SituationProfessionnelle,
    StadeProcedure,
    TypeDette,
    TypeRessource,
)
from api.core.texte import normaliser
from api.indicateurs.libelles import LIBELLES
from api.mesures.models import (
    AccesMaintien,
    DomaineIntervention,
    ModaliteLogement,
    MotifFin,
    StatutRendezVous,
    TypeRendezVous,
)


class Genre(StrEnum):
    texte = "texte"
    date = "date"
    heure = "heure"
    entier = "entier"
    code = "code"  # one value of a fixed list
    codes = "codes"  # several values of a fixed list, separated by « , » or « ; »
    courriel = "courriel"
    # Values that depend on the database (the dispositif's cibles and types, the dispositifs).
    dispositif = "dispositif"
    cible = "cible"
    type_accompagnement = "type_accompagnement"


@dataclass(frozen=True)
class Colonne:
    cle: str
    libelle: str
    genre: Genre = Genre.texte
    obligatoire: bool = False
    note: str = ""
    codes: dict[str, str] = field(default_factory=dict)  # code → French label
    max_longueur: int | None = None
    exemple: str = ""


def _codes(valeurs: type[StrEnum], liste: str | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    libelles = LIBELLES.get(liste or "", {}) | (extra or {})
    return {v.value: libelles.get(v.value, v.value.replace("_", " ").capitalize()) for v in valeurs}


SEXES = _codes(Sexe, "sexe")
LIENS = _codes(LienPersonne, extra={"demandeur": "Demandeur", "conjoint": "Conjoint(e)", "enfant": "Enfant"})
SITUATIONS = _codes(SituationLogement, "situation_logement")
STADES = _codes(StadeProcedure)
SITUATIONS_PRO = _codes(SituationProfessionnelle, "situation_professionnelle")
RESSOURCES = _codes(TypeRessource, "ressource")
DETTES = _codes(TypeDette, "dette")
NATURES = {"ressource": "Ressource", "dette": "Dette"}
ACCES = _codes(AccesMaintien, "acces_maintien")
MODALITES = _codes(ModaliteLogement, "modalite_logement")
MOTIFS = _codes(MotifFin, "motif_fin")
DOMAINES = _codes(DomaineIntervention, "domaine")
TYPES_RDV = _codes(TypeRendezVous, "type_rdv")
# A past rendez-vous: held, cancelled or missed (a planned one is typed in the app).
STATUTS_RDV = {k: v for k, v in _codes(StatutRendezVous, "statut_rdv").items() if k != "planifie"}

_DATE = "jj/mm/aaaa ou AAAA-MM-JJ ; pas dans le futur"
REF_MENAGE = Colonne(
    "reference_menage",
    "Référence du ménage",
    obligatoire=True,
    max_longueur=60,
    note="Votre propre référence du ménage (celle de votre tableur) : c'est elle qui relie les feuilles "
    "et qui fait qu'un second import met à jour au lieu de dupliquer.",
    exemple="DOS-0042",
)
REF_MESURE = Colonne(
    "reference_mesure",
    "Référence de la mesure",
    obligatoire=True,
    max_longueur=60,
    note="Votre propre référence de la mesure ; unique dans votre association.",
    exemple="MES-0042-1",
)


@dataclass(frozen=True)
class Feuille:
    cle: str
    nom: str  # the sheet's name in the XLSX, and the CSV's file name
    colonnes: tuple[Colonne, ...]
    obligatoire: bool = True
    note: str = ""

    def colonne(self, cle: str) -> Colonne:
        return next(c for c in self.colonnes if c.cle == cle)


MENAGES = Feuille(
    "menages",
    "Ménages et personnes",
    (
        REF_MENAGE,
        Colonne("nom", "Nom", obligatoire=True, max_longueur=100, exemple="Le Goff"),
        Colonne("prenom", "Prénom", obligatoire=True, max_longueur=100, exemple="Maëlle"),
        Colonne("date_naissance", "Date de naissance", Genre.date, note=_DATE, exemple="14/03/1979"),
        Colonne("sexe", "Sexe", Genre.code, codes=SEXES, exemple="Femme"),
        Colonne(
            "lien",
            "Lien avec le demandeur",
            Genre.code,
            obligatoire=True,
            codes=LIENS,
            note="Une ligne par personne ; exactement un demandeur par ménage.",
            exemple="Demandeur",
        ),
        Colonne(
            "statut_occupation",
            "Statut d'occupation",
            Genre.code,
            codes=SITUATIONS,
            note="Sur la ligne du demandeur (situation du ménage).",
            exemple="Locataire du parc public",
        ),
        Colonne(
            "commune_insee",
            "Commune (code INSEE ou nom)",
            max_longueur=80,
            note="Code INSEE à 5 caractères (2A/2B pour la Corse), ou nom de la commune s'il est unique "
            "(sinon suivi du département : « Saint-Denis (93) »), sur la ligne du demandeur.",
            exemple="35238",
        ),
        Colonne("adresse", "Adresse", max_longueur=300, note="Sur la ligne du demandeur.", exemple="3 rue de Brest"),
        Colonne("telephone", "Téléphone", max_longueur=30, note="Sur la ligne du demandeur.", exemple="06 12 34 56 78"),
        Colonne("courriel", "Courriel", Genre.courriel, max_longueur=254, note="Sur la ligne du demandeur."),
        Colonne(
            "nb_procedures_expulsion",
            "Procédures d'expulsion",
            Genre.entier,
            note="Nombre de procédures en cours (0 à 50), sur la ligne du demandeur.",
            exemple="0",
        ),
        Colonne("stade_procedure", "Stade de la procédure", Genre.code, codes=STADES),
        Colonne(
            "situation_professionnelle",
            "Situation socio-professionnelle",
            Genre.code,
            codes=SITUATIONS_PRO,
            note="Celle du ménage (du demandeur), sur la ligne du demandeur.",
            exemple="En emploi",
        ),
    ),
    note="Une ligne par personne du ménage ; la situation du ménage sur la ligne du demandeur.",
)

RESSOURCES_DETTES = Feuille(
    "ressources_dettes",
    "Ressources et dettes",
    (
        REF_MENAGE,
        Colonne("nature", "Nature", Genre.code, obligatoire=True, codes=NATURES, exemple="Ressource"),
        Colonne(
            "type",
            "Type",
            Genre.code,
            obligatoire=True,
            codes=RESSOURCES | DETTES,
            note="Un type de ressource (RSA, AAH, salaire…) ou de dette (loyer, énergie…), selon la nature.",
            exemple="RSA",
        ),
        Colonne("montant", "Montant (euros)", Genre.entier, note="Par mois pour une ressource.", exemple="607"),
    ),
    obligatoire=False,
    note="Une ligne par ressource ou dette ; la liste d'un ménage remplace la précédente à chaque import.",
)

MESURES = Feuille(
    "mesures",
    "Mesures",
    (
        REF_MESURE,
        REF_MENAGE,
        Colonne(
            "dispositif",
            "Dispositif",
            Genre.dispositif,
            obligatoire=True,
            note="Code ou nom du dispositif.",
            exemple="300-logements",
        ),
        Colonne("cible", "Cible", Genre.cible, obligatoire=True, note="Code ou libellé d'une cible du dispositif."),
        Colonne(
            "type_accompagnement",
            "Type d'accompagnement",
            Genre.type_accompagnement,
            obligatoire=True,
            note="Code ou libellé d'un type d'accompagnement du dispositif.",
        ),
        Colonne("acces_maintien", "Accès ou maintien", Genre.code, obligatoire=True, codes=ACCES, exemple="Accès"),
        Colonne(
            "date_mandatement", "Date de mandatement", Genre.date, obligatoire=True, note=_DATE, exemple="02/05/2023"
        ),
        Colonne(
            "referent_courriel",
            "Courriel du référent",
            Genre.courriel,
            note="Courriel d'un compte actif de votre association.",
        ),
        Colonne("date_debut", "Date de début", Genre.date, note=_DATE + " ; vide : mesure pas encore commencée."),
        Colonne("adhesion_date", "Date d'adhésion", Genre.date, note=_DATE),
        Colonne("adhesion_modalite", "Modalité d'adhésion", max_longueur=200, exemple="Contrat signé"),
        Colonne("modalite_logement", "Modalité de logement", Genre.code, codes=MODALITES, exemple="Bail direct"),
        Colonne("modalite_date_debut", "Début de la modalité", Genre.date, note=_DATE),
        Colonne("modalite_date_fin", "Fin de la modalité", Genre.date, note=_DATE),
        Colonne(
            "domaines",
            "Domaines d'intervention",
            Genre.codes,
            codes=DOMAINES,
            note="Plusieurs valeurs séparées par des virgules.",
            exemple="Budget et dettes, Accès aux droits",
        ),
        Colonne("date_fin", "Date de fin", Genre.date, note=_DATE + " ; vide : mesure en cours."),
        Colonne("motif_fin", "Motif de fin", Genre.code, codes=MOTIFS, note="Obligatoire avec une date de fin."),
        Colonne(
            "situation_sortie",
            "Situation à la sortie",
            Genre.code,
            codes=SITUATIONS,
            note="Obligatoire avec une date de fin.",
        ),
    ),
    note="Une ligne par mesure, en cours ou terminée, avec ses dates passées.",
)

RENDEZ_VOUS = Feuille(
    "rendez_vous",
    "Rendez-vous",
    (
        Colonne(
            "reference_rendez_vous",
            "Référence du rendez-vous",
            obligatoire=True,
            max_longueur=60,
            note="Votre propre référence du rendez-vous ; unique dans votre association.",
            exemple="RDV-0042-1",
        ),
        REF_MESURE,
        Colonne("date", "Date", Genre.date, obligatoire=True, note=_DATE, exemple="16/05/2023"),
        Colonne("heure", "Heure", Genre.heure, note="hh:mm, heure de Paris ; vide : 09:00.", exemple="10:30"),
        Colonne("duree_minutes", "Durée (minutes)", Genre.entier, note="1 à 1440 ; vide : 60.", exemple="60"),
        Colonne("type", "Type", Genre.code, obligatoire=True, codes=TYPES_RDV, exemple="Visite à domicile"),
        Colonne("statut", "Statut", Genre.code, obligatoire=True, codes=STATUTS_RDV, exemple="Réalisé"),
    ),
    obligatoire=False,
    note="Rendez-vous passés (facultatif) : réalisés, annulés ou absences.",
)

FEUILLES: tuple[Feuille, ...] = (MENAGES, RESSOURCES_DETTES, MESURES, RENDEZ_VOUS)


def cle_entete(texte: str) -> str:
    """A header or a sheet name as compared: « Référence du ménage » → « reference du menage »,
    « reference_menage » → « reference menage »."""
    return normaliser(texte.replace("_", " ").replace("-", " ").replace("'", " ").replace("’", " "))


def feuille_nommee(nom: str) -> Feuille | None:
    """The sheet a name stands for (an XLSX sheet's name or a CSV's file name), by its name
    or its key, without case nor accents."""
    cle = cle_entete(nom.rsplit(".", 1)[0] if nom.lower().endswith(".csv") else nom)
    for f in FEUILLES:
        if cle in (cle_entete(f.nom), cle_entete(f.cle)):
            return f
    return None


def libelle_permis(colonne: Colonne, codes: dict[str, str] | None = None) -> str:
    """« what is allowed », as the report says it."""
    valeurs = codes if codes is not None else colonne.codes
    if valeurs:
        return "valeurs permises : " + ", ".join(f"{lib} ({code})" for code, lib in valeurs.items())
    return {
        Genre.date: "une date jj/mm/aaaa ou AAAA-MM-JJ",
        Genre.heure: "une heure hh:mm",
        Genre.entier: "un nombre entier positif",
        Genre.courriel: "une adresse de courriel",
    }.get(
        colonne.genre, f"un texte de {colonne.max_longueur} caractères au plus" if colonne.max_longueur else "un texte"
    )
