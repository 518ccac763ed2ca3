"""What needs attention in an association's mesures and rendez-vous (issue 4)."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from api.alertes import access
from api.alertes.schemas import Alerte, Alertes, Perimetre, TypeAlerte
from api.audit.service import journaliser_liste
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.dispositifs.models import Dispositif
from api.menages.models import Menage
from api.mesures.models import Mesure, RendezVous, StatutMesure, StatutRendezVous
from api.mesures.service import date_limite
from api.rendez_vous.schemas import PARIS
from api.rendez_vous.service import fin_de

JOURS_FIN_PROCHE = 30


def lister_alertes(
    session: Session,
    principal: Principal,
    *,
    perimetre: Perimetre | None,
    aujourdhui: date,
    instant: datetime,
    delai_premier_rdv: int,
) -> Alertes:
    """The alerts of the current user (mesures they are référent of), or for a
    responsable the whole association's."""
    access.verifier_acces(principal)
    perimetre = perimetre or (Perimetre.association if principal.is_responsable else Perimetre.moi)
    if perimetre == Perimetre.association and not principal.is_responsable:
        raise Interdit("Les alertes de toute l'association sont réservées au rôle responsable.")
    query = select(Mesure).where(Mesure.association_id == principal.organisation_id)
    if perimetre == Perimetre.moi:
        query = query.where(Mesure.referent_id == principal.id)
    mesures = {m.id: m for m in session.exec(query)}
    if not mesures:
        return Alertes(perimetre=perimetre, total=0, par_type={}, items=[])
    ids = list(mesures)
    dispositifs = {
        d.id: d
        for d in session.exec(
            select(Dispositif).where(
                col(Dispositif.id).in_({m.dispositif_id for m in mesures.values()})
            )
        )
    }
    references = dict(
        session.exec(
            select(Menage.id, Menage.reference).where(
                col(Menage.id).in_({m.menage_id for m in mesures.values()})
            )
        ).all()
    )
    avec_rdv_realise = set(
        session.exec(
            select(RendezVous.mesure_id).where(
                col(RendezVous.mesure_id).in_(ids),
                RendezVous.statut == StatutRendezVous.realise.value,
            )
        )
    )
    items: list[Alerte] = []

    def alerte(
        type: TypeAlerte, m: Mesure, quand: date, message: str, rdv_id: uuid.UUID | None = None
    ) -> None:
        items.append(
            Alerte(
                type=type,
                message=message,
                date_reference=quand,
                mesure_id=m.id,
                mesure_reference=m.reference,
                menage_reference=references.get(m.menage_id, ""),
                referent_id=m.referent_id,
                rendez_vous_id=rdv_id,
            )
        )

    for m in mesures.values():
        if m.statut == StatutMesure.terminee.value:
            if (
                m.suivi_date_prevue is not None
                and m.suivi_realise_le is None
                and m.suivi_date_prevue <= aujourdhui
            ):
                alerte(
                    TypeAlerte.suivi_du,
                    m,
                    m.suivi_date_prevue,
                    f"Suivi à 6 mois dû depuis le {m.suivi_date_prevue:%d/%m/%Y}.",
                )
            continue
        echeance = m.date_mandatement + timedelta(days=delai_premier_rdv)
        if m.id not in avec_rdv_realise and echeance <= aujourdhui:
            alerte(
                TypeAlerte.premier_rdv_en_attente,
                m,
                echeance,
                f"Mandatée le {m.date_mandatement:%d/%m/%Y} : aucun rendez-vous réalisé après "
                f"{delai_premier_rdv} jours.",
            )
        if (
            m.date_fin_prevue is not None
            and aujourdhui <= m.date_fin_prevue <= aujourdhui + timedelta(days=JOURS_FIN_PROCHE)
        ):
            alerte(
                TypeAlerte.fin_prevue_proche,
                m,
                m.date_fin_prevue,
                f"Fin prévue le {m.date_fin_prevue:%d/%m/%Y}.",
            )
        limite = date_limite(m, dispositifs[m.dispositif_id])
        if limite is not None and limite < aujourdhui and not m.derogation_duree_motif:
            alerte(
                TypeAlerte.duree_maximale_depassee,
                m,
                limite,
                f"Durée maximale du dispositif "
                f"({dispositifs[m.dispositif_id].duree_max_mois} mois) "
                f"dépassée "
                f"depuis le {limite:%d/%m/%Y}, sans dérogation.",
            )
    rdv_query = select(RendezVous).where(
        col(RendezVous.mesure_id).in_(ids),
        RendezVous.statut == StatutRendezVous.planifie.value,
        col(RendezVous.debut) < instant,
    )
    if perimetre == Perimetre.moi:
        # the rendez-vous of my mesures, and those I planned on a colleague's
        rdv_query = select(RendezVous).where(
            col(RendezVous.mesure_id).in_(
                select(Mesure.id).where(Mesure.association_id == principal.organisation_id)
            ),
            RendezVous.statut == StatutRendezVous.planifie.value,
            col(RendezVous.debut) < instant,
            or_(col(RendezVous.mesure_id).in_(ids), col(RendezVous.cree_par_id) == principal.id),
        )
    for rdv in session.exec(rdv_query):
        if fin_de(rdv) > instant:
            continue  # under way
        porteuse = mesures.get(rdv.mesure_id) or session.get(Mesure, rdv.mesure_id)
        assert porteuse is not None
        if porteuse.menage_id not in references:
            menage = session.get(Menage, porteuse.menage_id)
            references[porteuse.menage_id] = menage.reference if menage else ""
        debut = fin_de(rdv) - timedelta(minutes=rdv.duree_minutes)
        alerte(
            TypeAlerte.rdv_a_renseigner,
            porteuse,
            debut.astimezone(PARIS).date(),
            f"Rendez-vous du {debut.astimezone(PARIS):%d/%m/%Y à %H:%M} toujours « planifié » : "
            "réalisé, annulé ou absent ?",
            rdv.id,
        )
    items.sort(key=lambda a: (a.date_reference, a.type.value, a.mesure_reference))
    journaliser_liste(session, principal, "mesure", list(dict.fromkeys(a.mesure_id for a in items)))
    session.commit()
    return Alertes(
        perimetre=perimetre,
        total=len(items),
        par_type=dict(Counter(a.type for a in items)),
        items=items,
    )
