"""Reading an uploaded file into rows of text, whatever its form.

An XLSX (one sheet per kind) is read by openpyxl; a CSV stands for one sheet, named by its
file name (« mesures.csv »), separated by « ; » or « , », encoded in UTF-8 (with or without
BOM) or Windows-1252 (what Excel writes on a French Windows). Every refusal here is about
the file as a whole (wrong type, empty, a sheet or a column missing, too many lines): the
per-cell checks come after, in ``service.py``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from api.core.errors import ErreurChamp, ErreurValidation
from api.imports.colonnes import FEUILLES, Feuille, cle_entete, feuille_nommee

XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Ligne:
    numero: int  # the line number the user sees in the spreadsheet (header = 1)
    valeurs: dict[str, str]  # column key → text, stripped; an empty cell is absent


@dataclass
class FeuilleLue:
    feuille: Feuille
    source: str  # « fichier.xlsx, feuille Mesures » or « mesures.csv »
    lignes: list[Ligne] = field(default_factory=list)
    entetes: list[str] = field(default_factory=list)  # the file's own headers, as written


@dataclass
class FichierDepose:
    nom: str
    contenu: bytes


def _refus(champ: str, message: str, valeur: object = None) -> ErreurValidation:
    return ErreurValidation(message, errors=[ErreurChamp(champ=champ, message=message, valeur=valeur)])


def _texte(valeur: object) -> str:
    """A cell as text: a spreadsheet's date is written ISO, a whole float without « .0 »."""
    if valeur is None:
        return ""
    if isinstance(valeur, datetime):
        if valeur.time() == time(0, 0):
            return valeur.date().isoformat()
        return valeur.isoformat(timespec="minutes")
    if isinstance(valeur, date | time):
        return valeur.isoformat()
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur).strip()


Correspondance = dict[str, dict[str, str]]  # sheet key → {the file's header → column key}


def verifier_correspondance(correspondance: Correspondance) -> None:
    """A mapping names sheets and columns of the template, each column once per sheet:
    anything else is refused before the file is read (422 naming the sheet, the header,
    the target and what is permitted)."""
    feuilles = {f.cle: f for f in FEUILLES}
    for cle_feuille, colonnes in correspondance.items():
        feuille = feuilles.get(cle_feuille)
        if feuille is None:
            raise _refus(
                f"correspondance.{cle_feuille}",
                f"feuille inconnue ; feuilles permises : {', '.join(feuilles)}.",
                cle_feuille,
            )
        cibles: dict[str, str] = {}
        permises = ", ".join(c.cle for c in feuille.colonnes)
        for entete, cible in colonnes.items():
            champ = f"correspondance.{cle_feuille}.{entete}"
            if cible not in {c.cle for c in feuille.colonnes}:
                raise _refus(
                    champ,
                    f"colonne « {cible} » inconnue de la feuille « {feuille.nom} » ; colonnes permises : {permises}.",
                    cible,
                )
            if cible in cibles:
                raise _refus(
                    champ,
                    f"la colonne « {cible} » est déjà associée à « {cibles[cible]} » : une seule colonne du "
                    "fichier par colonne attendue.",
                    cible,
                )
            cibles[cible] = entete


def _colonnes(feuille: Feuille, entetes: list[str], source: str, associees: dict[str, str]) -> dict[int, str]:
    """Column index → key, from the header row (keys or French labels, any case or accents),
    or from the user's mapping of her own headers (``associees``), which comes first.
    A required column missing, or a header twice, refuses the file."""
    connues = {}
    for c in feuille.colonnes:
        connues[cle_entete(c.cle)] = c.cle
        connues[cle_entete(c.libelle)] = c.cle
    # A mapped column present in the file replaces the template's header of the same key
    # (the user said which of her columns it is). A kept mapping whose headers the file does
    # not have changes nothing: that file follows the template.
    presents = {cle_entete(e) for e in entetes}
    associees = {e: cle for e, cle in associees.items() if cle_entete(e) in presents}
    remplacees = set(associees.values())
    connues = {k: v for k, v in connues.items() if v not in remplacees}
    connues |= {cle_entete(entete): cle for entete, cle in associees.items()}
    index: dict[int, str] = {}
    vues: set[str] = set()
    for i, entete in enumerate(entetes):
        if not entete.strip():
            continue
        cle = connues.get(cle_entete(entete))
        if cle is None:
            continue  # a column of the user's own (notes, « Erreurs ») is ignored
        if cle in vues:
            raise _refus("fichier", f"{source} : la colonne « {entete} » figure deux fois.", entete)
        vues.add(cle)
        index[i] = cle
    manquantes = [c for c in feuille.colonnes if c.obligatoire and c.cle not in vues]
    if manquantes:
        noms = ", ".join(f"« {c.cle} » ({c.libelle})" for c in manquantes)
        message = (
            f"{source} : colonne(s) obligatoire(s) absente(s) : {noms}. Partez du modèle téléchargeable, "
            "ou associez à chacune une colonne de votre fichier (correspondance des colonnes)."
        )
        # What the screen needs to propose the mapping: the file's headers, the sheet's
        # columns, and what was recognised already.
        raise ErreurValidation(
            message,
            errors=[ErreurChamp(champ="fichier", message=message, valeur=[c.cle for c in manquantes])],
            feuille=feuille.cle,
            feuille_nom=feuille.nom,
            entetes=[e for e in entetes if e.strip()],
            colonnes_attendues=[
                {"cle": c.cle, "libelle": c.libelle, "obligatoire": c.obligatoire} for c in feuille.colonnes
            ],
            associees={entetes[i]: cle for i, cle in index.items()},
        )
    return index


def _lignes(
    feuille: Feuille,
    rangees: list[list[object]],
    source: str,
    max_lignes: int,
    deja: int,
    correspondance: Correspondance,
) -> FeuilleLue:
    lue = FeuilleLue(feuille, source)
    if not rangees:
        return lue
    lue.entetes = [t for v in rangees[0] if (t := _texte(v))]
    index = _colonnes(feuille, [_texte(v) for v in rangees[0]], source, correspondance.get(feuille.cle, {}))
    for n, rangee in enumerate(rangees[1:], start=2):
        valeurs = {cle: t for i, cle in index.items() if i < len(rangee) and (t := _texte(rangee[i]))}
        if not valeurs:
            continue
        if "\x00" in "".join(valeurs.values()):
            raise _refus("fichier", f"{source}, ligne {n} : caractère nul (octet 0) refusé.", n)
        lue.lignes.append(Ligne(n, valeurs))
        if deja + len(lue.lignes) > max_lignes:
            raise _refus(
                "fichier",
                f"Le fichier dépasse {max_lignes} lignes (réglage ANCRAGE_IMPORT_MAX_LIGNES) : "
                "découpez-le en plusieurs imports.",
                max_lignes,
            )
    return lue


def _decoder(contenu: bytes) -> str:
    """UTF-8 (BOM or not) first: a Windows-1252 file is almost never valid UTF-8 once it has
    an accent, the reverse is not true (every byte decodes in 1252)."""
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        return contenu.decode("cp1252", errors="replace")


def _csv(fichier: FichierDepose, max_lignes: int, deja: int, correspondance: Correspondance) -> FeuilleLue:
    feuille = feuille_nommee(fichier.nom)
    if feuille is None:
        noms = ", ".join(f"« {f.cle}.csv »" for f in FEUILLES)
        raise _refus(
            "fichier",
            f"« {fichier.nom} » : le nom d'un fichier CSV dit quelle feuille il contient ; noms permis : {noms}.",
            fichier.nom,
        )
    texte = _decoder(fichier.contenu)
    premiere = texte.split("\n", 1)[0]
    separateur = ";" if premiere.count(";") >= premiere.count(",") else ","
    rangees: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)]
    return _lignes(feuille, rangees, f"{fichier.nom}", max_lignes, deja, correspondance)


def _xlsx(fichier: FichierDepose, max_lignes: int, correspondance: Correspondance) -> list[FeuilleLue]:
    from openpyxl import load_workbook  # only when an XLSX is sent

    try:
        classeur = load_workbook(io.BytesIO(fichier.contenu), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _refus("fichier", f"« {fichier.nom} » n'est pas un classeur XLSX lisible ({exc}).", fichier.nom) from None
    lues: list[FeuilleLue] = []
    total = 0
    try:
        for onglet in classeur.worksheets:
            feuille = feuille_nommee(onglet.title)
            if feuille is None:
                continue  # « Listes », « Lisez-moi »: the template's own sheets
            rangees = [list(r) for r in onglet.iter_rows(values_only=True)]
            source = f"{fichier.nom}, feuille « {onglet.title} »"
            lue = _lignes(feuille, rangees, source, max_lignes, total, correspondance)
            total += len(lue.lignes)
            lues.append(lue)
    finally:
        classeur.close()
    return lues


def lire(
    fichiers: list[FichierDepose], *, max_lignes: int, correspondance: Correspondance | None = None
) -> dict[str, FeuilleLue]:
    """The sheets of the upload by key, their columns found by header or by ``correspondance``.
    Refuses (422, naming the file) what is not an XLSX or a CSV, an empty upload, a required
    sheet missing or empty, a mapping naming what the template does not have."""
    correspondance = correspondance or {}
    verifier_correspondance(correspondance)
    if not fichiers:
        raise _refus("fichiers", "Aucun fichier reçu : déposez le classeur XLSX ou les fichiers CSV.")
    lues: dict[str, FeuilleLue] = {}
    for fichier in fichiers:
        nom = fichier.nom.lower()
        if not fichier.contenu.strip():
            raise _refus("fichier", f"« {fichier.nom} » est vide.", fichier.nom)
        if fichier.contenu.startswith(XLSX_MAGIC) and nom.endswith((".xlsx", ".xlsm")):
            feuilles = _xlsx(fichier, max_lignes, correspondance)
        elif nom.endswith(".csv") and not fichier.contenu.startswith(XLSX_MAGIC):
            feuilles = [_csv(fichier, max_lignes, sum(len(f.lignes) for f in lues.values()), correspondance)]
        else:
            raise _refus(
                "fichier",
                f"« {fichier.nom} » : type de fichier non pris en charge ; déposez un classeur XLSX "
                "(modèle à télécharger) ou des fichiers CSV.",
                fichier.nom,
            )
        for f in feuilles:
            if f.feuille.cle in lues:
                raise _refus("fichier", f"La feuille « {f.feuille.nom} » est fournie deux fois.", f.feuille.nom)
            lues[f.feuille.cle] = f
    for feuille in FEUILLES:
        if feuille.obligatoire and not (feuille.cle in lues and lues[feuille.cle].lignes):
            raise _refus(
                "fichier",
                f"La feuille « {feuille.nom} » est absente ou vide : elle est obligatoire "
                f"(feuilles obligatoires : {', '.join(f.nom for f in FEUILLES if f.obligatoire)}).",
                feuille.nom,
            )
    return lues
