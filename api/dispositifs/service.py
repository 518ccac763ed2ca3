"""Use cases of dispositifs and conventions (admin-managed configuration)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from api.auth.principal import Principal
from api.core.errors import Conflit, Introuvable, champ_invalide
from api.core.pagination import Page, PageParams, count
from api.dispositifs import access
from api.dispositifs.models import (
    Cible,
    Convention,
    ConventionCommune,
    ConventionFinanceur,
    Dispositif,
    DispositifCommune,
    TypeAccompagnement,
)
from api.dispositifs.schemas import (
    CIBLE_CONFIDENTIELLE,
    CibleIn,
    CiblePublic,
    ConventionCreate,
    ConventionPublic,
    ConventionUpdate,
    DispositifCreate,
    DispositifPublic,
    DispositifUpdate,
    PartFinanceur,
    TypeAccompagnementIn,
)
from api.organisations.models import Organisation, TypeOrganisation


def cibles(session: Session, dispositif_id: uuid.UUID) -> list[Cible]:
    return cibles_de(session, [dispositif_id]).get(dispositif_id, [])


def cibles_de(session: Session, dispositif_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Cible]]:
    """The cibles of several dispositifs in one query, each list in display order."""
    out: dict[uuid.UUID, list[Cible]] = {}
    for c in session.exec(
        select(Cible)
        .where(col(Cible.dispositif_id).in_(set(dispositif_ids)))
        .order_by(col(Cible.ordre), col(Cible.code))
    ):
        out.setdefault(c.dispositif_id, []).append(c)
    return out


def types_accompagnement(session: Session, dispositif_id: uuid.UUID) -> list[TypeAccompagnement]:
    return types_accompagnement_de(session, [dispositif_id]).get(dispositif_id, [])


def types_accompagnement_de(
    session: Session, dispositif_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[TypeAccompagnement]]:
    """The types of support of several dispositifs in one query, each list in display order."""
    out: dict[uuid.UUID, list[TypeAccompagnement]] = {}
    for t in session.exec(
        select(TypeAccompagnement)
        .where(col(TypeAccompagnement.dispositif_id).in_(set(dispositif_ids)))
        .order_by(col(TypeAccompagnement.ordre), col(TypeAccompagnement.code))
    ):
        out.setdefault(t.dispositif_id, []).append(t)
    return out


def _communes_dispositifs(session: Session, dispositif_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    out: dict[uuid.UUID, list[str]] = {}
    for dispositif_id, commune in session.exec(
        select(DispositifCommune.dispositif_id, DispositifCommune.commune_insee)
        .where(col(DispositifCommune.dispositif_id).in_(set(dispositif_ids)))
        .order_by(col(DispositifCommune.commune_insee))
    ):
        out.setdefault(dispositif_id, []).append(commune)
    return out


def libelle_cible(cible: Cible, principal: Principal) -> str:
    if cible.sensible and access.masquer_cibles_sensibles(principal):
        return CIBLE_CONFIDENTIELLE
    return cible.libelle


def to_public(session: Session, principal: Principal, d: Dispositif) -> DispositifPublic:
    return publics(session, principal, [d])[0]


def publics(session: Session, principal: Principal, dispositifs: list[Dispositif]) -> list[DispositifPublic]:
    """These dispositifs with their cibles, types and communes: three queries whatever their number."""
    ids = [d.id for d in dispositifs]
    if not ids:
        return []
    toutes_cibles = cibles_de(session, ids)
    tous_types = types_accompagnement_de(session, ids)
    communes = _communes_dispositifs(session, ids)
    return [
        DispositifPublic(
            **d.model_dump(),
            cibles=[
                CiblePublic(code=c.code, libelle=libelle_cible(c, principal), sensible=c.sensible, ordre=c.ordre)
                for c in toutes_cibles.get(d.id, [])
            ],
            types_accompagnement=[TypeAccompagnementIn.model_validate(t) for t in tous_types.get(d.id, [])],
            communes=communes.get(d.id, []),
        )
        for d in dispositifs
    ]


def _verifier_type_org(session: Session, champ: str, org_id: uuid.UUID, *types: TypeOrganisation) -> None:
    org = session.get(Organisation, org_id)
    if org is None or org.type not in {t.value for t in types}:
        noms = " ou ".join(t.value for t in types)
        raise champ_invalide(champ, f"doit désigner une organisation de type {noms}", str(org_id))


def _ecrire_cibles(session: Session, d: Dispositif, data: list[CibleIn]) -> None:
    """Replace cibles by code: a code already used by referrals keeps its row (and id)."""
    existantes = {c.code: c for c in cibles(session, d.id)}
    for item in data:
        cible = existantes.pop(item.code, None) or Cible(dispositif_id=d.id, code=item.code, libelle=item.libelle)
        cible.libelle, cible.sensible, cible.ordre = item.libelle, item.sensible, item.ordre
        session.add(cible)
    for reste in existantes.values():
        session.delete(reste)


def _ecrire_types(session: Session, d: Dispositif, data: list[TypeAccompagnementIn]) -> None:
    existants = {t.code: t for t in types_accompagnement(session, d.id)}
    for item in data:
        t = existants.pop(item.code, None) or TypeAccompagnement(
            dispositif_id=d.id, code=item.code, libelle=item.libelle
        )
        t.libelle, t.duree_max_mois, t.ordre = item.libelle, item.duree_max_mois, item.ordre
        session.add(t)
    for reste in existants.values():
        session.delete(reste)


def _ecrire_communes(session: Session, d: Dispositif, communes: list[str]) -> None:
    session.execute(delete(DispositifCommune).where(col(DispositifCommune.dispositif_id) == d.id))
    session.add_all(DispositifCommune(dispositif_id=d.id, commune_insee=c) for c in communes)


def creer_dispositif(session: Session, principal: Principal, *, data: DispositifCreate) -> DispositifPublic:
    """Create a dispositif with its cibles, types and communes (admin only: the route checks)."""
    _verifier_type_org(session, "financeur_id", data.financeur_id, TypeOrganisation.financeur)
    _verifier_type_org(session, "commission_id", data.commission_id, TypeOrganisation.gie)
    if session.exec(select(Dispositif.id).where(Dispositif.code == data.code)).first() is not None:
        raise Conflit(f"Un dispositif de code « {data.code} » existe déjà.", champ="code", valeur=data.code)
    d = Dispositif(**data.model_dump(exclude={"cibles", "types_accompagnement", "communes"}))
    session.add(d)
    session.flush()
    _ecrire_cibles(session, d, data.cibles)
    _ecrire_types(session, d, data.types_accompagnement)
    _ecrire_communes(session, d, data.communes)
    session.flush()
    public = to_public(session, principal, d)
    session.commit()
    return public


def get_dispositif(session: Session, dispositif_id: uuid.UUID) -> Dispositif:
    d = session.get(Dispositif, dispositif_id)
    if d is None:
        raise Introuvable("Dispositif", dispositif_id)
    return d


def lire_dispositif(session: Session, principal: Principal, dispositif_id: uuid.UUID) -> DispositifPublic:
    return to_public(session, principal, get_dispositif(session, dispositif_id))


def lister_dispositifs(
    session: Session, principal: Principal, *, page: PageParams, actifs_le: date | None = None
) -> Page[DispositifPublic]:
    query = select(Dispositif)
    if actifs_le is not None:
        query = query.where(
            col(Dispositif.date_debut) <= actifs_le,
            (col(Dispositif.date_fin).is_(None)) | (col(Dispositif.date_fin) >= actifs_le),
        )
    total = count(session, query)
    rows = list(
        session.exec(query.order_by(col(Dispositif.nom), col(Dispositif.id)).offset(page.offset).limit(page.limit))
    )
    return Page(total=total, limit=page.limit, offset=page.offset, items=publics(session, principal, rows))


def modifier_dispositif(
    session: Session, principal: Principal, *, dispositif_id: uuid.UUID, data: DispositifUpdate
) -> DispositifPublic:
    d = get_dispositif(session, dispositif_id)
    for key, value in data.model_dump(
        exclude_unset=True, exclude={"cibles", "types_accompagnement", "communes"}
    ).items():
        setattr(d, key, value)
    if d.date_fin is not None and d.date_fin < d.date_debut:
        raise champ_invalide("date_fin", "doit suivre date_debut", d.date_fin.isoformat())
    session.add(d)
    if data.cibles is not None:
        _ecrire_cibles(session, d, data.cibles)
    if data.types_accompagnement is not None:
        _ecrire_types(session, d, data.types_accompagnement)
    if data.communes is not None:
        _ecrire_communes(session, d, data.communes)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflit("Modification impossible : une cible ou un type supprimé est encore utilisé.") from None
    public = to_public(session, principal, d)
    session.commit()
    return public


# --- Conventions ---------------------------------------------------------------


def _communes_conventions(session: Session, convention_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    out: dict[uuid.UUID, list[str]] = {}
    for convention_id, commune in session.exec(
        select(ConventionCommune.convention_id, ConventionCommune.commune_insee)
        .where(col(ConventionCommune.convention_id).in_(set(convention_ids)))
        .order_by(col(ConventionCommune.commune_insee))
    ):
        out.setdefault(convention_id, []).append(commune)
    return out


def _financeurs_conventions(
    session: Session, convention_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[PartFinanceur]]:
    out: dict[uuid.UUID, list[PartFinanceur]] = {}
    for f in session.exec(
        select(ConventionFinanceur)
        .where(col(ConventionFinanceur.convention_id).in_(set(convention_ids)))
        .order_by(col(ConventionFinanceur.part_centiemes).desc(), col(ConventionFinanceur.financeur_id))
    ):
        out.setdefault(f.convention_id, []).append(
            PartFinanceur(financeur_id=f.financeur_id, part=f.part_centiemes / 100)
        )
    return out


def convention_public(session: Session, c: Convention) -> ConventionPublic:
    return conventions_publiques(session, [c])[0]


def conventions_publiques(session: Session, conventions: list[Convention]) -> list[ConventionPublic]:
    """These conventions with their communes and funders: two queries whatever their number."""
    ids = [c.id for c in conventions]
    communes = _communes_conventions(session, ids) if ids else {}
    financeurs = _financeurs_conventions(session, ids) if ids else {}
    return [
        ConventionPublic(**c.model_dump(), communes=communes.get(c.id, []), financeurs=financeurs.get(c.id, []))
        for c in conventions
    ]


TOTAL_CENTIEMES = 10_000  # 100 %


def _parts(session: Session, financeurs: list[PartFinanceur]) -> dict[uuid.UUID, int]:
    """The shares checked: each a funder (type financeur) named once, at most two decimals,
    adding up to exactly 100 %. Returns them in hundredths of a percent."""
    parts: dict[uuid.UUID, int] = {}
    for i, f in enumerate(financeurs):
        champ = f"financeurs.{i}"
        _verifier_type_org(session, f"{champ}.financeur_id", f.financeur_id, TypeOrganisation.financeur)
        if f.financeur_id in parts:
            raise champ_invalide(
                f"{champ}.financeur_id", "un financeur n'est nommé qu'une fois par convention", str(f.financeur_id)
            )
        centiemes = round(f.part * 100)
        if abs(f.part * 100 - centiemes) > 1e-6 or centiemes <= 0:
            raise champ_invalide(
                f"{champ}.part", "une part est un pourcentage de 0,01 à 100, à deux décimales au plus", f.part
            )
        parts[f.financeur_id] = centiemes
    total = sum(parts.values())
    if total != TOTAL_CENTIEMES:
        raise champ_invalide(
            "financeurs",
            f"la somme des parts doit faire 100 % (elle fait {total / 100:g} %)".replace(".", ","),
            [f.part for f in financeurs],
        )
    return parts


def _ecrire_financeurs(session: Session, c: Convention, parts: dict[uuid.UUID, int]) -> None:
    session.execute(delete(ConventionFinanceur).where(col(ConventionFinanceur.convention_id) == c.id))
    session.add_all(
        ConventionFinanceur(convention_id=c.id, financeur_id=f, part_centiemes=p) for f, p in parts.items()
    )


def creer_convention(session: Session, principal: Principal, *, data: ConventionCreate) -> ConventionPublic:
    """A funding agreement: dispositif × association × period, with targets, communes and
    its funders' shares (the dispositif's funder at 100 % when none is named)."""
    d = get_dispositif(session, data.dispositif_id)
    _verifier_type_org(session, "association_id", data.association_id, TypeOrganisation.association)
    parts = _parts(session, data.financeurs) if data.financeurs is not None else {d.financeur_id: TOTAL_CENTIEMES}
    c = Convention(**data.model_dump(exclude={"communes", "financeurs"}))
    session.add(c)
    session.flush()
    session.add_all(ConventionCommune(convention_id=c.id, commune_insee=x) for x in data.communes)
    _ecrire_financeurs(session, c, parts)
    session.flush()
    public = convention_public(session, c)
    session.commit()
    return public


def get_convention(session: Session, principal: Principal, convention_id: uuid.UUID) -> Convention:
    c = session.exec(access.visible_conventions(principal).where(Convention.id == convention_id)).first()
    if c is None:
        raise Introuvable("Convention", convention_id)
    return c


def lire_convention(session: Session, principal: Principal, convention_id: uuid.UUID) -> ConventionPublic:
    return convention_public(session, get_convention(session, principal, convention_id))


def lister_conventions(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    dispositif_id: uuid.UUID | None = None,
    association_id: uuid.UUID | None = None,
) -> Page[ConventionPublic]:
    query = access.visible_conventions(principal)
    if dispositif_id is not None:
        query = query.where(Convention.dispositif_id == dispositif_id)
    if association_id is not None:
        query = query.where(Convention.association_id == association_id)
    total = count(session, query)
    rows = list(
        session.exec(
            query.order_by(col(Convention.date_debut).desc(), col(Convention.id)).offset(page.offset).limit(page.limit)
        )
    )
    return Page(
        total=total,
        limit=page.limit,
        offset=page.offset,
        items=conventions_publiques(session, rows),
    )


def modifier_convention(
    session: Session, principal: Principal, *, convention_id: uuid.UUID, data: ConventionUpdate
) -> ConventionPublic:
    c = get_convention(session, principal, convention_id)
    parts = _parts(session, data.financeurs) if data.financeurs is not None else None
    for key, value in data.model_dump(exclude_unset=True, exclude={"communes", "financeurs"}).items():
        if value is not None:
            setattr(c, key, value)
    if c.date_fin < c.date_debut:
        raise champ_invalide("date_fin", "doit suivre date_debut", c.date_fin.isoformat())
    session.add(c)
    if data.communes is not None:
        session.execute(delete(ConventionCommune).where(col(ConventionCommune.convention_id) == c.id))
        session.add_all(ConventionCommune(convention_id=c.id, commune_insee=x) for x in data.communes)
    if parts is not None:
        _ecrire_financeurs(session, c, parts)
    session.flush()
    public = convention_public(session, c)
    session.commit()
    return public


def convention_couvrant(
    session: Session,
    *,
    dispositif_id: uuid.UUID,
    association_id: uuid.UUID,
    commune_insee: str,
    le: date,
) -> Convention | None:
    """The convention letting this association accompany a household of this commune that day."""
    return session.exec(
        select(Convention).where(
            Convention.dispositif_id == dispositif_id,
            Convention.association_id == association_id,
            col(Convention.date_debut) <= le,
            col(Convention.date_fin) >= le,
            col(Convention.id).in_(
                select(ConventionCommune.convention_id).where(ConventionCommune.commune_insee == commune_insee)
            ),
        )
    ).first()
