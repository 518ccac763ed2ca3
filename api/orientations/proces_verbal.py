"""The procès-verbal of a commission session as documents: PDF to print and sign, DOCX to
edit, CSV for spreadsheets.

One reading (``ProcesVerbal``, built by ``service.proces_verbal``) and three renderings, so
that the three formats always say the same thing. Labels are the users' words (« Refus de
la commission », « Territoire non couvert par un financement »), dates are jj/mm/aaaa.

Libraries (maintained, rather than hand-written file formats):

* PDF: WeasyPrint renders an HTML page with a print stylesheet (A4, page numbers, a table
  whose header repeats on each page). It needs Pango (Debian ``libpango-1.0-0``,
  ``libpangoft2-1.0-0``), installed by ``.ci/run`` when missing.
* DOCX: python-docx writes a Word document that the secretary can still edit (add a
  member, correct a word) before signing.
* CSV: ``api.core.tableur.EcrivainCsv`` (a text typed as ``=…`` stays text).
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from api.core.tableur import EcrivainCsv
from api.orientations.libelles import ACCES_MAINTIEN, DECISIONS, MOTIFS_REFUS, ORIGINES


@dataclass(frozen=True)
class LignePV:
    """One decision of the session, in words."""

    reference_orientation: str
    reference_menage: str
    origine: str
    prescripteur: str
    acces_maintien: str
    decision: str
    date_decision: date | None
    motif_refus: str
    association: str
    cible: str
    type_accompagnement: str
    reference_mesure: str
    commentaire: str

    @classmethod
    def depuis_codes(
        cls,
        *,
        reference_orientation: str,
        reference_menage: str,
        origine: str,
        prescripteur: str,
        acces_maintien: str,
        decision: str,
        date_decision: date | None,
        motif_refus: str | None,
        association: str,
        cible: str,
        type_accompagnement: str,
        reference_mesure: str,
        commentaire: str,
    ) -> LignePV:
        """A line from the stored codes: each code becomes its label (an unknown code is kept
        as it is rather than hidden)."""
        return cls(
            reference_orientation=reference_orientation,
            reference_menage=reference_menage,
            origine=ORIGINES.get(origine, origine),
            prescripteur=prescripteur,
            acces_maintien=ACCES_MAINTIEN.get(acces_maintien, acces_maintien),
            decision=DECISIONS.get(decision, decision),
            date_decision=date_decision,
            motif_refus=MOTIFS_REFUS.get(motif_refus, motif_refus) if motif_refus else "",
            association=association,
            cible=cible,
            type_accompagnement=type_accompagnement,
            reference_mesure=reference_mesure,
            commentaire=commentaire,
        )


@dataclass(frozen=True)
class ProcesVerbal:
    instance: str  # the commission (organisation) that sits
    dispositif: str
    date: date
    lieu: str | None
    membres_presents: list[str]
    close: bool
    edite_le: datetime  # when this copy was produced (Paris time)
    lignes: list[LignePV] = field(default_factory=list)

    @property
    def nom_fichier(self) -> str:
        return f"pv-commission-{self.date.isoformat()}"


def jj_mm_aaaa(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _mandat(ligne: LignePV) -> str:
    """What an acceptance mandates, in one phrase."""
    morceaux = [x for x in (ligne.association, ligne.cible, ligne.type_accompagnement) if x]
    texte = " — ".join(morceaux)
    if ligne.reference_mesure:
        texte += f" (mesure {ligne.reference_mesure})"
    return texte


def _resume(pv: ProcesVerbal) -> list[tuple[str, int]]:
    """Decisions counted by outcome, in the order of the first occurrence."""
    compte: dict[str, int] = {}
    for ligne in pv.lignes:
        compte[ligne.decision] = compte.get(ligne.decision, 0) + 1
    return list(compte.items())


# --- CSV ----------------------------------------------------------------------------

COLONNES_CSV = [
    "Date de la séance",
    "Dispositif",
    "Référence orientation",
    "Référence ménage",
    "Origine",
    "Prescripteur",
    "Accès / maintien",
    "Décision",
    "Date de décision",
    "Motif de refus",
    "Association mandatée",
    "Cible retenue",
    "Type d'accompagnement",
    "Référence mesure",
    "Commentaire",
]


def en_csv(pv: ProcesVerbal) -> bytes:
    """One row per decision under one header row, « ; »-separated, UTF-8 with a BOM (the
    BOM lets spreadsheet software read the accents)."""
    buffer = io.StringIO()
    writer = EcrivainCsv(buffer)
    writer.writerow(COLONNES_CSV)
    for ligne in pv.lignes:
        writer.writerow(
            [
                jj_mm_aaaa(pv.date),
                pv.dispositif,
                ligne.reference_orientation,
                ligne.reference_menage,
                ligne.origine,
                ligne.prescripteur,
                ligne.acces_maintien,
                ligne.decision,
                jj_mm_aaaa(ligne.date_decision),
                ligne.motif_refus,
                ligne.association,
                ligne.cible,
                ligne.type_accompagnement,
                ligne.reference_mesure,
                ligne.commentaire,
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


# --- PDF ----------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 18mm 15mm 20mm 15mm;
        @bottom-right { content: "Page " counter(page) " sur " counter(pages); font-size: 8pt; color: #555; }
        @bottom-left { content: "Procès-verbal — séance du %(date)s"; font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #161616; }
h1 { font-size: 16pt; margin: 0 0 2mm 0; }
.sous-titre { font-size: 11pt; margin: 0 0 5mm 0; }
dl { display: grid; grid-template-columns: 38mm auto; margin: 0 0 5mm 0; }
dt { font-weight: bold; } dd { margin: 0 0 1mm 0; }
table { width: 100%%; border-collapse: collapse; margin-top: 3mm; }
thead { display: table-header-group; }
th, td { border: 0.5pt solid #929292; padding: 1.5mm; vertical-align: top; text-align: left; }
th { background: #eeeeee; font-size: 8.5pt; }
tr { page-break-inside: avoid; }
.signatures { margin-top: 12mm; display: flex; gap: 10mm; page-break-inside: avoid; }
.signature { flex: 1; border: 0.5pt solid #929292; height: 32mm; padding: 2mm; }
.mention { font-size: 8pt; color: #555; margin-top: 6mm; }
"""


def _html(pv: ProcesVerbal) -> str:
    e = html.escape
    membres = "".join(f"<li>{e(m)}</li>" for m in pv.membres_presents) or "<li>Non renseignés</li>"
    resume = ", ".join(f"{n} {e(d.lower())}" for d, n in _resume(pv)) or "aucune décision"
    lignes = "".join(
        "<tr>"
        f"<td>{e(ligne.reference_orientation)}<br>Ménage {e(ligne.reference_menage)}</td>"
        f"<td>{e(ligne.origine)}<br>{e(ligne.prescripteur)}</td>"
        f"<td>{e(ligne.acces_maintien)}</td>"
        f"<td><strong>{e(ligne.decision)}</strong><br>le {e(jj_mm_aaaa(ligne.date_decision))}</td>"
        f"<td>{e(ligne.motif_refus or _mandat(ligne))}</td>"
        f"<td>{e(ligne.commentaire)}</td>"
        "</tr>"
        for ligne in pv.lignes
    )
    tableau = (
        "<table><thead><tr><th>Orientation</th><th>Origine et prescripteur</th><th>Accès / maintien</th>"
        "<th>Décision</th><th>Motif ou mandat</th><th>Commentaire de la commission</th></tr></thead>"
        f"<tbody>{lignes}</tbody></table>"
        if pv.lignes
        else "<p>Aucune décision n'a été enregistrée à cette séance.</p>"
    )
    etat = "séance close" if pv.close else "séance non close : document provisoire"
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Procès-verbal — {e(pv.instance)} — {jj_mm_aaaa(pv.date)}</title>
<style>{_CSS % {"date": jj_mm_aaaa(pv.date)}}</style></head><body>
<h1>Procès-verbal de la commission</h1>
<p class="sous-titre">{e(pv.instance)} — dispositif « {e(pv.dispositif)} »</p>
<dl>
<dt>Instance</dt><dd>{e(pv.instance)}</dd>
<dt>Date de la séance</dt><dd>{jj_mm_aaaa(pv.date)}</dd>
<dt>Lieu</dt><dd>{e(pv.lieu or "Non renseigné")}</dd>
<dt>Membres présents</dt><dd><ul>{membres}</ul></dd>
<dt>Décisions</dt><dd>{len(pv.lignes)} ({e(resume)})</dd>
</dl>
{tableau}
<div class="signatures">
<div class="signature">Le ou la président·e de séance<br>Nom, date et signature :</div>
<div class="signature">Le ou la secrétaire de séance<br>Nom, date et signature :</div>
</div>
<p class="mention">Édité le {pv.edite_le:%d/%m/%Y à %H:%M} ({etat}). Les ménages sont désignés par leur
référence : le procès-verbal circule entre les membres, leur nom reste dans le dossier.</p>
</body></html>"""


def en_pdf(pv: ProcesVerbal) -> bytes:
    """The minutes as a printable A4 PDF (WeasyPrint, imported here: it loads Pango)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=_html(pv)).write_pdf()
    return pdf


# --- DOCX ---------------------------------------------------------------------------


def en_docx(pv: ProcesVerbal) -> bytes:
    """The minutes as an editable Word document (python-docx)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    # Landscape A4: six columns of decisions stay readable.
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for marge in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, marge, Mm(15))
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading("Procès-verbal de la commission", level=1)
    doc.add_paragraph(f"{pv.instance} — dispositif « {pv.dispositif} »")
    entete = doc.add_table(rows=0, cols=2)
    entete.style = "Table Grid"
    resume = ", ".join(f"{n} {d.lower()}" for d, n in _resume(pv)) or "aucune décision"
    for libelle, valeur in (
        ("Instance", pv.instance),
        ("Date de la séance", jj_mm_aaaa(pv.date)),
        ("Lieu", pv.lieu or "Non renseigné"),
        ("Membres présents", "\n".join(pv.membres_presents) or "Non renseignés"),
        ("Décisions", f"{len(pv.lignes)} ({resume})"),
    ):
        cellules = entete.add_row().cells
        cellules[0].text, cellules[1].text = libelle, valeur
    doc.add_heading("Décisions", level=2)
    if pv.lignes:
        tableau = doc.add_table(rows=1, cols=6)
        tableau.style = "Table Grid"
        titres = ("Orientation", "Origine et prescripteur", "Accès / maintien", "Décision", "Motif ou mandat",
                  "Commentaire de la commission")
        for cellule, titre in zip(tableau.rows[0].cells, titres, strict=True):
            cellule.text = titre
        for ligne in pv.lignes:
            valeurs = (
                f"{ligne.reference_orientation}\nMénage {ligne.reference_menage}",
                f"{ligne.origine}\n{ligne.prescripteur}",
                ligne.acces_maintien,
                f"{ligne.decision}\nle {jj_mm_aaaa(ligne.date_decision)}",
                ligne.motif_refus or _mandat(ligne),
                ligne.commentaire,
            )
            for cellule, valeur in zip(tableau.add_row().cells, valeurs, strict=True):
                cellule.text = valeur
    else:
        doc.add_paragraph("Aucune décision n'a été enregistrée à cette séance.")
    doc.add_heading("Signatures", level=2)
    signatures = doc.add_table(rows=1, cols=2)
    signatures.style = "Table Grid"
    signatures.rows[0].height = Mm(30)
    signatures.rows[0].cells[0].text = "Le ou la président·e de séance\nNom, date et signature :"
    signatures.rows[0].cells[1].text = "Le ou la secrétaire de séance\nNom, date et signature :"
    etat = "séance close" if pv.close else "séance non close : document provisoire"
    doc.add_paragraph(f"Édité le {pv.edite_le:%d/%m/%Y à %H:%M} ({etat}).")
    sortie = io.BytesIO()
    doc.save(sortie)
    return sortie.getvalue()
