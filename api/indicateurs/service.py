"""Indicators: the document of every table of the seed reports, and the files behind a cell.

The tables are declared once in ``catalogue.py`` and computed by ``moteur.py`` over
the ``Perimetre`` (access ∧ filters, ``perimetre.py``); the rendering in CSV and
XLSX is ``rendu.py``. This module applies the rules around them: who may ask, the
statistical secrecy of a funder's document, the access log of a drill-down.
Definitions: docs/indicateurs.md and each table's ``definition``.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.sql.selectable import Select
from sqlmodel import Session

from api.audit.service import journaliser_liste
from api.auth.principal import Principal
from api.core.errors import ErreurValidation, Introuvable, champ_invalide
from api.dispositifs.models import Dispositif
from api.indicateurs import access, secret
from api.indicateurs.catalogue import TABLES
from api.indicateurs.moteur import TOTAL, Requetes, calculer_tableaux, conditions_detail
from api.indicateurs.perimetre import Filtres as Filtres  # the names the router and the reports use
from api.indicateurs.perimetre import filtres as filtres
from api.indicateurs.rendu import en_csv as en_csv  # the router's names (rendering: rendu.py)
from api.indicateurs.rendu import en_xlsx as en_xlsx
from api.indicateurs.schemas import DetailCellule, DocumentIndicateurs, ElementDetail, ModeAge, Parametres
from api.indicateurs.sql import table

__all__ = ["Filtres", "ModeAge", "calculer_indicateurs", "detail_cellule", "en_csv", "en_xlsx", "filtres"]


def _parametres(principal: Principal, f: Filtres, seuil: int) -> Parametres:
    return Parametres(
        du=f.du,
        au=f.au,
        dispositif=f.dispositif,
        association=f.association,
        commune=list(f.commune),
        cible=f.cible,
        tranches_age=list(f.tranches_age),
        age=f.age,
        perimetre=access.perimetre(principal),
        secret_statistique_seuil=seuil,
    )


def seuil_secret(session: Session, principal: Principal, f: Filtres, defaut: int) -> int:
    """The statistical-secrecy threshold for this request: 0 for those who may see the
    files (associations, commissions, admin); for a funder, the threshold of the
    dispositif asked for (its own, or the platform's ``defaut``), or the highest among
    the dispositifs it funds or co-funds when it asks for all of them."""
    if not access.est_agrege_seulement(principal):
        return 0
    d = table(Dispositif)
    q = select(func.coalesce(d.c.secret_statistique_seuil, defaut)).where(
        access.condition_colonnes_dispositif(principal, d.c.commission_id, d.c.id)
    )
    if f.dispositif:
        q = q.where(d.c.id == f.dispositif)
    seuils = [int(v) for v in session.execute(q).scalars()]
    return max(seuils) if seuils else defaut


def verifier_filtres(f: Filtres, seuil: int) -> None:
    """Under statistical secrecy, no filter below the dispositif: two requests differing by
    one commune, cible or association would be subtracted cell by cell, and give the
    counts of that commune, cible or association that the secrecy masks in its own
    request. The tables by commune and by cible are there, with their masked cells."""
    if not seuil:
        return
    for champ, valeur in (
        ("commune", ",".join(f.commune) or None),
        ("cible", f.cible),
        ("association", str(f.association) if f.association else None),
    ):
        if valeur:
            raise champ_invalide(
                champ,
                f"sous secret statistique (seuil {seuil}), un financeur ne restreint pas les "
                "indicateurs en deçà du dispositif : lisez les tables par commune et par cible "
                "du document",
                valeur,
            )


def calculer_indicateurs(
    session: Session, principal: Principal, *, f: Filtres, seuil: int, tables: Collection[str] | None = None
) -> DocumentIndicateurs:
    """The whole indicator document for the caller's perimeter and the filters, or only the
    tables whose codes are in ``tables`` (in the catalogue's order; an unknown code is no
    table): the same figures, the statistical secrecy being table by table.

    Aggregates only: no file, no name. A funder gets the cells below ``seuil``
    masked (``ANCRAGE_SECRET_STATISTIQUE_SEUIL``) and never a detail link.
    """
    access.verifier_acces(principal)
    access.verifier_dispositif(session, principal, f.dispositif)
    seuil_applique = seuil_secret(session, principal, f, seuil)
    verifier_filtres(f, seuil_applique)
    choisies = TABLES if tables is None else tuple(t for t in TABLES if t.code in tables)
    tableaux = calculer_tableaux(session, principal, f, choisies)
    if seuil_applique:
        secret.masquer(tableaux, seuil_applique)
    if not access.detail_disponible(principal):
        for t in tableaux:
            t.detail_disponible = False
    return DocumentIndicateurs(parametres=_parametres(principal, f, seuil_applique), tableaux=tableaux)


def _parser_cellule(cellule: str) -> dict[str, str]:
    if cellule == TOTAL:
        return {}
    out = {}
    for part in cellule.split(";"):
        k, sep, v = part.partition("=")
        if not sep or not k or not v:
            raise champ_invalide(
                "cellule",
                "format « dimension=valeur;dimension=valeur » ou « total » attendu",
                cellule,
            )
        out[k] = v
    return out


LIMITE_DETAIL = 1000


def detail_cellule(
    session: Session,
    principal: Principal,
    *,
    f: Filtres,
    table_code: str,
    cellule: str,
    lecture: Session | None = None,
) -> DetailCellule:
    """The mesures or orientations that make one cell, as references and links.

    Only for those who may open these files (association, commission): a funder
    or anyone else gets 404. Each listed file is written to the access log.
    The files are read through ``lecture`` (the read replica, when there is one), the
    log is written and committed through ``session`` (the primary).
    """
    access.verifier_acces_detail(principal, table_code)
    lu = lecture if lecture is not None else session
    q = Requetes(lu, principal, f)
    query, kind, lien = _requete_cellule(q, table_code, cellule)
    rows = list(lu.execute(query.limit(LIMITE_DETAIL + 1)))
    total = (
        len(rows)
        if len(rows) <= LIMITE_DETAIL
        else int(lu.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    )
    rows = rows[:LIMITE_DETAIL]
    elements = [ElementDetail(type=kind, id=i, reference=ref, lien=f"{lien}{i}") for i, ref in rows]
    journaliser_liste(session, principal, kind, [e.id for e in elements])
    session.commit()
    return DetailCellule(
        table=table_code,
        cellule=cellule,
        parametres=_parametres(principal, f, 0),
        total=total,
        elements=elements,
    )


def _requete_cellule(q: Requetes, table_code: str, cellule: str) -> tuple[Select[Any], str, str]:
    """The query of the files (id, reference) behind one cell, their type and link prefix."""
    population, where, dims = conditions_detail(q, table_code)
    conds = [where]
    for k, v in _parser_cellule(cellule).items():
        if v == TOTAL:
            continue
        if k not in dims:
            raise champ_invalide(
                "cellule",
                f"dimension inconnue pour cette table ; permises : {', '.join(sorted(dims))}",
                k,
            )
        conds.append(dims[k](v))
    m, o = q.m, q.o
    if population.dossier == "mesure":
        query = select(m.c.id, m.c.reference).select_from(q.m_h).where(*conds).order_by(m.c.reference)
        kind, lien = "mesure", "/api/v1/mesures/"
    else:
        from_ = q.from_dec if population.dossier == "decision" else o
        query = select(o.c.id, o.c.reference).select_from(from_).where(*conds).distinct().order_by(o.c.reference)
        kind, lien = "orientation", "/api/v1/orientations/"
    return query, kind, lien


def dossiers_des_cellules(
    lecture: Session, principal: Principal, *, f: Filtres, cellules: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, set[uuid.UUID]]]:
    """Every file behind each (table, cell), without the 1 000 limit of ``detail_cellule``:
    a report keeps them at its deposit to name, later, the files that moved. Not written to
    the access log (no file is shown); cells without files to open (a mean, a rate) are left
    out. The caller must be allowed to open the files (``verifier_acces_detail``)."""
    q = Requetes(lecture, principal, f)
    out: dict[tuple[str, str], tuple[str, set[uuid.UUID]]] = {}
    for table_code, cellule in cellules:
        try:
            access.verifier_acces_detail(principal, table_code)
            query, kind, _lien = _requete_cellule(q, table_code, cellule)
        except (Introuvable, ErreurValidation):
            continue
        out[(table_code, cellule)] = (kind, {row[0] for row in lecture.execute(query.order_by(None))})
    return out
