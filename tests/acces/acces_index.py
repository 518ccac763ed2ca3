"""The policy's relations to households, computed from scratch in Python from the facts, to
compare with ``menage_acces`` (kept by triggers, migration 0013)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlmodel import Session, col, select

from api.dispositifs.models import Dispositif
from api.menages.models import Menage, MenageAcces
from api.mesures.models import Mesure
from api.orientations.models import Orientation

Ligne = tuple[uuid.UUID, uuid.UUID, str]


def attendues(db: Session, menage_ids: Iterable[uuid.UUID]) -> set[Ligne]:
    ids = set(menage_ids)
    out: set[Ligne] = set()
    for m in db.exec(select(Menage).where(col(Menage.id).in_(ids))):
        out.add((m.organisation_id, m.id, "auteur"))
    commissions = dict(db.exec(select(Dispositif.id, Dispositif.commission_id)).all())
    for o in db.exec(select(Orientation).where(col(Orientation.menage_id).in_(ids))):
        out.add((o.prescripteur_organisation_id, o.menage_id, "prescripteur"))
        if o.statut != "brouillon":
            out.add((commissions[o.dispositif_id], o.menage_id, "commission"))
        if o.statut == "acceptee" and o.association_id is not None:
            out.add((o.association_id, o.menage_id, "porteur"))
    for me in db.exec(select(Mesure).where(col(Mesure.menage_id).in_(ids))):
        out.add((me.association_id, me.menage_id, "porteur"))
    return out


def tenues(db: Session, menage_ids: Iterable[uuid.UUID]) -> set[Ligne]:
    db.flush()
    return {
        (a.organisation_id, a.menage_id, a.relation)
        for a in db.exec(select(MenageAcces).where(col(MenageAcces.menage_id).in_(set(menage_ids))))
    }
