"""Rendering a report's content: HTML (Jinja2), PDF (WeasyPrint, from that HTML), DOCX
(python-docx), charts (matplotlib: SVG in HTML/PDF, PNG in DOCX), each with an
alternative text. See docs/rapports.md for why these libraries.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from jinja2 import Environment, select_autoescape

from api.rapports.composition import Contenu, Graphique, Tableau

# --- charts ------------------------------------------------------------------------


def _figure(g: Graphique) -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display: the worker renders to files only
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(7.0, 3.0), dpi=100)
    ax = fig.subplots()
    n = len(g.etiquettes)
    positions = list(range(n))
    couleurs = ["#000091", "#9ea7d6", "#e1000f", "#6a6af4", "#009081", "#c3992a", "#8d533e"]
    if g.empile:
        bas = [0.0] * n
        for k, (nom, vals) in enumerate(g.series):
            ax.bar(positions, vals, bottom=bas, label=nom, color=couleurs[k % len(couleurs)])
            bas = [a + b for a, b in zip(bas, vals, strict=True)]
    else:
        largeur = 0.8 / max(len(g.series), 1)
        for k, (nom, vals) in enumerate(g.series):
            decale = [p + (k - (len(g.series) - 1) / 2) * largeur for p in positions]
            ax.bar(decale, vals, width=largeur, label=nom, color=couleurs[k % len(couleurs)])
    ax.set_xticks(positions)
    ax.set_xticklabels(g.etiquettes, rotation=30 if n > 6 else 0, ha="right" if n > 6 else "center", fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    legende = len(g.series) > 1
    if legende:
        # A fixed place beside the plot: « best » searches the bars, and warns when that is slow.
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    # Fixed margins rather than tight_layout(), which draws the whole figure once more to
    # measure it (a third of a chart's time): room for slanted labels below, the legend right.
    # Sized from the longest label (≈ 0.008 of the width per character at 7 pt, 0.009 of the
    # height per character of a label slanted at 30°, which also reaches left of the first bar).
    long_legende = max((len(nom) for nom, _ in g.series), default=0) if legende else 0
    long_etiquette = max((len(e) for e in g.etiquettes), default=0) if n > 6 else 0
    fig.subplots_adjust(
        left=min(0.3, max(0.07, 0.0065 * long_etiquette)),
        right=max(0.5, 0.9 - 0.008 * long_legende) if legende else 0.98,
        top=0.95,
        bottom=min(0.5, 0.1 + 0.012 * long_etiquette) if n > 6 else 0.12,
    )
    return fig


def graphique_svg(g: Graphique) -> bytes:
    import matplotlib

    fig = _figure(g)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "ancrage", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def graphique_png(g: Graphique) -> bytes:
    fig = _figure(g)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


# --- HTML --------------------------------------------------------------------------

GABARIT_HTML = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>{{ c.titre }}</title>
<style>
@page { size: A4; margin: 2cm 1.8cm 2.2cm 1.8cm;
  @bottom-right { content: "Page " counter(page) " sur " counter(pages); font-size: 8pt; color: #555;
    font-family: "DejaVu Sans", sans-serif; width: 25%; }
  @bottom-left { content: "{{ pied_css | safe }}"; font-size: 7pt; color: #777;
    font-family: "DejaVu Sans", sans-serif; width: 75%; } }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #161616; }
h1.titre { font-size: 20pt; color: #000091; margin-top: 3cm; }
.sous-titre { font-size: 11pt; color: #3a3a3a; }
nav.toc { page-break-after: always; }
nav.toc h2 { font-size: 13pt; }
nav.toc ol { list-style: none; padding-left: 0; }
nav.toc li.n2 { padding-left: 1.2em; }
nav.toc a { color: #161616; text-decoration: none; }
nav.toc a::after { content: leader('.') target-counter(attr(href), page); }
h2.n1 { font-size: 14pt; color: #000091; border-bottom: 1px solid #000091; margin-top: 1.4em; }
h3.n2 { font-size: 12pt; color: #000091; margin-top: 1.2em; }
h4 { font-size: 10pt; margin: 0.8em 0 0.3em 0; }
p.definition { font-size: 8pt; color: #555; margin: 0.2em 0; }
p.phrase { font-weight: bold; }
p.texte { white-space: pre-line; }
p.vide { color: #777; font-style: italic; }
table { border-collapse: collapse; margin: 0.4em 0 0.8em 0; font-size: 9pt; page-break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 2px 6px; }
td.n { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; background: #eef; }
th { background: #e3e3fd; text-align: left; }
figure { margin: 0.4em 0; page-break-inside: avoid; }
figure img { width: 16cm; }
figcaption { font-size: 8pt; color: #555; }
</style>
</head>
<body>
<header>
<h1 class="titre">{{ c.titre }}</h1>
{% for l in c.sous_titre %}<p class="sous-titre">{{ l }}</p>{% endfor %}
</header>
<nav class="toc" aria-label="Table des matières">
<h2>Table des matières</h2>
<ol>
{% for s in c.sections %}<li class="n{{ s.niveau }}"><a href="#s-{{ s.code }}">{{ s.titre }}</a></li>
{% endfor %}</ol>
</nav>
<main>
{% for s in c.sections %}
<section id="s-{{ s.code }}">
{% if s.niveau == 1 %}<h2 class="n1">{{ s.titre }}</h2>{% else %}<h3 class="n2">{{ s.titre }}</h3>{% endif %}
{% if s.type == "texte" %}
{% for p in s.paragraphes %}<p class="texte">{{ p }}</p>
{% else %}<p class="vide">(Section à rédiger.)</p>{% endfor %}
{% else %}
{% for b in s.blocs %}
<h4>{{ b.titre }}</h4>
{% if b.phrase %}<p class="phrase">{{ b.phrase }}</p>{% endif %}
{% if b.tableau %}<table>
<thead><tr>{% for e in b.tableau.entetes %}<th scope="col">{{ e }}</th>{% endfor %}</tr></thead>
<tbody>{% for l in b.tableau.lignes %}<tr{% if loop.last and b.tableau.total_derniere_ligne %} class="total"{% endif %}>
<th scope="row">{{ l[0] }}</th>{% for v in l[1:] %}<td class="n">{{ v }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% endif %}
{% if b.graphique %}<figure><img src="data:image/svg+xml;base64,{{ svg[b.code] }}" alt="{{ b.graphique.alt }}">
<figcaption>{{ b.graphique.titre }}</figcaption></figure>{% endif %}
<p class="definition">{{ b.definition }}{% if b.secret %} {{ note_secret }}{% endif %}</p>
{% endfor %}
{% endif %}
</section>
{% endfor %}
</main>
</body>
</html>
"""

NOTE_SECRET = "« secret » : valeur inférieure au seuil du secret statistique, masquée."
_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_GABARIT = _ENV.from_string(GABARIT_HTML)


def _chaine_css(texte: str) -> str:
    """Text inside a CSS string of the <style> element: every character that could end the
    string or the element is written as a CSS escape (the title is the user's)."""
    return "".join(ch if ch.isalnum() or ch in " -—.,:;()/'" else f"\\{ord(ch):x} " for ch in texte)


def en_html(c: Contenu) -> str:
    svg = {
        b.code: base64.b64encode(graphique_svg(b.graphique)).decode()
        for s in c.sections
        for b in s.blocs
        if b.graphique
    }
    return _GABARIT.render(c=c, svg=svg, note_secret=NOTE_SECRET, pied_css=_chaine_css(c.pied))


def en_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


# --- DOCX --------------------------------------------------------------------------


def _champ(paragraphe: Any, instruction: str, texte: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC): begin, instruction, separate, result, end."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_avec(el: Any) -> None:
        r = OxmlElement("w:r")
        r.append(el)
        paragraphe._p.append(r)

    debut = OxmlElement("w:fldChar")
    debut.set(qn("w:fldCharType"), "begin")
    run_avec(debut)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_avec(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_avec(sep)
    if texte:
        t = OxmlElement("w:t")
        t.text = texte
        run_avec(t)
    fin = OxmlElement("w:fldChar")
    fin.set(qn("w:fldCharType"), "end")
    run_avec(fin)


def _tableau_docx(doc: Any, t: Tableau) -> None:
    """One table of the report in the Word document: bold headers, figures right-aligned,
    the total line bold."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = doc.add_table(rows=1 + len(t.lignes), cols=len(t.entetes))
    table.style = "Table Grid"
    # The grid's cells once, row by row: table.cell(i, j) walks the whole grid at
    # each call (quadratic: a third of the DOCX's time on a year's tables).
    cellules = table._cells
    largeur = len(t.entetes)
    for j, e in enumerate(t.entetes):
        cell = cellules[j]
        cell.text = e
        cell.paragraphs[0].runs[0].bold = True
    for i, ligne in enumerate(t.lignes, start=1):
        for j, v in enumerate(ligne):
            cell = cellules[i * largeur + j]
            cell.text = v
            if j:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if t.total_derniere_ligne and i == len(t.lignes):
                cell.paragraphs[0].runs[0].bold = True


def en_docx(c: Contenu) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    doc.core_properties.title = c.titre
    doc.core_properties.language = "fr-FR"
    styles = doc.styles
    styles["Normal"].font.name = "Liberation Sans"
    styles["Normal"].font.size = Pt(10)
    # Word refreshes the table of contents and page numbers when the file is opened.
    maj = OxmlElement("w:updateFields")
    maj.set(qn("w:val"), "true")
    doc.settings.element.append(maj)

    section = doc.sections[0]
    pied = section.footer.paragraphs[0]
    pied.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pied.add_run("Page ")
    _champ(pied, "PAGE", "1")
    pied.add_run(" sur ")
    _champ(pied, "NUMPAGES", "1")
    pied.add_run(f" — {c.pied}")

    doc.add_heading(c.titre, level=0)
    for sous_titre in c.sous_titre:
        doc.add_paragraph(sous_titre)
    doc.add_heading("Table des matières", level=1)
    toc = doc.add_paragraph()
    # The field's result already lists the sections, so a reader that does not refresh
    # fields (python-docx, a viewer) still shows a table of contents.
    _champ(toc, 'TOC \\o "1-2" \\h \\z \\u', "")
    for s in c.sections:
        p = doc.add_paragraph(("    " if s.niveau == 2 else "") + s.titre)
        p.paragraph_format.space_after = Pt(0)
    doc.add_page_break()  # type: ignore[no-untyped-call]

    for s in c.sections:
        doc.add_heading(s.titre, level=1 if s.niveau == 1 else 2)
        if s.type == "texte":
            if not s.paragraphes:
                doc.add_paragraph("(Section à rédiger.)").runs[0].italic = True
            for texte in s.paragraphes:
                doc.add_paragraph(texte)
            continue
        for b in s.blocs:
            doc.add_heading(b.titre, level=3)
            if b.phrase:
                doc.add_paragraph().add_run(b.phrase).bold = True
            if b.tableau:
                _tableau_docx(doc, b.tableau)
            if b.graphique:
                forme = doc.add_paragraph().add_run().add_picture(io.BytesIO(graphique_png(b.graphique)), width=Cm(16))
                forme._inline.docPr.set("descr", b.graphique.alt)
                forme._inline.docPr.set("title", b.graphique.titre)
            note = b.definition
            if b.secret:
                note += " " + NOTE_SECRET
            p = doc.add_paragraph()
            r = p.add_run(note)
            r.font.size = Pt(8)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- what the workshop runs (api/rapports/atelier.py) -----------------------------------


def rendre_contenu(format: str, c: Contenu) -> bytes:
    """The report in one format: ``html``, ``pdf`` (from that HTML) or ``docx``."""
    if format == "docx":
        return en_docx(c)
    html = en_html(c)
    return html.encode() if format == "html" else en_pdf(html)


def rendre_les_trois(c: Contenu) -> tuple[bytes, bytes, bytes]:
    """HTML, PDF and DOCX of one content (a deposit keeps the three), the HTML made once."""
    html = en_html(c)
    return html.encode(), en_pdf(html), en_docx(c)


def prechauffer() -> None:
    """Loads what a first render would (WeasyPrint and its fonts, matplotlib, python-docx) by
    rendering a small content in every format, then freezes it all out of the garbage
    collector's generations: it lives as long as the process (api/core/socle.py)."""
    import gc

    c = Contenu(
        titre="Préchauffage",
        sous_titre=[],
        sections=[],
        pied="Préchauffage",
    )
    graphique_svg(Graphique(titre="t", etiquettes=["a", "b"], series=[("n", [1.0, 2.0])], empile=False, alt="t"))
    rendre_les_trois(c)
    gc.freeze()
