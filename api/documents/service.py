"""Documents: deposit (scanned, typed from the content, stored), list, read, delete.

Order of a deposit, each step before the next reads the bytes: the reader's right
to the fact the document goes with, the size, the virus scan, then the type. A
refused upload leaves nothing behind: no row, no file, no log entry.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from api.acces.politique import Fait, Relation, modifie
from api.audit.models import ActionAudit
from api.audit.service import journaliser, journaliser_liste
from api.auth.principal import Principal
from api.core.errors import (
    CorpsTropGros,
    ErreurValidation,
    Interdit,
    Introuvable,
    Probleme,
    champ_invalide,
)
from api.core.pagination import Page, PageParams, count
from api.documents import access, formats
from api.documents.antivirus import Analyseur, AnalyseurInjoignable
from api.documents.models import AnalyseAntivirus, Document, FormatDocument, TypeDocument
from api.documents.schemas import LIBELLES_TYPE, DocumentPublic
from api.documents.stockage import Stockage, nouvelle_cle
from api.menages import access as menages_access
from api.menages.models import Menage
from api.mesures import access as mesures_access
from api.mesures.models import Mesure
from api.orientations import access as orientations_access
from api.orientations.models import Orientation

logger = logging.getLogger("ancrage.documents")
RESSOURCE = "document"


class DocumentInfecte(Probleme):
    status = 422
    slug = "document-infecte"
    title = "Document refusé par l'antivirus"


class AntivirusIndisponible(Probleme):
    status = 503
    slug = "antivirus-indisponible"
    title = "Analyse antivirus indisponible"

    def __init__(self) -> None:
        super().__init__(
            "L'analyse antivirus est momentanément indisponible : le document n'a pas été enregistré. "
            "Réessayez dans quelques minutes.",
            headers={"Retry-After": "60"},
            retry_after=60,
        )


@dataclass(frozen=True)
class Depot:
    """What a deposit says (the multipart form's fields)."""

    type: TypeDocument
    titre: str
    date_document: date
    confidentiel: bool
    menage_id: uuid.UUID | None = None
    orientation_id: uuid.UUID | None = None
    mesure_id: uuid.UUID | None = None


def to_public(principal: Principal, d: Document) -> DocumentPublic:
    fait = Fait.document_confidentiel if d.confidentiel else Fait.document
    auteur = {Relation.auteur} if d.organisation_id == principal.organisation_id else set()
    fmt = FormatDocument(d.format)
    return DocumentPublic(
        id=d.id,
        menage_id=d.menage_id,
        orientation_id=d.orientation_id,
        mesure_id=d.mesure_id,
        organisation_id=d.organisation_id,
        type=TypeDocument(d.type),
        type_libelle=LIBELLES_TYPE[TypeDocument(d.type)],
        titre=d.titre,
        date_document=d.date_document,
        confidentiel=d.confidentiel,
        format=fmt,
        taille=d.taille,
        analyse=AnalyseAntivirus(d.analyse),
        apercu=fmt in formats.APERCU,
        supprimable=modifie(fait, auteur),
        cree_le=d.cree_le,
    )


def _rattachement(session: Session, principal: Principal, depot: Depot) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    """The household of the fact the document goes with, after checking the depositor reads
    that fact (404 when it does not see it at all, 403 when it sees it but holds no document)."""
    donnes = (("menage_id", depot.menage_id), ("orientation_id", depot.orientation_id), ("mesure_id", depot.mesure_id))
    cibles = [(k, v) for k, v in donnes if v is not None]
    if len(cibles) != 1:
        raise ErreurValidation(
            "Un document se joint à un seul dossier : donnez exactement un de menage_id, orientation_id, mesure_id.",
            errors=[],
        )
    champ, cible_id = cibles[0]
    if champ == "menage_id":
        un = select(Menage.id).where(Menage.id == cible_id)
        if session.exec(un.where(menages_access.condition_visible(principal))).first() is None:
            raise Introuvable("Ménage", cible_id)
        vivant = session.exec(un.where(menages_access.condition_vivant(principal))).first()
        if vivant is None or not access.peut_deposer(principal):
            raise Interdit("Seul qui tient le dossier vivant du ménage y dépose un document.")
        return cible_id, {}
    if champ == "orientation_id":
        o = session.exec(orientations_access.visible_orientations(principal).where(Orientation.id == cible_id)).first()
        if o is None:
            raise Introuvable("Orientation", cible_id)
        if not access.peut_deposer(principal):
            raise Interdit("L'administration de la plateforme ne dépose pas de document dans un dossier.")
        return o.menage_id, {"orientation_id": o.id}
    m = session.exec(mesures_access.visible_mesures(principal, sonde=True).where(Mesure.id == cible_id)).first()
    if m is None:
        raise Introuvable("Mesure", cible_id)
    complete = select(Mesure.id).where(Mesure.id == cible_id, mesures_access.condition_complete(principal))
    if session.exec(complete).first() is None:
        raise Interdit("Seules l'association qui porte la mesure et la commission y déposent un document.")
    return m.menage_id, {"mesure_id": m.id}


def deposer(
    session: Session,
    principal: Principal,
    *,
    depot: Depot,
    contenu: bytes,
    taille_max: int,
    analyseur: Analyseur,
    stockage: Stockage,
    analyse_obligatoire: bool,
) -> DocumentPublic:
    """Deposit a document: scanned by the antivirus before anything reads it, typed from its
    bytes, stored under a random key, logged. Refused (and stored nowhere) when infected, of
    a format not accepted, too large, or when the scan is required and unreachable (503)."""
    menage_id, lien = _rattachement(session, principal, depot)
    titre = depot.titre.strip()
    if not titre:
        raise champ_invalide("body.titre", "le titre ne peut pas être vide", depot.titre)
    if len(contenu) > taille_max:
        raise CorpsTropGros(f"Le fichier dépasse la taille permise : {taille_max} octets au plus.")
    if not contenu:
        raise champ_invalide("body.fichier", "le fichier est vide", None)
    try:
        verdict = analyseur.analyser(contenu)
        analyse = AnalyseAntivirus.saine
    except AnalyseurInjoignable:
        if analyse_obligatoire:
            raise AntivirusIndisponible() from None
        analyse = AnalyseAntivirus.non_analysee
    else:
        if not verdict.sain:
            raise DocumentInfecte(
                f"Le fichier contient un virus ou un code malveillant ({verdict.signature}) : "
                "il a été refusé et n'est enregistré nulle part.",
                signature=verdict.signature,
            )
    fmt, vu = formats.reconnaitre(contenu)
    if fmt is None:
        permis = ", ".join(f.value for f in FormatDocument)
        raise champ_invalide(
            "body.fichier",
            f"format non accepté ({vu or 'inconnu'}, reconnu d'après le contenu) ; formats permis : {permis}",
            vu,
        )
    cle = nouvelle_cle()
    doc = Document(
        menage_id=menage_id,
        organisation_id=principal.organisation_id,
        depose_par_id=principal.id,
        type=depot.type.value,
        titre=titre,
        date_document=depot.date_document,
        confidentiel=depot.confidentiel,
        format=fmt.value,
        taille=len(contenu),
        sha256=hashlib.sha256(contenu).hexdigest(),
        cle_stockage=cle,
        analyse=analyse.value,
        **lien,
    )
    stockage.ecrire(cle, contenu)
    try:
        session.add(doc)
        session.flush()
        journaliser(session, principal, ActionAudit.creer, RESSOURCE, doc.id)
        public = to_public(principal, doc)
        session.commit()
    except BaseException:
        stockage.supprimer(cle)  # a row that was not committed leaves no file
        raise
    return public


def _visible(session: Session, principal: Principal, document_id: uuid.UUID) -> Document:
    d = session.exec(access.visible_documents(principal).where(Document.id == document_id)).first()
    if d is None:
        raise Introuvable("Document", document_id)
    return d


def lire(session: Session, principal: Principal, document_id: uuid.UUID) -> DocumentPublic:
    d = _visible(session, principal, document_id)
    journaliser(session, principal, ActionAudit.lire, RESSOURCE, d.id)
    public = to_public(principal, d)
    session.commit()
    return public


def telecharger(
    session: Session, principal: Principal, document_id: uuid.UUID, *, stockage: Stockage
) -> tuple[Document, bytes]:
    """The bytes of a visible document; every download is in the access log."""
    d = _visible(session, principal, document_id)
    contenu = stockage.lire(d.cle_stockage)
    journaliser(session, principal, ActionAudit.telecharger, RESSOURCE, d.id)
    session.commit()
    return d, contenu


def nom_de_fichier(d: Document) -> str:
    """A download's name, from the title (ASCII, safe in a header) and the real format."""
    ascii_ = unicodedata.normalize("NFKD", d.titre).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_).strip("-.")[:80] or "document"
    return f"{base}.{formats.EXTENSION[FormatDocument(d.format)]}"


def lister(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    menage_id: uuid.UUID | None = None,
    orientation_id: uuid.UUID | None = None,
    mesure_id: uuid.UUID | None = None,
) -> Page[DocumentPublic]:
    """The documents this principal reads, of one household, referral or mesure (or all)."""
    query = access.visible_documents(principal)
    if menage_id is not None:
        query = query.where(Document.menage_id == menage_id)
    if orientation_id is not None:
        query = query.where(Document.orientation_id == orientation_id)
    if mesure_id is not None:
        query = query.where(Document.mesure_id == mesure_id)
    total = count(session, query)
    rows = list(
        session.exec(
            query.order_by(col(Document.date_document).desc(), col(Document.id)).offset(page.offset).limit(page.limit)
        )
    )
    journaliser_liste(session, principal, RESSOURCE, [d.id for d in rows])
    items = [to_public(principal, d) for d in rows]
    session.commit()
    return Page(total=total, limit=page.limit, offset=page.offset, items=items)


def documents_du_menage(session: Session, principal: Principal, menage_id: uuid.UUID) -> list[DocumentPublic]:
    """For the household's export: the documents this principal reads, nothing else."""
    rows = session.exec(
        access.visible_documents(principal)
        .where(Document.menage_id == menage_id)
        .order_by(col(Document.date_document), col(Document.id))
    )
    return [to_public(principal, d) for d in rows]


def supprimer(session: Session, principal: Principal, document_id: uuid.UUID, *, stockage: Stockage) -> None:
    """Delete a document: its row, then its file (the organisation that deposited it only)."""
    d = _visible(session, principal, document_id)
    permis = select(Document.id).where(Document.id == d.id, access.condition_modifiable(principal))
    if session.exec(permis).first() is None:
        raise Interdit("Seule l'organisation qui a déposé le document peut le supprimer.")
    cle = d.cle_stockage
    session.execute(delete(Document).where(col(Document.id) == d.id))
    journaliser(session, principal, ActionAudit.supprimer, RESSOURCE, d.id)
    session.commit()
    try:
        stockage.supprimer(cle)
    except OSError:  # the row is gone: nobody reaches the file any more
        logger.warning("fichier du document %s non supprimé du stockage", d.id)


def retirer_du_menage(session: Session, menage_id: uuid.UUID) -> list[str]:
    """Retention: delete a household's document rows (the caller commits, then removes the
    files with ``supprimer_fichiers``). Returns the storage keys."""
    cles = list(session.exec(select(Document.cle_stockage).where(Document.menage_id == menage_id)))
    session.execute(delete(Document).where(col(Document.menage_id) == menage_id))
    return cles


def supprimer_fichiers(stockage: Stockage, cles: list[str]) -> int:
    n = 0
    for cle in cles:
        try:
            stockage.supprimer(cle)
            n += 1
        except OSError:
            logger.warning("fichier %s non supprimé du stockage", cle)
    return n
