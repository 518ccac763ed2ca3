"""Use cases of the mesure: reading one as its reader may see it, opening one directly,
changing its details, its events. Mandatement, the lifecycle and the list have rooms of their
own (``mandatement``, ``cycle`` with ``graphe``, ``liste``)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, delete, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser
from api.auth.principal import Principal
from api.core.concurrency import bump_version, check_if_match
from api.core.errors import (
    Interdit,
    Introuvable,
    Probleme,
    champ_invalide,
)
from api.core.fonctions_sql import ajouter_mois
from api.dispositifs.models import Cible, Dispositif, TypeAccompagnement
from api.menages.access import visible_menages
from api.menages.models import Menage
from api.mesures import access, historique
from api.mesures.access import Niveau
from api.mesures.mandatement import mandater
from api.mesures.models import (
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
    DetteEntree,
    EvenementPublic,
    MesureCreate,
    MesurePublic,
    MesureStatut,
    MesureUpdate,
    RessourceEntree,
)
from api.organisations.models import Utilisateur

RESSOURCE = "mesure"


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


def nom_mesure(mesure: Mesure) -> str:
    return f"La mesure {mesure.reference}"


def pas_dans_le_futur(champ: str, valeur: date, aujourdhui: date) -> None:
    if valeur > aujourdhui:
        raise champ_invalide(
            champ,
            f"ne peut pas être postérieure à aujourd'hui ({aujourdhui.isoformat()})",
            valeur.isoformat(),
        )


def pas_avant(champ: str, valeur: date, borne: date, libelle: str) -> None:
    if valeur < borne:
        raise champ_invalide(champ, f"ne peut pas précéder {libelle} ({borne.isoformat()})", valeur.isoformat())


def verifier_referent(session: Session, mesure_association_id: uuid.UUID, referent_id: uuid.UUID) -> None:
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


def verifier_code(
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


def evenement(principal: Principal, mesure: Mesure, type: str, **valeurs: Any) -> MesureEvenement:
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
    verifier_code(session, Cible, dispositif.id, "cible_code", data.cible_code)
    verifier_code(
        session,
        TypeAccompagnement,
        dispositif.id,
        "type_accompagnement_code",
        data.type_accompagnement_code,
    )
    pas_dans_le_futur("date_mandatement", data.date_mandatement, aujourdhui)
    if data.referent_id is not None:
        verifier_referent(session, principal.organisation_id, data.referent_id)
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


def commencer_ecriture(session: Session, principal: Principal, mesure_id: uuid.UUID, if_match: str | None) -> Mesure:
    """Load a carried mesure; check If-Match when given (optional on lifecycle actions)."""
    mesure = get_mesure_porteur(session, principal, mesure_id)
    if if_match:
        check_if_match(if_match, mesure.version, nom_mesure(mesure))
    return mesure


def terminer_ecriture(
    session: Session, principal: Principal, mesure: Mesure, *evenements: MesureEvenement
) -> MesurePublic:
    bump_version(session, Mesure, mesure, nom_mesure(mesure))
    session.add(mesure)
    session.add_all(evenements)
    journaliser(session, principal, ActionAudit.modifier, RESSOURCE, mesure.id)
    session.flush()
    public = to_public(session, mesure, Niveau.porteur)
    session.commit()
    assert isinstance(public, MesurePublic)
    return public


def noter_changement_referent(
    session: Session,
    principal: Principal,
    mesure: Mesure,
    referent_id: uuid.UUID,
    commentaire: str | None,
) -> MesureEvenement | None:
    if referent_id == mesure.referent_id:
        return None
    verifier_referent(session, mesure.association_id, referent_id)
    ancien = mesure.referent_id
    historique.noter(session, mesure, "referent", effet=aujourdhui(), champ="referent_id")
    mesure.referent_id = referent_id
    return evenement(
        principal,
        mesure,
        "changement_referent",
        commentaire=commentaire,
        donnees={
            "ancien_referent_id": str(ancien) if ancien else None,
            "nouveau_referent_id": str(referent_id),
        },
    )


def _noter_modalite(
    session: Session,
    mesure: Mesure,
    changes: dict[str, Any],
    modifies: dict[str, Any],
    ancienne_modalite: str | None,
) -> None:
    """Keep the modalité de logement's history: indicators read the one in force at a date."""
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


def _verifier_dates_modalite(mesure: Mesure) -> None:
    """The modalité's dates in order; a glissement only for a bail glissant."""
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
    check_if_match(if_match, mesure.version, nom_mesure(mesure))
    changes = data.model_dump(exclude_unset=True)
    evenements: list[MesureEvenement] = []
    if "referent_id" in changes:
        if data.referent_id is None:
            raise champ_invalide("referent_id", "une mesure garde un référent ; désignez-en un autre", None)
        ev = noter_changement_referent(session, principal, mesure, data.referent_id, None)
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
    _noter_modalite(session, mesure, changes, modifies, ancienne_modalite)
    _verifier_dates_modalite(mesure)
    if data.domaines is not None:
        anciens = set(session.exec(select(MesureDomaine.domaine).where(MesureDomaine.mesure_id == mesure.id)))
        nouveaux = {d.value for d in data.domaines}
        if anciens != nouveaux:
            session.execute(delete(MesureDomaine).where(col(MesureDomaine.mesure_id) == mesure.id))
            session.add_all(MesureDomaine(mesure_id=mesure.id, domaine=d) for d in sorted(nouveaux))
            modifies["domaines"] = sorted(nouveaux)
    if modifies:
        evenements.append(evenement(principal, mesure, "modification", donnees=modifies))
    return terminer_ecriture(session, principal, mesure, *evenements)


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
