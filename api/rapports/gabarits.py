"""Funders' Word templates (docxtpl): the placeholders a template may use, checked at upload,
and the rendering of a report into it.

Placeholders (documented in docs/rapports.md):
- ``{{ rapport.titre }}``, ``rapport.du``, ``rapport.au``, ``rapport.periode``,
  ``rapport.association``, ``rapport.dispositif``;
- ``{{ narration.<code de section> }}``;
- per indicator table, by its code: ``{{ file_active.total }}``, ``total_n1``, ``variation``,
  ``titre``, ``unite``, and the rows for a table loop:
  ``{%tr for l in file_active_cible.lignes %}{{ l.libelle }} {{ l.valeur }} {{ l.valeur_n1 }}
  {{ l.variation }} {{ l.pourcentage }}{%tr endfor %}``.
"""

from __future__ import annotations

import io
from typing import Any

from jinja2 import Environment, nodes

from api.core.errors import champ_invalide
from api.rapports import typo
from api.rapports.livres import TABLES_CONNUES

CHAMPS_RAPPORT = frozenset({"titre", "du", "au", "periode", "association", "dispositif"})
CHAMPS_TABLE = frozenset({"titre", "unite", "total", "total_n1", "variation", "lignes"})
CHAMPS_LIGNE = frozenset({"libelle", "valeur", "valeur_n1", "variation", "pourcentage"})
RACINES = frozenset({"rapport", "narration"}) | TABLES_CONNUES


def _source_jinja(contenu: bytes) -> str:
    """The Jinja source docxtpl will render: the document's body, headers and footers."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docxtpl import DocxTemplate

    try:
        tpl = DocxTemplate(io.BytesIO(contenu))
        tpl.init_docx()
    except Exception:  # python-docx raises several kinds on a file that is not a .docx
        raise champ_invalide("fichier", "document Word (.docx) attendu", None) from None
    doc = tpl.docx
    assert doc is not None
    xml = tpl.patch_xml(tpl.xml_to_string(doc._element.body))
    for rel in doc.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part.blob:
            xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    return str(xml)


def _nom(n: nodes.Node) -> str:
    if isinstance(n, nodes.Name):
        return str(n.name)
    if isinstance(n, nodes.Getattr):
        return f"{_nom(n.node)}.{n.attr}"
    return "…"


def verifier(contenu: bytes) -> list[str]:
    """Every placeholder the template uses, or a 422 naming the first unknown one."""
    try:
        arbre = Environment(autoescape=True).parse(_source_jinja(contenu))
    except Exception as e:
        if hasattr(e, "status"):
            raise
        raise champ_invalide("fichier", f"gabarit illisible : {e}", None) from None
    lignes: set[str] = set()  # loop variables over a table's rows
    for boucle in arbre.find_all(nodes.For):
        if isinstance(boucle.target, nodes.Name) and isinstance(boucle.iter, nodes.Getattr):
            lignes.add(boucle.target.name)
    declares = lignes | {
        n.name for a in arbre.find_all(nodes.Assign) for n in a.find_all(nodes.Name)
    }
    champs: set[str] = set()

    def refuser(nom: str, permis: str) -> None:
        raise champ_invalide("fichier", f"champ inconnu {{{{ {nom} }}}} ; {permis}", nom)

    for g in arbre.find_all(nodes.Getattr):
        if not isinstance(g.node, nodes.Name):
            continue
        racine, attr = g.node.name, g.attr
        nom = f"{racine}.{attr}"
        if racine == "rapport" and attr not in CHAMPS_RAPPORT:
            refuser(nom, "champs de rapport : " + ", ".join(sorted(CHAMPS_RAPPORT)))
        elif racine in TABLES_CONNUES and attr not in CHAMPS_TABLE:
            refuser(nom, "champs d'une table : " + ", ".join(sorted(CHAMPS_TABLE)))
        elif racine in lignes and attr not in CHAMPS_LIGNE:
            refuser(nom, "champs d'une ligne : " + ", ".join(sorted(CHAMPS_LIGNE)))
        if racine not in lignes:
            champs.add(nom)
    for n in arbre.find_all(nodes.Name):
        if n.ctx == "load" and n.name not in declares and n.name not in RACINES:
            refuser(n.name, "racines permises : rapport, narration, ou le code d'une table d'indicateurs")
    return sorted(champs)


def contexte(
    *, titre: str, periode: str, noms: dict[str, str], du: Any, au: Any, narration: dict[str, str],
    doc_n: dict[str, Any], doc_n1: dict[str, Any] | None,
) -> dict[str, Any]:
    tables_n1 = {t["code"]: t for t in doc_n1["tableaux"]} if doc_n1 else {}
    ctx: dict[str, Any] = {
        "rapport": {
            "titre": titre, "du": typo.jour(du), "au": typo.jour(au), "periode": periode,
            "association": noms.get("association", ""), "dispositif": noms.get("dispositif", ""),
        },
        "narration": dict(narration),
    }  # fmt: skip

    def val(c: dict[str, Any] | None) -> str:
        if c is None:
            return "—"
        return "secret" if c.get("masque") else typo.nombre(c.get("valeur"))

    for t in doc_n["tableaux"]:
        t1 = tables_n1.get(t["code"])
        avant = {c["cle"]: c for c in t1["cellules"]} if t1 else {}
        libelles = {m["code"]: m["libelle"] for d in t["dimensions"] for m in d["valeurs"]}
        lignes = []
        total = total_n1 = None
        for c in t["cellules"]:
            if c["cle"] == "total":
                total, total_n1 = c, avant.get("total")
                continue
            h = avant.get(c["cle"])
            lignes.append({
                "libelle": " × ".join(
                    libelles.get(v, v) if v != "total" else "Total" for v in c["dimensions"].values()
                ),
                "valeur": val(c),
                "valeur_n1": val(h) if t1 else "—",
                "variation": typo.variation(h.get("valeur") if h else None, c.get("valeur")) if t1 else "—",
                "pourcentage": typo.pourcent(c.get("pourcentage")) if c.get("pourcentage") is not None else "",
            })  # fmt: skip
        ctx[t["code"]] = {
            "titre": t["titre"],
            "unite": t["unite"],
            "total": val(total),
            "total_n1": val(total_n1) if t1 else "—",
            "variation": typo.variation(
                total_n1.get("valeur") if total_n1 else None, total.get("valeur") if total else None
            ) if t1 else "—",
            "lignes": lignes,
        }  # fmt: skip
    return ctx


def rendre(gabarit: bytes, ctx: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(gabarit))
    tpl.render(ctx, autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()
