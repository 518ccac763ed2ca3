"""The access policy, fact by fact (docs/domaine.md, « Qui voit quoi »).

This table is the single statement of who reads and who changes each kind of
fact. A reader is judged by its *relation to that fact* — not to the household
as a whole: association B carrying one mesure of a household is ``porteur`` of
that mesure only, never of association A's.

The SQL that finds a principal's relations lives beside each domain
(``api/<domain>/access.py``: ``RELATIONS``); those modules build every
condition from this table (``lecteurs`` / ``modificateurs``), and every view —
detail, list, export, timeline, who-viewed, minutes, drill-down, calendar feed,
webhook payload — is built from those conditions and the per-fact views of the
domains, never from a fresh query of the tables. ``tests/acces/test_politique.py``
checks that no other module reads a fact table for a principal, and
``tests/acces/test_politique_proprietes.py`` checks every composite view against an
oracle that reads this table.

Where docs/domaine.md is silent: least privilege, by fact and by contributor.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Fait(StrEnum):
    """The kinds of facts the product holds about a household."""

    menage_vivant = "menage_vivant"  # identity, persons, situation (resources, debts, address, contact) as it is now
    menage_transmis = "menage_transmis"  # the household as an organisation sent it (creation, referral, update)
    orientation = "orientation"  # the referral as sent: dispositif, motifs, cible proposée, dates
    statut_orientation = "statut_orientation"  # its status, decision date and coded refusal motif
    commentaire = "commentaire"  # the free text of a referral's event (a commission's comment…)
    mesure_complete = "mesure_complete"  # dates, cible, type, modalité, motif, situation at entry, events
    mesure_statut = "mesure_statut"  # the status of a mesure, nothing else
    cible_sensible = "cible_sensible"  # health, justice, violence: the label of a sensitive cible
    note_mesure = "note_mesure"  # the workers' notes on a mesure (events' comments, suivi's comment)
    alerte_ecartee = "alerte_ecartee"  # an alert of a mesure set aside or put off, with the worker's reason
    rendez_vous = "rendez_vous"  # date, place, type, status, participants
    compte_rendu = "compte_rendu"  # the written account of a rendez-vous
    journal_acces = "journal_acces"  # who read or changed a file, and when
    indicateur = "indicateur"  # aggregated figures (counts, never a row for a funder)
    rapport = "rapport"  # a report: its narration and frozen aggregates (a draft: its author only)
    document = "document"  # a deposited paper (report, evaluation, justificatif…) and its file
    document_confidentiel = "document_confidentiel"  # one flagged confidential by who deposited it
    notification = "notification"  # what a professional is told (a sentence and a link, no name)
    courriel_en_echec = "courriel_en_echec"  # an e-mail the worker gave up sending (dead letter)
    webhook_en_echec = "webhook_en_echec"  # a webhook delivery given up after its last try
    consentement_rappel = "consentement_rappel"  # the household's consent to reminders: channels, number, address
    convention = "convention"  # a funding agreement: period, targets, budget, funders and their shares


class Relation(StrEnum):
    """How an organisation stands to one fact."""

    auteur = "auteur"  # it wrote that fact (opened the file, wrote the comment, logged the access)
    auteur_non_porte = "auteur_non_porte"  # it opened the file and no association carries it yet
    prescripteur = "prescripteur"  # the referral is its own, or the mesure was born of its referral
    commission = "commission"  # it decides the dispositif of the referral or mesure
    destinataire = "destinataire"  # the association a referral was accepted for
    porteur = "porteur"  # the association that carries the mesure (and so the household)
    # It funds the dispositif: the funder that holds it, or a co-funder named by one of its
    # conventions (api/dispositifs/access.py::condition_financee, the one place that says it).
    financeur = "financeur"
    signataire = "signataire"  # the association that signed the convention
    meme_organisation = "meme_organisation"  # the fact belongs to its own organisation (access log)
    administration = "administration"  # the platform's operator
    personne = "personne"  # the fact is addressed to this very person (a notification)


@dataclass(frozen=True)
class Regle:
    lecture: frozenset[Relation]
    modification: frozenset[Relation]
    pourquoi: str


R = Relation


def _r(*relations: Relation) -> frozenset[Relation]:
    return frozenset(relations)


POLITIQUE: dict[Fait, Regle] = {
    Fait.menage_vivant: Regle(
        lecture=_r(R.porteur, R.auteur_non_porte),
        modification=_r(R.porteur, R.auteur_non_porte),
        pourquoi="Le dossier vivant est à qui accompagne le ménage ; celui qui l'a ouvert le tient "
        "jusqu'à ce qu'une association le porte.",
    ),
    Fait.menage_transmis: Regle(
        lecture=_r(R.auteur, R.prescripteur, R.commission),
        modification=_r(),
        pourquoi="Un prescripteur voit le ménage tel qu'il l'a transmis ; la commission tel qu'on le "
        "lui a soumis ; ni l'un ni l'autre ne voit ce que l'association a ajouté depuis.",
    ),
    Fait.orientation: Regle(
        lecture=_r(R.prescripteur, R.commission, R.destinataire, R.administration),
        modification=_r(R.prescripteur),
        pourquoi="L'orientation est lue par qui l'a envoyée, qui la décide et l'association qui la reçoit.",
    ),
    Fait.statut_orientation: Regle(
        lecture=_r(R.prescripteur, R.commission, R.destinataire, R.administration),
        modification=_r(R.commission),
        pourquoi="Le prescripteur suit le statut de ses orientations ; la commission décide.",
    ),
    Fait.commentaire: Regle(
        lecture=_r(R.auteur, R.commission),
        modification=_r(R.auteur),
        pourquoi="Un commentaire peut nommer un fait de santé ou de justice : il reste à la commission "
        "et à l'organisation qui l'a écrit.",
    ),
    Fait.mesure_complete: Regle(
        lecture=_r(R.porteur, R.commission),
        modification=_r(R.porteur),
        pourquoi="Dates, cible et motifs : à qui porte ou décide la mesure, jamais à une autre association.",
    ),
    Fait.mesure_statut: Regle(
        lecture=_r(R.porteur, R.commission, R.prescripteur),
        modification=_r(R.porteur),
        pourquoi="Le prescripteur voit le statut des mesures nées de ses orientations, rien d'autre.",
    ),
    Fait.cible_sensible: Regle(
        lecture=_r(R.porteur, R.commission),
        modification=_r(R.porteur, R.commission),
        pourquoi="Santé, justice, violences : seulement pour qui porte ou décide le dossier ; "
        "les autres lisent « cible confidentielle ».",
    ),
    Fait.note_mesure: Regle(
        lecture=_r(R.porteur),
        modification=_r(R.porteur),
        pourquoi="Les notes des travailleurs sociaux restent dans l'association.",
    ),
    Fait.alerte_ecartee: Regle(
        lecture=_r(R.porteur),
        modification=_r(R.porteur),
        pourquoi="Une alerte écartée ou reportée, et son motif écrit par un travailleur social : le suivi "
        "de la mesure par l'association qui la porte, comme ses notes ; personne d'autre.",
    ),
    Fait.rendez_vous: Regle(
        lecture=_r(R.porteur),
        modification=_r(R.porteur),
        pourquoi="Rendez-vous et comptes rendus : l'association qui porte la mesure, personne d'autre.",
    ),
    Fait.compte_rendu: Regle(
        lecture=_r(R.porteur),
        modification=_r(R.porteur),
        pourquoi="Rendez-vous et comptes rendus : l'association qui porte la mesure, personne d'autre.",
    ),
    Fait.journal_acces: Regle(
        lecture=_r(R.meme_organisation, R.administration),
        modification=_r(),
        pourquoi="Chaque organisation voit les accès de ses propres personnels ; le journal ne se modifie pas.",
    ),
    Fait.indicateur: Regle(
        lecture=_r(R.porteur, R.commission, R.financeur, R.administration),
        modification=_r(),
        pourquoi="Chiffres agrégés ; un financeur n'a jamais une ligne ni un nom. Chaque "
        "cofinanceur d'un dispositif lit ses chiffres ; un financeur qui ne le finance pas reçoit 404.",
    ),
    Fait.rapport: Regle(
        lecture=_r(R.auteur, R.commission, R.financeur),
        modification=_r(R.auteur),
        pourquoi="L'association écrit ses rapports, la commission le bilan de son dispositif ; "
        "commission et financeur lisent les rapports déposés (agrégats, secret statistique pour le "
        "financeur), jamais un brouillon.",
    ),
    Fait.document: Regle(
        lecture=_r(R.auteur, R.commission),
        modification=_r(R.auteur),
        pourquoi="Un document est à l'organisation qui l'a déposé ; joint à une orientation, il est "
        "partagé avec la commission qui la décide.",
    ),
    Fait.document_confidentiel: Regle(
        lecture=_r(R.auteur),
        modification=_r(R.auteur),
        pourquoi="Marqué confidentiel, il ne sort pas de l'organisation qui l'a déposé, commission comprise.",
    ),
    Fait.notification: Regle(
        lecture=_r(R.personne),
        modification=_r(R.personne),
        pourquoi="Une notification est à la personne à qui elle s'adresse, pas à son organisation.",
    ),
    Fait.courriel_en_echec: Regle(
        lecture=_r(R.administration),
        modification=_r(R.administration),
        pourquoi="Les envois abandonnés sont l'affaire de l'exploitant ; ils ne contiennent ni nom ni cible.",
    ),
    Fait.webhook_en_echec: Regle(
        lecture=_r(R.administration),
        modification=_r(R.administration),
        pourquoi="Les livraisons abandonnées sont l'affaire de l'exploitant, qui les relance une fois le "
        "partenaire prévenu ; elles ne portent que des statuts codés, ni nom ni cible.",
    ),
    Fait.consentement_rappel: Regle(
        lecture=_r(R.porteur),
        modification=_r(R.porteur),
        pourquoi="Le numéro ou l'adresse où le ménage accepte ses rappels de rendez-vous : à l'association "
        "qui l'accompagne et fixe ces rendez-vous, personne d'autre.",
    ),
    Fait.convention: Regle(
        lecture=_r(R.signataire, R.commission, R.financeur, R.administration),
        modification=_r(R.administration),
        pourquoi="Objectifs, budget et parts des financeurs : l'association signataire, la commission et "
        "chaque cofinanceur du dispositif (le taux d'activité de leurs indicateurs en est fait) ; "
        "l'administration les saisit.",
    ),
}


def lecteurs(fait: Fait) -> frozenset[Relation]:
    return POLITIQUE[fait].lecture


def modificateurs(fait: Fait) -> frozenset[Relation]:
    return POLITIQUE[fait].modification


def lit(fait: Fait, relations: set[Relation] | frozenset[Relation]) -> bool:
    """Whether an organisation with these relations to a fact reads it."""
    return bool(lecteurs(fait) & relations)


def modifie(fait: Fait, relations: set[Relation] | frozenset[Relation]) -> bool:
    return bool(modificateurs(fait) & relations)


def tableau_markdown() -> str:
    """The policy as the table of docs/domaine.md (a test keeps them equal)."""
    lignes = [
        "| fait | lu par | modifié par | pourquoi |",
        "|---|---|---|---|",
    ]
    for fait, regle in POLITIQUE.items():
        lu = ", ".join(sorted(r.value for r in regle.lecture)) or "personne"
        modif = ", ".join(sorted(r.value for r in regle.modification)) or "personne"
        lignes.append(f"| `{fait.value}` | {lu} | {modif} | {regle.pourquoi} |")
    return "\n".join(lignes)
