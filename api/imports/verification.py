"""From rows of text to what an import would write, with every refusal by line and column.

Each cell is checked against its column's declaration (``colonnes.py``): required, coded
value (code or French label, any case, with or without accents), date (jj/mm/aaaa or ISO,
not in the future), number, e-mail, length. Then the rows are gathered: a ménage from its
persons' lines, its resources and debts, its mesures (the dispositif's cibles and types,
the référent among the association's active accounts), their past rendez-vous. Nothing here
writes: ``service.py`` runs the plan through the domains' own services.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from api.communes import service as communes
from api.core.referentiels import INSEE_PATTERN
from api.core.texte import normaliser
from api.dispositifs.models import Cible, Dispositif, TypeAccompagnement
from api.imports.colonnes import (
    DETTES,
    MENAGES,
    MESURES,
    RENDEZ_VOUS,
    RESSOURCES,
    RESSOURCES_DETTES,
    Colonne,
    Feuille,
    Genre,
    libelle_permis,
)
from api.imports.lecture import FeuilleLue, Ligne
from api.organisations.models import Utilisateur

PARIS = ZoneInfo("Europe/Paris")
_COURRIEL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TELEPHONE = re.compile(r"^[0-9+ .()-]{6,30}$")
_DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_HEURE = re.compile(r"^(\d{1,2})[:hH](\d{2})(?::\d{2})?$")


@dataclass
class ErreurLigne:
    feuille: str  # the sheet's name as the user sees it
    ligne: int | None
    colonne: str | None
    valeur: Any
    message: str


@dataclass
class PersonnePlan:
    ligne: int
    nom: str
    prenom: str
    date_naissance: date | None
    sexe: str
    lien: str


@dataclass
class MenagePlan:
    reference: str
    ligne: int  # its first line in the sheet
    personnes: list[PersonnePlan] = field(default_factory=list)
    situation: dict[str, Any] = field(default_factory=dict)
    ressources: list[tuple[str, int | None]] | None = None
    dettes: list[tuple[str, int]] | None = None


@dataclass
class RendezVousPlan:
    reference: str
    ligne: int
    reference_mesure: str
    debut: datetime
    duree_minutes: int
    type: str
    statut: str


@dataclass
class MesurePlan:
    reference: str
    ligne: int
    reference_menage: str
    dispositif: Dispositif
    cible: str
    type_accompagnement: str
    acces_maintien: str
    date_mandatement: date
    referent_id: uuid.UUID | None
    date_debut: date | None
    adhesion_date: date | None
    adhesion_modalite: str | None
    modalite_logement: str | None
    modalite_date_debut: date | None
    modalite_date_fin: date | None
    domaines: list[str] | None
    date_fin: date | None
    motif_fin: str | None
    situation_sortie: str | None
    rendez_vous: list[RendezVousPlan] = field(default_factory=list)


@dataclass
class Plan:
    menages: dict[str, MenagePlan] = field(default_factory=dict)
    mesures: dict[str, MesurePlan] = field(default_factory=dict)
    erreurs: list[ErreurLigne] = field(default_factory=list)
    nb_lignes: int = 0


def _index_codes(codes: dict[str, str]) -> dict[str, str]:
    """Normalised code or label → code: « Santé mentale », « SANTE_MENTALE » → sante_mentale."""
    index: dict[str, str] = {}
    for code, libelle in codes.items():
        for forme in (code, code.replace("_", " "), libelle):
            index.setdefault(normaliser(forme), code)
    return index


def lire_date(texte: str) -> date | None:
    """jj/mm/aaaa (or jj-mm-aaaa, jj.mm.aaaa) or ISO AAAA-MM-JJ (a spreadsheet's date cell
    is read as ISO, with or without its time)."""
    m = _DATE_FR.match(texte)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(texte[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", texte) else None
    except ValueError:
        return None


class _Lecteur:
    """The cells of one sheet, each read once against its column, refusals noted."""

    def __init__(self, feuille: Feuille, erreurs: list[ErreurLigne], aujourdhui: date) -> None:
        self.feuille = feuille
        self.erreurs = erreurs
        self.aujourdhui = aujourdhui
        self._index = {c.cle: _index_codes(c.codes) for c in feuille.colonnes if c.codes}

    def erreur(self, ligne: Ligne, colonne: Colonne | None, valeur: Any, message: str) -> None:
        self.erreurs.append(
            ErreurLigne(self.feuille.nom, ligne.numero, colonne.cle if colonne else None, valeur, message)
        )

    def valeur(self, ligne: Ligne, cle: str) -> Any:
        """The typed value of a cell, or None (empty, or refused: the refusal is noted)."""
        colonne = self.feuille.colonne(cle)
        texte = ligne.valeurs.get(cle)
        if texte is None:
            if colonne.obligatoire:
                self.erreur(ligne, colonne, None, f"obligatoire ; {libelle_permis(colonne)}")
            return None
        if colonne.max_longueur and len(texte) > colonne.max_longueur:
            self.erreur(ligne, colonne, texte, f"trop long ({len(texte)} caractères) ; {libelle_permis(colonne)}")
            return None
        genre = colonne.genre
        if genre == Genre.code:
            code = self._index[cle].get(normaliser(texte))
            if code is None:
                self.erreur(ligne, colonne, texte, f"valeur inconnue ; {libelle_permis(colonne)}")
            return code
        if genre == Genre.codes:
            codes = []
            for morceau in filter(None, (m.strip() for m in re.split(r"[,;]", texte))):
                code = self._index[cle].get(normaliser(morceau))
                if code is None:
                    self.erreur(ligne, colonne, morceau, f"valeur inconnue ; {libelle_permis(colonne)}")
                    return None
                codes.append(code)
            return sorted(set(codes))
        if genre == Genre.date:
            jour = lire_date(texte)
            if jour is None:
                self.erreur(ligne, colonne, texte, f"date illisible ; {libelle_permis(colonne)}")
            elif jour > self.aujourdhui:
                self.erreur(
                    ligne,
                    colonne,
                    texte,
                    f"date dans le futur ; un import reprend des faits passés, au plus tard le "
                    f"{self.aujourdhui:%d/%m/%Y}",
                )
                return None
            elif jour.year < 1900:
                self.erreur(ligne, colonne, texte, "date antérieure à 1900")
                return None
            return jour
        if genre == Genre.heure:
            m = _HEURE.match(texte)
            if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
                self.erreur(ligne, colonne, texte, f"heure illisible ; {libelle_permis(colonne)}")
                return None
            return time(int(m.group(1)), int(m.group(2)))
        if genre == Genre.entier:
            try:
                nombre = int(texte.replace(" ", "").replace("\u202f", "").replace("\xa0", ""))
            except ValueError:
                self.erreur(ligne, colonne, texte, f"pas un nombre ; {libelle_permis(colonne)}")
                return None
            if nombre < 0:
                self.erreur(ligne, colonne, texte, f"négatif ; {libelle_permis(colonne)}")
                return None
            return nombre
        if genre == Genre.courriel:
            # The shape only: a référent's address is then looked up among the association's
            # accounts (whatever their domain), a household's goes through the ménage's schema.
            if not _COURRIEL.match(texte):
                self.erreur(ligne, colonne, texte, f"adresse illisible ; {libelle_permis(colonne)}")
                return None
            return texte.lower()
        return texte


def _ressources_dettes(feuille: FeuilleLue | None, plan: Plan, aujourdhui: date) -> None:
    if feuille is None:
        return
    lecteur = _Lecteur(RESSOURCES_DETTES, plan.erreurs, aujourdhui)
    vus: set[str] = set()
    for ligne in feuille.lignes:
        ref = lecteur.valeur(ligne, "reference_menage")
        nature = lecteur.valeur(ligne, "nature")
        type_ = lecteur.valeur(ligne, "type")
        montant = lecteur.valeur(ligne, "montant")
        if ref is None or nature is None or type_ is None:
            continue
        menage = plan.menages.get(ref)
        if menage is None:
            lecteur.erreur(
                ligne,
                RESSOURCES_DETTES.colonne("reference_menage"),
                ref,
                f"ménage absent de la feuille « {MENAGES.nom} » de ce fichier",
            )
            continue
        # A listed household's resources and debts replace its previous ones, both lists at once.
        if ref not in vus:
            vus.add(ref)
            menage.ressources, menage.dettes = [], []
        permis = RESSOURCES if nature == "ressource" else DETTES
        if type_ not in permis:
            lecteur.erreur(
                ligne,
                RESSOURCES_DETTES.colonne("type"),
                ligne.valeurs.get("type"),
                f"pas un type de {nature} ; valeurs permises : " + ", ".join(permis.values()),
            )
            continue
        if nature == "ressource":
            if montant is not None and montant > 100_000:
                lecteur.erreur(ligne, RESSOURCES_DETTES.colonne("montant"), montant, "100 000 euros par mois au plus")
                continue
            assert menage.ressources is not None
            menage.ressources.append((type_, montant))
        else:
            if montant is None:
                lecteur.erreur(ligne, RESSOURCES_DETTES.colonne("montant"), None, "obligatoire pour une dette")
                continue
            assert menage.dettes is not None
            menage.dettes.append((type_, montant))


def _commune(lecteur: _Lecteur, ligne: Ligne, texte: str | None) -> str | None:
    """A commune by its INSEE code, or by its name when one commune has it (« Rennes »);
    a name several communes share is refused with the candidates, to be told apart by
    their département in brackets (« Saint-Denis (93) ») or their code."""
    if texte is None:
        return None
    colonne = MENAGES.colonne("commune_insee")
    if re.fullmatch(INSEE_PATTERN, texte.upper()):
        return texte.upper()
    if texte.strip().isdigit():
        lecteur.erreur(ligne, colonne, texte, "code INSEE à 5 caractères (2A/2B pour la Corse), ou nom de la commune")
        return None
    trouvees = communes.par_nom(texte)
    if len(trouvees) == 1:
        return trouvees[0].code
    if not trouvees:
        lecteur.erreur(
            ligne,
            colonne,
            texte,
            "commune inconnue ; donnez son code INSEE (5 caractères) ou son nom exact, "
            "avec le département entre parenthèses si besoin : « Saint-Denis (93) »",
        )
        return None
    candidats = ", ".join(f"{c.nom} ({c.departement}), code {c.code}" for c in trouvees[:8])
    lecteur.erreur(
        ligne,
        colonne,
        texte,
        f"{len(trouvees)} communes portent ce nom : {candidats}. Ajoutez le département entre "
        f"parenthèses (« {trouvees[0].nom} ({trouvees[0].departement}) ») ou donnez le code INSEE",
    )
    return None


def _menages(feuille: FeuilleLue, plan: Plan, aujourdhui: date) -> None:
    lecteur = _Lecteur(MENAGES, plan.erreurs, aujourdhui)
    situation = (
        "statut_occupation",
        "commune_insee",
        "adresse",
        "telephone",
        "courriel",
        "stade_procedure",
        "situation_professionnelle",
    )
    for ligne in feuille.lignes:
        ref = lecteur.valeur(ligne, "reference_menage")
        valeurs = {c.cle: lecteur.valeur(ligne, c.cle) for c in MENAGES.colonnes if c.cle != "reference_menage"}
        if ref is None:
            continue
        menage = plan.menages.setdefault(ref, MenagePlan(ref, ligne.numero))
        if valeurs["nom"] is None or valeurs["prenom"] is None or valeurs["lien"] is None:
            continue
        menage.personnes.append(
            PersonnePlan(
                ligne.numero,
                valeurs["nom"],
                valeurs["prenom"],
                valeurs["date_naissance"],
                valeurs["sexe"] or "non_renseigne",
                valeurs["lien"],
            )
        )
        insee = _commune(lecteur, ligne, valeurs["commune_insee"])
        tel = valeurs["telephone"]
        if tel is not None and not _TELEPHONE.match(tel):
            lecteur.erreur(ligne, MENAGES.colonne("telephone"), tel, "6 à 30 chiffres, espaces, points, tirets, + ( )")
        procedures = valeurs["nb_procedures_expulsion"]
        if procedures is not None and procedures > 50:
            lecteur.erreur(ligne, MENAGES.colonne("nb_procedures_expulsion"), procedures, "50 au plus")
        if valeurs["lien"] == "demandeur":
            menage.situation = {k: valeurs[k] for k in situation} | {"nb_procedures_expulsion": procedures or 0}
            menage.situation["commune_insee"] = insee
        else:
            remplies = [k for k in (*situation, "nb_procedures_expulsion") if ligne.valeurs.get(k)]
            if remplies:
                lecteur.erreur(
                    ligne,
                    MENAGES.colonne(remplies[0]),
                    ligne.valeurs[remplies[0]],
                    "la situation du ménage se donne sur la ligne du demandeur",
                )
    for menage in plan.menages.values():
        demandeurs = [p for p in menage.personnes if p.lien == "demandeur"]
        if len(demandeurs) != 1 and menage.personnes:
            plan.erreurs.append(
                ErreurLigne(
                    MENAGES.nom,
                    menage.ligne,
                    "lien",
                    menage.reference,
                    f"le ménage {menage.reference} a {len(demandeurs)} demandeur(s) ; il en faut exactement un",
                )
            )
        if len(menage.personnes) > 20:
            plan.erreurs.append(
                ErreurLigne(MENAGES.nom, menage.ligne, "reference_menage", menage.reference, "20 personnes au plus")
            )


def _referentiels(
    session: Session, association_id: uuid.UUID
) -> tuple[
    dict[str, Dispositif], dict[uuid.UUID, dict[str, str]], dict[uuid.UUID, dict[str, str]], dict[str, uuid.UUID]
]:
    dispositifs = {d.id: d for d in session.exec(select(Dispositif))}
    par_nom: dict[str, Dispositif] = {}
    for d in dispositifs.values():
        par_nom.setdefault(normaliser(d.code), d)
        par_nom.setdefault(normaliser(d.nom), d)
    cibles: dict[uuid.UUID, dict[str, str]] = {}
    for c in session.exec(select(Cible)):
        cibles.setdefault(c.dispositif_id, {})[c.code] = c.libelle
    types: dict[uuid.UUID, dict[str, str]] = {}
    for t in session.exec(select(TypeAccompagnement)):
        types.setdefault(t.dispositif_id, {})[t.code] = t.libelle
    comptes = {
        u.email.lower(): u.id
        for u in session.exec(
            select(Utilisateur).where(Utilisateur.organisation_id == association_id, col(Utilisateur.actif).is_(True))
        )
    }
    return par_nom, cibles, types, comptes


def _mesures(
    session: Session,
    feuille: FeuilleLue,
    plan: Plan,
    aujourdhui: date,
    association_id: uuid.UUID,
    menages_connus: set[str],
) -> None:
    lecteur = _Lecteur(MESURES, plan.erreurs, aujourdhui)
    par_nom, cibles, types, comptes = _referentiels(session, association_id)
    for ligne in feuille.lignes:
        v = {
            c.cle: lecteur.valeur(ligne, c.cle)
            for c in MESURES.colonnes
            if c.genre not in (Genre.cible, Genre.type_accompagnement, Genre.dispositif)
        }
        ref, ref_menage = v["reference_mesure"], v["reference_menage"]
        dispositif, codes = _dispositif_et_codes(lecteur, ligne, par_nom, cibles, types)
        referent_id = None
        if v["referent_courriel"] is not None:
            referent_id = comptes.get(v["referent_courriel"])
            if referent_id is None:
                lecteur.erreur(
                    ligne,
                    MESURES.colonne("referent_courriel"),
                    ligne.valeurs.get("referent_courriel"),
                    "aucun compte actif de votre association n'a ce courriel ; créez-le d'abord, ou laissez vide",
                )
        _verifier_fin(lecteur, ligne, v)
        if ref is None or ref_menage is None:
            continue
        if ref_menage not in plan.menages and ref_menage not in menages_connus:
            lecteur.erreur(
                ligne,
                MESURES.colonne("reference_menage"),
                ref_menage,
                f"ménage absent de la feuille « {MENAGES.nom} » et jamais importé par votre association",
            )
            continue
        if ref in plan.mesures:
            lecteur.erreur(
                ligne,
                MESURES.colonne("reference_mesure"),
                ref,
                f"référence déjà donnée ligne {plan.mesures[ref].ligne} ; une ligne par mesure",
            )
            continue
        if dispositif is None or None in codes.values() or v["acces_maintien"] is None or v["date_mandatement"] is None:
            continue
        plan.mesures[ref] = MesurePlan(
            reference=ref,
            ligne=ligne.numero,
            reference_menage=ref_menage,
            dispositif=dispositif,
            cible=str(codes["cible"]),
            type_accompagnement=str(codes["type_accompagnement"]),
            acces_maintien=v["acces_maintien"],
            date_mandatement=v["date_mandatement"],
            referent_id=referent_id,
            date_debut=v["date_debut"],
            adhesion_date=v["adhesion_date"],
            adhesion_modalite=v["adhesion_modalite"],
            modalite_logement=v["modalite_logement"],
            modalite_date_debut=v["modalite_date_debut"],
            modalite_date_fin=v["modalite_date_fin"],
            domaines=v["domaines"],
            date_fin=v["date_fin"],
            motif_fin=v["motif_fin"],
            situation_sortie=v["situation_sortie"],
        )


def _dispositif_et_codes(
    lecteur: _Lecteur,
    ligne: Ligne,
    par_nom: dict[str, Dispositif],
    cibles: dict[uuid.UUID, dict[str, str]],
    types: dict[uuid.UUID, dict[str, str]],
) -> tuple[Dispositif | None, dict[str, str | None]]:
    """The line's dispositif (by code or name) and its cible and type read in that
    dispositif's own codes or labels; each unknown one is an error on its cell."""
    dispositif = None
    texte_disp = ligne.valeurs.get("dispositif")
    if texte_disp is None:
        lecteur.erreur(ligne, MESURES.colonne("dispositif"), None, "obligatoire ; code ou nom d'un dispositif")
    else:
        dispositif = par_nom.get(normaliser(texte_disp))
        if dispositif is None:
            lecteur.erreur(
                ligne,
                MESURES.colonne("dispositif"),
                texte_disp,
                "dispositif inconnu ; valeurs permises : "
                + ", ".join(sorted({f"{d.nom} ({d.code})" for d in par_nom.values()})),
            )
    codes: dict[str, str | None] = {}
    for cle, table in (("cible", cibles), ("type_accompagnement", types)):
        colonne = MESURES.colonne(cle)
        texte = ligne.valeurs.get(cle)
        codes[cle] = None
        if texte is None:
            lecteur.erreur(ligne, colonne, None, "obligatoire ; code ou libellé du dispositif")
        elif dispositif is not None:
            permis = table.get(dispositif.id, {})
            code = _index_codes(permis).get(normaliser(texte))
            if code is None:
                lecteur.erreur(
                    ligne,
                    colonne,
                    texte,
                    f"inconnu(e) du dispositif {dispositif.nom} ; {libelle_permis(colonne, permis)}",
                )
            codes[cle] = code
    return dispositif, codes


def _verifier_fin(lecteur: _Lecteur, ligne: Ligne, v: dict[str, Any]) -> None:
    """An end comes with its motif and situation, and they never come without it (an ended
    mesure that never started, a non-adhésion, is ended from its mandatement)."""
    if v["date_fin"] is not None:
        for cle in ("motif_fin", "situation_sortie"):
            if v[cle] is None and cle not in ligne.valeurs:
                lecteur.erreur(
                    ligne,
                    MESURES.colonne(cle),
                    None,
                    f"obligatoire avec une date de fin ; {libelle_permis(MESURES.colonne(cle))}",
                )
    elif v["motif_fin"] is not None or v["situation_sortie"] is not None:
        lecteur.erreur(ligne, MESURES.colonne("date_fin"), None, "obligatoire avec un motif ou une situation de sortie")


def _rendez_vous(feuille: FeuilleLue | None, plan: Plan, aujourdhui: date, mesures_connues: set[str]) -> None:
    if feuille is None:
        return
    lecteur = _Lecteur(RENDEZ_VOUS, plan.erreurs, aujourdhui)
    vus: dict[str, int] = {}
    for ligne in feuille.lignes:
        v = {c.cle: lecteur.valeur(ligne, c.cle) for c in RENDEZ_VOUS.colonnes}
        ref, ref_mesure, jour = v["reference_rendez_vous"], v["reference_mesure"], v["date"]
        duree = v["duree_minutes"]
        if duree is not None and not 1 <= duree <= 1440:
            lecteur.erreur(ligne, RENDEZ_VOUS.colonne("duree_minutes"), duree, "1 à 1440 minutes")
            continue
        if ref is None or ref_mesure is None or jour is None or v["type"] is None or v["statut"] is None:
            continue
        if ref in vus:
            lecteur.erreur(
                ligne, RENDEZ_VOUS.colonne("reference_rendez_vous"), ref, f"référence déjà donnée ligne {vus[ref]}"
            )
            continue
        vus[ref] = ligne.numero
        mesure = plan.mesures.get(ref_mesure)
        if mesure is None:
            message = (
                "mesure d'une ligne refusée de ce fichier"
                if ref_mesure in mesures_connues or any(e.feuille == MESURES.nom for e in plan.erreurs)
                else f"mesure absente de la feuille « {MESURES.nom} » de ce fichier"
            )
            lecteur.erreur(ligne, RENDEZ_VOUS.colonne("reference_mesure"), ref_mesure, message)
            continue
        debut = datetime.combine(jour, v["heure"] or time(9, 0), tzinfo=PARIS)
        mesure.rendez_vous.append(
            RendezVousPlan(ref, ligne.numero, ref_mesure, debut, duree or 60, v["type"], v["statut"])
        )


def planifier(
    session: Session,
    feuilles: dict[str, FeuilleLue],
    *,
    association_id: uuid.UUID,
    aujourdhui: date,
    menages_connus: set[str],
    mesures_connues: set[str],
) -> Plan:
    """The plan of the import and the refusals of its cells, by line and column."""
    plan = Plan(nb_lignes=sum(len(f.lignes) for f in feuilles.values()))
    _menages(feuilles[MENAGES.cle], plan, aujourdhui)
    _ressources_dettes(feuilles.get(RESSOURCES_DETTES.cle), plan, aujourdhui)
    if MESURES.cle in feuilles:
        _mesures(session, feuilles[MESURES.cle], plan, aujourdhui, association_id, menages_connus)
    _rendez_vous(feuilles.get(RENDEZ_VOUS.cle), plan, aujourdhui, mesures_connues)
    return plan
