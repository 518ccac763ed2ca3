"""Use cases of the ménage file."""

from __future__ import annotations

import base64
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import CTE, ColumnElement, and_, func, literal, or_, tuple_, union_all
from sqlmodel import Session, col, delete, select

from api.acces.politique import Relation
from api.audit import access as audit_access
from api.audit.models import ActionAudit, JournalAcces
from api.audit.schemas import AccesDossier
from api.audit.service import journaliser, journaliser_liste
from api.auth.principal import Principal
from api.core.compteurs import prochaine_reference
from api.core.concurrency import bump_version, check_if_match
from api.core.errors import Doublon, Interdit, Introuvable, Probleme, champ_invalide
from api.core.fonctions_sql import chiffres
from api.core.models import inserer, inserer_objets, new_id, utcnow
from api.core.pagination import TOTAL_PLAFOND, Page, PageCurseur, PageParams, count, count_plafonne
from api.core.referentiels import Composition, LienPersonne, Sexe
from api.core.texte import motif_like, normaliser
from api.menages import access, noms
from api.menages.models import Dette, Menage, MenageAcces, MenageTransmission, Personne, Ressource
from api.menages.schemas import (
    DetteIn,
    MenageCreate,
    MenagePublic,
    MenageResume,
    MenageUpdate,
    PersonneIn,
    PersonnePublic,
    RessourceIn,
)
from api.organisations.models import Organisation, TypeOrganisation

RESSOURCE = "menage"


def deduire_composition(personnes: list[PersonneIn]) -> Composition:
    """SI-SIAO composition from the persons, when the user did not give it."""
    liens = Counter(p.lien for p in personnes)
    demandeur = next(p for p in personnes if p.lien == LienPersonne.demandeur)
    enfants = liens[LienPersonne.enfant] > 0
    couple = liens[LienPersonne.conjoint] > 0
    if liens[LienPersonne.autre] > 0:
        return Composition.groupe_avec_enfants if enfants else Composition.groupe_adultes
    if couple:
        return Composition.couple_avec_enfants if enfants else Composition.couple_sans_enfant
    if demandeur.sexe == Sexe.homme:
        return Composition.homme_seul_avec_enfants if enfants else Composition.homme_seul
    return Composition.femme_seule_avec_enfants if enfants else Composition.femme_seule


def _demandeur(personnes: list[Personne]) -> Personne:
    return next(p for p in personnes if p.lien == LienPersonne.demandeur.value)


def _personnes(session: Session, menage_id: uuid.UUID) -> list[Personne]:
    return list(session.exec(select(Personne).where(Personne.menage_id == menage_id)))


def publics_vivants(session: Session, menages: Sequence[Menage]) -> dict[uuid.UUID, MenagePublic]:
    """The live files of these households, by id: three queries whatever their number."""
    ids = [m.id for m in menages]
    if not ids:
        return {}
    personnes: dict[uuid.UUID, list[Personne]] = {i: [] for i in ids}
    ressources: dict[uuid.UUID, list[Ressource]] = {i: [] for i in ids}
    dettes: dict[uuid.UUID, list[Dette]] = {i: [] for i in ids}
    for p in session.exec(select(Personne).where(col(Personne.menage_id).in_(ids))):
        personnes[p.menage_id].append(p)
    for r in session.exec(select(Ressource).where(col(Ressource.menage_id).in_(ids))):
        ressources[r.menage_id].append(r)
    for d in session.exec(select(Dette).where(col(Dette.menage_id).in_(ids))):
        dettes[d.menage_id].append(d)
    return {
        m.id: MenagePublic(
            **m.model_dump(exclude={"cree_par_id", "anonymise_le"}),
            personnes=[
                PersonnePublic.model_validate(p)
                for p in sorted(personnes[m.id], key=lambda p: (p.lien != "demandeur", p.nom, p.prenom))
            ],
            ressources=[RessourceIn.model_validate(r) for r in sorted(ressources[m.id], key=lambda r: r.type)],
            dettes=[DetteIn.model_validate(d) for d in sorted(dettes[m.id], key=lambda d: d.type)],
        )
        for m in menages
    }


def to_public(session: Session, menage: Menage) -> MenagePublic:
    """The live file (for those the policy gives it to: ``vues``)."""
    return publics_vivants(session, [menage])[menage.id]


def transmettre(session: Session, principal: Principal, envois: Sequence[tuple[uuid.UUID, uuid.UUID | None]]) -> None:
    """Keep the household as this principal's organisation sends it (ménage id, referral id
    or None): at the opening of the file, with a referral, with a change it makes while the
    file is its own. What it sends is what it may read (``vues``): a referrer that sends
    a household again never copies what the carrying association added. Does not commit."""
    if not envois:
        return
    menages = list(session.exec(select(Menage).where(col(Menage.id).in_({m for m, _ in envois}))))
    lues = vues(session, principal, menages)
    quand = utcnow()
    inserer(
        session,
        MenageTransmission,
        [
            {
                "id": new_id(),
                "menage_id": menage_id,
                "organisation_id": principal.organisation_id,
                "orientation_id": orientation_id,
                "quand": quand,
                "donnees": lues[menage_id].model_dump(
                    mode="json", exclude={"vue", "transmis_le", "modifiable", "version", "modifie_le"}
                ),
                "noms_recherche": "\n".join(normaliser(f"{p.nom} {p.prenom}") for p in lues[menage_id].personnes),
            }
            for menage_id, orientation_id in envois
            if menage_id in lues
        ],
    )


def _vue_transmise(menage: Menage, transmission: MenageTransmission | None, vivant: MenagePublic) -> MenagePublic:
    """The household as this organisation sent it. Without a transmission (rows written
    outside the services: the demo), identity and composition only, no situation."""
    commun = {
        "id": menage.id,
        "reference": menage.reference,
        "organisation_id": menage.organisation_id,
        "cree_le": menage.cree_le,
        "version": menage.version,
        "vue": access.Vue.transmis.value,
        "modifiable": False,
    }
    if transmission is None:
        return MenagePublic.model_validate(
            {
                **commun,
                "composition": vivant.composition,
                "personnes": vivant.personnes,
                "statut_occupation": None,
                "bailleur_id": None,
                "commune_insee": None,
                "adresse": None,
                "telephone": None,
                "courriel": None,
                "nb_procedures_expulsion": 0,
                "stade_procedure": None,
                "situation_professionnelle": None,
                "ressources": [],
                "dettes": [],
                "modifie_le": menage.cree_le,
                "transmis_le": None,
            }
        )
    return MenagePublic.model_validate(
        {**transmission.donnees, **commun, "modifie_le": transmission.quand, "transmis_le": transmission.quand}
    )


def vues(session: Session, principal: Principal, menages: Sequence[Menage]) -> dict[uuid.UUID, MenagePublic]:
    """Each of these (visible) households as this principal may read it (policy:
    ``menage_vivant`` or ``menage_transmis``): the live file for the carrying association
    and for the author until an association carries it; otherwise the latest household
    this organisation sent, or that was submitted to it."""
    ids = [m.id for m in menages]
    if not ids:
        return {}
    vivants_ids = set(
        session.exec(select(Menage.id).where(col(Menage.id).in_(ids), access.condition_vivant(principal)))
    )
    # Today the policy gives the live file to read and to change to the same relations: one query.
    modifiables = (
        vivants_ids
        if access.memes_lecteurs_et_modificateurs()
        else set(session.exec(select(Menage.id).where(col(Menage.id).in_(ids), access.condition_modifiable(principal))))
    )
    vivants = publics_vivants(session, menages)
    dernieres: dict[uuid.UUID, MenageTransmission] = {}
    autres = [i for i in ids if i not in vivants_ids]
    if autres:
        for t in session.exec(
            select(MenageTransmission)
            .where(col(MenageTransmission.menage_id).in_(autres), access.condition_transmission_visible(principal))
            .order_by(col(MenageTransmission.quand).desc(), col(MenageTransmission.id).desc())
        ):
            dernieres.setdefault(t.menage_id, t)
    out: dict[uuid.UUID, MenagePublic] = {}
    for m in menages:
        if m.id in vivants_ids:
            out[m.id] = vivants[m.id].model_copy(update={"modifiable": m.id in modifiables})
        else:
            out[m.id] = _vue_transmise(m, dernieres.get(m.id), vivants[m.id])
    return out


def _verifier_bailleur(session: Session, bailleur_id: uuid.UUID | None) -> None:
    for _, refus in bailleurs_invalides(session, [bailleur_id]):
        raise refus


def bailleurs_invalides(session: Session, ids: Sequence[uuid.UUID | None]) -> Iterator[tuple[int, Probleme]]:
    """The bailleur_id (index in ``ids``, refusal) that do not name an organisation of type
    bailleur: one query for all (``None``: none given at that index)."""
    demandes = {i for i in ids if i is not None}
    if not demandes:
        return
    connus = set(
        session.exec(
            select(Organisation.id).where(
                col(Organisation.id).in_(demandes), Organisation.type == TypeOrganisation.bailleur.value
            )
        )
    )
    for i, bailleur_id in enumerate(ids):
        if bailleur_id is not None and bailleur_id not in connus:
            yield i, champ_invalide("bailleur_id", "doit désigner une organisation de type bailleur", str(bailleur_id))


CleHomonyme = tuple[str, date]


def nom_recherche(p: PersonneIn) -> str:
    """``nom prénom`` without accents or case (searches and the duplicate rule)."""
    return normaliser(f"{p.nom} {p.prenom}")


def _demandeur_de(data: MenageCreate) -> PersonneIn:
    return next(p for p in data.personnes if p.lien == LienPersonne.demandeur)


def _cle_homonyme(demandeur: PersonneIn) -> CleHomonyme | None:
    """Name without accents or case, and birth date: without a birth date, no duplicate rule."""
    if demandeur.date_naissance is None:
        return None
    return nom_recherche(demandeur), demandeur.date_naissance


def homonymes(session: Session, principal: Principal, demandeurs: Sequence[PersonneIn]) -> dict[CleHomonyme, Menage]:
    """The visible ménages whose demandeur has the name and birth date of one of ``demandeurs``,
    by key, in one query whatever their number."""
    cles = {c for c in map(_cle_homonyme, demandeurs) if c is not None}
    if not cles:
        return {}
    rows = session.exec(
        select(Menage, Personne.nom_recherche, col(Personne.date_naissance))
        .join(Personne, col(Personne.menage_id) == Menage.id)
        .where(
            access.condition_visible(principal),
            Personne.lien == LienPersonne.demandeur.value,
            col(Personne.nom_recherche).in_({nom for nom, _ in cles}),
            col(Personne.date_naissance).in_({ne for _, ne in cles}),
        )
    )
    trouves: dict[CleHomonyme, Menage] = {}
    for menage, nom, ne in rows:
        if (nom, ne) in cles:
            trouves.setdefault((nom, ne), menage)
    return trouves


def doublons(
    session: Session, principal: Principal, datas: Sequence[MenageCreate | None]
) -> Iterator[tuple[int, Doublon]]:
    """The households (index in ``datas``, refusal) whose demandeur is already known: a visible
    homonym (one query for all), or an earlier household of the same request (``None``: no
    household at that index). ``doublon_confirme`` lifts both."""
    demandeurs = {i: _demandeur_de(d) for i, d in enumerate(datas) if d is not None}
    connus = homonymes(session, principal, [p for i, p in demandeurs.items() if not _confirme(datas[i])])
    premiers: dict[CleHomonyme, int] = {}
    for i, demandeur in demandeurs.items():
        cle = _cle_homonyme(demandeur)
        if cle is None:
            continue
        premier = premiers.setdefault(cle, i)
        if _confirme(datas[i]):
            continue
        qui = f"Un ménage dont le demandeur s'appelle {demandeur.prenom} {demandeur.nom}, né(e) le {cle[1]:%d/%m/%Y}, "
        homonyme = connus.get(cle)
        if homonyme is not None:
            yield (
                i,
                Doublon(
                    f"{qui}existe déjà ({homonyme.reference}). Utilisez-le, ou renvoyez la demande avec "
                    "doublon_confirme=true s'il s'agit d'une autre personne.",
                    existant_id=str(homonyme.id),
                    existant_reference=homonyme.reference,
                    existant_url=f"/api/v1/menages/{homonyme.id}",
                ),
            )
        elif premier != i:
            yield (
                i,
                Doublon(
                    f"{qui}figure déjà au n° {premier + 1} du lot. Envoyez-le une seule fois, ou renvoyez "
                    "le lot avec doublon_confirme=true s'il s'agit d'une autre personne.",
                    existant_index=premier,
                ),
            )


def _confirme(data: MenageCreate | None) -> bool:
    return data is not None and data.doublon_confirme


verifier_createur = access.verifier_createur


def _ecrire_personnes(session: Session, menage: Menage, personnes: list[PersonneIn]) -> None:
    """Replace the persons; a person sent back with its id keeps it."""
    existantes = {p.id: p for p in _personnes(session, menage.id)}
    gardees: set[uuid.UUID] = set()
    for data in personnes:
        valeurs: dict[str, Any] = {
            "nom": data.nom.strip(),
            "prenom": data.prenom.strip(),
            "nom_recherche": nom_recherche(data),
            "date_naissance": data.date_naissance,
            "sexe": data.sexe.value,
            "lien": data.lien.value,
        }
        if data.id is not None:
            personne = existantes.get(data.id)
            if personne is None:
                raise champ_invalide("personnes.id", "personne inconnue dans ce ménage", str(data.id))
            for key, value in valeurs.items():
                setattr(personne, key, value)
            gardees.add(personne.id)
        else:
            personne = Personne(menage_id=menage.id, **valeurs)
        session.add(personne)
    for pid, personne in existantes.items():
        if pid not in gardees:
            session.delete(personne)


def _ecrire_listes(session: Session, menage: Menage, data: MenageCreate | MenageUpdate) -> None:
    if data.ressources is not None:
        session.execute(delete(Ressource).where(col(Ressource.menage_id) == menage.id))
        session.add_all(
            Ressource(menage_id=menage.id, type=r.type.value, montant_mensuel=r.montant_mensuel)
            for r in data.ressources
        )
    if data.dettes is not None:
        session.execute(delete(Dette).where(col(Dette.menage_id) == menage.id))
        session.add_all(Dette(menage_id=menage.id, type=d.type.value, montant=d.montant) for d in data.dettes)


_CHAMPS_SIMPLES = (
    "statut_occupation",
    "bailleur_id",
    "commune_insee",
    "adresse",
    "telephone",
    "courriel",
    "nb_procedures_expulsion",
    "stade_procedure",
    "situation_professionnelle",
)


def creer_menage(session: Session, principal: Principal, *, data: MenageCreate) -> Menage:
    """Open a household file. A visible homonym (same name and birth date) is refused
    with 409 unless the caller confirms it is another person."""
    menage = preparer_menage(session, principal, data=data)
    journaliser(session, principal, ActionAudit.creer, RESSOURCE, menage.id)
    session.commit()
    return menage


def preparer_menage(
    session: Session, principal: Principal, *, data: MenageCreate, reference: str | None = None
) -> Menage:
    """Check and write one ménage's rows without committing."""
    verifier_createur(principal)
    for _, refus in doublons(session, principal, [data]):
        raise refus
    _verifier_bailleur(session, data.bailleur_id)
    return nouveaux_menages(session, principal, [data], [reference or prochaine_reference(session, "M")])[0]


def nouveaux_menages(
    session: Session, principal: Principal, datas: Sequence[MenageCreate], references: Sequence[str]
) -> list[Menage]:
    """The rows of new ménages, already checked (``verifier_createur``, ``doublons``,
    ``bailleurs_invalides``), with the references drawn for them; no commit. One INSERT
    per table whatever their number (the ménages first: their persons, resources and
    debts refer to them). A new file has nothing to replace: no read, no DELETE."""
    if not datas:
        return []
    lignes = [
        {
            "id": new_id(),
            "reference": reference,
            "organisation_id": principal.organisation_id,
            "composition": (data.composition or deduire_composition(data.personnes)).value,
            "cree_par_id": principal.id,
            **{k: getattr(v, "value", v) for k, v in data.model_dump(include=set(_CHAMPS_SIMPLES)).items()},
            "nb_procedures_expulsion": data.nb_procedures_expulsion or 0,
            "courriel": str(data.courriel) if data.courriel is not None else None,
        }
        for data, reference in zip(datas, references, strict=True)
    ]
    menages = inserer_objets(session, Menage, lignes)
    personnes: list[dict[str, Any]] = []
    ressources: list[dict[str, Any]] = []
    dettes: list[dict[str, Any]] = []
    for menage, data in zip(menages, datas, strict=True):
        personnes += [
            {
                "menage_id": menage.id,
                "nom": p.nom.strip(),
                "prenom": p.prenom.strip(),
                "nom_recherche": nom_recherche(p),
                "date_naissance": p.date_naissance,
                "sexe": p.sexe.value,
                "lien": p.lien.value,
            }
            for p in data.personnes
        ]
        ressources += [
            {"menage_id": menage.id, "type": r.type.value, "montant_mensuel": r.montant_mensuel}
            for r in data.ressources or []
        ]
        dettes += [{"menage_id": menage.id, "type": d.type.value, "montant": d.montant} for d in data.dettes or []]
    for modele, valeurs in ((Personne, personnes), (Ressource, ressources), (Dette, dettes)):
        inserer(session, modele, valeurs)
    transmettre(session, principal, [(m.id, None) for m in menages])
    return menages


def visibles(session: Session, principal: Principal, menage_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Menage]:
    """Those of ``menage_ids`` this principal may see, by id, in one query (the others are
    answered 404 by the callers: never a hint that they exist)."""
    return {m.id: m for m in session.exec(access.visible_menages(principal).where(col(Menage.id).in_(set(menage_ids))))}


def demandeurs_lus(session: Session, principal: Principal, menage_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The demandeur's name (« Claire VALLÉE ») of those households this principal sees, as
    it reads them (``vues``: the live file, or what it was sent), in a few queries whatever
    their number; a household it does not see has no entry."""
    lues = vues(session, principal, list(visibles(session, principal, menage_ids).values()))
    out: dict[uuid.UUID, str] = {}
    for menage_id, v in lues.items():
        d = next((p for p in v.personnes if p.lien == LienPersonne.demandeur), None)
        nom = noms.libelle(d.prenom, d.nom) if d else None
        if nom:
            out[menage_id] = nom
    return out


def get_menage(session: Session, principal: Principal, menage_id: uuid.UUID, *, journal: bool = True) -> Menage:
    """A visible ménage, or 404 (never a hint that it exists)."""
    menage = visibles(session, principal, [menage_id]).get(menage_id)
    if menage is None:
        raise Introuvable("Ménage", menage_id)
    if journal:
        journaliser(session, principal, ActionAudit.lire, RESSOURCE, menage.id)
    return menage


def lire_menage(session: Session, principal: Principal, menage_id: uuid.UUID) -> MenagePublic:
    menage = get_menage(session, principal, menage_id)
    public = vues(session, principal, [menage])[menage.id]
    session.commit()  # the access-log entry
    return public


def modifier_menage(
    session: Session, principal: Principal, *, menage_id: uuid.UUID, data: MenageUpdate, if_match: str | None
) -> MenagePublic:
    """Partial update under optimistic concurrency (If-Match on the version), by the
    carrying association, or by the organisation that opened the file until an association
    carries it (its change is then also kept as what it sent)."""
    menage = get_menage(session, principal, menage_id, journal=False)
    if (
        session.exec(select(Menage.id).where(Menage.id == menage_id, access.condition_modifiable(principal))).first()
        is None
    ):
        raise Interdit(
            "Votre organisation peut lire ce dossier mais pas le modifier : une fois qu'une association "
            "accompagne le ménage, c'est elle qui tient le dossier. Transmettez-lui les changements "
            "(par une nouvelle orientation si besoin)."
        )
    porteur = (
        session.exec(
            select(Menage.id).where(Menage.id == menage_id, access.condition_relation(principal, Relation.porteur))
        ).first()
        is not None
    )
    check_if_match(if_match, menage.version, f"Le ménage {menage.reference}")
    bump_version(session, Menage, menage, f"Le ménage {menage.reference}")
    changes = data.model_dump(exclude_unset=True, include=set(_CHAMPS_SIMPLES) | {"composition"})
    if "bailleur_id" in changes:
        _verifier_bailleur(session, data.bailleur_id)
    for key, value in changes.items():
        if key == "nb_procedures_expulsion" and value is None:
            value = 0
        if key == "composition" and value is None:
            continue
        setattr(menage, key, getattr(value, "value", value))
    if data.personnes is not None:
        _ecrire_personnes(session, menage, data.personnes)
    _ecrire_listes(session, menage, data)
    session.add(menage)
    journaliser(session, principal, ActionAudit.modifier, RESSOURCE, menage.id)
    session.flush()
    if not porteur:
        # The author's own file, not carried yet: what it changes is what it sends.
        transmettre(session, principal, [(menage.id, None)])
    public = vues(session, principal, [menage])[menage.id]
    session.commit()
    return public


def curseur(modifie_le: datetime, menage_id: uuid.UUID) -> str:
    """Opaque cursor after this household in the list order (last change, then id)."""
    return base64.urlsafe_b64encode(f"{modifie_le.isoformat()}|{menage_id}".encode()).decode()


def _lire_curseur(apres: str) -> tuple[datetime, uuid.UUID]:
    try:
        quand, menage_id = base64.urlsafe_b64decode(apres.encode()).decode().split("|", 1)
        instant = datetime.fromisoformat(quand)
        return (instant if instant.tzinfo else instant.replace(tzinfo=UTC)), uuid.UUID(menage_id)
    except (ValueError, UnicodeDecodeError):
        raise champ_invalide(
            "apres", "curseur inconnu : reprenez celui d'une page (champ « suivant »)", apres
        ) from None


# Fewer digits than this in the query is not a phone number (a year, a house number).
CHIFFRES_TELEPHONE_MIN = 4
# Fewer characters than a trigram: every address would match, and no index serves it.
ADRESSE_CARACTERES_MIN = 3


def numero_national(q: str) -> str:
    """The digits of a typed number without the French prefix (« +33 6 12 », « 0033 6 12 »
    and « 06 12 » all give « 612 »): the part every way of writing it contains."""
    numero = "".join(c for c in q if "0" <= c <= "9")
    if numero.startswith("0033"):
        numero = numero[4:]
    elif q.strip().startswith("+33"):
        numero = numero[2:]
    return numero.lstrip("0")


def candidats_recherche(principal: Principal, q: str) -> CTE:
    """The households this principal sees (``access.condition_visible``) where ``q``
    occurs somewhere it might read it: one row per household, with one flag per place it
    was found (``reference``; ``vivant_texte``: a live name, address or phone;
    ``vivant_nom``: a live name; ``transmis``: a transmission this principal reads).
    Which flag counts depends on how the principal reads the household
    (``condition_sur_candidats``).

    Each part is read from its own index (PostgreSQL: pg_trgm GIN indexes, migrations
    0014, 0028 and 0042) and the whole is **materialised before anything else**: the
    search then costs what its matches cost, never a walk over every household. Asked
    as conditions on the household (``id IN (…) OR …``), PostgreSQL walked all 100,000
    households of the département by date of change and tested each one (80 ms for
    « Dur » and its 64 matches; 240 ms for « mar »). A phone is matched on its digits
    whatever the separators, and without a leading 0 so that « 06 12… » also finds
    « +33 6 12… »; an address needs three characters (fewer is not a trigram: every
    address would match, and no index serves it)."""
    texte = q.strip()
    motif_nom = motif_like(normaliser(q))
    numero = numero_national(q)

    def part(id_: Any, reference: int, vivant_texte: int, vivant_nom: int, transmis: int) -> Any:
        drapeaux = (reference, vivant_texte, vivant_nom, transmis)
        return select(id_.label("id"), *(literal(v).label(n) for v, n in zip(drapeaux, DRAPEAUX, strict=True)))

    parts = [
        part(col(Menage.id), 1, 0, 0, 0).where(col(Menage.reference).ilike(motif_like(texte), escape="\\")),
        part(col(Personne.menage_id), 0, 1, 1, 0).where(col(Personne.nom_recherche).like(motif_nom, escape="\\")),
    ]
    transmises: list[ColumnElement[bool]] = [col(MenageTransmission.noms_recherche).like(motif_nom, escape="\\")]
    if len(texte) >= ADRESSE_CARACTERES_MIN:
        # The address, as typed (case-insensitive; pg_trgm index of migration 0028).
        parts.append(part(col(Menage.id), 0, 1, 0, 0).where(col(Menage.adresse).ilike(motif_like(texte), escape="\\")))
        transmises.append(MenageTransmission.donnees["adresse"].as_string().ilike(motif_like(texte), escape="\\"))
    if len(numero) >= CHIFFRES_TELEPHONE_MIN:
        parts.append(part(col(Menage.id), 0, 1, 0, 0).where(chiffres(col(Menage.telephone)).like(f"%{numero}%")))
        transmises.append(chiffres(MenageTransmission.donnees["telephone"].as_string()).like(f"%{numero}%"))
    parts.append(
        part(col(MenageTransmission.menage_id), 0, 0, 0, 1).where(
            access.condition_transmission_visible(principal), or_(*transmises)
        )
    )
    # MATERIALIZED: each computed once, in this order, then joined. Inlined, the planner
    # went back to testing every household against them, or fetched every candidate
    # household (19,000 for « mar ») before asking whether the principal sees it. The
    # matches are checked against the principal's grants before being grouped by
    # household: the planner's estimate of the matches follows the text indexes (it
    # hashes the organisation's grants when there are thousands, probes them when there
    # are few); grouped first, it always guessed 200 and probed 19,000 times.
    #
    # The organisation's grants are joined to the matches once (one hash of its grants), and
    # each candidate carries which relations its organisation holds (``relation_*``): the
    # policy reads them there, for visibility here and for the live file in
    # ``condition_sur_candidats``, instead of probing ``menage_acces`` once per relation and
    # per candidate (« mar », largest association: 10,000 candidates, 33 of 141 ms). A
    # small search pays the hash of the organisation's grants instead (≈ 15 ms for 51,871):
    # the worst searches gain, the mean does not move (docs/performance.md, 03/12 soir).
    trouves = union_all(*parts).cte("trouves").prefix_with("MATERIALIZED")
    tenues = access.relations_tenues()
    return (
        select(
            trouves.c.id,
            *(func.max(trouves.c[n]).label(n) for n in DRAPEAUX),
            *(agregat.label(_colonne_relation(r)) for r, agregat in tenues.items()),
        )
        .outerjoin(
            MenageAcces,
            and_(MenageAcces.menage_id == trouves.c.id, MenageAcces.organisation_id == principal.organisation_id),
        )
        .group_by(trouves.c.id)
        .having(access.condition_visible(principal, sur=trouves.c.id, tenues=tenues))
        .cte("candidats")
        .prefix_with("MATERIALIZED")
    )


DRAPEAUX = ("reference", "vivant_texte", "vivant_nom", "transmis")


def _colonne_relation(relation: Relation) -> str:
    return f"relation_{relation.value}"


def condition_sur_candidats(principal: Principal, candidats: CTE) -> ColumnElement[bool]:
    """Among the candidates, those where ``q`` occurs **as this principal reads the
    household** (``access.condition_nom_lu`` for names alone).

    Who reads the live file (``menage_vivant``) searches the live file; a referrer or a
    commission (``menage_transmis``) searches the transmissions it reads, never the live
    file: a name, an address or a number the carrying association changed since is not
    found under its new value (it would tell the referrer what changed). A household with
    no transmission the reader may read (rows written outside the services: the demo) is
    shown, and searched by name, with its live identity (no address, no phone). The
    reference is the same for all."""
    c = candidats.c
    lues = access.condition_transmission_visible(principal)
    sans_transmission = ~select(MenageTransmission.id).where(MenageTransmission.menage_id == c.id, lues).exists()
    # On the candidate's id, not the household's row: the page reads no more of the
    # household than its date of change (``lister_menages``).
    vivant = access.condition_vivant(
        principal, sur=c.id, tenues={r: c[_colonne_relation(r)] for r in access.relations_tenues()}
    )
    return or_(
        c.reference == 1,
        and_(c.vivant_texte == 1, vivant),
        # Without a transmission the reader sees the live identity, but no address or phone
        # (``_vue_transmise``): only the names are searched there.
        and_(c.vivant_nom == 1, ~vivant, sans_transmission),
        and_(c.transmis == 1, ~vivant),
    )


def lister_menages(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    q: str | None = None,
    commune_insee: str | None = None,
    composition: Composition | None = None,
    apres: str | None = None,
) -> PageCurseur[MenageResume]:
    """Search by name, reference or phone, accent- and case-insensitive; last changed first.

    Like the mesures list, the total is counted up to ``TOTAL_PLAFOND`` past ``offset``
    (``total_exact`` false beyond), and ``apres`` (the previous page's ``suivant``) reads
    the next page by key instead of skipping rows."""
    borne = _lire_curseur(apres) if apres is not None else None
    # The page is chosen on (id, modifie_le) alone, then its rows are read by key (``visibles``): a
    # search sorts all its matches, and PostgreSQL reads those two columns from an index
    # (``ix_menage_ordre``, migration 0045) instead of fetching every matching household
    # (4,000 for « mar ») from the table to keep twenty.
    if q and q.strip():
        # Visibility is checked on the candidates (``candidats_recherche``).
        candidats = candidats_recherche(principal, q)
        query = (
            select(col(Menage.id))
            .join(candidats, candidats.c.id == Menage.id)
            .where(condition_sur_candidats(principal, candidats))
        )
    else:
        query = select(col(Menage.id)).where(access.condition_visible(principal))
    if commune_insee:
        query = query.where(Menage.commune_insee == commune_insee)
    if composition:
        query = query.where(Menage.composition == composition.value)
    ordre = (col(Menage.modifie_le).desc(), col(Menage.id).desc())
    if q and q.strip() and borne is None:
        # A search sorts all its matches anyway (last changed first): the total comes with
        # the page, in the same pass (``count(*) OVER ()``), exact. Counting apart read every
        # match twice (« mar »: 1,800 households, 100 ms per pass at département scale).
        lignes = session.execute(
            query.add_columns(func.count().over().label("total")).order_by(*ordre).offset(page.offset).limit(page.limit)
        ).all()
        ids = [ligne[0] for ligne in lignes]
        if lignes:
            total, exact = int(lignes[0][1]), True
        else:  # past the last match, or none: the count alone says which
            total, exact = count_plafonne(session, query, TOTAL_PLAFOND + page.offset)
    else:
        total, exact = count_plafonne(session, query, TOTAL_PLAFOND + page.offset)
        if borne is not None:
            query = query.where(tuple_(col(Menage.modifie_le), col(Menage.id)) < tuple_(*borne))
        ids = list(session.exec(query.order_by(*ordre).offset(page.offset).limit(page.limit)))
    par_id = visibles(session, principal, ids) if ids else {}
    menages = [par_id[i] for i in ids]
    items = _resumes(session, principal, menages)
    journaliser_liste(session, principal, RESSOURCE, [m.id for m in menages])
    session.commit()
    suivant = curseur(menages[-1].modifie_le, menages[-1].id) if len(menages) == page.limit else None
    return PageCurseur(
        total=total, total_exact=exact, limit=page.limit, offset=page.offset, items=items, suivant=suivant
    )


def _resumes(session: Session, principal: Principal, menages: list[Menage]) -> list[MenageResume]:
    """Each row of the list as this principal may read it, in two queries whatever the page."""
    demandeurs = {
        p.menage_id: p
        for p in session.exec(
            select(Personne).where(
                col(Personne.menage_id).in_([m.id for m in menages]), Personne.lien == LienPersonne.demandeur.value
            )
        )
    }
    # Each row as this principal may read it: for a referrer, what it sent (names, commune
    # and composition may have changed in the live file since).
    ids = [m.id for m in menages]
    vivants = set(session.exec(select(Menage.id).where(col(Menage.id).in_(ids), access.condition_vivant(principal))))
    transmis = vues(session, principal, [m for m in menages if m.id not in vivants])
    items = []
    for m in menages:
        if m.id in transmis:
            v = transmis[m.id]
            d_t = next((p for p in v.personnes if p.lien == LienPersonne.demandeur), None)
            items.append(
                MenageResume(
                    id=m.id,
                    reference=m.reference,
                    composition=v.composition,
                    commune_insee=v.commune_insee,
                    modifie_le=v.modifie_le,
                    demandeur_nom=d_t.nom if d_t else "",
                    demandeur_prenom=d_t.prenom if d_t else "",
                    demandeur_date_naissance=d_t.date_naissance if d_t else None,
                )
            )
            continue
        d = demandeurs.get(m.id)
        items.append(
            MenageResume(
                id=m.id,
                reference=m.reference,
                composition=Composition(m.composition),
                commune_insee=m.commune_insee,
                modifie_le=m.modifie_le,
                demandeur_nom=d.nom if d else "",
                demandeur_prenom=d.prenom if d else "",
                demandeur_date_naissance=d.date_naissance if d else None,
            )
        )
    return items


def qui_a_consulte(
    session: Session, principal: Principal, *, menage_id: uuid.UUID, page: PageParams
) -> Page[AccesDossier]:
    """Who viewed or changed this household file, among this organisation's own staff
    (policy: ``journal_acces``): association B never learns that association A works on the
    file. The read itself is logged: it names who looked at a household."""
    get_menage(session, principal, menage_id, journal=False)  # 404 when not visible
    query = (
        select(JournalAcces, Organisation.nom)
        .join(Organisation, col(Organisation.id) == JournalAcces.organisation_id)
        .where(
            JournalAcces.ressource == "menage",
            JournalAcces.ressource_id == menage_id,
            audit_access.condition_journal_visible(principal),
        )
    )
    total = count(session, query)  # bounded by one household's entries
    rows = session.exec(
        query.order_by(col(JournalAcces.quand).desc(), col(JournalAcces.id)).offset(page.offset).limit(page.limit)
    )
    items = [
        AccesDossier(
            quand=e.quand,
            principal_type=e.principal_type,
            principal_id=e.principal_id,
            organisation_id=e.organisation_id,
            organisation_nom=nom,
            role=e.role,
            action=e.action,
        )
        for e, nom in rows
    ]
    journaliser(session, principal, ActionAudit.lire, "menage", menage_id)
    session.commit()
    return Page(total=total, limit=page.limit, offset=page.offset, items=items)
