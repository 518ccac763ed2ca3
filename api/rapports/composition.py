"""From a model, the narration and the indicator documents to the content of a report.

The content is plain data (titles, paragraphs, formatted tables, chart series, sentences):
the HTML, PDF and DOCX renderers all draw the same content, so the three formats say the
same figures in the same words.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from api.core.errors import champ_invalide
from api.rapports import typo
from api.rapports.livres import TABLES_CONNUES

CHAMPS_PHRASE = frozenset({"du", "au", "du_n1", "au_n1", "total", "total_n1", "variation", "unite"})
SECRET = "secret"
UNITES = {
    "mesures": "mesures",
    "menages": "ménages",
    "personnes": "personnes",
    "orientations": "orientations",
    "decisions": "décisions",
    "rendez_vous": "rendez-vous",
    "mois_mesures": "mois-mesures",
    "jours": "jours",
    "ans": "ans",
    "euros": "euros",
    "ratio": "",
}


def verifier_sections(sections: list[dict[str, Any]]) -> None:
    """A model names only known tables and only the sentence fields the renderer fills."""
    for i, s in enumerate(sections):
        if s["type"] != "calcul":
            continue
        for j, bloc in enumerate(s["tables"]):
            if bloc["table"] not in TABLES_CONNUES:
                raise champ_invalide(
                    f"body.sections.{i}.tables.{j}.table",
                    "table d'indicateurs inconnue ; tables permises : " + ", ".join(sorted(TABLES_CONNUES)),
                    bloc["table"],
                )
            phrase = bloc.get("phrase")
            if not phrase:
                continue
            try:
                champs = [c for _, c, _, _ in string.Formatter().parse(phrase) if c is not None]
            except ValueError:
                raise champ_invalide(
                    f"body.sections.{i}.tables.{j}.phrase", "accolade non fermée", phrase
                ) from None
            for c in champs:
                if c not in CHAMPS_PHRASE:
                    raise champ_invalide(
                        f"body.sections.{i}.tables.{j}.phrase",
                        f"champ {{{c}}} inconnu ; champs permis : "
                        + ", ".join("{" + x + "}" for x in sorted(CHAMPS_PHRASE)),
                        phrase,
                    )


@dataclass
class Tableau:
    entetes: list[str]
    lignes: list[list[str]]
    total_derniere_ligne: bool


@dataclass
class Graphique:
    titre: str
    etiquettes: list[str]
    series: list[tuple[str, list[float]]]  # (name, values), one value per label
    empile: bool
    alt: str


@dataclass
class Bloc:
    code: str
    titre: str
    definition: str
    phrase: str | None
    tableau: Tableau | None
    graphique: Graphique | None
    secret: bool  # some cells are withheld (statistical secrecy)


@dataclass
class SectionContenu:
    type: str
    code: str
    titre: str
    niveau: int
    paragraphes: list[str] = field(default_factory=list)
    blocs: list[Bloc] = field(default_factory=list)


@dataclass
class Contenu:
    titre: str
    sous_titre: list[str]
    sections: list[SectionContenu]
    pied: str


def _valeur(c: dict[str, Any]) -> str:
    return SECRET if c.get("masque") else typo.nombre(c.get("valeur"))


def _libelles(dim: dict[str, Any]) -> dict[str, str]:
    return {m["code"]: m["libelle"] for m in dim["valeurs"]}


def _total(t: dict[str, Any] | None) -> float | None:
    if t is None:
        return None
    for c in t["cellules"]:
        if c["cle"] == "total":
            v = c.get("valeur")
            return None if v is None else float(v)
    return None


def _par_cle(t: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {c["cle"]: c for c in t["cellules"]} if t else {}


def _homologue(t: dict[str, Any], t1: dict[str, Any] | None, cle: str, rang: int) -> dict[str, Any] | None:
    """The N-1 cell beside an N cell: the same key, or for months the same rank."""
    if t1 is None:
        return None
    if t["dimensions"] and t["dimensions"][0]["code"] == "mois" and cle != "total":
        cellules = [c for c in t1["cellules"] if c["cle"] != "total"]
        return cellules[rang] if rang < len(cellules) else None
    return _par_cle(t1).get(cle)


def _tableau_1d(t: dict[str, Any], t1: dict[str, Any] | None, col_n: str, col_n1: str) -> Tableau:
    dim = t["dimensions"][0]
    noms = _libelles(dim)
    avec_pct = any(c.get("pourcentage") is not None for c in t["cellules"])
    entetes = [dim["titre"], col_n]
    if avec_pct:
        entetes.append("%")
    if t1 is not None:
        entetes += [col_n1, "Variation"]
    lignes = []
    for rang, c in enumerate(t["cellules"]):
        code = c["dimensions"].get(dim["code"], "total")
        ligne = ["Total" if c["cle"] == "total" else noms.get(code, code), _valeur(c)]
        if avec_pct:
            ligne.append(typo.pourcent(c.get("pourcentage")))
        if t1 is not None:
            h = _homologue(t, t1, c["cle"], rang)
            ligne.append(_valeur(h) if h else "—")
            avant = None if h is None or h.get("masque") else h.get("valeur")
            apres = None if c.get("masque") else c.get("valeur")
            ligne.append(typo.variation(avant, apres))
        lignes.append(ligne)
    return Tableau(entetes, lignes, any(c["cle"] == "total" for c in t["cellules"]))


def _tableau_2d(t: dict[str, Any]) -> Tableau:
    d1, d2 = t["dimensions"]
    cel = {(c["dimensions"][d1["code"]], c["dimensions"][d2["code"]]): c for c in t["cellules"]}
    colonnes = [*(m["code"] for m in d2["valeurs"]), "total"]
    entetes = [f"{d1['titre']} \\ {d2['titre']}", *(m["libelle"] for m in d2["valeurs"]), "Total"]
    lignes = []
    for code, lib in [*((m["code"], m["libelle"]) for m in d1["valeurs"]), ("total", "Total")]:
        lignes.append([lib, *(_valeur(cel[(code, k)]) if (code, k) in cel else "—" for k in colonnes)])
    return Tableau(entetes, lignes, True)


def _graphique(t: dict[str, Any], t1: dict[str, Any] | None, serie_n: str, serie_n1: str) -> Graphique:
    def nb(c: dict[str, Any] | None) -> float:
        return float(c["valeur"]) if c and c.get("valeur") is not None else 0.0

    if len(t["dimensions"]) == 1:
        dim = t["dimensions"][0]
        cellules = [c for c in t["cellules"] if c["cle"] != "total"]
        noms = _libelles(dim)
        etiquettes = [noms.get(c["dimensions"][dim["code"]], c["cle"]) for c in cellules]
        series = [(serie_n, [nb(c) for c in cellules])]
        if t1 is not None:
            series.append((serie_n1, [nb(_homologue(t, t1, c["cle"], r)) for r, c in enumerate(cellules)]))
        empile = False
    else:
        d1, d2 = t["dimensions"]
        cel = {(c["dimensions"][d1["code"]], c["dimensions"][d2["code"]]): c for c in t["cellules"]}
        etiquettes = [m["libelle"] for m in d2["valeurs"]]
        series = [
            (m["libelle"], [nb(cel.get((m["code"], k["code"]))) for k in d2["valeurs"]]) for m in d1["valeurs"]
        ]
        empile = True
    # The alternative text says the figures themselves, not only what the chart is about.
    details = "; ".join(
        f"{nom} : " + ", ".join(f"{e} {typo.nombre(v)}" for e, v in zip(etiquettes, vals, strict=True))
        for nom, vals in series
    )
    alt = f"Graphique en barres « {t['titre']} ». {details}."
    if any(c.get("masque") for c in t["cellules"]):
        alt += " Les valeurs couvertes par le secret statistique sont portées à 0."
    return Graphique(t["titre"], etiquettes, series, empile, alt)


def _phrase(modele: str, t: dict[str, Any], t1: dict[str, Any] | None, p: dict[str, date]) -> str:
    tot, tot1 = _total(t), _total(t1)
    return modele.format(
        du=typo.jour(p["du"]),
        au=typo.jour(p["au"]),
        du_n1=typo.jour(p["du_n1"]),
        au_n1=typo.jour(p["au_n1"]),
        total=typo.nombre(tot),
        total_n1=typo.nombre(tot1) if t1 is not None else "—",
        variation=typo.variation(tot1, tot) if t1 is not None else "—",
        unite=UNITES.get(t["unite"], ""),
    )


def _paragraphes(texte: str) -> list[str]:
    return [p.strip() for p in texte.replace("\r\n", "\n").split("\n\n") if p.strip()]


def composer(
    *,
    titre: str,
    sous_titre: list[str],
    sections: list[dict[str, Any]],
    narration: dict[str, str],
    doc_n: dict[str, Any],
    doc_n1: dict[str, Any] | None,
    du: date,
    au: date,
    pied: str,
) -> Contenu:
    tables_n = {t["code"]: t for t in doc_n["tableaux"]}
    tables_n1 = {t["code"]: t for t in doc_n1["tableaux"]} if doc_n1 else {}
    p = {"du": du, "au": au, "du_n1": typo.moins_un_an(du), "au_n1": typo.moins_un_an(au)}
    annuel = du.month == 1 and du.day == 1 and au.month == 12 and au.day == 31 and du.year == au.year
    col_n = str(au.year) if annuel else f"Au {typo.jour(au)}"
    col_n1 = str(au.year - 1) if annuel else f"Au {typo.jour(p['au_n1'])}"
    # A flow counts over the period, a stock at its last day: the column says which.
    flux_n = str(au.year) if annuel else f"Du {typo.jour(du)} au {typo.jour(au)}"
    flux_n1 = str(au.year - 1) if annuel else f"Du {typo.jour(p['du_n1'])} au {typo.jour(p['au_n1'])}"
    out = []
    for s in sections:
        sc = SectionContenu(type=s["type"], code=s["code"], titre=s["titre"], niveau=s.get("niveau", 1))
        if s["type"] == "texte":
            sc.paragraphes = _paragraphes(narration.get(s["code"], ""))
        else:
            for bloc in s["tables"]:
                t = tables_n.get(bloc["table"])
                if t is None:
                    continue
                t1 = tables_n1.get(bloc["table"]) if s.get("comparer_n1", True) and doc_n1 else None
                rendu = bloc.get("rendu", "tableau")
                cn, cn1 = (col_n, col_n1) if t["code"].startswith("file_active") else (flux_n, flux_n1)
                tableau = graphique = None
                if rendu in ("tableau", "tableau_graphique"):
                    tableau = _tableau_1d(t, t1, cn, cn1) if len(t["dimensions"]) == 1 else _tableau_2d(t)
                if rendu in ("graphique", "tableau_graphique"):
                    graphique = _graphique(t, t1, cn, cn1)
                phrase = _phrase(bloc["phrase"], t, t1, p) if bloc.get("phrase") else None
                secret = any(c.get("masque") for c in t["cellules"])
                sc.blocs.append(Bloc(t["code"], t["titre"], t["definition"], phrase, tableau, graphique, secret))
        out.append(sc)
    return Contenu(titre=titre, sous_titre=sous_titre, sections=out, pied=pied)
