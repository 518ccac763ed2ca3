"""The life of a referral (docs/domaine.md, « Vie d'un dossier »), as data."""

from __future__ import annotations

from api.orientations.models import StatutOrientation as S

TRANSITIONS: dict[S, frozenset[S]] = {
    S.brouillon: frozenset({S.soumise}),
    S.soumise: frozenset({S.en_commission}),
    S.en_commission: frozenset(
        {
            S.acceptee,
            S.ajournee,
            S.attente_infos,
            S.liste_attente,
            S.refusee,
            S.refus_beneficiaire,
            S.annulee,
        }
    ),
    S.ajournee: frozenset({S.en_commission}),
    S.attente_infos: frozenset({S.en_commission}),
    S.liste_attente: frozenset({S.acceptee}),
    S.acceptee: frozenset(),
    S.refusee: frozenset(),
    S.refus_beneficiaire: frozenset(),
    S.annulee: frozenset(),
}

# Who takes each step: the prescriber submits; the commission does the rest;
# either may record that the household declined or that the referral is withdrawn.
PAR_PRESCRIPTEUR = frozenset({S.soumise, S.refus_beneficiaire, S.annulee})
PAR_COMMISSION = frozenset(
    {
        S.en_commission,
        S.acceptee,
        S.ajournee,
        S.attente_infos,
        S.liste_attente,
        S.refusee,
        S.refus_beneficiaire,
        S.annulee,
    }
)
# The outcomes a commission records (they make the minutes of a session).
DECISIONS = frozenset(
    {
        S.acceptee,
        S.ajournee,
        S.attente_infos,
        S.liste_attente,
        S.refusee,
        S.refus_beneficiaire,
        S.annulee,
    }
)
# Statuses from which the commission puts a referral (back) on its agenda.
INSCRIPTIBLES = frozenset({S.soumise, S.ajournee, S.attente_infos})
# The prescriber may still edit its referral in these.
MODIFIABLES = frozenset({S.brouillon, S.soumise, S.attente_infos})


def permises(statut: S) -> list[S]:
    return sorted(TRANSITIONS[statut])
