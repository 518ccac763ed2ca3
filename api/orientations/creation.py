"""Creating referrals, one by one or in batches pushed by a bailleur's system or an integrator:
every line checked first, then all written in one transaction, or none (crash-safe, idempotent)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser_plusieurs
from api.auth.principal import Principal
from api.core.compteurs import tirer_references
from api.core.errors import (
    Conflit,
    Introuvable,
    Probleme,
    champ_invalide,
)
from api.core.models import inserer_objets, new_id
from api.dispositifs import service as dispositifs
from api.dispositifs.models import Cible, Dispositif
from api.menages import service as menages
from api.mesures import service as mesures
from api.orientations import access, idempotence, webhooks
from api.orientations.models import (
    Orientation,
    OrientationEvenement,
)
from api.orientations.models import StatutOrientation as S
from api.orientations.schemas import (
    LotOrientationsCreate,
    LotOrientationsPublic,
    OrientationCreate,
    OrientationPublic,
)
from api.orientations.service import RESSOURCE, cible_inconnue, doublon_external_ref, publics, url, valeurs_evenement


def creer_orientation(
    session: Session,
    principal: Principal,
    *,
    data: OrientationCreate,
    requete: uuid.UUID | None = None,
) -> OrientationPublic:
    """Refer a household to a dispositif, with an existing ménage or the household's
    data (the ménage's duplicate rule applies). ``external_ref`` is unique per
    prescriber organisation. With ``requete`` (Idempotency-Key), the answer is
    stored in the same transaction. A batch of one (``_creer_lot``): its refusals
    name the fields without the batch's prefix."""
    (o,), (public,) = _creer_lot(session, principal, [data], en_lot=False)
    if requete is not None:
        idempotence.enregistrer_reponse(
            session, requete, code_http=201, corps=public.model_dump(mode="json"), location=url(o)
        )
    session.commit()
    return public


def creer_orientations(
    session: Session,
    principal: Principal,
    *,
    data: LotOrientationsCreate,
    requete: uuid.UUID | None = None,
) -> LotOrientationsPublic:
    """A batch of referrals from a partner's system, all or nothing: the first refused
    referral refuses the whole batch (``orientations.N.champ``) and nothing is written.
    With ``requete`` (Idempotency-Key), the answer is stored in the same transaction."""
    _, items = _creer_lot(session, principal, data.orientations, en_lot=True)
    public = LotOrientationsPublic(orientations=items)
    if requete is not None:
        corps = public.model_dump(mode="json")
        idempotence.enregistrer_reponse(session, requete, code_http=201, corps=corps, location=None)
    session.commit()
    return public


def _creer_lot(
    session: Session, principal: Principal, demandes: Sequence[OrientationCreate], *, en_lot: bool
) -> tuple[list[Orientation], list[OrientationPublic]]:
    """Check then write referrals (no commit), in the order sent. Each rule is checked once
    for all of them (one query per rule, not per referral) and each table is written in one
    statement, so a referral costs little more in a batch than its rows."""
    cibles = _verifier_lot(session, principal, demandes, en_lot=en_lot)
    orientations = _ecrire_lot(session, principal, demandes, en_lot=en_lot)
    return orientations, publics(session, principal, orientations, cibles)


def _verifier_lot(
    session: Session, principal: Principal, demandes: Sequence[OrientationCreate], *, en_lot: bool
) -> dict[uuid.UUID, list[Cible]] | None:
    """Every rule for every referral, set-wise. Raises the refusal of the first refused
    referral (for each one, its first refusal in the order of the rules below, which is
    the single route's); returns the cibles read, if any."""
    access.verifier_prescripteur(principal)
    nouveaux = [d.menage for d in demandes]
    if any(m is not None for m in nouveaux):
        menages.verifier_createur(principal)
    refus: dict[int, tuple[str, Probleme]] = {}
    connus = set(session.exec(select(Dispositif.id).where(col(Dispositif.id).in_({d.dispositif_id for d in demandes}))))
    cibles = dispositifs.cibles_de(session, connus) if any(d.cible_proposee_code for d in demandes) else None
    for i, d in enumerate(demandes):
        code = d.cible_proposee_code
        if d.dispositif_id not in connus:
            refus[i] = ("dispositif_id", champ_invalide("dispositif_id", "dispositif inconnu", str(d.dispositif_id)))
        elif code is not None and cibles is not None:
            du_dispositif = cibles.get(d.dispositif_id, [])
            if code not in {c.code for c in du_dispositif}:
                refus[i] = ("cible_proposee_code", cible_inconnue("cible_proposee_code", code, du_dispositif))
    for i, probleme in _external_refs_prises(session, principal, demandes):
        refus.setdefault(i, ("external_ref", probleme))
    demandes_ids = {d.menage_id for d in demandes if d.menage_id is not None}
    visibles = menages.visibles(session, principal, demandes_ids) if demandes_ids else {}
    for i, d in enumerate(demandes):
        if d.menage_id is not None and d.menage_id not in visibles:
            refus.setdefault(i, ("menage_id", Introuvable("Ménage", d.menage_id)))
    for i, probleme in menages.doublons(session, principal, nouveaux):
        refus.setdefault(i, ("menage.personnes", probleme))
    for i, probleme in menages.bailleurs_invalides(session, [m.bailleur_id if m else None for m in nouveaux]):
        refus.setdefault(i, ("menage.bailleur_id", probleme))
    aujourdhui = mesures.aujourdhui()
    for i, d in enumerate(demandes):
        if d.date_reception is None:
            continue
        refus_date = _refus_date_reception(principal, d, aujourdhui)
        if refus_date is not None:
            refus.setdefault(i, ("date_reception", refus_date))
    if refus:
        premier = min(refus)
        champ, probleme = refus[premier]
        raise _dans_le_lot(probleme, premier, champ) if en_lot else probleme
    return cibles


def _refus_date_reception(principal: Principal, d: OrientationCreate, aujourdhui: date) -> Probleme | None:
    """A reception date given at creation: for integrations taking over a history (API
    clients) and commissions recording referrals received on paper; a submitted
    referral only; never in the future (a figure would count it before it exists)."""
    assert d.date_reception is not None
    valeur = d.date_reception.isoformat()
    if not access.peut_dater_reception(principal):
        return champ_invalide(
            "date_reception",
            "réservée aux systèmes partenaires (clients API) et aux commissions ; omettez-la : "
            "la date de réception est celle de la soumission",
            valeur,
        )
    if not d.soumettre:
        return champ_invalide("date_reception", "seulement avec soumettre=true (un brouillon n'est pas reçu)", valeur)
    if d.date_reception > aujourdhui:
        return champ_invalide(
            "date_reception", f"ne peut pas être postérieure à aujourd'hui ({aujourdhui.isoformat()})", valeur
        )
    return None


def _external_refs_prises(
    session: Session, principal: Principal, demandes: Sequence[OrientationCreate]
) -> Iterator[tuple[int, Probleme]]:
    """The referrals (index, refusal) whose external_ref the organisation already used (one
    query for all), or that an earlier referral of the same batch carries."""
    refs = {d.external_ref for d in demandes if d.external_ref is not None}
    if not refs:
        return
    existantes = {
        o.external_ref: o
        for o in session.exec(
            select(Orientation).where(
                Orientation.prescripteur_organisation_id == principal.organisation_id,
                col(Orientation.external_ref).in_(refs),
            )
        )
    }
    premieres: dict[str, int] = {}
    for i, d in enumerate(demandes):
        if d.external_ref is None:
            continue
        premiere = premieres.setdefault(d.external_ref, i)
        if d.external_ref in existantes:
            yield i, doublon_external_ref(existantes[d.external_ref])
        elif premiere != i:
            yield (
                i,
                Conflit(
                    f"La référence externe « {d.external_ref} » est déjà celle de l'orientation n° {premiere + 1} "
                    "du lot : une seule orientation par référence externe.",
                    champ="external_ref",
                    valeur=d.external_ref,
                    existant_index=premiere,
                ),
            )


def _ecrire_lot(
    session: Session, principal: Principal, demandes: Sequence[OrientationCreate], *, en_lot: bool
) -> list[Orientation]:
    """The rows of checked referrals: their references drawn at once, one INSERT per table
    (rows as values, not objects built one by one: a SQLModel object costs ≈ 0.1 ms to
    build; the referrals and their events come back as objects from ``RETURNING``)."""
    nouveaux = [d.menage for d in demandes if d.menage is not None]
    references = tirer_references(session, {"M": len(nouveaux), "O": len(demandes)})
    ouverts = iter(menages.nouveaux_menages(session, principal, nouveaux, references["M"]))
    menage_ids = [d.menage_id if d.menage_id is not None else next(ouverts).id for d in demandes]
    aujourdhui = mesures.aujourdhui()  # the field's dates are French dates, not UTC ones
    lignes = [
        {
            "id": new_id(),
            "reference": reference,
            "menage_id": menage_id,
            "dispositif_id": d.dispositif_id,
            "origine": d.origine.value,
            "prescripteur_organisation_id": principal.organisation_id,
            "prescripteur_nom": d.prescripteur_nom,
            "prescripteur_utilisateur_id": None if principal.is_client else principal.id,
            "external_ref": d.external_ref,
            "cible_proposee_code": d.cible_proposee_code,
            "acces_maintien": d.acces_maintien.value,
            "motifs": d.motifs,
            # inserted already submitted (no UPDATE), with both events of its history
            "statut": (S.soumise if d.soumettre else S.brouillon).value,
            "date_reception": (d.date_reception or aujourdhui) if d.soumettre else None,
        }
        for d, reference, menage_id in zip(demandes, references["O"], menage_ids, strict=True)
    ]
    try:
        orientations = inserer_objets(session, Orientation, lignes)
    except IntegrityError:
        # Two pushes of the same external_ref with different keys, at the same time: the
        # other one has committed by now, so the check run again names the referral and
        # links the existing one, as it would have a moment later.
        session.rollback()
        for i, probleme in _external_refs_prises(session, principal, demandes):
            raise (_dans_le_lot(probleme, i, "external_ref") if en_lot else probleme) from None
        raise Conflit(
            "Une des références externes du lot a été reçue entre-temps par un autre envoi : aucune orientation "
            "n'a été enregistrée ; renvoyez la demande (les références déjà reçues seront signalées).",
            champ="orientations" if en_lot else "external_ref",
        ) from None
    historique = []
    for o, d in zip(orientations, demandes, strict=True):
        historique.append(valeurs_evenement(principal, o.id, de=None, vers=S.brouillon))
        if d.soumettre:
            historique.append(
                valeurs_evenement(principal, o.id, de=S.brouillon, vers=S.soumise, date_effet=o.date_reception)
            )
    evenements = inserer_objets(session, OrientationEvenement, historique)
    # The household as it goes with each referral: what the prescriber and the commission read.
    menages.transmettre(session, principal, [(o.menage_id, o.id) for o in orientations])
    par_id = {o.id: o for o in orientations}
    webhooks.programmer_plusieurs(session, [(par_id[ev.orientation_id], ev) for ev in evenements if ev.de_statut])
    entrees = []
    for o, d in zip(orientations, demandes, strict=True):
        if d.menage_id is None:
            entrees.append((ActionAudit.creer, menages.RESSOURCE, o.menage_id))
        entrees.append((ActionAudit.creer, RESSOURCE, o.id))
    journaliser_plusieurs(session, principal, entrees)
    return orientations


def _dans_le_lot(probleme: Probleme, i: int, champ: str) -> Probleme:
    """The refusal of referral ``i`` as the batch's answer: the field with its index, the
    referral numbered for people (from 1), and that nothing was written."""
    chemin = f"orientations.{i}.{champ}"
    probleme.detail = (
        f"Orientation n° {i + 1} du lot : {probleme.detail} Aucune orientation du lot n'a été enregistrée."
    )
    if probleme.errors:
        for erreur in probleme.errors:
            erreur.champ = chemin
    else:
        probleme.extra["champ"] = chemin
    probleme.extra["orientation"] = i
    return probleme
