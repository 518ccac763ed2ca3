"""Use cases of the mesure (support measure)."""

from __future__ import annotations

import base64
import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ParamSpec, TypeVar, cast
from zoneinfo import ZoneInfo

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
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, delete, select

from api.audit.models import ActionAudit, JournalAcces
from api.audit.service import COLONNES_JOURNAL_LISTE, journaliser, journaliser_liste, valeurs_liste
from api.auth.principal import Principal
from api.core.compteurs import prochaine_reference
from api.core.concurrency import bump_version, check_if_match
from api.core.errors import (
    Conflit,
    Interdit,
    Introuvable,
    Probleme,
    TransitionRefusee,
    champ_invalide,
)
from api.core.fonctions_sql import ajouter_mois
from api.core.pagination import TOTAL_PLAFOND, PageCurseur, PageParams, plafonner
from api.core.referentiels import LienPersonne
from api.core.texte import motif_like, normaliser
from api.dispositifs.models import Cible, Dispositif, TypeAccompagnement
from api.menages.access import visible_menages
from api.menages.models import Dette, Menage, Personne, Ressource
from api.mesures import access, historique
from api.mesures.access import Niveau
from api.mesures.entree import instantane
from api.mesures.models import (
    AccesMaintien,
    DomaineIntervention,
    Mesure,
    MesureDetteEntree,
    MesureDomaine,
    MesureEvenement,
    MesureRessourceEntree,
    ModaliteLogement,
    StatutMesure,
)
from api.mesures.schemas import (
    Activation,
    ChangementReferent,
    ChangementStatut,
    Demarrage,
    DetteEntree,
    EvenementPublic,
    Fin,
    MesureCreate,
    MesurePublic,
    MesureResume,
    MesureStatut,
    MesureUpdate,
    Prolongation,
    Reorientation,
    RessourceEntree,
    Suivi,
)
from api.notifications import service as notifications
from api.organisations.models import TypeOrganisation, Utilisateur


def mandater(
    session: Session,
    principal: Principal,
    *,
    menage: Menage,
    dispositif_id: uuid.UUID,
    association_id: uuid.UUID,
    cible_code: str,
    type_accompagnement_code: str,
    acces_maintien: AccesMaintien,
    date_mandatement: date,
    orientation_id: uuid.UUID | None = None,
    reception_orientation: date | None = None,
    referent_id: uuid.UUID | None = None,
) -> Mesure:
    """Create the mesure at mandatement, with a snapshot of the household's situation.

    The snapshot (tenure, composition, commune, resources, debts, eviction
    procedures, the demandeur's age and sex and the persons by age class on the
    mandatement date, the orientation's reception date) is what "at entry" indicators read, so they never move when the
    ménage file is updated later or anonymised. Does not commit: the caller's use case does.
    """
    ressources = list(session.exec(select(Ressource).where(Ressource.menage_id == menage.id)))
    personnes = session.exec(select(Personne).where(Personne.menage_id == menage.id)).all()
    dettes = list(session.exec(select(Dette).where(Dette.menage_id == menage.id)))
    mesure = Mesure(
        reference=prochaine_reference(session, "S"),
        menage_id=menage.id,
        dispositif_id=dispositif_id,
        association_id=association_id,
        orientation_id=orientation_id,
        referent_id=referent_id,
        statut=StatutMesure.mandatee.value,
        cible_code=cible_code,
        type_accompagnement_code=type_accompagnement_code,
        acces_maintien=acces_maintien.value,
        date_mandatement=date_mandatement,
        entree_statut_occupation=menage.statut_occupation,
        entree_composition=menage.composition,
        entree_commune_insee=menage.commune_insee,
        entree_nb_procedures_expulsion=menage.nb_procedures_expulsion,
        entree_stade_procedure=menage.stade_procedure,
        entree_dette_locative=sum(d.montant for d in dettes if d.type == "loyer"),
        **instantane(((p.lien, p.date_naissance, p.sexe) for p in personnes), date_mandatement),
        # Given by the orientations domain, which stands above this one (tests/test_architecture.py).
        entree_reception_orientation=reception_orientation,
    )
    session.add(mesure)
    session.flush()
    # A household counts once per resource type; amounts of the same type add up.
    par_type: dict[str, int | None] = {}
    for r in ressources:
        if r.type in par_type:
            prev = par_type[r.type]
            par_type[r.type] = (prev or 0) + (r.montant_mensuel or 0)
        else:
            par_type[r.type] = r.montant_mensuel
    session.add_all(MesureRessourceEntree(mesure_id=mesure.id, type=t, montant_mensuel=m) for t, m in par_type.items())
    dettes_par_type: dict[str, int] = {}
    for d in dettes:
        dettes_par_type[d.type] = dettes_par_type.get(d.type, 0) + d.montant
    session.add_all(MesureDetteEntree(mesure_id=mesure.id, type=t, montant=m) for t, m in dettes_par_type.items())
    session.add(
        MesureEvenement(
            mesure_id=mesure.id,
            date_effet=date_mandatement,
            auteur_type=principal.kind,
            auteur_id=principal.id,
            organisation_id=principal.organisation_id,
            type="mandatement",
            vers_statut=StatutMesure.mandatee.value,
        )
    )
    if association_id != principal.organisation_id:  # an association opening its own mesure knows it
        notifications.mesure_mandatee(
            session, mesure_id=mesure.id, reference=mesure.reference, association_id=association_id
        )
    return mesure


# --- Lifecycle of the mesure (issue 4) ---------------------------------------

# mandatee → en_evaluation → active ⇄ suspendue → terminee. A mesure may also start
# directly active (adhésion obtained in commission, seed 004) and end at any stage
# (a household that never adheres leaves for non-adhésion before it starts).
TRANSITIONS: dict[str, set[str]] = {
    StatutMesure.mandatee.value: {
        StatutMesure.en_evaluation.value,
        StatutMesure.active.value,
        StatutMesure.terminee.value,
    },
    StatutMesure.en_evaluation.value: {StatutMesure.active.value, StatutMesure.terminee.value},
    StatutMesure.active.value: {StatutMesure.suspendue.value, StatutMesure.terminee.value},
    StatutMesure.suspendue.value: {StatutMesure.active.value, StatutMesure.terminee.value},
    StatutMesure.terminee.value: set(),
}

RESSOURCE = "mesure"
MOIS_SUIVI = 6


class AdhesionRequise(Conflit):
    slug = "adhesion-requise"
    title = "Adhésion du ménage requise"


P = ParamSpec("P")
R = TypeVar("R")


def sans_trace(fn: Callable[P, R]) -> Callable[P, R]:
    """A refused use case leaves nothing behind in the session, not even in memory
    (its first argument is the session): changed objects are reloaded, new ones dropped."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Probleme:
            session = args[0]
            assert isinstance(session, Session)
            for obj in list(session.new):
                session.expunge(obj)
            for obj in list(session.dirty):
                session.expire(obj)
            raise

    return wrapper


def aujourdhui() -> date:
    """Today in France: the dates of the field are local dates."""
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def date_limite(mesure: Mesure, dispositif: Dispositif) -> date | None:
    """Latest end allowed by the dispositif's maximum duration, counted from the start
    (or from mandatement while the mesure has not started)."""
    if dispositif.duree_max_mois is None:
        return None
    return ajouter_mois(mesure.date_debut or mesure.date_mandatement, dispositif.duree_max_mois)


def _nom(mesure: Mesure) -> str:
    return f"La mesure {mesure.reference}"


def _verifier_transition(mesure: Mesure, vers: str) -> None:
    permises = TRANSITIONS[mesure.statut]
    if vers not in permises:
        raise TransitionRefusee(_nom(mesure), mesure.statut, vers, permises)


def _verifier_en_cours(mesure: Mesure, action: str) -> None:
    """Réorientation, prolongation, change of référent: any time before the end."""
    if mesure.statut == StatutMesure.terminee.value:
        raise TransitionRefusee(_nom(mesure), mesure.statut, action, TRANSITIONS[mesure.statut])


def _pas_dans_le_futur(champ: str, valeur: date, aujourdhui: date) -> None:
    if valeur > aujourdhui:
        raise champ_invalide(
            champ,
            f"ne peut pas être postérieure à aujourd'hui ({aujourdhui.isoformat()})",
            valeur.isoformat(),
        )


def _pas_avant(champ: str, valeur: date, borne: date, libelle: str) -> None:
    if valeur < borne:
        raise champ_invalide(champ, f"ne peut pas précéder {libelle} ({borne.isoformat()})", valeur.isoformat())


def _verifier_referent(session: Session, mesure_association_id: uuid.UUID, referent_id: uuid.UUID) -> None:
    user = session.get(Utilisateur, referent_id)
    if user is None or not user.actif or user.organisation_id != mesure_association_id:
        raise champ_invalide(
            "referent_id",
            "doit désigner un utilisateur actif de l'association qui porte la mesure",
            str(referent_id),
        )


def _codes(session: Session, model: type[Cible] | type[TypeAccompagnement], dispositif_id: uuid.UUID) -> dict[str, Any]:
    rows: Any = session.exec(select(model).where(col(model.dispositif_id) == dispositif_id))
    return {r.code: r for r in rows}


def _verifier_code(
    session: Session,
    model: type[Cible] | type[TypeAccompagnement],
    dispositif_id: uuid.UUID,
    champ: str,
    code: str,
) -> None:
    codes = _codes(session, model, dispositif_id)
    if code not in codes:
        permis = ", ".join(sorted(codes)) or "aucun"
        raise champ_invalide(champ, f"code inconnu dans ce dispositif ; codes permis : {permis}", code)


def _evenement(principal: Principal, mesure: Mesure, type: str, **valeurs: Any) -> MesureEvenement:
    return MesureEvenement(
        mesure_id=mesure.id,
        auteur_type=principal.kind,
        auteur_id=principal.id,
        organisation_id=principal.organisation_id,
        type=type,
        **valeurs,
    )


def to_public(session: Session, mesure: Mesure, niveau: Niveau) -> MesurePublic | MesureStatut:
    """The mesure as this reader may see it."""
    if niveau == Niveau.prescripteur:
        return MesureStatut(
            id=mesure.id,
            reference=mesure.reference,
            menage_id=mesure.menage_id,
            orientation_id=mesure.orientation_id,
            statut=StatutMesure(mesure.statut),
        )
    dispositif = session.get(Dispositif, mesure.dispositif_id)
    menage = session.get(Menage, mesure.menage_id)
    assert dispositif is not None and menage is not None
    cibles = _codes(session, Cible, mesure.dispositif_id)
    types = _codes(session, TypeAccompagnement, mesure.dispositif_id)
    domaines = session.exec(select(MesureDomaine.domaine).where(MesureDomaine.mesure_id == mesure.id))
    ressources = session.exec(select(MesureRessourceEntree).where(MesureRessourceEntree.mesure_id == mesure.id))
    dettes = session.exec(select(MesureDetteEntree).where(MesureDetteEntree.mesure_id == mesure.id))
    cible = cibles.get(mesure.cible_code)
    type_acc = types.get(mesure.type_accompagnement_code)
    return MesurePublic(
        **mesure.model_dump(exclude={"suivi_commentaire"}),
        menage_reference=menage.reference,
        cible_libelle=cible.libelle if cible else mesure.cible_code,
        type_accompagnement_libelle=type_acc.libelle if type_acc else mesure.type_accompagnement_code,
        date_limite=date_limite(mesure, dispositif),
        domaines=sorted(DomaineIntervention(d) for d in domaines),
        entree_ressources=[RessourceEntree.model_validate(r) for r in sorted(ressources, key=lambda r: r.type)],
        entree_dettes=[DetteEntree.model_validate(d) for d in sorted(dettes, key=lambda d: d.type)],
        # The suivi's comment is a note about the household: it stays in the association.
        suivi_commentaire=mesure.suivi_commentaire if access.lit_notes(niveau) else None,
    )


def get_mesure(
    session: Session, principal: Principal, mesure_id: uuid.UUID, *, journal: bool = True
) -> tuple[Mesure, Niveau]:
    """A visible mesure and how it is seen, or 404 (never a hint that it exists)."""
    mesure = session.exec(access.visible_mesures(principal, sonde=True).where(Mesure.id == mesure_id)).first()
    niveau = access.niveau(session, principal, mesure) if mesure is not None else None
    if mesure is None or niveau is None:
        raise Introuvable("Mesure", mesure_id)
    if journal:
        journaliser(session, principal, ActionAudit.lire, RESSOURCE, mesure.id)
    return mesure, niveau


def get_mesure_porteur(session: Session, principal: Principal, mesure_id: uuid.UUID) -> Mesure:
    """A mesure this principal carries; a reader who may only read it gets 403."""
    mesure, niveau = get_mesure(session, principal, mesure_id, journal=False)
    if niveau != Niveau.porteur:
        raise Interdit("Seule l'association qui porte la mesure peut la modifier.")
    return mesure


def lire_mesure(session: Session, principal: Principal, mesure_id: uuid.UUID) -> MesurePublic | MesureStatut:
    mesure, niveau = get_mesure(session, principal, mesure_id)
    public = to_public(session, mesure, niveau)
    session.commit()  # the access-log entry
    return public


@sans_trace
def creer_mesure(session: Session, principal: Principal, *, data: MesureCreate, aujourdhui: date) -> MesurePublic:
    """An association opens a mesure itself, when the dispositif allows it (creation_directe)."""
    access.verifier_ouvre_mesure(principal)
    dispositif = session.get(Dispositif, data.dispositif_id)
    if dispositif is None:
        raise champ_invalide("dispositif_id", "dispositif inconnu", str(data.dispositif_id))
    if not dispositif.creation_directe:
        raise champ_invalide(
            "dispositif_id",
            "ce dispositif n'ouvre une mesure que sur une orientation acceptée par sa commission",
            str(data.dispositif_id),
        )
    menage = session.exec(visible_menages(principal).where(Menage.id == data.menage_id)).first()
    if menage is None:
        raise champ_invalide("menage_id", "ménage inconnu", str(data.menage_id))
    _verifier_code(session, Cible, dispositif.id, "cible_code", data.cible_code)
    _verifier_code(
        session,
        TypeAccompagnement,
        dispositif.id,
        "type_accompagnement_code",
        data.type_accompagnement_code,
    )
    _pas_dans_le_futur("date_mandatement", data.date_mandatement, aujourdhui)
    if data.referent_id is not None:
        _verifier_referent(session, principal.organisation_id, data.referent_id)
    mesure = mandater(
        session,
        principal,
        menage=menage,
        dispositif_id=dispositif.id,
        association_id=principal.organisation_id,
        cible_code=data.cible_code,
        type_accompagnement_code=data.type_accompagnement_code,
        acces_maintien=data.acces_maintien,
        date_mandatement=data.date_mandatement,
        referent_id=data.referent_id,
    )
    journaliser(session, principal, ActionAudit.creer, RESSOURCE, mesure.id)
    session.flush()
    public = to_public(session, mesure, Niveau.porteur)
    session.commit()
    assert isinstance(public, MesurePublic)
    return public


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
        "liste_organisation_id": principal.organisation_id,
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
    session.commit()
    suivant = None
    if len(lignes) == page.limit:
        dernier = lignes[-1]
        suivant = curseur(dernier["date_mandatement"], dernier["reference"])
    return PageCurseur(
        total=total, total_exact=exact, limit=page.limit, offset=page.offset, items=items, suivant=suivant
    )


def _dicts(resultat: Any) -> list[dict[str, Any]]:
    cles = list(resultat.keys())
    return [dict(zip(cles, ligne, strict=True)) for ligne in resultat]


def count_plafonne_lie(session: Session, compte: Any, valeurs: dict[str, Any], plafond: int) -> tuple[int, bool]:
    """(total, exact) from a cached capped count statement and its values."""
    return plafonner(int(session.connection().execute(compte, valeurs).scalar_one()), plafond)


_MENAGE_RECHERCHE = aliased(Menage)
_PERSONNE_RECHERCHE = aliased(Personne)
_DEMANDEUR = aliased(Personne)
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
    gabarit = Principal(
        "utilisateur",
        uuid.UUID(int=0),
        cast(uuid.UUID, bindparam("liste_organisation_id", type_=Uuid())),
        forme.organisation_type,
        "agent",
        uuid.UUID(int=0),
    )
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


def _commencer_ecriture(session: Session, principal: Principal, mesure_id: uuid.UUID, if_match: str | None) -> Mesure:
    """Load a carried mesure; check If-Match when given (optional on lifecycle actions)."""
    mesure = get_mesure_porteur(session, principal, mesure_id)
    if if_match:
        check_if_match(if_match, mesure.version, _nom(mesure))
    return mesure


def _terminer_ecriture(
    session: Session, principal: Principal, mesure: Mesure, *evenements: MesureEvenement
) -> MesurePublic:
    bump_version(session, Mesure, mesure, _nom(mesure))
    session.add(mesure)
    session.add_all(evenements)
    journaliser(session, principal, ActionAudit.modifier, RESSOURCE, mesure.id)
    session.flush()
    public = to_public(session, mesure, Niveau.porteur)
    session.commit()
    assert isinstance(public, MesurePublic)
    return public


def _changer_referent(
    session: Session,
    principal: Principal,
    mesure: Mesure,
    referent_id: uuid.UUID,
    commentaire: str | None,
) -> MesureEvenement | None:
    if referent_id == mesure.referent_id:
        return None
    _verifier_referent(session, mesure.association_id, referent_id)
    ancien = mesure.referent_id
    historique.noter(session, mesure, "referent", effet=aujourdhui(), champ="referent_id")
    mesure.referent_id = referent_id
    return _evenement(
        principal,
        mesure,
        "changement_referent",
        commentaire=commentaire,
        donnees={
            "ancien_referent_id": str(ancien) if ancien else None,
            "nouveau_referent_id": str(referent_id),
        },
    )


@sans_trace
def modifier_mesure(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: MesureUpdate,
    if_match: str | None,
) -> MesurePublic:
    """Partial update under optimistic concurrency: domaines, accès/maintien, modalité de
    logement and its dates, référent. Each change is kept as an event."""
    mesure = get_mesure_porteur(session, principal, mesure_id)
    check_if_match(if_match, mesure.version, _nom(mesure))
    changes = data.model_dump(exclude_unset=True)
    evenements: list[MesureEvenement] = []
    if "referent_id" in changes:
        if data.referent_id is None:
            raise champ_invalide("referent_id", "une mesure garde un référent ; désignez-en un autre", None)
        ev = _changer_referent(session, principal, mesure, data.referent_id, None)
        if ev is not None:
            evenements.append(ev)
    modifies: dict[str, Any] = {}
    ancienne_modalite = mesure.modalite_logement
    if data.acces_maintien is not None and data.acces_maintien.value != mesure.acces_maintien:
        historique.noter(session, mesure, "acces_maintien", effet=aujourdhui(), champ="acces_maintien")
    for champ in (
        "acces_maintien",
        "modalite_logement",
        "modalite_date_debut",
        "modalite_date_fin",
        "date_glissement",
    ):
        if champ in changes:
            valeur = changes[champ]
            valeur = getattr(valeur, "value", valeur)
            if getattr(mesure, champ) != valeur:
                setattr(mesure, champ, valeur)
                modifies[champ] = valeur.isoformat() if isinstance(valeur, date) else valeur
    if "modalite_logement" in modifies:
        # In force from its start date when given; the first modalité recorded without a
        # date is taken as in force since the mandatement (what the file says), a later
        # change without a date from today.
        debut = historique.debut_valeur(session, mesure, "modalite_logement")
        if "modalite_date_debut" in changes and mesure.modalite_date_debut is not None:
            effet = mesure.modalite_date_debut
            if ancienne_modalite is None and effet < debut:
                effet = debut  # a household already in its dwelling before the mesure
        else:
            effet = debut if ancienne_modalite is None else aujourdhui()
        historique.noter(
            session,
            mesure,
            "modalite_logement",
            effet=effet,
            champ="modalite_date_debut",
            ancienne=ancienne_modalite,
            prendre_ancienne=False,
        )
    elif "modalite_date_debut" in modifies and mesure.modalite_date_debut is not None:
        historique.redater_modalite(session, mesure, mesure.modalite_date_debut)
    if mesure.date_glissement is not None and mesure.modalite_logement != ModaliteLogement.iml_bail_glissant.value:
        raise champ_invalide(
            "date_glissement",
            "ne s'applique qu'à la modalité iml_bail_glissant",
            mesure.date_glissement.isoformat(),
        )
    if (
        mesure.modalite_date_debut
        and mesure.modalite_date_fin
        and mesure.modalite_date_fin < mesure.modalite_date_debut
    ):
        raise champ_invalide(
            "modalite_date_fin",
            f"ne peut pas précéder modalite_date_debut ({mesure.modalite_date_debut.isoformat()})",
            mesure.modalite_date_fin.isoformat(),
        )
    if mesure.modalite_date_debut and mesure.date_glissement and mesure.date_glissement < mesure.modalite_date_debut:
        raise champ_invalide(
            "date_glissement",
            f"ne peut pas précéder modalite_date_debut ({mesure.modalite_date_debut.isoformat()})",
            mesure.date_glissement.isoformat(),
        )
    if data.domaines is not None:
        anciens = set(session.exec(select(MesureDomaine.domaine).where(MesureDomaine.mesure_id == mesure.id)))
        nouveaux = {d.value for d in data.domaines}
        if anciens != nouveaux:
            session.execute(delete(MesureDomaine).where(col(MesureDomaine.mesure_id) == mesure.id))
            session.add_all(MesureDomaine(mesure_id=mesure.id, domaine=d) for d in sorted(nouveaux))
            modifies["domaines"] = sorted(nouveaux)
    if modifies:
        evenements.append(_evenement(principal, mesure, "modification", donnees=modifies))
    return _terminer_ecriture(session, principal, mesure, *evenements)


def _verifier_adhesion(session: Session, mesure: Mesure) -> None:
    dispositif = session.get(Dispositif, mesure.dispositif_id)
    assert dispositif is not None
    if dispositif.adhesion_requise and mesure.adhesion_date is None:
        raise AdhesionRequise(
            f"Le dispositif {dispositif.nom} demande l'adhésion du ménage avant que la mesure "
            f"{mesure.reference} "
            "soit active : renseignez adhesion_date, la date d'adhésion du ménage "
            "(et adhesion_modalite, la façon dont elle a été recueillie).",
            champ="adhesion_date",
        )


def _noter_adhesion(mesure: Mesure, adhesion_date: date | None, modalite: str | None, aujourdhui: date) -> None:
    if adhesion_date is not None:
        _pas_dans_le_futur("adhesion_date", adhesion_date, aujourdhui)
        _pas_avant("adhesion_date", adhesion_date, mesure.date_mandatement, "le mandatement")
        mesure.adhesion_date = adhesion_date
    if modalite is not None:
        mesure.adhesion_modalite = modalite


@sans_trace
def demarrer(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Demarrage,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """Start the support: records the start date and the adhésion; the mesure goes to
    en_evaluation, or straight to active (adhésion required if the dispositif says so)."""
    mesure = _commencer_ecriture(session, principal, mesure_id, if_match)
    vers = StatutMesure.en_evaluation.value if data.evaluation else StatutMesure.active.value
    _verifier_transition(mesure, vers)
    _pas_dans_le_futur("date_debut", data.date_debut, aujourdhui)
    _pas_avant("date_debut", data.date_debut, mesure.date_mandatement, "le mandatement")
    _noter_adhesion(mesure, data.adhesion_date, data.adhesion_modalite, aujourdhui)
    if vers == StatutMesure.active.value:
        _verifier_adhesion(session, mesure)
    historique.noter(session, mesure, "statut", effet=data.date_debut, champ="date_debut")
    mesure.date_debut = data.date_debut
    dispositif = session.get(Dispositif, mesure.dispositif_id)
    assert dispositif is not None
    limite = date_limite(mesure, dispositif)
    if data.date_fin_prevue is not None:
        if data.date_fin_prevue <= data.date_debut:
            raise champ_invalide(
                "date_fin_prevue",
                f"doit suivre date_debut ({data.date_debut.isoformat()})",
                data.date_fin_prevue.isoformat(),
            )
        if limite is not None and data.date_fin_prevue > limite:
            raise champ_invalide(
                "date_fin_prevue",
                f"au-delà de la durée maximale du dispositif ({dispositif.duree_max_mois} mois, "
                f"soit le {limite.isoformat()}) ; une prolongation avec dérogation motivée "
                "le permet ensuite",
                data.date_fin_prevue.isoformat(),
            )
        mesure.date_fin_prevue = data.date_fin_prevue
    else:
        mesure.date_fin_prevue = limite
    de = mesure.statut
    mesure.statut = vers
    ev = _evenement(
        principal,
        mesure,
        "demarrage",
        de_statut=de,
        vers_statut=vers,
        date_effet=data.date_debut,
        commentaire=data.commentaire,
        donnees={
            "adhesion_date": mesure.adhesion_date.isoformat() if mesure.adhesion_date else None,
            "adhesion_modalite": mesure.adhesion_modalite,
        },
    )
    return _terminer_ecriture(session, principal, mesure, ev)


def _changer_statut(
    session: Session,
    principal: Principal,
    mesure: Mesure,
    vers: StatutMesure,
    type: str,
    *,
    date_effet: date,
    aujourdhui: date,
    motif: str | None = None,
    commentaire: str | None = None,
    donnees: dict[str, Any] | None = None,
) -> MesurePublic:
    _verifier_transition(mesure, vers.value)
    _pas_dans_le_futur("date_effet", date_effet, aujourdhui)
    _pas_avant(
        "date_effet",
        date_effet,
        mesure.date_debut or mesure.date_mandatement,
        "le début de la mesure",
    )
    historique.noter(session, mesure, "statut", effet=date_effet, champ="date_effet")
    de = mesure.statut
    mesure.statut = vers.value
    ev = _evenement(
        principal,
        mesure,
        type,
        de_statut=de,
        vers_statut=vers.value,
        date_effet=date_effet,
        motif=motif,
        commentaire=commentaire,
        donnees=donnees,
    )
    return _terminer_ecriture(session, principal, mesure, ev)


@sans_trace
def activer(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Activation,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """End of the evaluation: the support proper begins; a dispositif may require the
    adhésion first."""
    mesure = _commencer_ecriture(session, principal, mesure_id, if_match)
    if mesure.statut != StatutMesure.en_evaluation.value:
        # reprendre is the way back from suspendue; activer only closes the evaluation
        permises = TRANSITIONS[mesure.statut]
        raise TransitionRefusee(_nom(mesure), mesure.statut, StatutMesure.active.value + " (activation)", permises)
    _noter_adhesion(mesure, data.adhesion_date, data.adhesion_modalite, aujourdhui)
    _verifier_adhesion(session, mesure)
    return _changer_statut(
        session,
        principal,
        mesure,
        StatutMesure.active,
        "activation",
        date_effet=data.date_effet,
        aujourdhui=aujourdhui,
        commentaire=data.commentaire,
    )


@sans_trace
def suspendre(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: ChangementStatut,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """Pause an active mesure (hospitalisation, incarceration, household out of reach…)."""
    mesure = _commencer_ecriture(session, principal, mesure_id, if_match)
    return _changer_statut(
        session,
        principal,
        mesure,
        StatutMesure.suspendue,
        "suspension",
        date_effet=data.date_effet,
        aujourdhui=aujourdhui,
        motif=data.motif,
        commentaire=data.commentaire,
    )


@sans_trace
def reprendre(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: ChangementStatut,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """Resume a suspended mesure."""
    mesure = _commencer_ecriture(session, principal, mesure_id, if_match)
    if mesure.statut != StatutMesure.suspendue.value:
        raise TransitionRefusee(
            _nom(mesure),
            mesure.statut,
            StatutMesure.active.value + " (reprise)",
            TRANSITIONS[mesure.statut],
        )
    return _changer_statut(
        session,
        principal,
        mesure,
        StatutMesure.active,
        "reprise",
        date_effet=data.date_effet,
        aujourdhui=aujourdhui,
        motif=data.motif,
        commentaire=data.commentaire,
    )


@sans_trace
def reorienter(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Reorientation,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """Change the cible and/or the type d'accompagnement (both must exist in the
    dispositif), with a reason."""
    mesure = _commencer_ecriture(session, principal, mesure_id, if_match)
    _verifier_en_cours(mesure, "reorientation")
    _pas_dans_le_futur("date_effet", data.date_effet, aujourdhui)
    _pas_avant("date_effet", data.date_effet, mesure.date_mandatement, "le mandatement")
    donnees: dict[str, Any] = {}
    if data.cible_code is not None and data.cible_code != mesure.cible_code:
        _verifier_code(session, Cible, mesure.dispositif_id, "cible_code", data.cible_code)
        donnees |= {"ancienne_cible": mesure.cible_code, "nouvelle_cible": data.cible_code}
        historique.noter(session, mesure, "cible", effet=data.date_effet, champ="date_effet")
        mesure.cible_code = data.cible_code
    if data.type_accompagnement_code is not None and data.type_accompagnement_code != mesure.type_accompagnement_code:
        _verifier_code(
            session,
            TypeAccompagnement,
            mesure.dispositif_id,
            "type_accompagnement_code",
            data.type_accompagnement_code,
        )
        donnees |= {
            "ancien_type": mesure.type_accompagnement_code,
            "nouveau_type": data.type_accompagnement_code,
        }
        historique.noter(session, mesure, "type_accompagnement", effet=data.date_effet, champ="date_effet")
        mesure.type_accompagnement_code = data.type_accompagnement_code
    if not donnees:
        raise champ_invalide(
            "cible_code",
            "la cible et le type demandés sont déjà ceux de la mesure",
            data.cible_code,
        )
    ev = _evenement(
        principal,
        mesure,
        "reorientation",
        date_effet=data.date_effet,
        motif=data.motif,
        commentaire=data.commentaire,
        donnees=donnees,
    )
    return _terminer_ecriture(session, principal, mesure, ev)


@sans_trace
def prolonger(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Prolongation,
    if_match: str | None = None,
) -> MesurePublic:
    """Move the planned end later; past the dispositif's maximum duration only with a
    derogation and its reason."""
    mesure = _commencer_ecriture(session, principal, mesure_id, if_match)
    _verifier_en_cours(mesure, "prolongation")
    nouvelle = data.date_fin_prevue
    borne = mesure.date_fin_prevue or mesure.date_debut or mesure.date_mandatement
    if nouvelle <= borne:
        raise champ_invalide(
            "date_fin_prevue",
            f"une prolongation doit dépasser la fin prévue actuelle ({borne.isoformat()})",
            nouvelle.isoformat(),
        )
    dispositif = session.get(Dispositif, mesure.dispositif_id)
    assert dispositif is not None
    limite = date_limite(mesure, dispositif)
    derogation = limite is not None and nouvelle > limite
    if derogation and not data.derogation_motif:
        assert limite is not None
        raise champ_invalide(
            "date_fin_prevue",
            f"au-delà de la durée maximale du dispositif ({dispositif.duree_max_mois} mois, "
            f"soit le {limite.isoformat()}) : donnez derogation_motif (le motif de la dérogation) "
            "pour déroger, ou choisissez une date de fin plus proche",
            nouvelle.isoformat(),
        )
    ancienne = mesure.date_fin_prevue
    mesure.date_fin_prevue = nouvelle
    if derogation:
        mesure.derogation_duree_motif = data.derogation_motif
    ev = _evenement(
        principal,
        mesure,
        "prolongation",
        date_effet=nouvelle,
        motif="derogation" if derogation else None,
        commentaire=data.commentaire,
        donnees={
            "ancienne_fin_prevue": ancienne.isoformat() if ancienne else None,
            "nouvelle_fin_prevue": nouvelle.isoformat(),
            "derogation_motif": data.derogation_motif if derogation else None,
        },
    )
    return _terminer_ecriture(session, principal, mesure, ev)


@sans_trace
def changer_referent(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: ChangementReferent,
    if_match: str | None = None,
) -> MesurePublic:
    """Hand the mesure to another worker of the association (kept as an event)."""
    mesure = _commencer_ecriture(session, principal, mesure_id, if_match)
    _verifier_en_cours(mesure, "changement_referent")
    ev = _changer_referent(session, principal, mesure, data.referent_id, data.commentaire)
    if ev is None:
        raise champ_invalide("referent_id", "c'est déjà le référent de la mesure", str(data.referent_id))
    return _terminer_ecriture(session, principal, mesure, ev)


@sans_trace
def terminer(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Fin,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """End the mesure with its date, motif and housing situation at exit; the suivi is
    then due 6 months later."""
    mesure = _commencer_ecriture(session, principal, mesure_id, if_match)
    _verifier_transition(mesure, StatutMesure.terminee.value)
    _pas_dans_le_futur("date_fin", data.date_fin, aujourdhui)
    _pas_avant(
        "date_fin",
        data.date_fin,
        mesure.date_debut or mesure.date_mandatement,
        "le début de la mesure",
    )
    historique.noter(session, mesure, "statut", effet=data.date_fin, champ="date_fin")
    de = mesure.statut
    mesure.statut = StatutMesure.terminee.value
    mesure.date_fin = data.date_fin
    mesure.motif_fin = data.motif_fin.value
    mesure.situation_sortie = data.situation_sortie.value
    mesure.suivi_date_prevue = ajouter_mois(data.date_fin, MOIS_SUIVI)
    ev = _evenement(
        principal,
        mesure,
        "fin",
        de_statut=de,
        vers_statut=mesure.statut,
        date_effet=data.date_fin,
        motif=data.motif_fin.value,
        commentaire=data.commentaire,
        donnees={
            "situation_sortie": data.situation_sortie.value,
            "suivi_date_prevue": mesure.suivi_date_prevue.isoformat(),
        },
    )
    return _terminer_ecriture(session, principal, mesure, ev)


@sans_trace
def enregistrer_suivi(
    session: Session,
    principal: Principal,
    *,
    mesure_id: uuid.UUID,
    data: Suivi,
    aujourdhui: date,
    if_match: str | None = None,
) -> MesurePublic:
    """Record the 6-month follow-up of an ended mesure (seed 002): reached or not,
    housing situation, comment."""
    mesure = _commencer_ecriture(session, principal, mesure_id, if_match)
    if mesure.statut != StatutMesure.terminee.value:
        raise TransitionRefusee(_nom(mesure) + " (suivi à 6 mois)", mesure.statut, "suivi", TRANSITIONS[mesure.statut])
    assert mesure.date_fin is not None
    _pas_dans_le_futur("realise_le", data.realise_le, aujourdhui)
    _pas_avant("realise_le", data.realise_le, mesure.date_fin, "la fin de la mesure")
    mesure.suivi_realise_le = data.realise_le
    mesure.suivi_joint = data.joint
    mesure.suivi_situation = data.situation.value if data.situation else None
    mesure.suivi_commentaire = data.commentaire
    ev = _evenement(
        principal,
        mesure,
        "suivi",
        date_effet=data.realise_le,
        commentaire=data.commentaire,
        donnees={"joint": data.joint, "situation": mesure.suivi_situation},
    )
    return _terminer_ecriture(session, principal, mesure, ev)


def evenements_visibles(session: Session, niveau: Niveau, mesures_ids: list[uuid.UUID]) -> list[EvenementPublic]:
    """The events of these mesures as a reader of this level may see them."""
    if not mesures_ids:
        return []
    query = select(MesureEvenement).where(col(MesureEvenement.mesure_id).in_(mesures_ids))
    if niveau == Niveau.prescripteur:
        # Status changes only: a réorientation would reveal the cible.
        query = query.where(col(MesureEvenement.vers_statut).is_not(None))
    rows = session.exec(query.order_by(col(MesureEvenement.quand), col(MesureEvenement.id)))
    out = []
    for ev in rows:
        public = EvenementPublic.model_validate(ev)
        if niveau == Niveau.prescripteur:
            public = public.model_copy(
                update={
                    "motif": None,
                    "commentaire": None,
                    "donnees": None,
                    "auteur_id": None,
                    "organisation_id": None,
                }
            )
        elif not access.lit_notes(niveau):
            # The commission reads dates, status, cible and motif, not the workers' notes.
            public = public.model_copy(update={"commentaire": None})
        out.append(public)
    return out


def lister_evenements(session: Session, principal: Principal, mesure_id: uuid.UUID) -> list[EvenementPublic]:
    """Every event of one mesure, oldest first, filtered by what the reader may see."""
    mesure, niveau = get_mesure(session, principal, mesure_id)
    out = evenements_visibles(session, niveau, [mesure.id])
    session.commit()
    return out
