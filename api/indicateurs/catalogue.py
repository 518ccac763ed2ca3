"""The catalogue of indicator tables: one declaration per table, read by the engine.

Declare, then compute (Polar's ``server/polar/metrics/``: one class per metric with
its slug, label, type and the query it belongs to, listed once). Here a table is one
``Table``: code, title, one-sentence definition, unit, population, dimensions (with
their labels and the condition that opens a cell), and where its values come from —
a named ``Regroupement`` (one GROUP BY of a pass: the engine builds the passes from
the list ``REGROUPEMENTS``) or a small ``calcul`` over the grouped rows. The engine
(``moteur.py``) shapes every table the same way; the OpenAPI document lists the
codes and dimensions from this file (``schema_codes_tableaux``).

Adding a table: a ``Table`` in ``TABLES`` (and, if it needs a grouping no table has
yet, a ``Regroupement``), plus a test — see docs/indicateurs.md, « Ajouter une table ».

Definitions are templates: ``{au}`` (date of the stocks), ``{periode}`` (« du … au
… »), ``{age_titre}``/``{age_def}`` (which age the age tables count) are filled in
by the engine for a document, and with generic words for the OpenAPI document.
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import Any

from sqlalchemy import exists, false, literal
from sqlalchemy.sql.elements import ColumnElement

from api.communes import service as communes
from api.core.errors import champ_invalide
from api.indicateurs.financement import arrondi, financement, ventilation
from api.indicateurs.sql import annee_mois, table
from api.mesures.entree import CLASSES_AGE, FOYER, ISOLES_65, JEUNES_MAJEURS
from api.mesures.models import MesureDetteEntree, MesureDomaine, MesureRessourceEntree


class Unite(StrEnum):
    mesures = "mesures"
    menages = "menages"
    personnes = "personnes"
    orientations = "orientations"
    decisions = "decisions"
    rendez_vous = "rendez_vous"
    mois_mesures = "mois_mesures"
    jours = "jours"
    ans = "ans"
    euros = "euros"
    ratio = "ratio"


# A drill-down condition: the engine's queries (``moteur.Requetes``) and a cell value.
Condition = Callable[[Any, str], ColumnElement[bool]]


class Source(StrEnum):
    """What a grouping reads. The first is one statement (the pass over the mesures: a
    materialised CTE, one GROUP BY per grouping, UNION ALL), the next three another (the
    entry tables of the same mesures); each of the others is one statement. On
    PostgreSQL they are read on two connections at once (``moteur.calculer_tableaux``)."""

    mesures = "mesures"
    ressources = "ressources"
    dettes = "dettes"
    domaines = "domaines"
    orientations = "orientations"
    decisions = "decisions"
    rendez_vous = "rendez_vous"
    modalites = "modalites"  # the periods of each modalité de logement (history and current)


PASSE_MESURES = (Source.mesures, Source.ressources, Source.dettes, Source.domaines)


@dataclass(frozen=True)
class Population:
    """What a table counts, and which files its cells open (``detail``: the condition
    on the engine's queries; None: no file behind a cell)."""

    code: str
    definition: str
    dossier: str = "mesure"  # what the drill-down lists: « mesure » or « orientation »
    detail: Callable[[Any], ColumnElement[bool]] | None = None


@dataclass(frozen=True)
class Dim:
    """A dimension: its code, title, the list of labels of its values (libelles.py),
    the grouping key it reads (default: its code), how its values are listed
    (``valeurs``) and the condition a cell's value puts on the files (``detail``)."""

    code: str
    titre: str
    definition: str
    libelles: str | None = None
    cle: str | None = None
    # liste: the labels' list, then codes seen; cibles/types: the dispositifs' own;
    # tranches: the age brackets asked for; mois: the months of the period; vus: the codes
    # seen, sorted, as their own labels; fixes: ``codes``; motif_refus: the list, without
    # « non renseigné » unless seen; prescripteurs: organisations seen, by name.
    valeurs: str = "liste"
    codes: tuple[str, ...] = ()
    detail: Condition | None = None
    # the grouping key as a code (a month 202401 → « 2024-01 »)
    en_code: Callable[[Any], str] | None = None
    # the label of a value listed as seen (``valeurs="vus"``; default: the code itself)
    libelle_de: Callable[[str], str] | None = None

    @property
    def cle_groupe(self) -> str:
        return self.cle or self.code


@dataclass(frozen=True)
class Regroupement:
    """One GROUP BY: over ``source``, the rows of ``population`` (a flag the engine
    knows for that source), by ``cles``, computing ``agregats`` (names the engine knows)."""

    nom: str
    source: Source
    population: str
    cles: tuple[str, ...] = ()
    agregats: tuple[str, ...] = ("n",)


@dataclass
class Contexte:
    """What a ``calcul`` reads: the grouped rows by name (dicts of keys and aggregates),
    the filters, the months of the period and the conventions of the scope."""

    lignes: Mapping[str, list[dict[str, Any]]]
    f: Any
    mois: list[tuple[str, Any, Any]]
    conventions: Callable[[], Sequence[Any]]
    # the conventions once per funder, with its name and share (the ventilation)
    financeurs: Callable[[], Sequence[Any]] = lambda: ()

    def somme(self, regroupement: str, agregat: str = "n") -> int | float:
        return _entier(sum(r[agregat] or 0 for r in self.lignes[regroupement]))


Valeurs = Mapping[str, Any]


@dataclass(frozen=True)
class Table:
    """One table of the document."""

    code: str
    titre: str
    definition: str
    unite: Unite
    population: Population
    dimensions: tuple[Dim, ...]
    # where the values come from: a grouping summed by the dimensions' keys (``valeur``:
    # the aggregate summed; ``ou``: only the rows whose keys have these values) …
    regroupement: str | None = None
    valeur: str = "n"
    ou: Mapping[str, str] = field(default_factory=dict)
    # … or a computation over the grouped rows (a code → value per value of the dimension),
    # with the groupings it reads (``lit``): the engine runs only the groupings of the tables
    # asked for, and a grouping read but not declared is missing from ``Contexte.lignes``
    calcul: Callable[[Contexte], Valeurs] | None = None
    lit: tuple[str, ...] = ()
    # False: named figures, no total cell (averages, amounts, extremes)
    marges: bool = True
    pourcentages: bool = False
    # total and base of the percentages: the sum of this aggregate of this grouping (a
    # mesure may count in several values: ressources, domaines), else the cells' sum
    base: tuple[str, str] | None = None
    detail: bool = True


def regroupements_de(t: Table) -> set[str]:
    """The groupings a table reads: its own, those of its ``calcul``, that of its base."""
    noms = set(t.lit)
    if t.regroupement is not None:
        noms.add(t.regroupement)
    if t.base is not None:
        noms.add(t.base[0])
    return noms


def _entier(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def marge(lignes: Iterable[Mapping[str, Any]], cles: Sequence[str], valeur: str) -> dict[Any, int | float]:
    """Sum the grouped counts over the other keys (rows are groups, not files)."""
    out: dict[Any, float] = defaultdict(float)
    cle = itemgetter(*cles)  # the value for one key, the tuple of values for several
    for r in lignes:
        out[cle(r)] += r[valeur] or 0
    return {k: _entier(v) for k, v in out.items()}


def moyenne_mediane(distribution: Iterable[tuple[Any, Any]]) -> dict[str, float | None]:
    """Count, mean and median of a distribution given as (value, how many) pairs; the
    median of an even count is the mean of the two middle values."""
    valeurs = sorted((int(x), int(k)) for x, k in distribution if k)
    n = sum(k for _, k in valeurs)
    if not n:
        return {"nombre": 0, "moyenne": None, "mediane": None}
    rangs, cumul, milieu = {(n + 1) // 2, (n + 2) // 2}, 0, []
    for x, k in valeurs:
        milieu += [x for r in rangs if cumul < r <= cumul + k]
        cumul += k
    return {
        "nombre": n,
        "moyenne": round(sum(x * k for x, k in valeurs) / n, 1),
        "mediane": round(sum(milieu) / len(milieu), 1),
    }


def _ym(v: Any) -> str:
    n = int(v)
    return f"{n // 100:04d}-{n % 100:02d}"


# --- drill-down conditions -----------------------------------------------------------


def egal(expression: str) -> Condition:
    """The value of one of the engine's named expressions (``Requetes.expression``)."""
    return lambda q, v: q.expression(expression) == v


def mois_de(colonne: str) -> Condition:
    def cond(q: Any, v: str) -> ColumnElement[bool]:
        try:
            y, mm = (int(x) for x in v.split("-"))
        except ValueError:
            raise champ_invalide("cellule", "mois au format AAAA-MM attendu", v) from None
        return annee_mois(q.m.c[colonne]) == y * 100 + mm

    return cond


def _annee(q: Any, v: str) -> ColumnElement[bool]:
    if not v.isdigit():
        raise champ_invalide("cellule", "année attendue", v)
    return q.expression("annee_orientation") == int(v)  # type: ignore[no-any-return]


def dans(model: Any, colonne: str) -> Condition:
    """The mesure has a row of ``model`` (an entry table) with this value."""
    t = table(model)
    return lambda q, v: exists().where(t.c.mesure_id == q.m.c.id, t.c[colonne] == v)


def _procedures(q: Any, v: str) -> ColumnElement[bool]:
    n = q.m.c.entree_nb_procedures_expulsion
    if v == "3_plus":
        return n >= 3  # type: ignore[no-any-return]
    return n == (int(v) if v.isdigit() else -1)  # type: ignore[no-any-return]


def _uuid(v: str) -> uuid.UUID:
    try:
        return uuid.UUID(v)
    except ValueError:
        raise champ_invalide("cellule", "identifiant d'organisation (UUID) attendu", v) from None


def _prescripteur(q: Any, v: str) -> ColumnElement[bool]:
    return q.o.c.prescripteur_organisation_id == _uuid(v)  # type: ignore[no-any-return]


def _suivi(q: Any, v: str) -> ColumnElement[bool]:
    return q.m.c.suivi_realise_le.is_not(None) if v == "realise" else literal(True)


# --- populations -----------------------------------------------------------------------

FA_DEF = (
    "Mesures en cours au {au} : mandatées au plus tard ce jour et non terminées ce jour "
    "ou avant (date de fin vide ou postérieure)"
)
SORTIES_DEF = "Mesures terminées {periode} (date de fin dans la période)"
RECUES_DEF = "Orientations reçues {periode} (date de réception dans la période)"
DEC_DEF = (
    "Décisions prises {periode} : chaque événement de décision compte (une orientation "
    "ajournée deux fois compte deux ajournements)"
)

FILE_ACTIVE = Population("file_active", FA_DEF + ".", detail=lambda q: q.fa)
ENTREES = Population("entrees", "Mesures mandatées {periode}.", detail=lambda q: q.entrees)
SORTIES = Population("sorties", SORTIES_DEF + ".", detail=lambda q: q.sorties)
PERIODE = Population("periode", "Mesures actives au moins un jour {periode}.", detail=lambda q: q.periode)
SUIVIS = Population(
    "suivis", "Mesures terminées dont le suivi à 6 mois était prévu {periode}.", detail=lambda q: q.suivis
)
RECUES = Population("orientations_recues", RECUES_DEF + ".", dossier="orientation", detail=lambda q: q.recues)
DECISIONS = Population("decisions", DEC_DEF + ".", dossier="decision", detail=lambda q: q.decisions)
REFUS = Population("refus", DEC_DEF + " ; refus seulement.", dossier="decision", detail=lambda q: q.refus)
RENDEZ_VOUS = Population("rendez_vous", "Rendez-vous (contacts) datés {periode}.")
PRESENCES = Population(
    "presences", "Rendez-vous datés {periode} réalisés ou manqués (absent) : ceux où le ménage était attendu."
)
ENTREES_MODALITE = Population(
    "entrees_modalite",
    "Entrées dans une modalité de logement {periode} : périodes d'une modalité commençant dans la période.",
)
SORTIES_MODALITE = Population(
    "sorties_modalite",
    "Sorties d'une modalité de logement {periode} : périodes d'une modalité finissant dans la période.",
)
MOIS_ACTIFS = Population("mois_actifs", "Mois de la période où chaque mesure a été active au moins un jour.")
CONVENTIONS = Population(
    "conventions", "Conventions du périmètre couvrant au moins un jour {periode}, une fois par financeur."
)
PERSONNES = Population("personnes", "Personnes des ménages de la file active au {au}, relevées à l'entrée.")

# --- dimensions ------------------------------------------------------------------------

STATUT_MESURE = Dim(
    "statut_mesure",
    "Statut de la mesure",
    "Statut en vigueur à la date « au »",
    "statut_mesure",
    detail=egal("statut_mesure"),
)
CIBLE = Dim(
    "cible",
    "Cible",
    "Cible en vigueur à la date « au » (codes des cibles du dispositif)",
    "cible",
    valeurs="cibles",
    detail=egal("cible"),
)
SEXE = Dim("sexe", "Sexe du demandeur", "Sexe du demandeur relevé à l'entrée", "sexe", detail=egal("sexe"))
TRANCHE_AGE = Dim(
    "tranche_age",
    "Tranche d'âge du demandeur {age_titre}",
    "Tranche d'âge du demandeur (bornes : paramètre tranches_age ; âge : paramètre age)",
    "tranche_age",
    valeurs="tranches",
    detail=egal("tranche_age"),
)
ACCES_MAINTIEN = Dim(
    "acces_maintien",
    "Accès / maintien",
    "Accès à un logement ou maintien, en vigueur à la date « au »",
    "acces_maintien",
    detail=egal("acces_maintien"),
)
MODALITE_LOGEMENT = Dim(
    "modalite_logement",
    "Modalité de logement",
    "Modalité de logement en vigueur à la date « au »",
    "modalite_logement",
    detail=egal("modalite_logement"),
)
COMPOSITION = Dim(
    "composition",
    "Composition du ménage",
    "Composition du ménage à l'entrée",
    "composition",
    detail=egal("composition"),
)
STATUT_OCCUPATION = Dim(
    "statut_occupation",
    "Statut d'occupation",
    "Statut d'occupation du logement à l'entrée",
    "situation_logement",
    detail=egal("statut_occupation"),
)
SITUATION_PROFESSIONNELLE = Dim(
    "situation_professionnelle",
    "Situation socio-professionnelle",
    "Situation socio-professionnelle du ménage à l'entrée",
    "situation_professionnelle",
    valeurs="liste_complete",
    detail=egal("situation_professionnelle"),
)
ANNEE_ORIENTATION = Dim(
    "annee_orientation",
    "Année d'orientation",
    "Année de réception de l'orientation (ou du mandatement)",
    valeurs="vus",
    detail=_annee,
    en_code=lambda v: str(int(v)),
)
COMMUNE = Dim(
    "commune",
    "Commune (INSEE)",
    "Code INSEE de la commune du logement à l'entrée",
    valeurs="vus",
    detail=egal("commune"),
)
# Where a household lives at its exit, from the situation de logement à la sortie: a
# dwelling of its own (relogé ou maintenu), a dwelling with a third party between it and
# the owner or a place to stay (sous-location, IML, transition, structure), or neither.
LOGEMENT_SORTIE: dict[str, tuple[str, ...]] = {
    "logement_autonome": ("locataire_parc_public", "locataire_parc_prive", "proprietaire"),
    "logement_accompagne": ("sous_locataire", "logement_transition", "structure"),
    "sans_logement_propre": ("heberge_tiers", "hebergement", "sans_logement", "detention", "hopital", "autre"),
}


def _logement_sortie(situation: Any) -> str:
    for code, situations in LOGEMENT_SORTIE.items():
        if situation in situations:
            return code
    return NON_RENSEIGNE_SORTIE


NON_RENSEIGNE_SORTIE = "non_renseigne"


def _cond_logement_sortie(q: Any, v: str) -> ColumnElement[bool]:
    if v == NON_RENSEIGNE_SORTIE:
        connues = [x for xs in LOGEMENT_SORTIE.values() for x in xs]
        return q.m.c.situation_sortie.is_(None) | q.m.c.situation_sortie.not_in(connues)  # type: ignore[no-any-return]
    if v not in LOGEMENT_SORTIE:
        raise champ_invalide("cellule", f"valeurs permises : {', '.join([*LOGEMENT_SORTIE, NON_RENSEIGNE_SORTIE])}", v)
    return q.m.c.situation_sortie.in_(LOGEMENT_SORTIE[v])  # type: ignore[no-any-return]


LOGEMENT_A_LA_SORTIE = Dim(
    "logement_sortie",
    "Logement à la sortie",
    "Situation de logement à la sortie, regroupée : logement autonome (locataire du parc public ou privé, "
    "propriétaire), logement accompagné (sous-location / IML, logement de transition, structure), sans "
    "logement propre (hébergé, hébergement, sans logement, détention, hôpital, autre), non renseignée",
    "logement_sortie",
    valeurs="liste_complete",
    detail=_cond_logement_sortie,
)
MODALITE_FLUX = Dim(
    "modalite_logement",
    "Modalité de logement",
    "Modalité de logement de la période qui commence ou finit",
    "modalite_logement",
)
MOMENT_MODALITE = Dim(
    "moment_modalite",
    "Moment de l'entrée",
    "Entrée dans la modalité au mandatement de la mesure, ou en cours de mesure (un basculement, ou le "
    "premier logement d'une mesure commencée sans)",
    "moment_modalite",
    valeurs="liste_complete",
)
ISSUE_MODALITE = Dim(
    "issue_modalite",
    "Issue",
    "Ce qui clôt la période de la modalité : un changement de modalité, la fin de la modalité enregistrée, "
    "ou la fin de la mesure",
    "issue_modalite",
    valeurs="liste_complete",
)
ECHEANCE_DUREE_MAX = Dim(
    "echeance_duree_max",
    "Durée maximale",
    "Où en est la mesure au regard de la durée maximale d'accompagnement de son dispositif, au jour « au »",
    "echeance_duree_max",
    valeurs="liste_complete",
    detail=egal("echeance_duree_max"),
)
NON_RENSEIGNE = "non_renseigne"
HORS_REFERENTIEL = "hors_referentiel"
LIBELLES_TERRITOIRE = {NON_RENSEIGNE: "Commune non renseignée", HORS_REFERENTIEL: "Commune hors du référentiel"}


def _territoire(commune: str, niveau: str) -> str:
    """The EPCI (SIREN) or the département of a commune, from the communes référentiel."""
    if commune == NON_RENSEIGNE:
        return NON_RENSEIGNE
    t = communes.territoire(commune)
    if t is None:
        return HORS_REFERENTIEL
    if niveau == "epci":
        return t.epci or HORS_REFERENTIEL
    return t.departement


def _dans_territoire(niveau: str) -> Condition:
    """The mesures whose commune at entry is in this EPCI or département (the référentiel's
    list of its communes); « non renseignée »: no commune; a commune outside the
    référentiel opens no file (it cannot be listed without the whole référentiel)."""

    def cond(q: Any, v: str) -> ColumnElement[bool]:
        c = q.m.c.entree_commune_insee
        if v == NON_RENSEIGNE:
            return c.is_(None)  # type: ignore[no-any-return]
        codes = communes.communes_de(**{niveau: v})
        return c.in_(codes) if codes else false()

    return cond


def _nom_epci(code: str) -> str:
    return LIBELLES_TERRITOIRE.get(code) or communes.territoires().epci.get(code) or code


def _nom_departement(code: str) -> str:
    nom = communes.territoires().departements.get(code)
    return LIBELLES_TERRITOIRE.get(code) or (f"{code} — {nom}" if nom else code)


EPCI = Dim(
    "epci",
    "EPCI",
    "EPCI (SIREN) de la commune du logement à l'entrée, d'après le référentiel des communes",
    valeurs="vus",
    detail=_dans_territoire("epci"),
    libelle_de=_nom_epci,
)
DEPARTEMENT = Dim(
    "departement",
    "Département",
    "Département de la commune du logement à l'entrée, d'après le référentiel des communes",
    valeurs="vus",
    detail=_dans_territoire("departement"),
    libelle_de=_nom_departement,
)
TYPE_ACCOMPAGNEMENT = Dim(
    "type_accompagnement",
    "Type d'accompagnement",
    "Type d'accompagnement en vigueur à la date « au »",
    "type_accompagnement",
    valeurs="types",
    detail=egal("type_accompagnement"),
)
RESSOURCE = Dim(
    "ressource",
    "Type de ressource",
    "Type de ressource perçue à l'entrée",
    "ressource",
    detail=dans(MesureRessourceEntree, "type"),
)
DETTE = Dim("dette", "Type de dette", "Type de dette à l'entrée", "dette", detail=dans(MesureDetteEntree, "type"))
PROCEDURES = Dim(
    "procedures",
    "Procédures d'expulsion",
    "Nombre de procédures d'expulsion connues à l'entrée",
    "procedures",
    detail=_procedures,
)
CLASSE_AGE = Dim("classe_age", "Classe d'âge", "Classe d'âge d'une personne à l'entrée", "classe_age_personne")
CLASSE_AGE_FOYER = Dim(
    "classe_age_foyer",
    "Classe d'âge et place au foyer",
    "Classe d'une personne à l'entrée, comme le seed 004 : mineur, jeune majeur encore au domicile "
    "familial, adulte, personne isolée de 65 ans et plus",
    "classe_age_foyer",
    valeurs="liste_complete",
)
MOIS = Dim("mois", "Mois", "Mois de la période (AAAA-MM)", valeurs="mois")
MOIS_ENTREE = Dim(
    "mois",
    "Mois",
    "Mois de la période (AAAA-MM)",
    cle="mois_entree",
    valeurs="mois",
    detail=mois_de("date_mandatement"),
    en_code=_ym,
)
MOIS_FIN = Dim("mois", "Mois", "Mois de la période (AAAA-MM)", valeurs="mois", detail=mois_de("date_fin"), en_code=_ym)
MOTIF_FIN = Dim("motif_fin", "Motif de fin", "Motif de fin de la mesure", "motif_fin", detail=egal("motif_fin"))
SITUATION_SORTIE = Dim(
    "situation_sortie",
    "Situation à la sortie",
    "Situation de logement à la sortie",
    "situation_logement",
    detail=egal("situation_sortie"),
)
DUREE = Dim("duree", "Durée", "Durée de la mesure terminée, en mois révolus", "duree", detail=egal("duree"))
STATUT_ORIENTATION = Dim(
    "statut_orientation",
    "Statut",
    "Statut actuel de l'orientation",
    "statut_orientation",
    detail=egal("statut_orientation"),
)
ORIGINE = Dim("origine", "Origine", "Origine de l'orientation", "origine", detail=egal("origine"))
PRESCRIPTEUR = Dim(
    "prescripteur",
    "Organisation prescriptrice",
    "Organisation prescriptrice (identifiant)",
    valeurs="prescripteurs",
    detail=_prescripteur,
    en_code=str,
)
DECISION = Dim("decision", "Décision", "Issue de la décision", "decision", detail=egal("decision"))
MOTIF_REFUS = Dim(
    "motif_refus",
    "Motif de refus",
    "Motif du refus de la commission",
    "motif_refus",
    valeurs="motif_refus",
    detail=egal("motif_refus"),
)
TYPE_RDV = Dim("type_rdv", "Type", "Type de rendez-vous", "type_rdv")
STATUT_RDV = Dim("statut_rdv", "Statut", "Statut du rendez-vous", "statut_rdv")
RAPPEL = Dim(
    "rappel", "Rappel", "Le ménage a reçu au moins un rappel de ce rendez-vous (SMS ou courriel), ou aucun", "rappel"
)
PRESENCE_RDV = Dim("presence_rdv", "Présence", "Rendez-vous réalisé, ou manqué (absent)", "presence_rdv")
DOMAINE = Dim(
    "domaine",
    "Domaine",
    "Domaine d'intervention travaillé par la mesure",
    "domaine",
    detail=dans(MesureDomaine, "domaine"),
)
FINANCEUR = Dim(
    "financeur",
    "Financeur",
    "Organisation qui finance ou cofinance les conventions (identifiant ; libellé : son nom)",
    valeurs="financeurs",
)
SUIVI = Dim("suivi", "Suivi", "Suivi à 6 mois dû ou réalisé", "suivi", valeurs="liste_complete", detail=_suivi)


def indicateurs(*codes: str, titre: str = "Indicateur") -> Dim:
    """The dimension of a table of named figures (no total): one value per figure."""
    return Dim(
        "indicateur",
        titre,
        "Chiffre nommé d'une table sans total",
        "mesure_indicateur",
        valeurs="fixes",
        codes=codes,
    )


# --- groupings: the engine builds the passes from this list --------------------------------

CLASSES = tuple(col for col, _ in CLASSES_AGE)
MINIMA_SOCIAUX = ("aah", "rsa", "are")

REGROUPEMENTS: tuple[Regroupement, ...] = (
    # The file active grouped once by cible × age × sexe × statut × accès/maintien: five
    # tables are margins of it (and the persons by age class, the extreme ages).
    Regroupement(
        "file_active_demandeur",
        Source.mesures,
        "fa",
        ("cible", "tranche_age", "sexe", "statut_mesure", "acces_maintien"),
        ("n", "age_min", "age_max", *CLASSES, *FOYER),
    ),
    Regroupement(
        "file_active_situation",
        Source.mesures,
        "fa",
        ("modalite_logement", "composition", "statut_occupation", "annee_orientation"),
    ),
    Regroupement("file_active_situation_professionnelle", Source.mesures, "fa", ("situation_professionnelle",)),
    Regroupement("file_active_commune", Source.mesures, "fa", ("commune",)),
    Regroupement("file_active_type", Source.mesures, "fa", ("type_accompagnement",)),
    Regroupement("file_active_procedures", Source.mesures, "fa", ("procedures",), ("n", "endettes", "dette_locative")),
    # (mesure_id, type) is the key of the entry snapshot: once per type without DISTINCT.
    Regroupement("file_active_ressources", Source.ressources, "fa", ("ressource",)),
    Regroupement("file_active_minima", Source.ressources, "minima_sociaux", (), ("mesures_distinctes",)),
    Regroupement("file_active_dettes", Source.dettes, "fa", ("dette",), ("n", "montant")),
    Regroupement("entrees", Source.mesures, "en", ("mois_entree",)),
    Regroupement("sorties", Source.mesures, "so", ("mois", "motif_fin", "situation_sortie", "duree")),
    # each mesure's first and last active month of the period
    Regroupement("mois_actifs", Source.mesures, "sp", ("premier", "dernier")),
    Regroupement("periode", Source.mesures, "pe", (), ("n", "menages")),
    Regroupement("domaines", Source.domaines, "pe", ("domaine",)),
    Regroupement("suivis", Source.mesures, "su", (), ("n", "suivis_faits")),
    Regroupement("delai_premier_rdv", Source.mesures, "delai_rdv", ("delai_rdv",)),
    Regroupement("file_active_referent", Source.mesures, "fa", ("referent",)),
    Regroupement("file_active_duree_max", Source.mesures, "fa", ("echeance_duree_max",)),
    Regroupement(
        "orientations_recues",
        Source.orientations,
        "recues",
        ("statut_orientation", "origine", "prescripteur", "nom_prescripteur"),
    ),
    # decisions and their delay in one grouping: the delay's distribution (a few hundred
    # distinct day counts) gives the mean and the median
    Regroupement("decisions", Source.decisions, "decisions", ("decision", "motif_refus", "delai")),
    Regroupement("rendez_vous", Source.rendez_vous, "periode", ("type_rdv", "statut_rdv")),
    # the rendez-vous where the household was expected, by whether a reminder was sent (api/rappels/)
    Regroupement("absences_rappel", Source.rendez_vous, "presences", ("rappel", "presence_rdv")),
    # entries into and exits from each modalité de logement (IML, logement de transition…)
    Regroupement("entrees_modalite", Source.modalites, "entrees_modalite", ("modalite_logement", "moment_modalite")),
    Regroupement("sorties_modalite", Source.modalites, "sorties_modalite", ("modalite_logement", "issue_modalite")),
)


# --- computations of the tables that are not a margin -------------------------------------


def _ages_extremes(c: Contexte) -> Valeurs:
    ages = [a for r in c.lignes["file_active_demandeur"] for a in (r["age_min"], r["age_max"]) if a is not None]
    return {"plus_jeune": int(min(ages)) if ages else None, "plus_age": int(max(ages)) if ages else None}


def _minima(c: Contexte) -> Valeurs:
    return {"nombre": int(c.somme("file_active_minima", "mesures_distinctes"))}


def _dette_locative(c: Contexte) -> Valeurs:
    endettes = int(c.somme("file_active_procedures", "endettes"))
    montant = int(c.somme("file_active_procedures", "dette_locative"))
    return {
        "avec_dette_locative": endettes,
        "montant_total": montant,
        "montant_moyen": round(montant / endettes, 1) if endettes else None,
    }


def _personnes(c: Contexte) -> Valeurs:
    return {code: sum(int(r[col] or 0) for r in c.lignes["file_active_demandeur"]) for col, code in CLASSES_AGE}


def _personnes_foyer(c: Contexte) -> Valeurs:
    """Seed 004's classes from the counts at entry: the young adults at home and the
    persons of 65 or more living alone are counted apart, the other adults are the rest."""
    lignes = c.lignes["file_active_demandeur"]

    def somme(*cols: str) -> int:
        return sum(int(r[col] or 0) for r in lignes for col in cols)

    jeunes, isoles = somme(JEUNES_MAJEURS), somme(ISOLES_65)
    return {
        "mineur": somme("entree_nb_mineurs"),
        "jeune_majeur_domicile": jeunes,
        "adulte": somme("entree_nb_18_25", "entree_nb_26_64", "entree_nb_65_plus") - jeunes - isoles,
        "isole_65_plus": isoles,
        "non_renseigne": somme("entree_nb_age_inconnu"),
    }


def _actives_par_mois(c: Contexte) -> dict[str, int]:
    """Every month between a mesure's first and last active month counts once."""
    par_rang = [0] * len(c.mois)
    for r in c.lignes["mois_actifs"]:
        for k in range(int(r["premier"]), int(r["dernier"]) + 1):
            par_rang[k] += int(r["n"])
    return {code: par_rang[k] for k, (code, _, _) in enumerate(c.mois)}


def _activite(c: Contexte) -> Valeurs:
    mois_mesures = sum(_actives_par_mois(c).values())
    n_mois = len(c.mois)
    fin = financement(c.conventions(), c.f.du, c.f.au)
    objectif, budget, mmf = fin["objectif"], fin["budget"], fin["mois_mesures_finances"]
    mmf_total = fin["mois_mesures_finances_total"]
    menages = sum(int(r["menages"] or 0) for r in c.lignes["periode"])
    return {
        "mois_mesures": mois_mesures,
        "mois_periode": n_mois,
        "activite_moyenne": round(mois_mesures / n_mois, 1),
        "objectif_menages": arrondi(objectif),
        "taux_activite": round(100 * mois_mesures / n_mois / objectif, 1) if objectif else None,
        "mois_mesures_finances": arrondi(mmf),
        # realised against the conventions' whole: a funder's share of both gives the same rate
        "taux_mois_mesures": round(100 * mois_mesures / mmf_total, 1) if mmf_total else None,
        "budget_periode": arrondi(budget),
        "menages_accompagnes": menages,
        "cout_par_menage": round(budget / menages) if budget and menages else None,
        "cout_par_mois_mesure": round(budget / mois_mesures) if budget and mois_mesures else None,
    }


def _ventilation(quoi: str) -> Callable[[Contexte], Valeurs]:
    def calcul(c: Contexte) -> Valeurs:
        lignes = [(uuid.UUID(str(r[0])), *r[2:]) for r in c.financeurs()]
        par_financeur = ventilation(lignes, c.f.du, c.f.au)
        return {k: arrondi(v[quoi]) for k, v in par_financeur.items() if v[quoi] is not None}

    return calcul


def _menages_accompagnes(c: Contexte) -> Valeurs:
    return {"nombre": int(c.somme("periode", "menages"))}


def _sorties_logement(c: Contexte) -> Valeurs:
    out: dict[str, int] = defaultdict(int)
    for r in c.lignes["sorties"]:
        out[_logement_sortie(r["situation_sortie"])] += int(r["n"])
    return dict(out)


def _par_territoire(niveau: str) -> Callable[[Contexte], Valeurs]:
    """The file active by commune, summed by EPCI or département (the référentiel is in
    memory: no join, the grouping by commune is already in the pass)."""

    def calcul(c: Contexte) -> Valeurs:
        out: dict[str, int] = defaultdict(int)
        for r in c.lignes["file_active_commune"]:
            out[_territoire(str(r["commune"]), niveau)] += int(r["n"])
        return dict(out)

    return calcul


def _delai_decision(c: Contexte) -> Valeurs:
    lignes = [r for r in c.lignes["decisions"] if r["delai"] is not None]
    return moyenne_mediane(marge(lignes, ["delai"], "n").items())


def _delai_premier_rdv(c: Contexte) -> Valeurs:
    return moyenne_mediane((int(r["delai_rdv"]), r["n"]) for r in c.lignes["delai_premier_rdv"])


def _suivis(c: Contexte) -> Valeurs:
    return {"du": int(c.somme("suivis")), "realise": int(c.somme("suivis", "suivis_faits"))}


def _charge_referents(c: Contexte) -> Valeurs:
    """Mesures of the file active per référent in force at D. A référent's id comes from
    the mesure or from its history (two spellings of a UUID): read as UUIDs."""
    par_referent: dict[uuid.UUID, int] = defaultdict(int)
    sans = 0
    for r in c.lignes["file_active_referent"]:
        if r["referent"] is None:
            sans += int(r["n"])
        else:
            par_referent[uuid.UUID(str(r["referent"]))] += int(r["n"])
    charges = list(par_referent.values())
    return {
        "referents": len(charges),
        "mesures_par_referent": round(sum(charges) / len(charges), 1) if charges else None,
        "mediane_par_referent": round(float(statistics.median(charges)), 1) if charges else None,
        "maximum_par_referent": max(charges) if charges else None,
        "sans_referent": sans,
    }


# --- the tables, in the order of the document ----------------------------------------------

AGE = "{age_titre}"
TABLES: tuple[Table, ...] = (
    Table(
        "file_active",
        "File active par statut",
        FA_DEF + ", par statut de la mesure ce jour (statut en vigueur à cette date, lu dans l'historique "
        "de la mesure).",
        Unite.mesures,
        FILE_ACTIVE,
        (STATUT_MESURE,),
        "file_active_demandeur",
    ),
    Table(
        "file_active_cible",
        "File active par cible",
        FA_DEF + ", par cible en vigueur ce jour (une réorientation postérieure ne la change pas).",
        Unite.mesures,
        FILE_ACTIVE,
        (CIBLE,),
        "file_active_demandeur",
    ),
    Table(
        "file_active_sexe",
        "File active par sexe du demandeur",
        FA_DEF + ", par sexe de la personne « demandeur » du ménage, relevé à l'entrée (au mandatement).",
        Unite.mesures,
        FILE_ACTIVE,
        (SEXE,),
        "file_active_demandeur",
        pourcentages=True,
    ),
    Table(
        "file_active_age_cible",
        "File active par cible et tranche d'âge " + AGE,
        FA_DEF + ", par cible en vigueur ce jour et par âge du demandeur {age_def} (borne basse incluse).",
        Unite.mesures,
        FILE_ACTIVE,
        (CIBLE, TRANCHE_AGE),
        "file_active_demandeur",
    ),
    Table(
        "file_active_age_extremes",
        "Âge " + AGE + " du plus jeune et du plus âgé",
        "Âge {age_def}, du demandeur le plus jeune et du plus âgé de la file active.",
        Unite.ans,
        FILE_ACTIVE,
        (indicateurs("plus_jeune", "plus_age"),),
        calcul=_ages_extremes,
        lit=("file_active_demandeur",),
        marges=False,
        detail=False,
    ),
    Table(
        "file_active_acces_maintien",
        "File active : accès ou maintien",
        FA_DEF + ", selon que la mesure vise ce jour l'accès à un logement ou le maintien dans le logement, "
        "avec leur part en %.",
        Unite.mesures,
        FILE_ACTIVE,
        (ACCES_MAINTIEN,),
        "file_active_demandeur",
        pourcentages=True,
    ),
    Table(
        "file_active_modalite_logement",
        "File active par modalité de logement",
        FA_DEF + ", par modalité de logement en vigueur ce jour (bail direct, sous-location / GLA, IML…), à "
        "partir de sa date de début.",
        Unite.mesures,
        FILE_ACTIVE,
        (MODALITE_LOGEMENT,),
        "file_active_situation",
    ),
    Table(
        "file_active_composition",
        "File active par composition du ménage",
        FA_DEF + ", par composition du ménage à l'entrée (relevée au mandatement).",
        Unite.mesures,
        FILE_ACTIVE,
        (COMPOSITION,),
        "file_active_situation",
    ),
    Table(
        "file_active_statut_occupation",
        "File active par statut d'occupation à l'entrée",
        FA_DEF + ", par statut d'occupation du logement à l'entrée (relevé au mandatement).",
        Unite.mesures,
        FILE_ACTIVE,
        (STATUT_OCCUPATION,),
        "file_active_situation",
    ),
    Table(
        "file_active_situation_professionnelle",
        "File active par situation socio-professionnelle à l'entrée",
        FA_DEF + ", par situation socio-professionnelle du ménage à l'entrée (relevée au mandatement) : en "
        "emploi ; au foyer, invalide, handicapé ou retraité ; étudiant, stagiaire ou apprenti ; sans emploi ; "
        "avec leur part en %.",
        Unite.mesures,
        FILE_ACTIVE,
        (SITUATION_PROFESSIONNELLE,),
        "file_active_situation_professionnelle",
        pourcentages=True,
    ),
    Table(
        "file_active_annee_orientation",
        "File active par année d'orientation",
        FA_DEF + ", par année de réception de l'orientation (année du mandatement si la mesure a été ouverte "
        "sans orientation).",
        Unite.mesures,
        FILE_ACTIVE,
        (ANNEE_ORIENTATION,),
        "file_active_situation",
    ),
    Table(
        "file_active_commune",
        "File active par commune",
        FA_DEF + ", par commune (code INSEE) du logement à l'entrée.",
        Unite.mesures,
        FILE_ACTIVE,
        (COMMUNE,),
        "file_active_commune",
    ),
    Table(
        "file_active_epci",
        "File active par EPCI",
        FA_DEF + ", par EPCI (intercommunalité) de la commune du logement à l'entrée, d'après le référentiel "
        "des communes.",
        Unite.mesures,
        FILE_ACTIVE,
        (EPCI,),
        calcul=_par_territoire("epci"),
        lit=("file_active_commune",),
    ),
    Table(
        "file_active_departement",
        "File active par département",
        FA_DEF + ", par département de la commune du logement à l'entrée, d'après le référentiel des communes.",
        Unite.mesures,
        FILE_ACTIVE,
        (DEPARTEMENT,),
        calcul=_par_territoire("departement"),
        lit=("file_active_commune",),
    ),
    Table(
        "file_active_type_accompagnement",
        "File active par type d'accompagnement",
        FA_DEF + ", par type d'accompagnement en vigueur ce jour.",
        Unite.mesures,
        FILE_ACTIVE,
        (TYPE_ACCOMPAGNEMENT,),
        "file_active_type",
    ),
    Table(
        "file_active_duree_max",
        "File active au regard de la durée maximale d'accompagnement",
        FA_DEF + ", selon la durée maximale d'accompagnement du dispositif (en mois révolus depuis le début de "
        "l'accompagnement, ou le mandatement s'il n'avait pas commencé ce jour) : déjà atteinte ce jour, "
        "atteinte dans les douze mois qui suivent, plus tard, ou dispositif sans durée maximale.",
        Unite.mesures,
        FILE_ACTIVE,
        (ECHEANCE_DUREE_MAX,),
        "file_active_duree_max",
    ),
    Table(
        "file_active_ressources",
        "File active par type de ressources à l'entrée",
        FA_DEF + " ; nombre de ménages percevant chaque type de ressource à l'entrée (un ménage compte une "
        "fois par type, et dans plusieurs types s'il en perçoit plusieurs) ; % de la file active.",
        Unite.menages,
        FILE_ACTIVE,
        (RESSOURCE,),
        "file_active_ressources",
        pourcentages=True,
        base=("file_active_demandeur", "n"),
    ),
    Table(
        "file_active_minima_sociaux",
        "Ménages bénéficiaires de l'AAH, du RSA ou de l'ARE",
        FA_DEF + " ; ménages percevant à l'entrée au moins l'une de ces ressources (comptés une fois).",
        Unite.menages,
        FILE_ACTIVE,
        (Dim("indicateur", "Indicateur", "Chiffre nommé", "minima_sociaux", valeurs="fixes", codes=("nombre",)),),
        calcul=_minima,
        lit=("file_active_minima",),
        marges=False,
        detail=False,
    ),
    Table(
        "file_active_dettes",
        "File active par type de dette à l'entrée",
        FA_DEF + " ; nombre de ménages ayant à l'entrée une dette de chaque type (une fois par type).",
        Unite.menages,
        FILE_ACTIVE,
        (DETTE,),
        "file_active_dettes",
        pourcentages=True,
        base=("file_active_demandeur", "n"),
    ),
    Table(
        "file_active_procedures_expulsion",
        "File active par nombre de procédures d'expulsion à l'entrée",
        FA_DEF + " ; nombre de procédures d'expulsion connues à l'entrée.",
        Unite.mesures,
        FILE_ACTIVE,
        (PROCEDURES,),
        "file_active_procedures",
    ),
    Table(
        "file_active_dette_locative",
        "Dette locative à l'entrée",
        FA_DEF + " ; montant de la dette de loyer déclarée à l'entrée : nombre de ménages endettés, total et "
        "moyenne par ménage endetté, en euros.",
        Unite.euros,
        FILE_ACTIVE,
        (indicateurs("avec_dette_locative", "montant_total", "montant_moyen"),),
        calcul=_dette_locative,
        lit=("file_active_procedures",),
        marges=False,
        detail=False,
    ),
    Table(
        "file_active_personnes_age",
        "Personnes des ménages de la file active par classe d'âge à l'entrée",
        FA_DEF + " ; les personnes du ménage à l'entrée de chaque mesure (relevées au mandatement ; une "
        "personne née depuis n'y est pas), par âge en années révolues au jour du mandatement (mineurs, "
        "18–25 ans, 26–64 ans, 65 ans et plus).",
        Unite.personnes,
        PERSONNES,
        (CLASSE_AGE,),
        calcul=_personnes,
        lit=("file_active_demandeur",),
        pourcentages=True,
        detail=False,
    ),
    Table(
        "file_active_personnes_age_foyer",
        "Personnes des ménages de la file active : mineurs, jeunes majeurs au domicile, adultes, isolés de 65 "
        "ans et plus",
        FA_DEF + " ; les personnes du ménage à l'entrée de chaque mesure (relevées au mandatement), comme le "
        "seed 004 : mineurs (moins de 18 ans), jeunes majeurs encore au domicile familial (18 à 25 ans, lien "
        "« enfant »), personnes isolées de 65 ans et plus (seule personne du ménage), adultes (les autres "
        "majeurs) ; âge en années révolues au jour du mandatement.",
        Unite.personnes,
        PERSONNES,
        (CLASSE_AGE_FOYER,),
        calcul=_personnes_foyer,
        lit=("file_active_demandeur",),
        pourcentages=True,
        detail=False,
    ),
    Table(
        "entrees_par_mois",
        "Entrées (mandatements) par mois",
        "Mesures mandatées {periode}, par mois de mandatement.",
        Unite.mesures,
        ENTREES,
        (MOIS_ENTREE,),
        "entrees",
    ),
    Table(
        "entrees_modalite_logement",
        "Entrées dans chaque modalité de logement (IML, logement de transition…)",
        "Entrées {periode} dans chaque modalité de logement (date de début de la modalité dans la période), au "
        "mandatement de la mesure ou en cours de mesure (un basculement vers l'IML compte ici) ; une mesure "
        "qui entre deux fois dans une modalité compte deux fois.",
        Unite.mesures,
        ENTREES_MODALITE,
        (MODALITE_FLUX, MOMENT_MODALITE),
        "entrees_modalite",
        detail=False,
    ),
    Table(
        "sorties_modalite_logement",
        "Sorties de chaque modalité de logement (IML, logement de transition…)",
        "Sorties {periode} de chaque modalité de logement (fin de la modalité dans la période) : vers une autre "
        "modalité, fin de la modalité enregistrée (date de fin de la modalité), ou fin de la mesure.",
        Unite.mesures,
        SORTIES_MODALITE,
        (MODALITE_FLUX, ISSUE_MODALITE),
        "sorties_modalite",
        detail=False,
    ),
    Table(
        "sorties_par_mois",
        "Sorties (fins de mesure) par mois",
        SORTIES_DEF + ", par mois de fin.",
        Unite.mesures,
        SORTIES,
        (MOIS_FIN,),
        "sorties",
    ),
    Table(
        "sorties_motif",
        "Sorties par motif de fin",
        SORTIES_DEF + ", par motif de fin.",
        Unite.mesures,
        SORTIES,
        (MOTIF_FIN,),
        "sorties",
        pourcentages=True,
    ),
    Table(
        "sorties_situation",
        "Sorties par situation de logement à la sortie",
        SORTIES_DEF + ", par situation de logement à la sortie.",
        Unite.mesures,
        SORTIES,
        (SITUATION_SORTIE,),
        "sorties",
        pourcentages=True,
    ),
    Table(
        "sorties_logement",
        "Sorties vers un logement (relogements)",
        SORTIES_DEF + ", selon le logement à la sortie : logement autonome (locataire du parc public ou privé, "
        "propriétaire : relogé ou maintenu), logement accompagné (sous-location / IML, logement de transition, "
        "structure), sans logement propre, ou non renseigné ; avec leur part en %.",
        Unite.mesures,
        SORTIES,
        (LOGEMENT_A_LA_SORTIE,),
        calcul=_sorties_logement,
        lit=("sorties",),
        pourcentages=True,
    ),
    Table(
        "sorties_duree",
        "Durée des mesures terminées",
        SORTIES_DEF + ", par durée en mois révolus du début de l'accompagnement (ou du mandatement s'il n'a "
        "jamais commencé) à la fin.",
        Unite.mesures,
        SORTIES,
        (DUREE,),
        "sorties",
        pourcentages=True,
    ),
    Table(
        "activite_par_mois",
        "Mesures actives par mois",
        "Pour chaque mois {periode} : mesures actives au moins un jour du mois (du mandatement, inclus, à la "
        "date de fin, exclue) ; le total est le nombre de mois-mesures.",
        Unite.mois_mesures,
        MOIS_ACTIFS,
        (MOIS,),
        calcul=_actives_par_mois,
        lit=("mois_actifs",),
        detail=False,
    ),
    Table(
        "activite",
        "Mois-mesures, activité moyenne, taux d'activité et coûts",
        "Mois-mesures {periode} ; activité moyenne = mois-mesures ÷ nombre de mois de la période ; objectif = "
        "objectifs (ménages) des conventions du périmètre pondérés par les jours de la période que chacune "
        "couvre (Σ objectif × jours couverts ÷ jours de la période) ; taux d'activité = activité moyenne ÷ "
        "objectif, en % ; quand les conventions les donnent, mois-mesures financés et budget au prorata des "
        "jours couverts, taux de réalisation des mois-mesures (réalisés ÷ financés par toutes les parts), coût "
        "par ménage accompagné sur la période et par mois-mesure réalisé, en euros. Un financeur lit sa part "
        "(part de chaque convention × budget ou mois-mesures financés ; 0 pour une convention qu'il ne finance "
        "pas) ; l'objectif en ménages et le taux d'activité sont ceux des conventions entières.",
        Unite.ratio,
        MOIS_ACTIFS,
        (
            indicateurs(
                "mois_mesures",
                "mois_periode",
                "activite_moyenne",
                "objectif_menages",
                "taux_activite",
                "mois_mesures_finances",
                "taux_mois_mesures",
                "budget_periode",
                "menages_accompagnes",
                "cout_par_menage",
                "cout_par_mois_mesure",
            ),
        ),
        calcul=_activite,
        lit=("mois_actifs", "periode"),
        marges=False,
        detail=False,
    ),
    Table(
        "activite_menages_accompagnes",
        "Ménages accompagnés sur la période",
        "Ménages distincts ayant au moins une mesure active au moins un jour {periode} (un ménage suivi deux "
        "fois compte une fois).",
        Unite.menages,
        PERIODE,
        (
            Dim(
                "indicateur",
                "Indicateur",
                "Chiffre nommé",
                "menages_accompagnes",
                valeurs="fixes",
                codes=("nombre",),
            ),
        ),
        calcul=_menages_accompagnes,
        lit=("periode",),
        marges=False,
        detail=False,
    ),
    Table(
        "activite_financeurs_budget",
        "Budget des conventions par financeur",
        "Budget des conventions du périmètre au prorata des jours de la période ({periode}) qu'elles couvrent, "
        "ventilé par financeur selon sa part de chaque convention ; un financeur ne voit que sa ligne.",
        Unite.euros,
        CONVENTIONS,
        (FINANCEUR,),
        calcul=_ventilation("budget"),
        detail=False,
    ),
    Table(
        "activite_financeurs_mois_mesures",
        "Mois-mesures financés par financeur",
        "Mois-mesures financés par les conventions du périmètre au prorata des jours de la période ({periode}) "
        "qu'elles couvrent, ventilés par financeur selon sa part de chaque convention ; un financeur ne voit "
        "que sa ligne.",
        Unite.mois_mesures,
        CONVENTIONS,
        (FINANCEUR,),
        calcul=_ventilation("mois_mesures_finances"),
        detail=False,
    ),
    Table(
        "orientations_statut",
        "Orientations reçues par statut actuel",
        RECUES_DEF + ", par statut à ce jour.",
        Unite.orientations,
        RECUES,
        (STATUT_ORIENTATION,),
        "orientations_recues",
    ),
    Table(
        "orientations_origine",
        "Orientations reçues par origine",
        RECUES_DEF + ", par origine.",
        Unite.orientations,
        RECUES,
        (ORIGINE,),
        "orientations_recues",
        pourcentages=True,
    ),
    Table(
        "orientations_prescripteur",
        "Orientations reçues par organisation prescriptrice",
        RECUES_DEF + ", par organisation prescriptrice.",
        Unite.orientations,
        RECUES,
        (PRESCRIPTEUR,),
        "orientations_recues",
    ),
    Table(
        "decisions",
        "Décisions de la commission par issue",
        DEC_DEF + ", par issue.",
        Unite.decisions,
        DECISIONS,
        (DECISION,),
        "decisions",
    ),
    Table(
        "refus_motif",
        "Refus de la commission par motif",
        DEC_DEF + " ; refus par motif.",
        Unite.decisions,
        REFUS,
        (MOTIF_REFUS,),
        "decisions",
        ou={"decision": "refusee"},
    ),
    Table(
        "delai_orientation_decision",
        "Délai entre orientation et décision",
        DEC_DEF + " ; jours de la réception de l'orientation à la décision : moyenne, médiane, nombre de décisions.",
        Unite.jours,
        DECISIONS,
        (indicateurs("moyenne", "mediane", "nombre"),),
        calcul=_delai_decision,
        lit=("decisions",),
        marges=False,
        detail=False,
    ),
    Table(
        "delai_mandatement_premier_rdv",
        "Délai entre mandatement et premier rendez-vous réalisé",
        "Mesures mandatées {periode} ayant eu un rendez-vous réalisé : jours du mandatement au premier "
        "rendez-vous réalisé (moyenne, médiane, nombre de mesures).",
        Unite.jours,
        ENTREES,
        (indicateurs("moyenne", "mediane", "nombre"),),
        calcul=_delai_premier_rdv,
        lit=("delai_premier_rdv",),
        marges=False,
        detail=False,
    ),
    Table(
        "rendez_vous",
        "Rendez-vous par type et statut",
        "Rendez-vous (contacts) datés {periode}, par type et par statut.",
        Unite.rendez_vous,
        RENDEZ_VOUS,
        (TYPE_RDV, STATUT_RDV),
        "rendez_vous",
        detail=False,
    ),
    Table(
        "absences_rappel",
        "Absences aux rendez-vous, avec et sans rappel",
        "Rendez-vous datés {periode} réalisés ou manqués (absent), selon que le ménage a reçu au moins un "
        "rappel de ce rendez-vous (SMS ou courriel) ou aucun.",
        Unite.rendez_vous,
        PRESENCES,
        (RAPPEL, PRESENCE_RDV),
        "absences_rappel",
        detail=False,
    ),
    Table(
        "domaines_intervention",
        "Domaines d'intervention",
        "Mesures actives au moins un jour {periode} travaillant chaque domaine, en % de ces mesures (une "
        "mesure compte dans chacun de ses domaines : les % se cumulent) ; le total est le nombre de mesures.",
        Unite.mesures,
        PERIODE,
        (DOMAINE,),
        "domaines",
        pourcentages=True,
        base=("periode", "n"),
    ),
    Table(
        "suivis_6_mois",
        "Suivis à 6 mois dus et réalisés",
        "Mesures terminées dont le suivi à 6 mois était prévu {periode} (dus), et parmi elles celles dont le "
        "suivi a été réalisé.",
        Unite.mesures,
        SUIVIS,
        (SUIVI,),
        calcul=_suivis,
        lit=("suivis",),
        marges=False,
    ),
    # Added through the catalogue (issue 16, seed 002 « 35 mesures par travailleur
    # social », seed 003 « un travailleur social pour 10 ménages »).
    Table(
        "charge_referents",
        "Charge par référent",
        FA_DEF + " ; référents ayant au moins une mesure de la file active ce jour (référent en vigueur à "
        "cette date, lu dans l'historique de la mesure) : leur nombre, les mesures par référent (moyenne, "
        "médiane, maximum) et les mesures sans référent.",
        Unite.ratio,
        FILE_ACTIVE,
        (
            indicateurs(
                "referents", "mesures_par_referent", "mediane_par_referent", "maximum_par_referent", "sans_referent"
            ),
        ),
        calcul=_charge_referents,
        lit=("file_active_referent",),
        marges=False,
        detail=False,
    ),
)

PAR_CODE: dict[str, Table] = {t.code: t for t in TABLES}


# --- the catalogue in the OpenAPI document -------------------------------------------------

# The templates' words for a reader of the contract (a document says its own dates).
MOTS_GENERIQUES = {
    "au": "jour « au »",
    "periode": "sur la période (de « du » à « au »)",
    "age_titre": "(âge : paramètre « age »)",
    "age_def": "à la date « au » (au mois près) ou à l'entrée selon le paramètre « age »",
}


def _dimensions_de(t: Table) -> list[str]:
    return [d.code for d in t.dimensions]


def schema_codes_tableaux() -> dict[str, Any]:
    """``Tableau.code`` in OpenAPI: the codes as an enum, each with its title,
    definition, unit and dimensions (``x-enum-descriptions``, ``x-dimensions``, and a
    table in the description), so that an integrator needs no call to discover them."""
    lignes = [
        f"* `{t.code}` — {t.titre.format(**MOTS_GENERIQUES)} ({t.unite.value} ; dimensions : "
        f"{', '.join(_dimensions_de(t))}) : {t.definition.format(**MOTS_GENERIQUES)}"
        for t in TABLES
    ]
    return {
        "type": "string",
        "title": "CodeTableau",
        "enum": [t.code for t in TABLES],
        "description": "Code stable de la table (catalogue, api/indicateurs/catalogue.py) :\n\n" + "\n".join(lignes),
        "x-enum-descriptions": [
            f"{t.titre.format(**MOTS_GENERIQUES)} — {t.definition.format(**MOTS_GENERIQUES)}" for t in TABLES
        ],
        "x-dimensions": {t.code: _dimensions_de(t) for t in TABLES},
        "examples": ["file_active_age_cible"],
    }


def dimensions_du_catalogue() -> dict[str, Dim]:
    """Every dimension code of the catalogue, with its first declaration."""
    out: dict[str, Dim] = {}
    for t in TABLES:
        for d in t.dimensions:
            out.setdefault(d.code, d)
    return out


def schema_codes_dimensions() -> dict[str, Any]:
    """``Dimension.code`` in OpenAPI: every dimension of the catalogue with its definition."""
    dims = dimensions_du_catalogue()
    return {
        "type": "string",
        "title": "CodeDimension",
        "enum": list(dims),
        "description": "Code stable de la dimension :\n\n"
        + "\n".join(f"* `{k}` — {d.titre.format(**MOTS_GENERIQUES)} : {d.definition}" for k, d in dims.items()),
        "x-enum-descriptions": [f"{d.titre.format(**MOTS_GENERIQUES)} : {d.definition}" for d in dims.values()],
        "examples": ["cible"],
    }
