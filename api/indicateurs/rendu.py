"""Rendering of the indicator document: CSV (French spreadsheet conventions) and XLSX.

The document (JSON) is the product; these are two views of it, one line per cell in
CSV, one sheet per table in XLSX. Both neutralise texts a spreadsheet would read as
formulas (api/core/tableur.py).

French CSV: « ; » as separator, a UTF-8 BOM (so that Excel reads the accents) and a
comma as decimal separator (``82,5``): French Excel then reads numbers as numbers.
"""

from __future__ import annotations

import io
from typing import Any

from api.core.tableur import EcrivainCsv, classeur
from api.indicateurs.schemas import Cellule, Dimension, DocumentIndicateurs

TOTAL = "total"


class _DecimalFr(float):
    """A float that the csv module writes with a decimal comma (it calls ``str``); not a
    text, so the formula neutralisation leaves it alone."""

    def __str__(self) -> str:
        return repr(float(self)).replace(".", ",")


def nombre_csv(v: float | None) -> Any:
    """An integer as such, a decimal with a comma, nothing for None."""
    if v is None:
        return ""
    if float(v).is_integer():
        return int(v)
    return _DecimalFr(v)


def _libelle_valeur(dim: Dimension, code: str) -> str:
    if code == TOTAL:
        return "Total"
    return next((m.libelle for m in dim.valeurs if m.code == code), code)


ENTETES_CSV = [
    "Code de l'indicateur",
    "Indicateur",
    "Unité",
    "Dimension 1",
    "Valeur de la dimension 1",
    "Code de la valeur 1",
    "Dimension 2",
    "Valeur de la dimension 2",
    "Code de la valeur 2",
    "Valeur",
    "Pourcentage",
    "Masqué",
]


def en_csv(doc: DocumentIndicateurs) -> str:
    """One long table: one line per cell (indicator, dimensions, value); separator « ; »."""
    buf = io.StringIO()
    w = EcrivainCsv(buf)
    w.writerow(ENTETES_CSV)
    for t in doc.tableaux:
        for c in t.cellules:
            dims: list[Any] = []
            for d in t.dimensions[:2]:
                code = c.dimensions.get(d.code, "")
                dims += [d.titre, _libelle_valeur(d, code), code]
            dims += [""] * (6 - len(dims))
            w.writerow(
                [
                    t.code,
                    t.titre,
                    t.unite.value,
                    *dims,
                    nombre_csv(c.valeur),
                    nombre_csv(c.pourcentage),
                    "oui" if c.masque else "non",
                ]
            )
    return "\ufeff" + buf.getvalue()  # BOM: spreadsheet software then reads UTF-8


def en_xlsx(doc: DocumentIndicateurs) -> bytes:
    """A workbook: the parameters on the first sheet, then one sheet per table."""
    buf = io.BytesIO()
    wb = classeur(buf)  # texts neutralised against formulas, numbers stay numbers
    gras = wb.add_format({"bold": True})
    titre_f = wb.add_format({"bold": True, "font_size": 14})
    ws = wb.add_worksheet("Paramètres")
    ws.write(0, 0, "Indicateurs Ancrage", titre_f)
    p = doc.parametres
    lignes = [
        ("Début de la période (du)", p.du.isoformat()),
        ("Date de référence (au)", p.au.isoformat()),
        ("Périmètre", p.perimetre),
        ("Dispositif", str(p.dispositif or "tous")),
        ("Association", str(p.association or "toutes")),
        ("Communes (INSEE)", ", ".join(p.commune) or "toutes"),
        ("Cible", p.cible or "toutes"),
        ("Bornes des tranches d'âge", ", ".join(map(str, p.tranches_age))),
        ("Seuil du secret statistique", str(p.secret_statistique_seuil or "aucun")),
    ]
    for i, (k, v) in enumerate(lignes, start=2):
        ws.write(i, 0, k, gras)
        ws.write(i, 1, v)
    ws.write(len(lignes) + 3, 0, "Tables", gras)
    for i, t in enumerate(doc.tableaux):
        ws.write(len(lignes) + 4 + i, 0, f"T{i + 1:02d}")
        ws.write(len(lignes) + 4 + i, 1, t.titre)
    ws.set_column(0, 0, 32)
    ws.set_column(1, 1, 70)
    for i, t in enumerate(doc.tableaux):
        sh = wb.add_worksheet(f"T{i + 1:02d} {t.code}"[:31])
        sh.write(0, 0, t.titre, titre_f)
        sh.write(1, 0, t.definition)
        sh.write(2, 0, f"Code : {t.code} ; unité : {t.unite.value}")
        val = {tuple(c.dimensions.get(d.code) for d in t.dimensions): c for c in t.cellules}

        def ecrire(r: int, col: int, c: Cellule | None, sh: Any = sh) -> None:
            if c is None:
                return
            if c.masque:
                sh.write(r, col, "masqué")
            elif c.valeur is not None:
                sh.write_number(r, col, c.valeur)

        if len(t.dimensions) == 2:
            d1, d2 = t.dimensions
            cols = [*(m.code for m in d2.valeurs), TOTAL]
            sh.write(4, 0, f"{d1.titre} \\ {d2.titre}", gras)
            for j, k in enumerate(cols, start=1):
                sh.write(4, j, _libelle_valeur(d2, k), gras)
            for r, a in enumerate([*(m.code for m in d1.valeurs), TOTAL], start=5):
                sh.write(r, 0, _libelle_valeur(d1, a), gras)
                for j, b in enumerate(cols, start=1):
                    ecrire(r, j, val.get((a, b)))
        else:
            d = t.dimensions[0]
            sh.write(4, 0, d.titre, gras)
            sh.write(4, 1, "Valeur", gras)
            sh.write(4, 2, "%", gras)
            for r, c in enumerate(t.cellules, start=5):
                sh.write(r, 0, _libelle_valeur(d, c.dimensions.get(d.code, "")))
                ecrire(r, 1, c)
                if c.pourcentage is not None:
                    sh.write_number(r, 2, c.pourcentage)
        sh.set_column(0, 0, 40)
    wb.close()
    return buf.getvalue()
