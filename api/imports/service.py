"""Import of a caseload: dry run, then all or nothing.

Both run the same path: the file is read (``lecture.py``), checked cell by cell
(``verification.py``), then every household is written through the domains' own use cases
(``creer_menage``/``modifier_menage``, ``mandater``, ``demarrer``, ``modifier_mesure``,
``creer_rendez_vous``, ``terminer``…) in ONE transaction of its own, each household under
a savepoint so that the refusal of one (a homonym, a start before the mandatement, an
adhésion the dispositif requires) is reported on its line and the others still get
checked. A dry run, or an import with any refusal, then rolls the whole transaction back:
the dry run's report is exactly what the import would meet. An import without refusal
commits it, once.

Idempotence: the association's own references (``import_objet``) say what each line
became; importing the same file again compares and calls a service only for what changed
(one changed phone number: one ``modifier_menage``, nothing else).
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, event, update
from sqlmodel import Session, col, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser, journaliser_plusieurs
from api.auth.principal import Principal
from api.core.compteurs import tirer_references
from api.core.concurrency import etag
from api.core.errors import Interdit, Introuvable, Probleme, champ_invalide
from api.core.models import utcnow
from api.core.referentiels import Composition, LienPersonne, Sexe
from api.dispositifs.models import Dispositif
from api.imports.access import principal_pour, voit_import
from api.imports.colonnes import MENAGES, MESURES, RENDEZ_VOUS, RESSOURCES_DETTES
from api.imports.lecture import Correspondance, FeuilleLue, FichierDepose, lire
from api.imports.models import (
    ImportCorrespondance,
    ImportFichier,
    ImportObjet,
    ImportTache,
    ImportTacheFichier,
    NatureObjet,
    StatutImport,
)
from api.imports.schemas import ErreurImport
from api.imports.verification import ErreurLigne, MenagePlan, MesurePlan, Plan, RendezVousPlan, planifier
from api.menages import service as menages
from api.menages.access import visible_menages
from api.menages.models import Dette, Menage, Personne, Ressource
from api.menages.schemas import DetteIn, MenageCreate, MenageUpdate, PersonneIn, RessourceIn
from api.mesures import cycle as cycle_mesures
from api.mesures import mandatement, reprise
from api.mesures import service as mesures
from api.mesures.models import (
    AccesMaintien,
    Mesure,
    MesureDomaine,
    MesureEvenement,
    RendezVous,
    StatutMesure,
)
from api.mesures.schemas import ChangementReferent, Demarrage, Fin, MesureUpdate
from api.organisations.models import TypeOrganisation, Utilisateur
from api.rendez_vous import service as rendez_vous
from api.rendez_vous.schemas import RendezVousCreate, RendezVousUpdate

RESSOURCE = "import"
logger = logging.getLogger("ancrage.imports")


@dataclass
class Bilan:
    """Per nature, how many were created, changed, left as they were."""

    compteurs: dict[str, dict[str, int]] = field(
        default_factory=lambda: {n.value: {"cree": 0, "modifie": 0, "inchange": 0} for n in NatureObjet}
    )

    def noter(self, nature: NatureObjet, quoi: str) -> None:
        self.compteurs[nature.value][quoi] += 1


@dataclass
class Resultat:
    import_fichier: ImportFichier
    erreurs: list[ErreurLigne]
    en_fond: bool = False  # a background task: the outcome will be on the history row


@contextmanager
def _transaction_a_part(session: Session) -> Iterator[tuple[Session, Any]]:
    """A transaction of the import's own, whatever the services commit inside it: a session
    whose every ``commit`` only releases a savepoint (SQLAlchemy's « join an external
    transaction » recipe). The caller commits or rolls back the returned transaction.

    The request's session ends its own transaction first: on SQLite it holds the single
    write lock (BEGIN IMMEDIATE) that this transaction needs."""
    session.commit()
    bind = session.get_bind()
    propre = isinstance(bind, Engine)
    conn: Connection = bind.connect() if isinstance(bind, Engine) else bind  # tests: their connection
    transaction = conn.begin() if propre else conn.begin_nested()
    s = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield s, transaction
    finally:
        s.close()
        if transaction.is_active:
            transaction.rollback()
        if propre:
            conn.close()


def _marquer_importes(s: Session, import_id: uuid.UUID) -> None:
    """Every event of a mesure written during the import says so (``donnees.import_id``):
    the timeline shows which facts came from a file, and which file."""

    @event.listens_for(s, "before_flush")
    def _marquer(session: Session, _ctx: Any, _instances: Any) -> None:
        for obj in session.new:
            if isinstance(obj, MesureEvenement):
                obj.donnees = (obj.donnees or {}) | {"import_id": str(import_id)}


# --- Errors of the services, on the user's line and column ----------------------------

_CHAMPS_MESURE = {
    "referent_id": "referent_courriel",
    "date_effet": "date_fin",
    "date_fin_prevue": "date_debut",
    "cible_code": "cible",
    "type_accompagnement_code": "type_accompagnement",
}
_CHAMPS_RDV = {"debut": "date", "fin": "duree_minutes", "est_suivi": "reference_mesure"}


def _sur_la_ligne(
    exc: Probleme, feuille: str, ligne: int, colonnes: set[str], defaut: str, traduction: dict[str, str]
) -> list[ErreurLigne]:
    if not exc.errors:
        champ = traduction.get(str(exc.extra.get("champ")), str(exc.extra.get("champ")))
        return [ErreurLigne(feuille, ligne, champ if champ in colonnes else defaut, None, exc.detail)]
    out = []
    for e in exc.errors:
        champ = e.champ.removeprefix("body.").split(".")[-1] if "." in e.champ else e.champ
        champ = traduction.get(champ, champ)
        out.append(ErreurLigne(feuille, ligne, champ if champ in colonnes else defaut, e.valeur, e.message))
    return out


# --- Ménages ----------------------------------------------------------------------------


def _personnes_in(plan: MenagePlan, existantes: list[Personne]) -> list[PersonneIn]:
    """The persons of the file; one already known (same name and birth date) keeps its id."""
    libres = {(p.nom_recherche, p.date_naissance): p.id for p in existantes}
    out = []
    for p in plan.personnes:
        data = PersonneIn(
            nom=p.nom, prenom=p.prenom, date_naissance=p.date_naissance, sexe=Sexe(p.sexe), lien=LienPersonne(p.lien)
        )
        data.id = libres.pop((menages.nom_recherche(data), p.date_naissance), None)
        out.append(data)
    return out


def _ecrire_menage(
    s: Session, principal: Principal, plan: MenagePlan, menage_id: uuid.UUID | None, bilan: Bilan
) -> uuid.UUID:
    personnes = _personnes_in(plan, [])
    situation = plan.situation
    ressources = (
        None if plan.ressources is None else [RessourceIn(type=t, montant_mensuel=m) for t, m in plan.ressources]
    )
    dettes = None if plan.dettes is None else [DetteIn(type=t, montant=m) for t, m in plan.dettes]
    if menage_id is None:
        data = MenageCreate(personnes=personnes, ressources=ressources, dettes=dettes, **situation)
        cree = menages.creer_menage(s, principal, data=data)
        bilan.noter(NatureObjet.menage, "cree")
        return cree.id
    menage = s.exec(visible_menages(principal).where(Menage.id == menage_id)).first()
    if menage is None:
        raise champ_invalide(
            "reference_menage", "ce ménage importé n'est plus visible de votre association", plan.reference
        )
    existantes = list(s.exec(select(Personne).where(Personne.menage_id == menage.id)))
    changes: dict[str, Any] = {}
    for cle, valeur in situation.items():
        if getattr(menage, cle) != valeur:
            changes[cle] = valeur
    voulues = sorted((p.nom, p.prenom, p.date_naissance, p.sexe, p.lien) for p in plan.personnes)
    actuelles = sorted((p.nom, p.prenom, p.date_naissance, p.sexe, p.lien) for p in existantes)
    if voulues != actuelles:
        changes["personnes"] = _personnes_in(plan, existantes)
        changes["composition"] = menages.deduire_composition(changes["personnes"])
    if ressources is not None:
        actuelles_r = sorted(
            (r.type, r.montant_mensuel or -1) for r in s.exec(select(Ressource).where(Ressource.menage_id == menage.id))
        )
        if actuelles_r != sorted((r.type.value, r.montant_mensuel or -1) for r in ressources):
            changes["ressources"] = ressources
    if dettes is not None:
        actuelles_d = sorted((d.type, d.montant) for d in s.exec(select(Dette).where(Dette.menage_id == menage.id)))
        if actuelles_d != sorted((d.type.value, d.montant) for d in dettes):
            changes["dettes"] = dettes
    if not changes:
        bilan.noter(NatureObjet.menage, "inchange")
        return menage.id
    if isinstance(changes.get("composition"), Composition):
        changes["composition"] = changes["composition"]
    menages.modifier_menage(
        s, principal, menage_id=menage.id, data=MenageUpdate(**changes), if_match=etag(menage.version)
    )
    bilan.noter(NatureObjet.menage, "modifie")
    return menage.id


# --- Mesures ----------------------------------------------------------------------------


def _creer_mesure(s: Session, principal: Principal, plan: MesurePlan, menage_id: uuid.UUID, aujourdhui: date) -> Mesure:
    """A mesure already running elsewhere comes in at its past mandatement, by ``mandater``
    (the snapshot of the household at entry), whatever the dispositif's way of opening
    mesures: it was decided before Ancrage."""
    menage = s.get(Menage, menage_id)
    assert menage is not None
    mesure = mandatement.mandater(
        s,
        principal,
        menage=menage,
        dispositif_id=plan.dispositif.id,
        association_id=principal.organisation_id,
        cible_code=plan.cible,
        type_accompagnement_code=plan.type_accompagnement,
        acces_maintien=AccesMaintien(plan.acces_maintien),
        date_mandatement=plan.date_mandatement,
        referent_id=plan.referent_id,
    )
    journaliser(s, principal, ActionAudit.creer, mesures.RESSOURCE, mesure.id)
    s.commit()
    return mesure


def _verifier_inchangeables(mesure: Mesure, plan: MesurePlan, menage_id: uuid.UUID) -> None:
    """What makes a mesure what it is does not move by import (a réorientation is a fact of
    its own, with its date, typed in the mesure)."""
    for cle, actuel, voulu in (
        ("dispositif", str(mesure.dispositif_id), str(plan.dispositif.id)),
        ("reference_menage", str(mesure.menage_id), str(menage_id)),
        ("date_mandatement", mesure.date_mandatement, plan.date_mandatement),
        ("cible", mesure.cible_code, plan.cible),
        ("type_accompagnement", mesure.type_accompagnement_code, plan.type_accompagnement),
    ):
        if actuel != voulu:
            raise champ_invalide(
                cle,
                "ne change pas par un nouvel import (mesure déjà importée) ; une réorientation se saisit "
                f"dans la mesure. Valeur actuelle : {actuel}",
                str(voulu),
            )


def _ecrire_mesure(
    s: Session,
    principal: Principal,
    plan: MesurePlan,
    menage_id: uuid.UUID,
    mesure_id: uuid.UUID | None,
    rdv_ids: dict[str, uuid.UUID],
    aujourdhui: date,
    bilan: Bilan,
    a_enregistrer: list[tuple[NatureObjet, str, uuid.UUID]],
) -> None:
    if mesure_id is None:
        mesure = _creer_mesure(s, principal, plan, menage_id, aujourdhui)
        a_enregistrer.append((NatureObjet.mesure, plan.reference, mesure.id))
        avant = None
    else:
        trouvee = s.get(Mesure, mesure_id)
        if trouvee is None or trouvee.association_id != principal.organisation_id:
            raise champ_invalide(
                "reference_mesure", "cette mesure importée n'est plus portée par votre association", plan.reference
            )
        mesure = trouvee
        _verifier_inchangeables(mesure, plan, menage_id)
        avant = mesure.version
    if plan.referent_id is not None and plan.referent_id != mesure.referent_id:
        cycle_mesures.changer_referent(
            s, principal, mesure_id=mesure.id, data=ChangementReferent(referent_id=plan.referent_id), if_match=None
        )
    _demarrer(s, principal, plan, mesure, aujourdhui)
    s.refresh(mesure)
    _modifier(s, principal, plan, mesure)
    nouveaux_rdv = _ecrire_rendez_vous(s, principal, plan.rendez_vous, mesure, rdv_ids, bilan, a_enregistrer)
    s.refresh(mesure)
    _terminer(s, principal, plan, mesure, aujourdhui)
    s.refresh(mesure)
    if avant is not None:
        bilan.noter(NatureObjet.mesure, "modifie" if mesure.version != avant else "inchange")
    else:
        bilan.noter(NatureObjet.mesure, "cree")
    _ = nouveaux_rdv


def _demarrer(s: Session, principal: Principal, plan: MesurePlan, mesure: Mesure, aujourdhui: date) -> None:
    """Start the mesure on the file's date, once; a start date never changes by import."""
    if plan.date_debut is None:
        return
    if mesure.date_debut is None and mesure.statut != StatutMesure.terminee.value:
        cycle_mesures.demarrer(
            s,
            principal,
            mesure_id=mesure.id,
            data=Demarrage(
                date_debut=plan.date_debut,
                evaluation=False,
                adhesion_date=plan.adhesion_date,
                adhesion_modalite=plan.adhesion_modalite,
            ),
            aujourdhui=aujourdhui,
        )
    elif mesure.date_debut != plan.date_debut:
        raise champ_invalide(
            "date_debut",
            f"déjà commencée le {mesure.date_debut:%d/%m/%Y} : ne change pas par import"
            if mesure.date_debut
            else "mesure terminée sans avoir commencé",
            plan.date_debut.isoformat(),
        )


def _modifier(s: Session, principal: Principal, plan: MesurePlan, mesure: Mesure) -> None:
    """What the file changes in a mesure still running (accès/maintien, modalité, domaines)."""
    changes: dict[str, Any] = {}
    for cle in ("acces_maintien", "modalite_logement", "modalite_date_debut", "modalite_date_fin"):
        voulu = getattr(plan, cle)
        if voulu is not None and getattr(mesure, cle) != voulu:
            changes[cle] = voulu
    if plan.domaines is not None:
        actuels = sorted(s.exec(select(MesureDomaine.domaine).where(MesureDomaine.mesure_id == mesure.id)))
        if actuels != plan.domaines:
            changes["domaines"] = plan.domaines
    if changes:
        if mesure.statut == StatutMesure.terminee.value:
            raise champ_invalide(
                next(iter(changes)), "la mesure est terminée : ses données ne changent plus par import", None
            )
        mesures.modifier_mesure(
            s, principal, mesure_id=mesure.id, data=MesureUpdate(**changes), if_match=etag(mesure.version)
        )


def _terminer(s: Session, principal: Principal, plan: MesurePlan, mesure: Mesure, aujourdhui: date) -> None:
    """End the mesure on the file's date, once; an end never changes by import."""
    if plan.date_fin is None:
        return
    if mesure.statut != StatutMesure.terminee.value:
        # The checks have reported a missing motif or situation on its own column already;
        # the line is refused here too (nothing written), on that same column.
        for cle, valeur in (("motif_fin", plan.motif_fin), ("situation_sortie", plan.situation_sortie)):
            if valeur is None:
                raise champ_invalide(cle, "obligatoire avec une date de fin (date_fin)", None)
        assert plan.motif_fin is not None and plan.situation_sortie is not None
        cycle_mesures.terminer(
            s,
            principal,
            mesure_id=mesure.id,
            data=Fin(date_fin=plan.date_fin, motif_fin=plan.motif_fin, situation_sortie=plan.situation_sortie),
            aujourdhui=aujourdhui,
        )
    elif (mesure.date_fin, mesure.motif_fin, mesure.situation_sortie) != (
        plan.date_fin,
        plan.motif_fin,
        plan.situation_sortie,
    ):
        raise champ_invalide(
            "date_fin",
            f"mesure déjà terminée le {mesure.date_fin:%d/%m/%Y} : sa fin ne change pas par import",
            plan.date_fin.isoformat(),
        )


def _ecrire_rendez_vous(
    s: Session,
    principal: Principal,
    plans: list[RendezVousPlan],
    mesure: Mesure,
    rdv_ids: dict[str, uuid.UUID],
    bilan: Bilan,
    a_enregistrer: list[tuple[NatureObjet, str, uuid.UUID]],
) -> int:
    instant = datetime.now(UTC)
    n = 0
    for plan in plans:
        try:
            existant_id = rdv_ids.get(plan.reference)
            if existant_id is None:
                public = rendez_vous.creer_rendez_vous(
                    s,
                    principal,
                    data=RendezVousCreate(
                        mesure_id=mesure.id,
                        debut=plan.debut,
                        duree_minutes=plan.duree_minutes,
                        type=plan.type,
                        statut=plan.statut,
                    ),
                    instant=instant,
                )
                a_enregistrer.append((NatureObjet.rendez_vous, plan.reference, public.id))
                bilan.noter(NatureObjet.rendez_vous, "cree")
                n += 1
                continue
            rdv = s.get(RendezVous, existant_id)
            if rdv is None or rdv.mesure_id != mesure.id:
                raise champ_invalide(
                    "reference_mesure", "ce rendez-vous importé appartient à une autre mesure", plan.reference_mesure
                )
            if (
                rendez_vous._aware(rdv.debut) == plan.debut
                and rdv.duree_minutes == plan.duree_minutes
                and rdv.type == plan.type
                and rdv.statut == plan.statut
            ):
                bilan.noter(NatureObjet.rendez_vous, "inchange")
                continue
            rendez_vous.modifier_rendez_vous(
                s,
                principal,
                rdv_id=rdv.id,
                data=RendezVousUpdate(
                    debut=plan.debut, duree_minutes=plan.duree_minutes, type=plan.type, statut=plan.statut
                ),
                if_match=etag(rdv.version),
                instant=instant,
            )
            bilan.noter(NatureObjet.rendez_vous, "modifie")
        except Probleme as exc:
            raise _ErreurRendezVous(exc, plan) from None
    return n


class _ErreurRendezVous(Exception):
    def __init__(self, exc: Probleme, plan: RendezVousPlan) -> None:
        self.exc = exc
        self.plan = plan


# --- The whole file ---------------------------------------------------------------------


def _references(session: Session, association_id: uuid.UUID, nature: NatureObjet) -> dict[str, uuid.UUID]:
    return {
        r.reference_externe: r.objet_id
        for r in session.exec(
            select(ImportObjet).where(ImportObjet.association_id == association_id, ImportObjet.nature == nature.value)
        )
    }


def _homonymes(s: Session, principal: Principal, plan: Plan, deja: dict[str, uuid.UUID]) -> list[ErreurLigne]:
    """A new household whose demandeur (name + birth date) is already a visible household is
    reported, never created a second time."""
    nouveaux = {ref: m for ref, m in plan.menages.items() if ref not in deja}
    demandeurs: dict[str, PersonneIn] = {}
    for ref, m in nouveaux.items():
        d = next((p for p in m.personnes if p.lien == "demandeur"), None)
        if d is not None and d.date_naissance is not None:
            demandeurs[ref] = PersonneIn(
                nom=d.nom, prenom=d.prenom, date_naissance=d.date_naissance, lien=LienPersonne.demandeur
            )
    connus = menages.homonymes(s, principal, list(demandeurs.values()))
    erreurs = []
    for ref, p in demandeurs.items():
        cle = (menages.nom_recherche(p), p.date_naissance)
        existant = connus.get(cle)
        if existant is not None:
            erreurs.append(
                ErreurLigne(
                    MENAGES.nom,
                    nouveaux[ref].ligne,
                    "nom",
                    f"{p.prenom} {p.nom}",
                    f"un ménage de même demandeur (nom et date de naissance) existe déjà : {existant.reference}. "
                    "Il n'est pas créé une seconde fois ; retirez ces lignes "
                    "ou saisissez ce ménage dans l'application.",
                )
            )
    return erreurs


def _session_menage(conn: Connection, import_id: uuid.UUID) -> Session:
    s = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    _marquer_importes(s, import_id)
    return s


def _ecrire(
    s: Session,
    principal: Principal,
    plan: Plan,
    import_id: uuid.UUID,
    aujourdhui: date,
    bilan: Bilan,
    avancement: _Avancement,
) -> list[ErreurLigne]:
    """Each household (with its mesures and their rendez-vous) in a savepoint and a session
    of its own: a refused one is rolled back alone and reported, the others still run."""
    association_id = principal.organisation_id
    menage_ids = _references(s, association_id, NatureObjet.menage)
    mesure_ids = _references(s, association_id, NatureObjet.mesure)
    rdv_ids = _references(s, association_id, NatureObjet.rendez_vous)
    erreurs = _homonymes(s, principal, plan, menage_ids)
    homonymes = {e.ligne for e in erreurs}
    mesures_par_menage: dict[str, list[MesurePlan]] = {}
    for m in plan.mesures.values():
        mesures_par_menage.setdefault(m.reference_menage, []).append(m)
    a_enregistrer: list[tuple[NatureObjet, str, uuid.UUID]] = []
    faits = _ecrire_par_lots(
        s,
        principal,
        plan,
        menage_ids,
        mesure_ids,
        homonymes,
        mesures_par_menage,
        aujourdhui,
        bilan,
        a_enregistrer,
        erreurs,
        avancement,
    )
    conn = s.connection()
    s.commit()  # the outer session's savepoint is released: the households' nest in the import's transaction
    # The households of the file, then those already imported whose mesures only are listed.
    refs = list(plan.menages) + [r for r in mesures_par_menage if r not in plan.menages]
    for ref in refs:
        if ref in faits:
            continue
        menage_plan = plan.menages.get(ref)
        if menage_plan is not None and (menage_plan.ligne in homonymes or not menage_plan.personnes):
            continue
        e, nouveaux = _ecrire_un_menage(
            conn,
            principal,
            import_id,
            ref,
            menage_plan,
            menage_ids,
            mesure_ids,
            rdv_ids,
            mesures_par_menage.get(ref, []),
            aujourdhui,
            bilan,
        )
        erreurs += e
        a_enregistrer += nouveaux
        avancement.faits([ref])
    # The idempotence keys of what this import created.
    for nature, ref, objet_id in a_enregistrer:
        s.add(
            ImportObjet(
                association_id=association_id,
                nature=nature.value,
                reference_externe=ref,
                objet_id=objet_id,
                import_id=import_id,
                cree_par_import_id=import_id,
            )
        )
    s.flush()
    return erreurs


def _ecrire_un_menage(
    conn: Any,
    principal: Principal,
    import_id: uuid.UUID,
    ref: str,
    menage_plan: MenagePlan | None,
    menage_ids: dict[str, uuid.UUID],
    mesure_ids: dict[str, uuid.UUID],
    rdv_ids: dict[str, uuid.UUID],
    mesures_du_menage: list[MesurePlan],
    aujourdhui: date,
    bilan: Bilan,
) -> tuple[list[ErreurLigne], list[tuple[NatureObjet, str, uuid.UUID]]]:
    """One household and its mesures in a savepoint and a session of their own: the errors
    on their lines (everything rolled back) or the objects created."""
    point = conn.begin_nested()
    hs = _session_menage(conn, import_id)
    nouveaux: list[tuple[NatureObjet, str, uuid.UUID]] = []
    ou: tuple[str, int, set[str], str, dict[str, str]] = (
        MENAGES.nom,
        menage_plan.ligne if menage_plan else 0,
        {c.cle for c in MENAGES.colonnes},
        "reference_menage",
        {},
    )
    try:
        if menage_plan is not None:
            menage_id = _ecrire_menage(hs, principal, menage_plan, menage_ids.get(ref), bilan)
            if ref not in menage_ids:
                nouveaux.append((NatureObjet.menage, ref, menage_id))
        else:
            menage_id = menage_ids[ref]
        for mesure_plan in mesures_du_menage:
            ou = (
                MESURES.nom,
                mesure_plan.ligne,
                {c.cle for c in MESURES.colonnes},
                "reference_mesure",
                _CHAMPS_MESURE,
            )
            _ecrire_mesure(
                hs,
                principal,
                mesure_plan,
                menage_id,
                mesure_ids.get(mesure_plan.reference),
                rdv_ids,
                aujourdhui,
                bilan,
                nouveaux,
            )
        hs.commit()
        hs.close()
        point.commit()
    except _ErreurRendezVous as e:
        erreurs = _sur_la_ligne(
            e.exc,
            RENDEZ_VOUS.nom,
            e.plan.ligne,
            {c.cle for c in RENDEZ_VOUS.colonnes},
            "reference_rendez_vous",
            _CHAMPS_RDV,
        )
        _annuler(hs, point)
        return erreurs, []
    except Probleme as exc:
        erreurs = _sur_la_ligne(exc, *ou)
        _annuler(hs, point)
        return erreurs, []
    return [], nouveaux


# --- New households by batches ------------------------------------------------------------

TAILLE_LOT = 500  # households per batch: a few statements per table and batch, whatever its size


def _simple(plan: MesurePlan, deja: dict[str, uuid.UUID]) -> bool:
    """A new mesure the batch writes (mandatement, start, end): no modalité, domains or
    rendez-vous, which only the single use cases write."""
    return (
        plan.reference not in deja
        and plan.modalite_logement is None
        and plan.modalite_date_debut is None
        and plan.modalite_date_fin is None
        and plan.domaines is None
        and not plan.rendez_vous
    )


def _mesure_passee(plan: MesurePlan, menage_id: uuid.UUID) -> reprise.MesurePassee:
    return reprise.MesurePassee(
        menage_id=menage_id,
        dispositif=plan.dispositif,
        cible_code=plan.cible,
        type_accompagnement_code=plan.type_accompagnement,
        acces_maintien=AccesMaintien(plan.acces_maintien),
        date_mandatement=plan.date_mandatement,
        referent_id=plan.referent_id,
        date_debut=plan.date_debut,
        adhesion_date=plan.adhesion_date,
        adhesion_modalite=plan.adhesion_modalite,
        date_fin=plan.date_fin,
        motif_fin=plan.motif_fin,
        situation_sortie=plan.situation_sortie,
    )


def _ecrire_par_lots(
    s: Session,
    principal: Principal,
    plan: Plan,
    menage_ids: dict[str, uuid.UUID],
    mesure_ids: dict[str, uuid.UUID],
    homonymes: set[int | None],
    mesures_par_menage: dict[str, list[MesurePlan]],
    aujourdhui: date,
    bilan: Bilan,
    a_enregistrer: list[tuple[NatureObjet, str, uuid.UUID]],
    erreurs: list[ErreurLigne],
    avancement: _Avancement,
) -> set[str]:
    """New households whose mesures are new and plain go by batches (their references are
    returned); the others (already imported, or with what only the single use cases write)
    are left to ``_ecrire``, one by one."""
    nouveaux_simples = [
        m
        for ref, m in plan.menages.items()
        if ref not in menage_ids
        and m.personnes
        and m.ligne not in homonymes
        and all(_simple(mp, mesure_ids) for mp in mesures_par_menage.get(ref, []))
    ]
    for debut in range(0, len(nouveaux_simples), TAILLE_LOT):
        lot = nouveaux_simples[debut : debut + TAILLE_LOT]
        erreurs += _ecrire_lot(s, principal, lot, mesures_par_menage, aujourdhui, bilan, a_enregistrer)
        avancement.faits(m.reference for m in lot)
    return {m.reference for m in nouveaux_simples}


def _ecrire_lot(
    s: Session,
    principal: Principal,
    lot: list[MenagePlan],
    mesures_par_menage: dict[str, list[MesurePlan]],
    aujourdhui: date,
    bilan: Bilan,
    a_enregistrer: list[tuple[NatureObjet, str, uuid.UUID]],
) -> list[ErreurLigne]:
    """New households with their new mesures, checked first (the same refusals, in the same
    words, as the single use cases), then written in a few statements per table: a refused
    household writes nothing, the others go on. No commit: the import's transaction."""
    erreurs: list[ErreurLigne] = []
    datas = [
        MenageCreate(
            personnes=_personnes_in(m, []),
            ressources=None
            if m.ressources is None
            else [RessourceIn(type=t, montant_mensuel=v) for t, v in m.ressources],
            dettes=None if m.dettes is None else [DetteIn(type=t, montant=v) for t, v in m.dettes],
            **m.situation,
        )
        for m in lot
    ]
    menages.verifier_createur(principal)
    # A demandeur already visible (written by an earlier batch of this file too) is refused
    # as creer_menage refuses it; twice in this batch, the second one names the first.
    colonnes_menages = {c.cle for c in MENAGES.colonnes}
    doublons = dict(menages.doublons(s, principal, datas))
    for i, doublon in doublons.items():
        premier = doublon.extra.get("existant_index")
        demandeur = next(p for p in datas[i].personnes if p.lien == LienPersonne.demandeur)
        if isinstance(premier, int):
            erreurs.append(
                ErreurLigne(
                    MENAGES.nom,
                    lot[i].ligne,
                    "nom",
                    f"{demandeur.prenom} {demandeur.nom}",
                    f"même demandeur (nom et date de naissance) que le ménage {lot[premier].reference}, "
                    f"ligne {lot[premier].ligne} de ce fichier ; il n'est pas créé une seconde fois",
                )
            )
        else:
            erreurs += _sur_la_ligne(doublon, MENAGES.nom, lot[i].ligne, colonnes_menages, "reference_menage", {})
    # The mesures' refusals read nothing: a household with one refused mesure is left out whole.
    colonnes_mesures = {c.cle for c in MESURES.colonnes}
    gardes: list[MenagePlan] = []
    gardees: list[MenageCreate] = []
    for i, m in enumerate(lot):
        if i in doublons:
            continue
        plans = mesures_par_menage.get(m.reference, [])
        refus = reprise.refus([_mesure_passee(p, uuid.UUID(int=0)) for p in plans], aujourdhui)
        if refus:
            j = min(refus)
            erreurs += _sur_la_ligne(
                refus[j], MESURES.nom, plans[j].ligne, colonnes_mesures, "reference_mesure", _CHAMPS_MESURE
            )
            continue
        gardes.append(m)
        gardees.append(datas[i])
    datas = gardees
    if not gardes:
        return erreurs
    references = tirer_references(s, {"M": len(gardes)})["M"]
    ecrits = menages.nouveaux_menages(s, principal, datas, references)
    journaliser_plusieurs(s, principal, [(ActionAudit.creer, menages.RESSOURCE, m.id) for m in ecrits])
    demandes: list[reprise.MesurePassee] = []
    refs_mesures: list[str] = []
    for plan_menage, menage in zip(gardes, ecrits, strict=True):
        a_enregistrer.append((NatureObjet.menage, plan_menage.reference, menage.id))
        bilan.noter(NatureObjet.menage, "cree")
        for p in mesures_par_menage.get(plan_menage.reference, []):
            demandes.append(_mesure_passee(p, menage.id))
            refs_mesures.append(p.reference)
    for ref, mesure in zip(refs_mesures, reprise.ouvrir(s, principal, demandes), strict=True):
        a_enregistrer.append((NatureObjet.mesure, ref, mesure.id))
        bilan.noter(NatureObjet.mesure, "cree")
    return erreurs


def _annuler(hs: Session, point: Any) -> None:
    """One household refused: what it wrote goes with its savepoint."""
    hs.rollback()
    hs.close()
    if point.is_active:
        point.rollback()


def empreinte(fichiers: list[FichierDepose]) -> str:
    h = hashlib.sha256()
    for f in fichiers:
        h.update(f.nom.encode())
        h.update(b"\0")
        h.update(f.contenu)
    return h.hexdigest()


def importer(
    session: Session,
    principal: Principal,
    *,
    fichiers: list[FichierDepose],
    essai: bool,
    aujourdhui: date,
    max_lignes: int,
    association_id: uuid.UUID | None = None,
    correspondance: Correspondance | None = None,
    lignes_synchrones: int | None = None,
) -> Resultat:
    """Dry run (``essai``) or import of a caseload file. A refusal of the file as a whole
    (type, empty, sheet or column missing, too many lines, a mapping naming what the template
    does not have) is a 422 and writes nothing; the refusals of lines are the report. The
    import writes only when the file has none, in one transaction; the history keeps each
    attempt (file name, fingerprint, author, counts).

    Without ``correspondance``, the association's mapping kept from its last import applies;
    an import that succeeds with one keeps it for next time.

    Above ``lignes_synchrones`` lines, nothing is checked here beyond the reading: the upload
    becomes a background task of the worker (``executer_tache``), returned ``en_fond``."""
    acteur = principal_pour(session, principal, association_id)
    explicite = correspondance is not None
    if correspondance is None:
        correspondance = _correspondances(session, acteur.organisation_id)
    feuilles = lire(fichiers, max_lignes=max_lignes, correspondance=correspondance)
    historique = ImportFichier(
        association_id=acteur.organisation_id,
        auteur_id=principal.id,
        auteur_organisation_id=principal.organisation_id,
        essai=essai,
        statut=StatutImport.essai_valide.value,
        nom_fichier=", ".join(f.nom for f in fichiers)[:300],
        empreinte=empreinte(fichiers),
    )
    nb_lignes = sum(len(f.lignes) for f in feuilles.values())
    if lignes_synchrones is not None and nb_lignes > lignes_synchrones:
        return _mettre_en_tache(
            session, acteur, historique, fichiers, nb_lignes, correspondance if explicite else None, aujourdhui
        )
    return _executer(
        session, acteur, historique, feuilles, correspondance, explicite=explicite, essai=essai, aujourdhui=aujourdhui
    )


# Plus de 80 lignes : one transaction from the plan to the commit, its two outcomes side by side
def _executer(
    session: Session,
    acteur: Principal,
    historique: ImportFichier,
    feuilles: dict[str, FeuilleLue],
    correspondance: Correspondance,
    *,
    explicite: bool,
    essai: bool,
    aujourdhui: date,
    tache: uuid.UUID | None = None,
    suivi: Suivi | None = None,
) -> Resultat:
    """Check and write the file in the import's own transaction; commit it only for an import
    without error. ``tache``: the history row exists already (a background task), and is
    updated instead of added; ``suivi`` is told the lines checked and written as they go."""
    bilan = Bilan()
    avancement = _Avancement(_poids(feuilles), suivi)
    nb_lignes = sum(len(f.lignes) for f in feuilles.values())
    with _transaction_a_part(session) as (s, transaction):
        connus_menages = _references(s, acteur.organisation_id, NatureObjet.menage)
        connues_mesures = _references(s, acteur.organisation_id, NatureObjet.mesure)
        plan = planifier(
            s,
            feuilles,
            association_id=acteur.organisation_id,
            aujourdhui=aujourdhui,
            menages_connus=set(connus_menages),
            mesures_connues=set(connues_mesures),
        )
        avancement.noter("verifiees", plan.nb_lignes)
        if tache is None:
            # The history row first: the idempotence keys refer to it.
            s.add(historique)
            s.flush()
        import_id = historique.id if tache is None else tache
        _marquer_importes(s, import_id)
        erreurs = list(plan.erreurs)
        erreurs += _nouvelles(plan.erreurs, _ecrire(s, acteur, plan, import_id, aujourdhui, bilan, avancement))
        ecrit = not essai and not erreurs
        if ecrit:
            ligne = historique if tache is None else s.get(ImportFichier, tache)
            assert ligne is not None  # the worker holds it: en_cours
            ligne.statut = StatutImport.importe.value
            ligne.bilan = bilan.compteurs
            _fin(ligne, nb_lignes)
            s.add(ligne)
            journaliser(s, acteur, ActionAudit.creer, RESSOURCE, import_id, nombre=plan.nb_lignes)
            if explicite:
                _garder_correspondance(s, acteur.organisation_id, correspondance, feuilles, import_id)
            s.commit()
            transaction.commit()
    erreurs.sort(key=lambda e: (_ORDRE_FEUILLES.get(e.feuille, 9), e.ligne or 0))
    if not ecrit:
        # Nothing of the file was kept: the attempt alone goes to the history.
        statut = (
            StatutImport.essai_valide.value
            if essai and not erreurs
            else StatutImport.essai_erreurs.value
            if essai
            else StatutImport.refuse.value
        )
        if tache is None:
            ligne = ImportFichier(**historique.model_dump(exclude={"bilan"}), bilan=bilan.compteurs)
        else:
            trouvee = session.get(ImportFichier, tache)
            assert trouvee is not None
            ligne = trouvee
            ligne.bilan = bilan.compteurs
        ligne.statut = statut
        ligne.nb_erreurs = len(erreurs)
        _fin(ligne, nb_lignes)
        session.add(ligne)
        journaliser(session, acteur, ActionAudit.lire, RESSOURCE, import_id, nombre=plan.nb_lignes)
        session.commit()
    return Resultat(import_fichier=session.get(ImportFichier, import_id) or historique, erreurs=erreurs)


def _fin(ligne: ImportFichier, nb_lignes: int) -> None:
    """An upload run to its end: every line was read, checked and written (or tried, for a
    dry run or a refused import, whose writes were rolled back)."""
    ligne.nb_lignes = ligne.lignes_lues = ligne.lignes_verifiees = ligne.lignes_ecrites = nb_lignes
    ligne.termine_le = utcnow()


def _nouvelles(deja: list[ErreurLigne], ecriture: list[ErreurLigne]) -> list[ErreurLigne]:
    """The writing's refusals, less those on a cell the checks already refused: a missing
    motif is said once, on its own column, not again by the use case that needed it."""
    vues = {(e.feuille, e.ligne, e.colonne) for e in deja}
    return [e for e in ecriture if (e.feuille, e.ligne, e.colonne) not in vues]


# --- Large files: a background task of the worker ---------------------------------------------

Suivi = Callable[[str, int], None]  # (« verifiees » | « ecrites », lines so far)
MAX_ERREURS_GARDEES = 500  # as many as the synchronous 422 gives


@dataclass
class _Avancement:
    """The lines written so far, household by household: each weighs the lines of the file
    that name it (its persons, resources, mesures, and its mesures' rendez-vous)."""

    poids: dict[str, int]
    suivi: Suivi | None = None
    ecrites: int = 0

    def noter(self, quoi: str, lignes: int) -> None:
        if self.suivi is not None:
            self.suivi(quoi, lignes)

    def faits(self, references: Iterable[str]) -> None:
        self.ecrites += sum(self.poids.pop(r, 0) for r in references)
        self.noter("ecrites", self.ecrites)


def _poids(feuilles: dict[str, FeuilleLue]) -> dict[str, int]:
    mesures = feuilles.get(MESURES.cle)
    menage_de: dict[str, str] = {}
    if mesures is not None:
        for ligne in mesures.lignes:
            if "reference_mesure" in ligne.valeurs and "reference_menage" in ligne.valeurs:
                menage_de[ligne.valeurs["reference_mesure"]] = ligne.valeurs["reference_menage"]
    poids: dict[str, int] = {}
    for feuille in feuilles.values():
        for ligne in feuille.lignes:
            ref = ligne.valeurs.get("reference_menage") or menage_de.get(ligne.valeurs.get("reference_mesure", ""))
            if ref:
                poids[ref] = poids.get(ref, 0) + 1
    return poids


def _mettre_en_tache(
    session: Session,
    acteur: Principal,
    historique: ImportFichier,
    fichiers: list[FichierDepose],
    nb_lignes: int,
    correspondance: Correspondance | None,
    aujourdhui: date,
) -> Resultat:
    """The upload waits for the worker: its history row (« en attente », its lines read), its
    files and what the request knew (the mapping sent, the day, the session). One commit."""
    historique.statut = StatutImport.en_attente.value
    historique.en_fond = True
    historique.nb_lignes = historique.lignes_lues = nb_lignes
    session.add(historique)
    session.flush()
    session.add(
        ImportTache(
            import_id=historique.id,
            parametres={
                "correspondance": correspondance,
                "aujourdhui": aujourdhui.isoformat(),
                "session_id": str(acteur.session_id),
            },
        )
    )
    session.flush()
    for rang, f in enumerate(fichiers):
        session.add(ImportTacheFichier(import_id=historique.id, rang=rang, nom=f.nom[:300], contenu=f.contenu))
    journaliser(session, acteur, ActionAudit.creer, RESSOURCE, historique.id, nombre=nb_lignes)
    session.commit()
    return Resultat(import_fichier=historique, erreurs=[], en_fond=True)


def _ecrivain(session: Session, import_id: uuid.UUID, rythme: float) -> Suivi:
    """What tells the screen how far the task is: an UPDATE of the history row in a session
    of its own, committed at once (the import's transaction commits only at its end), at most
    every ``rythme`` seconds. On a SQLite file the import's transaction holds the single write
    lock: the progress then shows at the steps only (PostgreSQL in production)."""
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        return lambda quoi, lignes: None
    dernier = {"quand": 0.0, "quoi": ""}

    def noter(quoi: str, lignes: int) -> None:
        if quoi == dernier["quoi"] and time.monotonic() - float(dernier["quand"]) < rythme:
            return
        dernier.update(quand=time.monotonic(), quoi=quoi)
        with Session(bind=bind, join_transaction_mode="create_savepoint") as p:
            p.execute(
                update(ImportFichier)
                .where(col(ImportFichier.id) == import_id)
                .values({f"lignes_{quoi}": lignes, "vu_le": utcnow()})
                .execution_options(synchronize_session=False)
            )
            p.commit()

    return noter


def executer_tache(session: Session, *, max_lignes: int, rythme: float = 0.5) -> int:
    """One turn of the worker (``python -m api notifications``): the oldest upload waiting is
    taken (SKIP LOCKED: several workers never take the same), run to its end as the request
    would have, and its outcome written on its history row; its files are then deleted.
    All or nothing still: a task that fails on the way writes nothing and says so (« echec »).
    Returns 1 if a task was run, 0 if none was waiting."""
    _abandonnees(session, utcnow())
    tache = session.exec(
        select(ImportFichier)
        .where(ImportFichier.statut == StatutImport.en_attente.value)
        .order_by(col(ImportFichier.quand))
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if tache is None:
        session.rollback()
        return 0
    tache.statut = StatutImport.en_cours.value
    tache.vu_le = utcnow()
    session.add(tache)
    session.commit()
    import_id = tache.id
    try:
        resultat = _executer_tache(session, tache, max_lignes=max_lignes, suivi=_ecrivain(session, import_id, rythme))
    except Probleme as exc:
        session.rollback()
        erreurs = [ErreurLigne("fichier", None, e.champ, e.valeur, e.message) for e in exc.errors or []]
        _terminer_tache(session, import_id, erreurs, echec=exc.detail)
    except Exception:
        logger.exception("import %s interrompu", import_id)
        session.rollback()
        _terminer_tache(
            session,
            import_id,
            [],
            echec="Erreur inattendue pendant l'import : rien n'a été écrit. Déposez le fichier à nouveau ; "
            "si l'erreur se répète, signalez-la à l'administrateur.",
        )
    else:
        _terminer_tache(session, import_id, resultat.erreurs)
    return 1


ABANDON = timedelta(minutes=15)  # far above a pause of the progress (a few seconds on 20 000 lines)


def _abandonnees(session: Session, maintenant: datetime) -> int:
    """The tasks whose worker died (stopped, killed, its machine gone) stay « en_cours » with
    nothing written (their transaction went with the process): silent for ``ABANDON``, they are
    told « echec » and their files deleted, so that the screen stops waiting. Returns how many."""
    ids = list(
        session.exec(
            select(ImportFichier.id).where(
                ImportFichier.statut == StatutImport.en_cours.value,
                col(ImportFichier.vu_le) < maintenant - ABANDON,
            )
        )
    )
    for import_id in ids:
        _terminer_tache(
            session,
            import_id,
            [],
            echec="Le traitement s'est interrompu (arrêt du travailleur) : rien n'a été écrit. "
            "Déposez le fichier à nouveau.",
        )
    session.commit()
    return len(ids)


def _executer_tache(session: Session, tache: ImportFichier, *, max_lignes: int, suivi: Suivi) -> Resultat:
    parametres = session.exec(select(ImportTache.parametres).where(ImportTache.import_id == tache.id)).one()
    fichiers = [
        FichierDepose(nom=f.nom, contenu=f.contenu)
        for f in session.exec(
            select(ImportTacheFichier)
            .where(ImportTacheFichier.import_id == tache.id)
            .order_by(col(ImportTacheFichier.rang))
        )
    ]
    auteur = session.get(Utilisateur, tache.auteur_id)
    if auteur is None or not auteur.actif:
        raise Interdit("Le compte qui a déposé le fichier est désactivé : rien n'a été importé.")
    # The author as the request saw it: its association's responsable, or the admin acting as it.
    acteur = Principal(
        kind="utilisateur",
        id=tache.auteur_id,
        organisation_id=tache.association_id,
        organisation_type=TypeOrganisation.association,
        role="responsable",
        session_id=uuid.UUID(parametres["session_id"]),
    )
    correspondance = parametres.get("correspondance")
    explicite = correspondance is not None
    if correspondance is None:
        correspondance = _correspondances(session, tache.association_id)
    feuilles = lire(fichiers, max_lignes=max_lignes, correspondance=correspondance)
    suivi("lues", sum(len(f.lignes) for f in feuilles.values()))
    return _executer(
        session,
        acteur,
        tache,
        feuilles,
        correspondance,
        explicite=explicite,
        essai=tache.essai,
        aujourdhui=date.fromisoformat(parametres["aujourdhui"]),
        tache=tache.id,
        suivi=suivi,
    )


def _terminer_tache(
    session: Session, import_id: uuid.UUID, erreurs: list[ErreurLigne], *, echec: str | None = None
) -> None:
    """The task's outcome on its history row (its report, or why it stopped), its files gone."""
    ligne = session.get(ImportFichier, import_id)
    assert ligne is not None
    ligne.erreurs = [ErreurImport(**e.__dict__).model_dump(mode="json") for e in erreurs[:MAX_ERREURS_GARDEES]]
    if echec is not None:
        ligne.statut = StatutImport.echec.value
        ligne.message = echec[:1000]
        ligne.nb_erreurs = len(erreurs)
        ligne.termine_le = utcnow()
    session.add(ligne)
    session.execute(delete(ImportTacheFichier).where(col(ImportTacheFichier.import_id) == import_id))
    session.execute(delete(ImportTache).where(col(ImportTache.import_id) == import_id))
    session.commit()


def lire_import(session: Session, principal: Principal, import_id: uuid.UUID) -> ImportFichier:
    """One upload, a task's progress and report with it: for the association that deposited
    it (its responsables) and the admin; anyone else is told it does not exist (404)."""
    ligne = session.get(ImportFichier, import_id)
    if ligne is None or not voit_import(principal, ligne.association_id):
        raise Introuvable("Import", import_id)
    return ligne


def _correspondances(session: Session, association_id: uuid.UUID) -> Correspondance:
    return {
        c.feuille: dict(c.colonnes)
        for c in session.exec(select(ImportCorrespondance).where(ImportCorrespondance.association_id == association_id))
    }


def _garder_correspondance(
    s: Session,
    association_id: uuid.UUID,
    correspondance: Correspondance,
    feuilles: dict[str, FeuilleLue],
    import_id: uuid.UUID,
) -> None:
    """The mapping of each sheet of the file replaces the one kept (an empty one forgets it:
    the file had the template's headers). Sheets absent from the file keep theirs."""
    for cle in feuilles:
        gardee = s.get(ImportCorrespondance, (association_id, cle))
        colonnes = correspondance.get(cle, {})
        if not colonnes:
            if gardee is not None:
                s.delete(gardee)
            continue
        if gardee is None:
            gardee = ImportCorrespondance(association_id=association_id, feuille=cle, import_id=import_id)
        gardee.colonnes = dict(colonnes)
        gardee.import_id = import_id
        gardee.modifie_le = utcnow()
        s.add(gardee)


def correspondances(session: Session, principal: Principal, *, association_id: uuid.UUID | None) -> Correspondance:
    """The mapping the association's next upload will use when it sends none."""
    acteur = principal_pour(session, principal, association_id)
    return _correspondances(session, acteur.organisation_id)


_ORDRE_FEUILLES = {f.nom: i for i, f in enumerate((MENAGES, RESSOURCES_DETTES, MESURES, RENDEZ_VOUS))}


def historique(
    session: Session, principal: Principal, *, association_id: uuid.UUID | None, limite: int = 50
) -> list[ImportFichier]:
    """The imports of an association, newest first: its responsables', or any for the admin."""
    acteur = principal_pour(session, principal, association_id)
    return list(
        session.exec(
            select(ImportFichier)
            .where(ImportFichier.association_id == acteur.organisation_id)
            .order_by(col(ImportFichier.quand).desc())
            .limit(limite)
        )
    )


__all__ = ["Dispositif", "correspondances", "historique", "importer"]
