"""The list of mesures, tuned for a département (issue 20): one statement per shape of request,
built once, values bound; on PostgreSQL the page, its access-log entries and the capped total
in one round trip, on SQLite the same reading in three. The dialect fork stays in this module."""

from __future__ import annotations

import base64
import functools
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Uuid,
    and_,
    bindparam,
    exists,
    func,
    insert,
    literal,
    literal_column,
    not_,
    or_,
    tuple_,
    union_all,
)
from sqlmodel import Session, col, select

from api.audit.models import JournalAcces
from api.audit.service import COLONNES_JOURNAL_LISTE, journaliser_liste, valeurs_liste
from api.auth.principal import Principal
from api.core.db import alias_pret
from api.core.errors import (
    champ_invalide,
)
from api.core.pagination import TOTAL_PLAFOND, PageCurseur, PageParams, plafonner
from api.core.referentiels import LienPersonne
from api.core.texte import motif_like, normaliser
from api.dispositifs.models import Dispositif
from api.menages.models import Menage, Personne
from api.mesures import access
from api.mesures.access import Niveau
from api.mesures.models import (
    Mesure,
    StatutMesure,
)
from api.mesures.schemas import (
    MesureResume,
    MesureStatut,
)
from api.mesures.service import RESSOURCE
from api.organisations.models import TypeOrganisation


def curseur(date_mandatement: date, reference: str) -> str:
    """Opaque cursor after this mesure in the list order (mandatement date, then reference)."""
    return base64.urlsafe_b64encode(f"{date_mandatement.isoformat()}|{reference}".encode()).decode()


def _lire_curseur(apres: str) -> tuple[date, str]:
    try:
        jour, reference = base64.urlsafe_b64decode(apres.encode()).decode().split("|", 1)
        return date.fromisoformat(jour), reference
    except (ValueError, UnicodeDecodeError):
        raise champ_invalide(
            "apres", "curseur inconnu : reprenez celui d'une page (champ « suivant »)", apres
        ) from None


def lister_mesures(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    statut: StatutMesure | None = None,
    dispositif_id: uuid.UUID | None = None,
    referent_id: uuid.UUID | None = None,
    menage_id: uuid.UUID | None = None,
    cible: str | None = None,
    reference: str | None = None,
    q: str | None = None,
    apres: str | None = None,
) -> PageCurseur[MesureResume | MesureStatut]:
    """Visible mesures, newest mandatement first, then by reference (unique: the order is
    total, so pages are stable and a keyset cursor can follow it).

    The total is counted up to ``TOTAL_PLAFOND`` past ``offset`` (a département has thousands of mesures
    per dispositif: an exact count would read them all at each page). ``apres`` (the
    ``suivant`` of the previous page) reads the next page from the index; ``offset`` still
    works, at a cost growing with it. ``reference`` finds a mesure by part of its own
    reference or of its ménage's: the person at the desk knows one or the other.
    """
    reference = reference.strip() if reference and reference.strip() else None
    q = q.strip() if q and q.strip() else None
    # The cursor is read before anything is built: a bad one is the caller's error.
    jour, ref = _lire_curseur(apres) if apres is not None else (None, None)
    dialecte = session.connection().dialect.name
    forme = _FormeListe(
        organisation_type=principal.organisation_type,
        statut=statut is not None,
        dispositif=dispositif_id is not None,
        menage=menage_id is not None,
        cible=cible is not None,
        referent=referent_id is not None,
        reference=reference is not None,
        apres=apres is not None,
        postgresql=dialecte == "postgresql",
        q=q is not None,
    )
    requetes = _requetes_liste(forme)
    # The cap moves with the offset: a page reached by offset always sees pages after it.
    plafond = TOTAL_PLAFOND + page.offset
    valeurs: dict[str, Any] = {
        **principal.valeurs_liees(),
        "liste_statut": statut.value if statut is not None else None,
        "liste_dispositif_id": dispositif_id,
        "liste_menage_id": menage_id,
        "liste_cible": cible,
        "liste_referent_id": referent_id,
        "liste_motif": motif_like(reference) if reference else None,
        "liste_q": motif_like(q) if q else None,
        "liste_q_nom": motif_like(normaliser(q)) if q else None,
        "liste_jour": jour,
        "liste_ref": ref,
        "liste_offset": page.offset,
        "liste_limit": page.limit,
        "liste_plafond": plafond + 1,
    }
    lignes, total, exact = _executer(session, principal, requetes, valeurs, plafond)
    items = _items(session, principal, lignes)
    session.commit()
    suivant = None
    if len(lignes) == page.limit:
        dernier = lignes[-1]
        suivant = curseur(dernier["date_mandatement"], dernier["reference"])
    return PageCurseur(
        total=total, total_exact=exact, limit=page.limit, offset=page.offset, items=items, suivant=suivant
    )


def _executer(
    session: Session, principal: Principal, requetes: _RequetesListe, valeurs: dict[str, Any], plafond: int
) -> tuple[list[dict[str, Any]], int, bool]:
    """The page's rows, logged as shown, and the capped total (total, exact)."""
    if requetes.page_journalisee is not None:
        # PostgreSQL: the page, its access-log entries and the capped total in one statement.
        entree = valeurs_liste(principal, RESSOURCE)
        valeurs.update({f"journal_{k}": v for k, v in entree.items()})
        lignes = _dicts(session.connection().execute(requetes.page_journalisee, valeurs))
        if lignes:
            n = int(lignes[0].pop("total_plafonne"))
            for m in lignes[1:]:
                m.pop("total_plafonne")
            total, exact = plafonner(n, plafond)
        else:
            total, exact = count_plafonne_lie(session, requetes.compte, valeurs, plafond)
    else:
        lignes = _dicts(session.connection().execute(requetes.page, valeurs))
        journaliser_liste(session, principal, RESSOURCE, [m["id"] for m in lignes])
        total, exact = count_plafonne_lie(session, requetes.compte, valeurs, plafond)
    return lignes, total, exact


def _items(session: Session, principal: Principal, lignes: list[dict[str, Any]]) -> list[MesureResume | MesureStatut]:
    """Each row as its reader may see it: the carrier and the commission read the summary,
    the prescriber the status only; the demandeur's name only for the carrier."""
    commissions: dict[uuid.UUID, uuid.UUID] = {}
    if access.lit_par_commission(principal) and lignes:
        commissions = dict(
            session.execute(
                select(Dispositif.id, Dispositif.commission_id).where(
                    col(Dispositif.id).in_({m["dispositif_id"] for m in lignes})
                )
            ).all()
        )
    items: list[MesureResume | MesureStatut] = []
    for m in lignes:
        niveau = access.niveau_ligne(principal, m["association_id"], commissions.get(m["dispositif_id"]))
        if access.lit_complete(niveau):
            # The name is the live file's: read by the association that carries the
            # household (policy: menage_vivant), not by the commission.
            nom = m.pop("demandeur_nom")
            prenom = m.pop("demandeur_prenom")
            demandeur = f"{prenom} {nom.upper()}" if niveau == Niveau.porteur and nom is not None else None
            items.append(MesureResume(**m, demandeur=demandeur))
        else:
            items.append(
                MesureStatut(
                    id=m["id"],
                    reference=m["reference"],
                    menage_id=m["menage_id"],
                    orientation_id=m["orientation_id"],
                    statut=StatutMesure(m["statut"]),
                )
            )
    return items


def _dicts(resultat: Any) -> list[dict[str, Any]]:
    cles = list(resultat.keys())
    return [dict(zip(cles, ligne, strict=True)) for ligne in resultat]


def count_plafonne_lie(session: Session, compte: Any, valeurs: dict[str, Any], plafond: int) -> tuple[int, bool]:
    """(total, exact) from a cached capped count statement and its values."""
    return plafonner(int(session.connection().execute(compte, valeurs).scalar_one()), plafond)


_MENAGE_RECHERCHE = alias_pret(Menage)


_PERSONNE_RECHERCHE = alias_pret(Personne)


_DEMANDEUR = alias_pret(Personne)


# The household's reference and its demandeur's name, beside each row of the list; one
# demandeur per household (api/menages: « exactement un demandeur »): one row.
_COLONNES_MENAGE: tuple[Any, ...] = (
    col(Menage.reference).label("menage_reference"),
    col(_DEMANDEUR.nom).label("demandeur_nom"),
    col(_DEMANDEUR.prenom).label("demandeur_prenom"),
)


_JOINTURE_DEMANDEUR = and_(
    col(_DEMANDEUR.menage_id) == col(Menage.id), col(_DEMANDEUR.lien) == LienPersonne.demandeur.value
)


# What a list row shows (MesureResume, MesureStatut): not the whole mesure.
_COLONNES_LISTE = tuple(
    col(getattr(Mesure, nom))
    for nom in (
        "id",
        "reference",
        "menage_id",
        "dispositif_id",
        "association_id",
        "orientation_id",
        "referent_id",
        "statut",
        "cible_code",
        "type_accompagnement_code",
        "acces_maintien",
        "date_mandatement",
        "date_debut",
        "date_fin_prevue",
        "date_fin",
        "motif_fin",
    )
)


# The same columns read back from the ``page`` CTE, built once (constant expressions).
_COLONNES_PAGE: tuple[Any, ...] = tuple(
    literal_column(f"page.{n}").label(n)
    for n in [c.key for c in _COLONNES_LISTE] + ["menage_reference", "demandeur_nom", "demandeur_prenom"]
)


@dataclass(frozen=True)
class _FormeListe:
    """What decides the SQL of a list request (not the values: they are bound)."""

    organisation_type: TypeOrganisation
    statut: bool
    dispositif: bool
    menage: bool
    cible: bool
    referent: bool
    reference: bool
    apres: bool
    postgresql: bool
    q: bool = False


@dataclass(frozen=True)
class _RequetesListe:
    page: Any
    compte: Any
    page_journalisee: Any | None


@functools.lru_cache(maxsize=512)
def _requetes_liste(forme: _FormeListe) -> _RequetesListe:
    """The list's statements for one shape of request, built once per process.

    Every value (the caller's organisation, the filters, offset, limit, the cap, the
    access-log entry) is a bound parameter, so one statement object serves every request
    of that shape. SQLAlchemy then reuses its memoised cache key and compiled SQL:
    building the statement and computing its cache key anew took about half of the
    list's own CPU at département scale (``make bench-api``, issue 8's note)."""
    # A principal whose organisation is a bound parameter: the access rules build their
    # conditions from it as they would from a real one.
    gabarit = Principal.en_parametres("utilisateur", forme.organisation_type, "agent")
    filtres = _filtres(forme, gabarit)
    query = access.visible_mesures(gabarit).where(*filtres)
    page_query: Any = query
    if forme.apres:
        page_query = query.where(
            tuple_(col(Mesure.date_mandatement), col(Mesure.reference))
            < tuple_(bindparam("liste_jour", type_=Date()), bindparam("liste_ref"))
        )
    ordre = (col(Mesure.date_mandatement).desc(), col(Mesure.reference).desc())
    offset, limit = bindparam("liste_offset", type_=Integer()), bindparam("liste_limit", type_=Integer())
    if access.compte_en_deux_parts(gabarit):
        # An association's page in two disjoint parts, as its count: its own mesures (newest
        # first from ix_mesure_association_page) and those its referrals gave birth to, each
        # cut at offset + limit, then merged. As one OR, PostgreSQL expected 110,000 rows,
        # read every mesure and hashed every household to join them (190 ms for 2,500).
        bornes = (
            [
                tuple_(col(Mesure.date_mandatement), col(Mesure.reference))
                < tuple_(bindparam("liste_jour", type_=Date()), bindparam("liste_ref"))
            ]
            if forme.apres
            else []
        )

        def partie(condition: Any) -> Any:
            # Each part in its own subquery: SQLite allows no ORDER BY / LIMIT on a UNION member.
            sous = (
                select(*_COLONNES_LISTE)
                .where(condition, *filtres, *bornes)
                .order_by(*ordre)
                .limit(offset + limit)
                .subquery()
            )
            return select(*sous.c)

        siennes = access.condition_porteur(gabarit)
        autres = and_(col(Mesure.id).in_(access.mesures_prescrites(gabarit)), not_(siennes))
        parts = union_all(partie(siennes), partie(autres)).subquery("parts")
        page_query = (
            select(*(parts.c[c.key] for c in _COLONNES_LISTE), *_COLONNES_MENAGE)
            .join(Menage, col(Menage.id) == parts.c.menage_id)
            .outerjoin(_DEMANDEUR, _JOINTURE_DEMANDEUR)
            .order_by(parts.c.date_mandatement.desc(), parts.c.reference.desc())
            .offset(offset)
            .limit(limit)
        )
    else:
        page_query = (
            page_query.with_only_columns(*_COLONNES_LISTE, *_COLONNES_MENAGE)
            .join(Menage, col(Menage.id) == col(Mesure.menage_id))
            .outerjoin(_DEMANDEUR, _JOINTURE_DEMANDEUR)
            .order_by(*ordre)
            .offset(offset)
            .limit(limit)
        )
    total = _compte(gabarit, query, filtres)
    journalisee = _page_journalisee(page_query, total.scalar_subquery()) if forme.postgresql else None
    return _RequetesListe(page=page_query, compte=total, page_journalisee=journalisee)


def _filtres(forme: _FormeListe, gabarit: Principal) -> list[Any]:
    """The list's filters for this shape of request, every value a bound parameter."""
    filtres: list[Any] = []
    if forme.statut:
        filtres.append(col(Mesure.statut) == bindparam("liste_statut"))
    if forme.dispositif:
        filtres.append(col(Mesure.dispositif_id) == bindparam("liste_dispositif_id", type_=Uuid()))
    if forme.menage:
        filtres.append(col(Mesure.menage_id) == bindparam("liste_menage_id", type_=Uuid()))
    # Filtering on the cible would tell a prescriber which of its mesures are sensitive:
    # these filters only run over the mesures read in full.
    if forme.cible:
        filtres += [col(Mesure.cible_code) == bindparam("liste_cible"), access.condition_complete(gabarit)]
    if forme.referent:
        filtres += [
            col(Mesure.referent_id) == bindparam("liste_referent_id", type_=Uuid()),
            access.condition_complete(gabarit),
        ]
    if forme.reference:
        motif: Any = bindparam("liste_motif")
        filtres.append(
            or_(
                col(Mesure.reference).ilike(motif, escape="\\"),
                # An alias: the page query joins Menage itself, which would otherwise
                # be correlated away from this subquery.
                exists().where(
                    col(_MENAGE_RECHERCHE.id) == col(Mesure.menage_id),
                    col(_MENAGE_RECHERCHE.reference).ilike(motif, escape="\\"),
                ),
            )
        )
    if forme.q:
        # A reference (of the mesure or its ménage) or, among the mesures it carries, the
        # name of a person of the household: a commission does not probe live names.
        motif_q: Any = bindparam("liste_q")
        filtres.append(
            or_(
                col(Mesure.reference).ilike(motif_q, escape="\\"),
                exists().where(
                    col(_MENAGE_RECHERCHE.id) == col(Mesure.menage_id),
                    col(_MENAGE_RECHERCHE.reference).ilike(motif_q, escape="\\"),
                ),
                and_(
                    access.condition_porteur(gabarit),
                    exists().where(
                        col(_PERSONNE_RECHERCHE.menage_id) == col(Mesure.menage_id),
                        col(_PERSONNE_RECHERCHE.nom_recherche).like(bindparam("liste_q_nom"), escape="\\"),
                    ),
                ),
            )
        )
    return filtres


def _compte(gabarit: Principal, query: Any, filtres: list[Any]) -> Any:
    """The capped count of the list.

    An association sees the mesures it carries or that its own referrals gave birth to.
    Counted as one query, PostgreSQL reads every mesure of the dispositif and statut to
    test that OR (7 500 index entries, 2.5 ms at département scale); counted as two
    disjoint parts, each is an index range: its own mesures by ``ix_mesure_liste``
    (association in the index condition: 1 001 entries, 0.6 ms), the others from its
    referrals (a semi-join on the prescriber's few orientations)."""

    def plafonne(q: Any) -> Any:
        sous = q.order_by(None).with_only_columns(literal(1), maintain_column_froms=True)
        sous = sous.limit(bindparam("liste_plafond", type_=Integer()))
        return select(func.count()).select_from(sous.subquery()).scalar_subquery()

    if not access.compte_en_deux_parts(gabarit):
        return select(plafonne(query))
    siennes = access.condition_porteur(gabarit)
    autres = and_(col(Mesure.id).in_(access.mesures_prescrites(gabarit)), not_(siennes))
    return select(plafonne(select(Mesure).where(siennes, *filtres)) + plafonne(select(Mesure).where(autres, *filtres)))


def _page_journalisee(page_query: Any, total: Any) -> Any:
    """PostgreSQL: the page, its access-log entries and the capped total in one statement.

    ``WITH page AS (…), journal AS (INSERT INTO journal_acces … SELECT … FROM page)``:
    one entry per mesure shown, as the CNIL asks, written by the statement that reads
    them, in the same transaction (the caller commits); the total is a scalar subquery.
    """
    # The CTE's columns are named, not proxied (``cte.c`` would build a column collection).
    cte = page_query.cte("page")
    colonnes = JournalAcces.__table__.c
    cles = COLONNES_JOURNAL_LISTE
    journal = insert(JournalAcces).from_select(
        [*cles, "id", "ressource_id"],
        select(
            *(bindparam(f"journal_{k}", type_=colonnes[k].type) for k in cles),
            func.gen_random_uuid(),
            literal_column("page.id"),
        ).select_from(cte),
    )
    return (
        select(*_COLONNES_PAGE, total.label("total_plafonne"))
        .select_from(cte)
        .add_cte(journal.cte("journal"))
        .order_by(literal_column("page.date_mandatement").desc(), literal_column("page.reference").desc())
    )
