"""The household's right of access: everything held on it, minus what concerns third parties."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.core.models import utcnow
from api.dispositifs.models import Cible
from api.menages import access
from api.menages.models import Menage
from api.menages.service import get_menage, to_public
from api.mesures.models import (
    Mesure,
    MesureDetteEntree,
    MesureDomaine,
    MesureEvenement,
    MesureRessourceEntree,
    RendezVous,
)
from api.organisations.models import TypeOrganisation
from api.orientations.models import Orientation, OrientationEvenement
from api.vie_privee.schemas import (
    EvenementExport,
    ExportMenage,
    MesureExport,
    OrientationExport,
    RendezVousExport,
)

CIBLE_CONFIDENTIELLE = "cible confidentielle"

EXCLUSIONS = [
    "Identité des personnels (auteurs, référents, créateurs, prescripteur nommé) : "
    "données de tiers.",
    "Commentaires et comptes rendus écrits par une autre organisation : notes internes "
    "de celle-ci, le ménage les demande à cette organisation.",
    "Participants des rendez-vous : ils nomment des tiers (personnels, bailleur, famille).",
    "Journal des accès : il décrit l'activité des personnels, pas le ménage.",
]


def _masquer_cibles(session: Session, principal: Principal, codes: set[str]) -> set[str]:
    """The codes of sensitive cibles a bailleur must not see (health, justice, violence)."""
    if not principal.of_type(TypeOrganisation.bailleur) or not codes:
        return set()
    rows = session.exec(
        select(Cible.code).where(col(Cible.code).in_(codes), col(Cible.sensible).is_(True))
    )
    return set(rows)


def _evenement(e: OrientationEvenement | MesureEvenement, own: uuid.UUID) -> EvenementExport:
    return EvenementExport(
        quand=e.quand,
        date_effet=e.date_effet,
        type=getattr(e, "type", None),
        de_statut=e.de_statut,
        vers_statut=e.vers_statut,
        motif=e.motif,
        organisation_id=e.organisation_id,
        commentaire=e.commentaire if e.organisation_id == own else None,
    )


def exporter_menage(
    session: Session, principal: Principal, *, menage_id: uuid.UUID
) -> ExportMenage:
    """Export a household's file for the household itself (RGPD art. 15).

    Only those who may write the file export it (they answer the household's
    request); the export is logged with the number of records it holds.
    """
    menage = get_menage(session, principal, menage_id, journal=False)
    modifiable = session.exec(
        select(Menage.id).where(Menage.id == menage_id, access.condition_modifiable(principal))
    ).first()
    if modifiable is None:
        raise Interdit(
            "Seules les organisations qui peuvent modifier ce dossier l'exportent pour le ménage."
        )
    own = principal.organisation_id
    orientations = list(
        session.exec(
            select(Orientation)
            .where(Orientation.menage_id == menage_id)
            .order_by(col(Orientation.cree_le))
        )
    )
    mesures = list(
        session.exec(
            select(Mesure)
            .where(Mesure.menage_id == menage_id)
            .order_by(col(Mesure.date_mandatement))
        )
    )
    codes = (
        {o.cible_code for o in orientations if o.cible_code}
        | {o.cible_proposee_code for o in orientations if o.cible_proposee_code}
        | {m.cible_code for m in mesures}
    )
    masquees = _masquer_cibles(session, principal, codes)

    def cible(code: str | None) -> str | None:
        return CIBLE_CONFIDENTIELLE if code in masquees else code

    o_events: dict[uuid.UUID, list[EvenementExport]] = {}
    for oe in session.exec(
        select(OrientationEvenement)
        .where(col(OrientationEvenement.orientation_id).in_([o.id for o in orientations]))
        .order_by(col(OrientationEvenement.quand))
    ):
        o_events.setdefault(oe.orientation_id, []).append(_evenement(oe, own))
    mesure_ids = [m.id for m in mesures]
    m_events: dict[uuid.UUID, list[EvenementExport]] = {}
    for me in session.exec(
        select(MesureEvenement)
        .where(col(MesureEvenement.mesure_id).in_(mesure_ids))
        .order_by(col(MesureEvenement.quand))
    ):
        m_events.setdefault(me.mesure_id, []).append(_evenement(me, own))
    rdvs: dict[uuid.UUID, list[RendezVous]] = {}
    for rdv in session.exec(
        select(RendezVous)
        .where(col(RendezVous.mesure_id).in_(mesure_ids))
        .order_by(col(RendezVous.debut))
    ):
        rdvs.setdefault(rdv.mesure_id, []).append(rdv)
    domaines: dict[uuid.UUID, list[str]] = {}
    for d in session.exec(
        select(MesureDomaine).where(col(MesureDomaine.mesure_id).in_(mesure_ids))
    ):
        domaines.setdefault(d.mesure_id, []).append(d.domaine)
    entree_ressources: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for r in session.exec(
        select(MesureRessourceEntree).where(col(MesureRessourceEntree.mesure_id).in_(mesure_ids))
    ):
        entree_ressources.setdefault(r.mesure_id, []).append(
            {"type": r.type, "montant_mensuel": r.montant_mensuel}
        )
    entree_dettes: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for dt in session.exec(
        select(MesureDetteEntree).where(col(MesureDetteEntree.mesure_id).in_(mesure_ids))
    ):
        entree_dettes.setdefault(dt.mesure_id, []).append({"type": dt.type, "montant": dt.montant})

    export = ExportMenage(
        genere_le=utcnow(),
        menage=to_public(session, menage),
        anonymise_le=menage.anonymise_le,
        orientations=[
            OrientationExport(
                id=o.id,
                reference=o.reference,
                dispositif_id=o.dispositif_id,
                statut=o.statut,
                origine=o.origine,
                prescripteur_organisation_id=o.prescripteur_organisation_id,
                cible_proposee=cible(o.cible_proposee_code),
                cible=cible(o.cible_code),
                acces_maintien=o.acces_maintien,
                motifs=o.motifs,
                date_reception=o.date_reception,
                date_decision=o.date_decision,
                motif_refus=o.motif_refus,
                association_id=o.association_id,
                cree_le=o.cree_le,
                evenements=o_events.get(o.id, []),
            )
            for o in orientations
        ],
        mesures=[
            MesureExport(
                id=m.id,
                reference=m.reference,
                dispositif_id=m.dispositif_id,
                association_id=m.association_id,
                statut=m.statut,
                cible=cible(m.cible_code) or m.cible_code,
                type_accompagnement=m.type_accompagnement_code,
                acces_maintien=m.acces_maintien,
                date_mandatement=m.date_mandatement,
                date_debut=m.date_debut,
                date_fin_prevue=m.date_fin_prevue,
                date_fin=m.date_fin,
                motif_fin=m.motif_fin,
                situation_sortie=m.situation_sortie,
                adhesion_date=m.adhesion_date,
                modalite_logement=m.modalite_logement,
                modalite_date_debut=m.modalite_date_debut,
                modalite_date_fin=m.modalite_date_fin,
                situation_entree={
                    "statut_occupation": m.entree_statut_occupation,
                    "composition": m.entree_composition,
                    "commune_insee": m.entree_commune_insee,
                    "nb_procedures_expulsion": m.entree_nb_procedures_expulsion,
                    "stade_procedure": m.entree_stade_procedure,
                    "dette_locative": m.entree_dette_locative,
                    "ressources": entree_ressources.get(m.id, []),
                    "dettes": entree_dettes.get(m.id, []),
                },
                domaines=sorted(domaines.get(m.id, [])),
                suivi_date_prevue=m.suivi_date_prevue,
                suivi_realise_le=m.suivi_realise_le,
                suivi_situation=m.suivi_situation,
                suivi_commentaire=m.suivi_commentaire if m.association_id == own else None,
                evenements=m_events.get(m.id, []),
                rendez_vous=[
                    RendezVousExport(
                        id=r.id,
                        debut=r.debut,
                        duree_minutes=r.duree_minutes,
                        type=r.type,
                        lieu=r.lieu,
                        statut=r.statut,
                        compte_rendu=r.compte_rendu if m.association_id == own else None,
                    )
                    for r in rdvs.get(m.id, [])
                ],
            )
            for m in mesures
        ],
        exclusions=EXCLUSIONS,
    )
    nombre = 1 + len(orientations) + len(mesures) + sum(len(v) for v in rdvs.values())
    journaliser(session, principal, ActionAudit.exporter, "menage", menage.id, nombre=nombre)
    session.commit()
    return export
