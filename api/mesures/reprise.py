"""Mesures brought in with their past (a caseload import): many at once.

What ``mandater``, ``demarrer`` and ``terminer`` write for one mesure, one after the other
(the snapshot of the household at mandatement, the events with their dates, the history
of the statut, the version, the audit entries), written here for a whole batch: the
checks first, for every mesure and without any query, then a few statements for all.
One mesure through the three use cases costs some fifty statements; a batch of 500 costs
about fifteen. The result is the same rows (``tests/imports/test_imports.py`` compares both
routes), so the indicators of past years read an imported mesure as one typed at the time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser_plusieurs
from api.auth.principal import Principal
from api.core.compteurs import tirer_references
from api.core.errors import Probleme, champ_invalide
from api.core.fonctions_sql import ajouter_mois
from api.core.models import utcnow
from api.dispositifs.models import Dispositif
from api.menages.models import Dette, Menage, Personne, Ressource
from api.mesures.cycle import MOIS_SUIVI, AdhesionRequise
from api.mesures.entree import instantane
from api.mesures.models import (
    AccesMaintien,
    Mesure,
    MesureDetteEntree,
    MesureEvenement,
    MesureHistorique,
    MesureRessourceEntree,
    StatutMesure,
)
from api.mesures.service import RESSOURCE, date_limite


@dataclass
class MesurePassee:
    """A mesure as a file gives it: its mandatement, and when known its start and its end."""

    menage_id: uuid.UUID
    dispositif: Dispositif
    cible_code: str
    type_accompagnement_code: str
    acces_maintien: AccesMaintien
    date_mandatement: date
    referent_id: uuid.UUID | None = None
    date_debut: date | None = None
    adhesion_date: date | None = None
    adhesion_modalite: str | None = None
    date_fin: date | None = None
    motif_fin: str | None = None
    situation_sortie: str | None = None


def _pas_dans_le_futur(champ: str, valeur: date | None, aujourdhui: date) -> None:
    if valeur is not None and valeur > aujourdhui:
        raise champ_invalide(
            champ, f"ne peut pas être postérieure à aujourd'hui ({aujourdhui.isoformat()})", valeur.isoformat()
        )


def _pas_avant(champ: str, valeur: date, borne: date, libelle: str) -> None:
    if valeur < borne:
        raise champ_invalide(champ, f"ne peut pas précéder {libelle} ({borne.isoformat()})", valeur.isoformat())


def verifier(m: MesurePassee, aujourdhui: date) -> None:
    """The refusals ``demarrer`` and ``terminer`` would give this mesure, in their order and
    with their words (the cibles, types and référent are the caller's: the import checks
    them against the dispositif and the association's accounts)."""
    _pas_dans_le_futur("date_mandatement", m.date_mandatement, aujourdhui)
    if m.date_debut is not None:
        _pas_dans_le_futur("date_debut", m.date_debut, aujourdhui)
        _pas_avant("date_debut", m.date_debut, m.date_mandatement, "le mandatement")
        if m.adhesion_date is not None:
            _pas_dans_le_futur("adhesion_date", m.adhesion_date, aujourdhui)
            _pas_avant("adhesion_date", m.adhesion_date, m.date_mandatement, "le mandatement")
        if m.dispositif.adhesion_requise and m.adhesion_date is None:
            raise AdhesionRequise(
                f"Le dispositif {m.dispositif.nom} demande l'adhésion du ménage avant que la mesure "
                "soit active : renseignez adhesion_date, la date d'adhésion du ménage "
                "(et adhesion_modalite, la façon dont elle a été recueillie).",
                champ="adhesion_date",
            )
    if m.date_fin is not None:
        # The missing field is named (an import shows it on its column, not on date_fin).
        for champ, valeur in (("motif_fin", m.motif_fin), ("situation_sortie", m.situation_sortie)):
            if valeur is None:
                raise champ_invalide(
                    champ,
                    "obligatoire avec une date de fin (date_fin) : une fin se donne "
                    "avec son motif et la situation de sortie",
                    None,
                )
        _pas_dans_le_futur("date_fin", m.date_fin, aujourdhui)
        _pas_avant("date_fin", m.date_fin, m.date_debut or m.date_mandatement, "le début de la mesure")


def _statut_jusqu_au(mesure: Mesure, du: date, au: date) -> MesureHistorique:
    """The period of the statut in force before a change (``historique.noter``)."""
    return MesureHistorique(mesure_id=mesure.id, attribut="statut", valeur=mesure.statut, du=du, jusqu_au=au)


def refus(mesures: Sequence[MesurePassee], aujourdhui: date) -> dict[int, Probleme]:
    """The index of each refused mesure, with its refusal. Reads nothing."""
    out: dict[int, Probleme] = {}
    for i, m in enumerate(mesures):
        try:
            verifier(m, aujourdhui)
        except Probleme as exc:
            out[i] = exc
    return out


@dataclass
class _Lus:
    menages: dict[uuid.UUID, Menage]
    personnes: dict[uuid.UUID, list[Personne]]
    ressources: dict[uuid.UUID, list[Ressource]]
    dettes: dict[uuid.UUID, list[Dette]]


def _lire(session: Session, ids: set[uuid.UUID]) -> _Lus:
    """The households and their persons, resources and debts: four queries for all."""
    lus = _Lus(
        menages={m.id: m for m in session.exec(select(Menage).where(col(Menage.id).in_(ids)))},
        personnes={i: [] for i in ids},
        ressources={i: [] for i in ids},
        dettes={i: [] for i in ids},
    )
    for p in session.exec(select(Personne).where(col(Personne.menage_id).in_(ids))):
        lus.personnes[p.menage_id].append(p)
    for r in session.exec(select(Ressource).where(col(Ressource.menage_id).in_(ids))):
        lus.ressources[r.menage_id].append(r)
    for d in session.exec(select(Dette).where(col(Dette.menage_id).in_(ids))):
        lus.dettes[d.menage_id].append(d)
    return lus


def _evenement(principal: Principal, mesure: Mesure, type_: str, **valeurs: Any) -> MesureEvenement:
    return MesureEvenement(
        mesure_id=mesure.id,
        auteur_type=principal.kind,
        auteur_id=principal.id,
        organisation_id=principal.organisation_id,
        type=type_,
        **valeurs,
    )


def _demarrage(
    principal: Principal,
    m: MesurePassee,
    mesure: Mesure,
    autres: list[object],
    audit: list[tuple[ActionAudit, str, uuid.UUID | None]],
) -> date:
    """What demarrer writes: straight to active (the file says when it started). Returns
    the day the statut in force from then on began."""
    debut_statut = m.date_mandatement
    date_debut = m.date_debut
    assert date_debut is not None  # called for a started mesure
    if date_debut > debut_statut:
        autres.append(
            MesureHistorique(
                mesure_id=mesure.id,
                attribut="statut",
                valeur=mesure.statut,
                du=debut_statut,
                jusqu_au=date_debut,
            )
        )
        debut_statut = date_debut
    mesure.date_debut = date_debut
    if m.adhesion_date is not None:
        mesure.adhesion_date = m.adhesion_date
    if m.adhesion_modalite is not None:
        mesure.adhesion_modalite = m.adhesion_modalite
    mesure.date_fin_prevue = date_limite(mesure, m.dispositif)
    mesure.statut = StatutMesure.active.value
    mesure.version += 1
    autres.append(
        _evenement(
            principal,
            mesure,
            "demarrage",
            de_statut=StatutMesure.mandatee.value,
            vers_statut=mesure.statut,
            date_effet=date_debut,
            donnees={
                "adhesion_date": mesure.adhesion_date.isoformat() if mesure.adhesion_date else None,
                "adhesion_modalite": mesure.adhesion_modalite,
            },
        )
    )
    audit.append((ActionAudit.modifier, RESSOURCE, mesure.id))
    return debut_statut


def _fin(
    principal: Principal,
    m: MesurePassee,
    mesure: Mesure,
    debut_statut: date,
    autres: list[object],
    audit: list[tuple[ActionAudit, str, uuid.UUID | None]],
) -> None:
    """What terminer writes: the end, its motif, the exit situation, the follow-up due."""
    date_fin = m.date_fin
    assert date_fin is not None and m.motif_fin is not None and m.situation_sortie is not None  # verifier
    if date_fin > debut_statut:
        autres.append(
            MesureHistorique(
                mesure_id=mesure.id,
                attribut="statut",
                valeur=mesure.statut,
                du=debut_statut,
                jusqu_au=date_fin,
            )
        )
    de = mesure.statut
    mesure.statut = StatutMesure.terminee.value
    mesure.date_fin = date_fin
    mesure.motif_fin = m.motif_fin
    mesure.situation_sortie = m.situation_sortie
    mesure.suivi_date_prevue = ajouter_mois(date_fin, MOIS_SUIVI)
    mesure.version += 1
    autres.append(
        _evenement(
            principal,
            mesure,
            "fin",
            de_statut=de,
            vers_statut=mesure.statut,
            date_effet=date_fin,
            motif=m.motif_fin,
            donnees={
                "situation_sortie": m.situation_sortie,
                "suivi_date_prevue": mesure.suivi_date_prevue.isoformat(),
            },
        )
    )
    audit.append((ActionAudit.modifier, RESSOURCE, mesure.id))


def _une(
    principal: Principal,
    m: MesurePassee,
    reference: str,
    menage: Menage,
    lus: _Lus,
    quand: datetime,
) -> tuple[Mesure, list[object], list[tuple[ActionAudit, str, uuid.UUID | None]]]:
    """One mesure's rows: what mandater, then demarrer and terminer when its dates say so,
    would write (the mesure itself, then the rows that refer to it, then the audit entries)."""
    personnes, ressources, dettes = lus.personnes, lus.ressources, lus.dettes
    autres: list[object] = []
    audit: list[tuple[ActionAudit, str, uuid.UUID | None]] = []
    mesure = Mesure(
        reference=reference,
        menage_id=menage.id,
        dispositif_id=m.dispositif.id,
        association_id=principal.organisation_id,
        referent_id=m.referent_id,
        statut=StatutMesure.mandatee.value,
        cible_code=m.cible_code,
        type_accompagnement_code=m.type_accompagnement_code,
        acces_maintien=m.acces_maintien.value,
        date_mandatement=m.date_mandatement,
        entree_statut_occupation=menage.statut_occupation,
        entree_composition=menage.composition,
        entree_commune_insee=menage.commune_insee,
        entree_nb_procedures_expulsion=menage.nb_procedures_expulsion,
        entree_stade_procedure=menage.stade_procedure,
        entree_situation_professionnelle=menage.situation_professionnelle,
        entree_dette_locative=sum(d.montant for d in dettes[menage.id] if d.type == "loyer"),
        **instantane(((p.lien, p.date_naissance, p.sexe) for p in personnes[menage.id]), m.date_mandatement),
    )
    audit.append((ActionAudit.creer, RESSOURCE, mesure.id))
    # As mandater: a household counts once per resource type, amounts of one type add up.
    par_type: dict[str, int | None] = {}
    for r in ressources[menage.id]:
        par_type[r.type] = (
            (par_type[r.type] or 0) + (r.montant_mensuel or 0) if r.type in par_type else r.montant_mensuel
        )
    autres += [MesureRessourceEntree(mesure_id=mesure.id, type=t, montant_mensuel=v) for t, v in par_type.items()]
    dettes_par_type: dict[str, int] = {}
    for d in dettes[menage.id]:
        dettes_par_type[d.type] = dettes_par_type.get(d.type, 0) + d.montant
    autres += [MesureDetteEntree(mesure_id=mesure.id, type=t, montant=v) for t, v in dettes_par_type.items()]
    autres.append(
        _evenement(
            principal, mesure, "mandatement", date_effet=m.date_mandatement, vers_statut=StatutMesure.mandatee.value
        )
    )
    debut_statut = m.date_mandatement  # the day the current statut came into force (historique)
    if m.date_debut is not None:
        debut_statut = _demarrage(principal, m, mesure, autres, audit)
    if m.date_fin is not None:
        _fin(principal, m, mesure, debut_statut, autres, audit)
    if mesure.version > 1:
        mesure.modifie_le = quand
    return mesure, autres, audit


def ouvrir(session: Session, principal: Principal, mesures: Sequence[MesurePassee]) -> list[Mesure]:
    """Write these mesures, already checked (``refus``), of households of the principal's
    association (``ménage`` rows already written, in this transaction or before), each with
    the facts its dates say: mandated, started, ended. Does not commit.

    Reads: the households and their persons, resources and debts (four queries for all).
    Writes: the mesures, their entry resources and debts, their events, their statut's
    history and the audit entries, one INSERT per table."""
    if not mesures:
        return []
    lus = _lire(session, {m.menage_id for m in mesures})
    references = tirer_references(session, {"S": len(mesures)})["S"]
    quand = utcnow()
    ecrites: list[Mesure] = []
    autres: list[object] = []
    audit: list[tuple[ActionAudit, str, uuid.UUID | None]] = []

    for m, reference in zip(mesures, references, strict=True):
        mesure, rangs, entrees = _une(principal, m, reference, lus.menages[m.menage_id], lus, quand)
        ecrites.append(mesure)
        autres += rangs
        audit += entrees
    # The unit of work groups the rows of each table in one INSERT (ids drawn here), the
    # mesures first: the others refer to them.
    session.add_all(ecrites)
    session.flush()
    session.add_all(autres)
    session.flush()
    journaliser_plusieurs(session, principal, audit)
    return ecrites
