"""The template to download: an XLSX with one sheet per kind (column notes, validation lists
for the coded columns, an example row), or one sheet as CSV with the same columns."""

from __future__ import annotations

import io

from sqlmodel import Session, select

from api.core.tableur import EcrivainCsv, classeur
from api.dispositifs.models import Cible, Dispositif, TypeAccompagnement
from api.imports.colonnes import FEUILLES, Colonne, Feuille, Genre, libelle_permis

LIGNES_VALIDEES = 5000  # validation lists cover this many lines of each sheet


def _listes_dynamiques(session: Session, association_dispositifs: list[Dispositif]) -> dict[Genre, list[str]]:
    """The database's lists: dispositifs, and the cibles and types of all of them (a cell
    cannot depend on another's value without formulas; the import checks the pair)."""
    ids = [d.id for d in association_dispositifs]
    cibles = sorted({c.libelle for c in session.exec(select(Cible)) if c.dispositif_id in ids})
    types = sorted({t.libelle for t in session.exec(select(TypeAccompagnement)) if t.dispositif_id in ids})
    return {
        Genre.dispositif: sorted(d.nom for d in association_dispositifs),
        Genre.cible: cibles,
        Genre.type_accompagnement: types,
    }


def _valeurs(colonne: Colonne, dynamiques: dict[Genre, list[str]]) -> list[str]:
    if colonne.codes and colonne.genre == Genre.code:
        return list(colonne.codes.values())
    return dynamiques.get(colonne.genre, [])


def modele_xlsx(session: Session) -> bytes:
    dispositifs = list(session.exec(select(Dispositif).order_by(Dispositif.nom)))
    dynamiques = _listes_dynamiques(session, dispositifs)
    flux = io.BytesIO()
    wb = classeur(flux)
    gras = wb.add_format({"bold": True, "bg_color": "#DDE5F5", "border": 1})
    obligatoire = wb.add_format({"bold": True, "bg_color": "#F5DDDD", "border": 1})
    exemple = wb.add_format({"italic": True, "font_color": "#666666"})
    lisez = wb.add_worksheet("Lisez-moi")
    listes = wb.add_worksheet("Listes")
    lisez.set_column(0, 0, 110)
    lignes_lisez = [
        "Import d'une file active dans Ancrage",
        "",
        "Une feuille par nature ; les en-têtes en rouge sont obligatoires ; survolez un en-tête pour sa note.",
        "La ligne 2 de chaque feuille est un exemple : remplacez-la ou supprimez-la.",
        "Les valeurs codées se saisissent par leur libellé ou leur code, sans souci de majuscules ni d'accents.",
        "Dates : jj/mm/aaaa (ou AAAA-MM-JJ). Rien dans le futur : un import reprend le passé.",
        "Vos références (ménage, mesure, rendez-vous) rendent l'import rejouable : déposer à nouveau le fichier "
        "corrigé met à jour ce qui a changé, sans doublon.",
        "Déposez d'abord en « essai à blanc » : le rapport donne chaque erreur par feuille, ligne et colonne, "
        "et rien n'est écrit. L'import écrit tout ou rien.",
        "",
    ] + [f"Feuille « {f.nom} » : {f.note}" + ("" if f.obligatoire else " (facultative)") for f in FEUILLES]
    for i, texte in enumerate(lignes_lisez):
        lisez.write(i, 0, texte)
    colonne_liste = 0
    for feuille in FEUILLES:
        ws = wb.add_worksheet(feuille.nom[:31])
        ws.freeze_panes(1, 0)
        for j, colonne in enumerate(feuille.colonnes):
            ws.write(0, j, colonne.cle, obligatoire if colonne.obligatoire else gras)
            ws.set_column(j, j, max(14, len(colonne.cle) + 4))
            note = f"{colonne.libelle}{' (obligatoire)' if colonne.obligatoire else ''}. {colonne.note} "
            note += libelle_permis(colonne, {} if colonne.genre == Genre.codes else None)
            ws.write_comment(0, j, note.strip(), {"x_scale": 3, "y_scale": 2})
            if colonne.exemple:
                ws.write(1, j, colonne.exemple, exemple)
            valeurs = _valeurs(colonne, dynamiques)
            if valeurs:
                listes.write(0, colonne_liste, f"{feuille.cle}.{colonne.cle}")
                for k, v in enumerate(valeurs, start=1):
                    listes.write(k, colonne_liste, v)
                lettre = _lettre(colonne_liste)
                ws.data_validation(
                    1,
                    j,
                    LIGNES_VALIDEES,
                    j,
                    {
                        "validate": "list",
                        "source": f"=Listes!${lettre}$2:${lettre}${len(valeurs) + 1}",
                        # A code typed instead of its label is accepted by the import.
                        "error_type": "warning",
                        "error_message": "Valeur hors liste : l'import accepte aussi les codes.",
                    },
                )
                colonne_liste += 1
    wb.close()
    return flux.getvalue()


def _lettre(n: int) -> str:
    lettres = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        lettres = chr(65 + r) + lettres
    return lettres


def modele_csv(feuille: Feuille) -> bytes:
    """One sheet as CSV (« ; », UTF-8 with BOM so that Excel reads the accents), with its
    example row."""
    flux = io.StringIO()
    ecrivain = EcrivainCsv(flux)
    ecrivain.writerow([c.cle for c in feuille.colonnes])
    ecrivain.writerow([c.exemple for c in feuille.colonnes])
    return ("\ufeff" + flux.getvalue()).encode()
