"""Reports: models, drafts, rendering, deposit, and the differences since the deposit.

The figures come from the indicator service (``api.indicateurs.service``: the same
document as ``GET /api/v1/indicateurs``) on the report's scope, computed for the caller.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from api.audit.service import journaliser_liste
from api.auth.principal import Principal
from api.core.concurrency import bump_version, check_if_match
from api.core.errors import Conflit, Introuvable, champ_invalide
from api.core.models import utcnow
from api.core.pagination import Page, PageParams, count
from api.dispositifs.models import Dispositif
from api.indicateurs import service as indicateurs
from api.indicateurs.schemas import Tableau
from api.indicateurs.secret import masquer as masquer_tableaux
from api.mesures.models import Mesure, MesureEvenement
from api.notifications import service as notifications
from api.organisations.models import Organisation, TypeOrganisation
from api.orientations.models import Orientation
from api.rapports import access, atelier, gabarits
from api.rapports.composition import Contenu, composer, verifier_sections
from api.rapports.models import GabaritRapport, Rapport, RapportCelluleDossier, RapportDocument, RapportModele
from api.rapports.schemas import (
    DossierEcart,
    Ecart,
    Ecarts,
    FormatRapport,
    GabaritPublic,
    ModeleContenu,
    ModeleCopie,
    ModeleModification,
    ModelePublic,
    ModeleResume,
    RapportCreate,
    RapportPublic,
    RapportUpdate,
    StatutRapport,
)

MEDIAS = {
    FormatRapport.html: "text/html; charset=utf-8",
    FormatRapport.pdf: "application/pdf",
    FormatRapport.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


# --- models ---------------------------------------------------------------------------


def _modele_public(m: RapportModele) -> ModelePublic:
    return ModelePublic.model_validate(m, from_attributes=True)


def _modele_visible(session: Session, principal: Principal, modele_id: uuid.UUID) -> RapportModele:
    m = session.exec(
        select(RapportModele).where(RapportModele.id == modele_id, access.condition_modeles(principal))
    ).first()
    if m is None:
        raise Introuvable("Modèle de rapport", modele_id)
    return m


def lister_modeles(session: Session, principal: Principal) -> list[ModelePublic]:
    """The latest version of each model the caller may use."""
    derniere = (
        select(RapportModele.famille, func.max(RapportModele.version).label("v"))
        .where(access.condition_modeles(principal))
        .group_by(RapportModele.famille)
        .subquery()
    )
    rows = session.exec(
        select(RapportModele)
        .join(derniere, (derniere.c.famille == RapportModele.famille) & (derniere.c.v == RapportModele.version))
        .order_by(col(RapportModele.organisation_id).is_not(None), RapportModele.nom)
    ).all()
    return [_modele_public(m) for m in rows]


def lire_modele(session: Session, principal: Principal, modele_id: uuid.UUID) -> ModelePublic:
    return _modele_public(_modele_visible(session, principal, modele_id))


def copier_modele(session: Session, principal: Principal, modele_id: uuid.UUID, data: ModeleCopie) -> ModelePublic:
    access.verifier_copie(principal)
    src = _modele_visible(session, principal, modele_id)
    m = RapportModele(
        famille=uuid.uuid4(),
        version=1,
        code=src.code,
        nom=data.nom or f"Copie de {src.nom}"[:200],
        description=src.description,
        nature=src.nature,
        sections=copy.deepcopy(src.sections),
        organisation_id=principal.organisation_id,
        source_id=src.id,
    )
    session.add(m)
    session.commit()
    return _modele_public(m)


def modifier_modele(
    session: Session, principal: Principal, modele_id: uuid.UUID, data: ModeleModification
) -> ModelePublic:
    """A new version of one of the organisation's own models: reports keep the old one."""
    access.verifier_copie(principal)
    src = _modele_visible(session, principal, modele_id)
    if src.organisation_id != principal.organisation_id:
        raise Conflit("Un modèle livré avec Ancrage ne se modifie pas : copiez-le, puis modifiez la copie.")
    derniere = session.exec(
        select(func.max(RapportModele.version)).where(RapportModele.famille == src.famille)
    ).one()
    if src.version != derniere:
        raise Conflit(
            f"Seule la dernière version (v{derniere}) d'un modèle se modifie ; vous avez envoyé la v{src.version}."
        )
    contenu = ModeleContenu(
        nom=data.nom or src.nom,
        description=src.description if data.description is None else data.description,
        sections=data.sections
        if data.sections is not None
        else ModeleContenu.model_validate({"nom": src.nom, "sections": src.sections}).sections,
    )
    sections = [s.model_dump(mode="json") for s in contenu.sections]
    verifier_sections(sections)
    m = RapportModele(
        famille=src.famille,
        version=src.version + 1,
        code=src.code,
        nom=contenu.nom,
        description=contenu.description,
        nature=src.nature,
        sections=sections,
        organisation_id=src.organisation_id,
        source_id=src.id,
    )
    session.add(m)
    session.commit()
    return _modele_public(m)


# --- reports ----------------------------------------------------------------------------


def _modele_resume(m: RapportModele | dict[str, Any]) -> ModeleResume:
    if isinstance(m, dict):
        return ModeleResume.model_validate(m)
    return ModeleResume(id=m.id, code=m.code, nom=m.nom, version=m.version, nature=m.nature)


def _public(session: Session, principal: Principal, r: Rapport) -> RapportPublic:
    if r.fige is not None:
        modele = r.fige["modele"]
        resume, sections = _modele_resume(modele), modele["sections"]
    else:
        m = session.get(RapportModele, r.modele_id)
        assert m is not None
        resume, sections = _modele_resume(m), m.sections
    return RapportPublic(
        id=r.id,
        titre=r.titre,
        modele=resume,
        sections=sections,
        dispositif_id=r.dispositif_id,
        association_id=r.association_id,
        du=r.du,
        au=r.au,
        auteur_id=r.auteur_id,
        statut=StatutRapport(r.statut),
        narration=r.narration,
        version=r.version,
        cree_le=r.cree_le,
        modifie_le=r.modifie_le,
        depose_le=r.depose_le,
        pdf_sha256=r.pdf_sha256,
        modifiable=r.statut == "brouillon" and r.auteur_id == principal.organisation_id,
    )


def _verifier_narration(narration: dict[str, str], sections: list[dict[str, Any]]) -> None:
    codes = {s["code"] for s in sections if s["type"] == "texte"}
    for code in narration:
        if code not in codes:
            raise champ_invalide(
                f"body.narration.{code}",
                "section narrative inconnue du modèle ; sections permises : " + ", ".join(sorted(codes)),
                code,
            )


def _periode(data: RapportCreate) -> tuple[date, date]:
    if data.annee is not None:
        if data.du or data.au:
            raise champ_invalide("body.annee", "donnez une année ou bien du/au, pas les deux", data.annee)
        return date(data.annee, 1, 1), date(data.annee, 12, 31)
    if data.au is None:
        raise champ_invalide("body.au", "une année (annee) ou une date de fin (au) est requise", None)
    du = data.du or date(data.au.year, 1, 1)
    # The indicator service bounds the period (du ≤ au, 120 months at most).
    indicateurs.filtres(du=du, au=data.au)
    return du, data.au


def creer_rapport(session: Session, principal: Principal, data: RapportCreate) -> RapportPublic:
    access.verifier_auteur(principal)
    modele = _modele_visible(session, principal, data.modele_id)
    dispositif = session.get(Dispositif, data.dispositif_id)
    if dispositif is None:
        raise Introuvable("Dispositif", data.dispositif_id)
    association_id = access.verifier_creation(session, principal, dispositif, data.association_id)
    du, au = _periode(data)
    narration = {k: v for k, v in data.narration.items() if v}
    _verifier_narration(narration, modele.sections)
    titre = data.titre or f"{modele.nom} — {dispositif.nom} — " + (
        str(au.year) if (du, au) == (date(au.year, 1, 1), date(au.year, 12, 31)) else f"au {au.strftime('%d/%m/%Y')}"
    )
    r = Rapport(
        titre=titre[:200],
        modele_id=modele.id,
        dispositif_id=dispositif.id,
        association_id=association_id,
        du=du,
        au=au,
        auteur_id=principal.organisation_id,
        cree_par_id=principal.id,
        narration=narration,
    )
    session.add(r)
    session.commit()
    return _public(session, principal, r)


def _visible(session: Session, principal: Principal, rapport_id: uuid.UUID) -> Rapport:
    r = session.exec(select(Rapport).where(Rapport.id == rapport_id, access.condition_lecture(principal))).first()
    if r is None:
        raise Introuvable("Rapport", rapport_id)
    return r


def lire_rapport(session: Session, principal: Principal, rapport_id: uuid.UUID) -> RapportPublic:
    return _public(session, principal, _visible(session, principal, rapport_id))


def lister_rapports(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    dispositif_id: uuid.UUID | None,
    association_id: uuid.UUID | None,
    statut: StatutRapport | None,
) -> Page[RapportPublic]:
    q = select(Rapport).where(access.condition_lecture(principal))
    if dispositif_id:
        q = q.where(Rapport.dispositif_id == dispositif_id)
    if association_id:
        q = q.where(Rapport.association_id == association_id)
    if statut:
        q = q.where(Rapport.statut == statut.value)
    total = count(session, q)
    q = q.order_by(col(Rapport.modifie_le).desc(), col(Rapport.id))
    rows = session.exec(q.limit(page.limit).offset(page.offset)).all()
    return Page(total=total, limit=page.limit, offset=page.offset, items=[_public(session, principal, r) for r in rows])


def _modifiable(session: Session, principal: Principal, rapport_id: uuid.UUID) -> Rapport:
    r = _visible(session, principal, rapport_id)
    ok = session.exec(
        select(Rapport.id).where(Rapport.id == rapport_id, access.condition_modification(principal))
    ).first()
    if ok is None:
        if r.statut == "depose":
            raise Conflit("Ce rapport est déposé : il ne change plus. Créez un nouveau rapport pour une autre version.")
        raise Introuvable("Rapport", rapport_id)  # read but not written: a deposited report of another
    return r


def modifier_rapport(
    session: Session, principal: Principal, rapport_id: uuid.UUID, data: RapportUpdate, if_match: str | None
) -> RapportPublic:
    r = _modifiable(session, principal, rapport_id)
    check_if_match(if_match, r.version, "Le rapport")
    modele = session.get(RapportModele, r.modele_id)
    assert modele is not None
    narration = dict(r.narration)
    if data.narration is not None:
        _verifier_narration(data.narration, modele.sections)
        for k, v in data.narration.items():
            if v:
                narration[k] = v
            else:
                narration.pop(k, None)
    bump_version(session, Rapport, r, "Le rapport")
    if data.titre is not None:
        r.titre = data.titre
    r.narration = narration
    session.add(r)
    session.commit()
    return _public(session, principal, r)


# --- figures and rendering ------------------------------------------------------------------


def _filtres(r: Rapport, du: date, au: date) -> indicateurs.Filtres:
    return indicateurs.filtres(du=du, au=au, dispositif=r.dispositif_id, association=r.association_id)


def _compare(sections: list[dict[str, Any]]) -> bool:
    return any(s["type"] == "calcul" and s.get("comparer_n1", True) for s in sections)


def _documents(
    session: Session,
    principal: Principal,
    r: Rapport,
    sections: list[dict[str, Any]],
    seuil: int,
    *,
    complet: bool = False,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The indicator documents of N and N-1 (when a section compares). Only the tables the
    sections name unless ``complet``: a draft shows them and the écarts compare them, and the
    engine then skips the passes of the others (issue 15: half the tables, half the cost).
    The deposit freezes the whole documents: a funder's Word template may name any table."""
    from api.rapports.typo import moins_un_an

    tables = None if complet else _tables_nommees(sections)
    n = indicateurs.calculer_indicateurs(session, principal, f=_filtres(r, r.du, r.au), seuil=seuil, tables=tables)
    n1 = None
    if _compare(sections):
        n1 = indicateurs.calculer_indicateurs(
            session, principal, f=_filtres(r, moins_un_an(r.du), moins_un_an(r.au)), seuil=seuil, tables=tables
        ).model_dump(mode="json")
    return n.model_dump(mode="json"), n1


def masquer(doc: dict[str, Any] | None, seuil: int) -> dict[str, Any] | None:
    """Statistical secrecy on a frozen document, exactly as the indicator service applies
    it to a funder (api/indicateurs/secret.py: primary, then secondary suppression so that
    no masked cell can be recomputed from its row, column or total)."""
    if doc is None or seuil <= 0:
        return doc
    doc = copy.deepcopy(doc)
    tableaux = [Tableau.model_validate(t) for t in doc["tableaux"]]
    masquer_tableaux(tableaux, seuil)
    doc["tableaux"] = [t.model_dump(mode="json") | {"detail_disponible": False} for t in tableaux]
    doc["parametres"]["secret_statistique_seuil"] = seuil
    return doc


def _noms(session: Session, r: Rapport) -> dict[str, str]:
    d = session.get(Dispositif, r.dispositif_id)
    a = session.get(Organisation, r.association_id) if r.association_id else None
    auteur = session.get(Organisation, r.auteur_id)
    return {
        "dispositif": d.nom if d else "",
        "association": a.nom if a else "Toutes les associations du dispositif",
        "auteur": auteur.nom if auteur else "",
    }


@dataclass
class Source:
    """What a rendering is made of; frozen as is at the deposit."""

    titre: str
    du: date
    au: date
    noms: dict[str, str]
    sections: list[dict[str, Any]]
    narration: dict[str, str]
    doc_n: dict[str, Any]
    doc_n1: dict[str, Any] | None
    mention: str


def _contenu(s: Source) -> Contenu:
    from api.rapports.typo import jour

    periode = (
        f"Année {s.au.year}"
        if (s.du, s.au) == (date(s.au.year, 1, 1), date(s.au.year, 12, 31))
        else f"Du {jour(s.du)} au {jour(s.au)}"
    )
    return composer(
        titre=s.titre,
        sous_titre=[s.noms["association"], f"Dispositif : {s.noms['dispositif']}", periode, s.mention],
        sections=s.sections,
        narration=s.narration,
        doc_n=s.doc_n,
        doc_n1=s.doc_n1,
        du=s.du,
        au=s.au,
        pied=f"{s.titre} — {s.mention}",
    )


def rendre(s: Source, format: FormatRapport) -> bytes:
    return atelier.rendre(format.value, _contenu(s))


def _source_brouillon(
    session: Session, lecture: Session, principal: Principal, r: Rapport, seuil: int, *, complet: bool = False
) -> Source:
    modele = session.get(RapportModele, r.modele_id)
    assert modele is not None
    doc_n, doc_n1 = _documents(lecture, principal, r, modele.sections, seuil, complet=complet)
    return Source(
        titre=r.titre,
        du=r.du,
        au=r.au,
        noms=_noms(session, r),
        sections=modele.sections,
        narration=r.narration,
        doc_n=doc_n,
        doc_n1=doc_n1,
        mention="Brouillon : chiffres calculés à la lecture",
    )


def _periode_texte(du: date, au: date) -> str:
    from api.rapports.typo import jour

    if (du, au) == (date(au.year, 1, 1), date(au.year, 12, 31)):
        return f"Année {au.year}"
    return f"Du {jour(du)} au {jour(au)}"


def _dans_gabarit(
    session: Session, lecture: Session, principal: Principal, r: Rapport, gabarit_id: uuid.UUID, seuil: int
) -> bytes:
    """The report's figures and narration in a funder's template: for a deposited report,
    the frozen ones (the funder's under statistical secrecy)."""
    g = session.exec(
        select(GabaritRapport).where(GabaritRapport.id == gabarit_id, access.condition_gabarits(principal))
    ).first()
    d = session.get(Dispositif, r.dispositif_id)
    if g is None or d is None or not access.gabarit_du_dispositif(session, g, d.id):
        raise Introuvable("Gabarit du financeur de ce dispositif", gabarit_id)
    if r.fige is not None:
        s = access.agrege_seulement(principal)
        doc_n = masquer(r.fige["doc_n"], seuil) if s else r.fige["doc_n"]
        doc_n1 = masquer(r.fige["doc_n1"], seuil) if s else r.fige["doc_n1"]
        assert doc_n is not None
        noms, narration = r.fige["noms"], r.fige["narration"]
    else:
        # the template may name any table of the catalogue, not only the model's
        src = _source_brouillon(session, lecture, principal, r, seuil, complet=True)
        doc_n, doc_n1, noms, narration = src.doc_n, src.doc_n1, src.noms, src.narration
    ctx = gabarits.contexte(
        titre=r.titre, periode=_periode_texte(r.du, r.au), noms=noms, du=r.du, au=r.au, narration=narration,
        doc_n=doc_n, doc_n1=doc_n1,
    )
    return gabarits.rendre(g.contenu, ctx)


def document(
    session: Session,
    lecture: Session,
    principal: Principal,
    rapport_id: uuid.UUID,
    format: FormatRapport,
    seuil: int,
    gabarit_id: uuid.UUID | None = None,
) -> tuple[bytes, str, str]:
    r = _visible(session, principal, rapport_id)
    nom = f"rapport_{r.id}.{format.value}"
    if gabarit_id is not None:
        if format != FormatRapport.docx:
            raise champ_invalide("format", "un gabarit Word se rend en docx", format.value)
        return _dans_gabarit(session, lecture, principal, r, gabarit_id, seuil), MEDIAS[format], nom
    if r.statut == "depose":
        public = "agrege" if access.agrege_seulement(principal) else "complet"
        d = session.get(RapportDocument, (r.id, format.value, public))
        if d is None:
            raise Introuvable("Document du rapport", f"{r.id} ({format.value})")
        return d.contenu, MEDIAS[format], nom
    contenu = rendre(_source_brouillon(session, lecture, principal, r, seuil), format)
    return contenu, MEDIAS[format], nom


def deposer(
    session: Session, principal: Principal, rapport_id: uuid.UUID, if_match: str | None, seuil: int
) -> RapportPublic:
    """Freeze the report: model, narration and figures, and the rendered bytes (the
    author's and the funder's, under statistical secrecy). The figures are computed on the
    primary: a deposit must not freeze a replica's lag."""
    from api.rapports.typo import jour

    r = _modifiable(session, principal, rapport_id)
    check_if_match(if_match, r.version, "Le rapport")
    modele = session.get(RapportModele, r.modele_id)
    assert modele is not None
    maintenant = utcnow()
    source = _source_brouillon(session, session, principal, r, seuil, complet=True)
    source.mention = f"Déposé le {jour(maintenant.date())}"
    bump_version(session, Rapport, r, "Le rapport")
    docs: dict[tuple[str, str], bytes] = {}
    for public, src in (
        ("complet", source),
        ("agrege", replace(source, doc_n=masquer(source.doc_n, seuil), doc_n1=masquer(source.doc_n1, seuil))),
    ):
        html, pdf, docx = atelier.rendre_les_trois(_contenu(src))
        docs[("html", public)], docs[("pdf", public)], docs[("docx", public)] = html, pdf, docx
    for (fmt, public), contenu in docs.items():
        session.add(
            RapportDocument(
                rapport_id=r.id, format=fmt, public=public, contenu=contenu, sha256=hashlib.sha256(contenu).hexdigest()
            )
        )
    r.fige = {
        "modele": {
            "id": str(modele.id), "code": modele.code, "nom": modele.nom, "version": modele.version,
            "nature": modele.nature, "sections": modele.sections,
        },
        "narration": r.narration,
        "noms": source.noms,
        "doc_n": source.doc_n,
        "doc_n1": source.doc_n1,
    }  # fmt: skip
    _figer_dossiers(session, principal, r, modele.sections, source)
    dispositif = session.get(Dispositif, r.dispositif_id)
    if dispositif is not None:
        notifications.rapport_depose(
            session, rapport_id=r.id, financeur_id=dispositif.financeur_id, auteur=source.noms["auteur"],
            modele=modele.nom, periode=_periode_texte(r.du, r.au).lower(), dispositif=source.noms["dispositif"],
        )  # fmt: skip
    r.statut = "depose"
    r.depose_le = maintenant
    r.depose_par_id = principal.id
    r.pdf_sha256 = hashlib.sha256(docs[("pdf", "complet")]).hexdigest()
    session.add(r)
    session.commit()
    return _public(session, principal, r)


def _cellules(doc: dict[str, Any] | None, nommees: set[str]) -> list[tuple[str, str]]:
    if doc is None:
        return []
    return [(t["code"], c["cle"]) for t in doc["tableaux"] if t["code"] in nommees for c in t["cellules"]]


def _tables_nommees(sections: list[dict[str, Any]]) -> set[str]:
    return {b["table"] for s in sections if s["type"] == "calcul" for b in s["tables"]}


def _periodes(r: Rapport) -> dict[str, tuple[date, date]]:
    from api.rapports.typo import moins_un_an

    return {"N": (r.du, r.au), "N-1": (moins_un_an(r.du), moins_un_an(r.au))}


def _figer_dossiers(
    session: Session, principal: Principal, r: Rapport, sections: list[dict[str, Any]], source: Source
) -> None:
    """Keep the files behind each figure of the deposit (its author may open them), so that
    ``ecarts`` names later the files that moved, not only the figure."""
    nommees = _tables_nommees(sections)
    rows: list[dict[str, Any]] = []
    for periode, doc in (("N", source.doc_n), ("N-1", source.doc_n1)):
        cellules = _cellules(doc, nommees)
        if not cellules:
            continue
        du, au = _periodes(r)[periode]
        sets = indicateurs.dossiers_des_cellules(session, principal, f=_filtres(r, du, au), cellules=cellules)
        for (table, cellule), (kind, ids) in sets.items():
            rows.extend(
                {"rapport_id": r.id, "periode": periode, "table_code": table, "cellule": cellule, "dossier_id": i,
                 "type": kind}
                for i in ids
            )  # fmt: skip
    if rows:
        session.execute(insert(RapportCelluleDossier), rows)


# What a file's event says, in the écarts (api/mesures/service.py names the types).
POURQUOI = {
    "fin": "Fin de l'accompagnement",
    "demarrage": "Démarrage de l'accompagnement",
    "modification": "Données du dossier corrigées",
    "reorientation": "Réorientation",
    "prolongation": "Prolongation",
    "suspension": "Suspension",
    "reprise": "Reprise",
    "suivi": "Suivi à six mois",
    "mandatement": "Mandatement",
}


def _dossiers_ecarts(
    session: Session, lecture: Session, principal: Principal, r: Rapport, cellules: list[tuple[str, str, str]]
) -> dict[tuple[str, str, str], list[DossierEcart]]:
    """For each (period, table, cell) that moved: the files counted at the deposit and not
    today, or today and not at the deposit, with what was recorded on them since."""
    from api.rapports.typo import jour

    assert r.depose_le is not None
    avant: dict[tuple[str, str, str], set[uuid.UUID]] = {c: set() for c in cellules}
    stockees = set()
    types: dict[uuid.UUID, str] = {}
    for periode in {p for p, _, _ in cellules}:
        tables = {t for p, t, _ in cellules if p == periode}
        for row in session.exec(
            select(RapportCelluleDossier).where(
                RapportCelluleDossier.rapport_id == r.id,
                RapportCelluleDossier.periode == periode,
                col(RapportCelluleDossier.table_code).in_(tables),
            )
        ):
            cle = (row.periode, row.table_code, row.cellule)
            stockees.add((row.periode, row.table_code))
            if cle in avant:
                avant[cle].add(row.dossier_id)
                types[row.dossier_id] = row.type
    apres: dict[tuple[str, str, str], set[uuid.UUID]] = {}
    for periode, (du, au) in _periodes(r).items():
        demandees = [(t, c) for p, t, c in cellules if p == periode and (p, t) in stockees]
        if not demandees:
            continue
        sets = indicateurs.dossiers_des_cellules(lecture, principal, f=_filtres(r, du, au), cellules=demandees)
        for (table, cellule), (kind, ids) in sets.items():
            apres[(periode, table, cellule)] = ids
            types.update(dict.fromkeys(ids, kind))
    mouvements = {
        c: [(i, "sort") for i in avant[c] - apres[c]] + [(i, "entre") for i in apres[c] - avant[c]]
        for c in cellules
        if c in apres
    }
    ids = {i for m in mouvements.values() for i, _ in m}
    mesures = [i for i in ids if types[i] == "mesure"]
    orientations = [i for i in ids if types[i] == "orientation"]
    refs: dict[uuid.UUID, str] = {}
    pourquoi: dict[uuid.UUID, list[str]] = {}
    if mesures:
        refs.update(lecture.exec(select(Mesure.id, Mesure.reference).where(col(Mesure.id).in_(mesures))).all())
        evenements = lecture.exec(
            select(MesureEvenement)
            .where(col(MesureEvenement.mesure_id).in_(mesures), col(MesureEvenement.quand) > r.depose_le)
            .order_by(col(MesureEvenement.quand))
        ).all()
        for ev in evenements:
            texte = POURQUOI.get(ev.type, ev.type.replace("_", " ").capitalize())
            if ev.date_effet:
                texte += f" au {jour(ev.date_effet)}"
            pourquoi.setdefault(ev.mesure_id, []).append(f"{texte} (saisie du {jour(ev.quand.date())})")
    if orientations:
        refs.update(
            lecture.exec(
                select(Orientation.id, Orientation.reference).where(col(Orientation.id).in_(orientations))
            ).all()
        )
    # Listing a file is reading it: the access log gets one entry per file shown.
    for kind, liste in (("mesure", mesures), ("orientation", orientations)):
        journaliser_liste(session, principal, kind, sorted(liste))
    session.commit()
    lien = {"mesure": "/api/v1/mesures/", "orientation": "/api/v1/orientations/"}
    return {
        c: sorted(
            (
                DossierEcart(type=types[i], id=i, reference=refs.get(i), lien=f"{lien[types[i]]}{i}", sens=sens,
                             pourquoi=pourquoi.get(i, []))
                for i, sens in m
            ),
            key=lambda d: (d.sens, d.reference or ""),
        )
        for c, m in mouvements.items()
    }


def _lien_detail(r: Rapport, du: date, au: date, table: str, cle: str) -> str:
    params: dict[str, str] = {"table": table, "cellule": cle, "du": du.isoformat(), "au": au.isoformat()}
    params["dispositif"] = str(r.dispositif_id)
    if r.association_id:
        params["association"] = str(r.association_id)
    return "/api/v1/indicateurs/detail?" + urlencode(params)


def ecarts(session: Session, lecture: Session, principal: Principal, rapport_id: uuid.UUID, seuil: int) -> Ecarts:
    """Every frozen figure whose value computed today differs, before → after."""
    from api.rapports.typo import moins_un_an

    r = _visible(session, principal, rapport_id)
    if r.statut != "depose" or r.fige is None or r.depose_le is None:
        raise Conflit("Les écarts se calculent pour un rapport déposé ; celui-ci est un brouillon.")
    agrege = access.agrege_seulement(principal)
    seuil_lecteur = seuil if agrege else 0
    sections = r.fige["modele"]["sections"]
    if agrege:
        # A funder reads the deposited report, whose figures are its author's perimeter
        # (one association): today's figures are computed on that same perimeter and masked
        # the same way as the frozen ones. Computed as the funder itself, the association
        # filter would be refused (it would isolate masked cells by differencing).
        auteur = session.get(Organisation, r.auteur_id)
        assert auteur is not None
        comme_auteur = Principal(
            "utilisateur", uuid.UUID(int=0), auteur.id, TypeOrganisation(auteur.type), "agent", uuid.UUID(int=0)
        )
        exact_n, exact_n1 = _documents(lecture, comme_auteur, r, sections, 0)
        vivant_n, vivant_n1 = masquer(exact_n, seuil_lecteur), masquer(exact_n1, seuil_lecteur)
    else:
        vivant_n, vivant_n1 = _documents(lecture, principal, r, sections, seuil)
    periodes = (
        ("N", masquer(r.fige["doc_n"], seuil_lecteur), vivant_n, r.du, r.au),
        ("N-1", masquer(r.fige["doc_n1"], seuil_lecteur), vivant_n1, moins_un_an(r.du), moins_un_an(r.au)),
    )
    nommees = _tables_nommees(sections)
    out: list[Ecart] = []
    for periode, avant_doc, apres_doc, du, au in periodes:
        if avant_doc is None or apres_doc is None:
            continue
        apres_tables = {t["code"]: t for t in apres_doc["tableaux"]}
        for t in avant_doc["tableaux"]:
            if t["code"] not in nommees or t["code"] not in apres_tables:
                continue
            t2 = apres_tables[t["code"]]
            apres = {c["cle"]: c for c in t2["cellules"]}
            libelles = {m["code"]: m["libelle"] for d in t["dimensions"] for m in d["valeurs"]}
            for c in t["cellules"]:
                c2 = apres.get(c["cle"])
                v2 = c2.get("valeur") if c2 else None
                if c.get("valeur") == v2:
                    continue
                lib = " × ".join(libelles.get(v, v) for v in c["dimensions"].values() if v != "total") or "Total"
                out.append(
                    Ecart(
                        table=t["code"],
                        table_titre=t["titre"],
                        cellule=c["cle"],
                        libelle=lib,
                        periode=periode,
                        avant=c.get("valeur"),
                        apres=v2,
                        detail=_lien_detail(r, du, au, t["code"], c["cle"]) if t2.get("detail_disponible") else None,
                    )
                )
    if out and not agrege and r.auteur_id == principal.organisation_id:
        # The author reads the files that moved; anyone else (a funder above all) the figure only.
        bouges = _dossiers_ecarts(session, lecture, principal, r, [(e.periode, e.table, e.cellule) for e in out])
        for e in out:
            e.dossiers = bouges.get((e.periode, e.table, e.cellule))
    return Ecarts(rapport_id=r.id, depose_le=r.depose_le, calcule_le=utcnow(), ecarts=out)


# --- funders' Word templates ---------------------------------------------------------------

TAILLE_MAX_GABARIT = 2 * 1024 * 1024


def deposer_gabarit(session: Session, principal: Principal, nom: str, contenu: bytes) -> GabaritPublic:
    """A funder's template, refused with the unknown placeholder named."""
    access.verifier_depot_gabarit(principal)
    if len(contenu) > TAILLE_MAX_GABARIT:
        raise champ_invalide("fichier", f"{TAILLE_MAX_GABARIT // 1024 // 1024} Mo au plus", len(contenu))
    champs = gabarits.verifier(contenu)
    g = GabaritRapport(
        organisation_id=principal.organisation_id,
        nom=nom,
        champs=champs,
        sha256=hashlib.sha256(contenu).hexdigest(),
        contenu=contenu,
        cree_par_id=principal.id,
    )
    session.add(g)
    session.commit()
    return GabaritPublic.model_validate(g, from_attributes=True)


def lister_gabarits(session: Session, principal: Principal) -> list[GabaritPublic]:
    rows = session.exec(
        select(GabaritRapport).where(access.condition_gabarits(principal)).order_by(col(GabaritRapport.cree_le))
    ).all()
    return [GabaritPublic.model_validate(g, from_attributes=True) for g in rows]
