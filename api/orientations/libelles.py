"""The orientation codes in the users' words (printed in the procès-verbal).

The frontend has its own copy for its screens (``frontend/src/lib/libelles.ts``); these are
the words of a document that is signed: full phrases (« Refus de la commission »).
"""

from __future__ import annotations

from api.orientations.models import MotifRefus, OrigineOrientation
from api.orientations.models import StatutOrientation as S

DECISIONS: dict[str, str] = {
    S.acceptee: "Acceptation",
    S.refusee: "Refus de la commission",
    S.ajournee: "Ajournement",
    S.attente_infos: "Attente d'informations",
    S.liste_attente: "Liste d'attente",
    S.refus_beneficiaire: "Refus du bénéficiaire",
    S.annulee: "Annulation de l'orientation",
}

MOTIFS_REFUS: dict[str, str] = {
    MotifRefus.droit_commun: "Orientation vers le droit commun",
    MotifRefus.hors_cible: "Hors cible",
    MotifRefus.territoire_non_couvert: "Territoire non couvert par un financement",
    MotifRefus.financement_non_disponible: "Financement non disponible",
    MotifRefus.parc_prive: "Logement du parc privé",
    MotifRefus.autre: "Autre motif",
}

ORIGINES: dict[str, str] = {
    OrigineOrientation.bailleur: "Bailleur",
    OrigineOrientation.ccas: "CCAS",
    OrigineOrientation.cdas_travailleur_social: "CDAS (travailleur social)",
    OrigineOrientation.famille: "Famille",
    OrigineOrientation.association: "Association",
    OrigineOrientation.ccapex: "CCAPEX",
    OrigineOrientation.siao: "SIAO",
    OrigineOrientation.autre: "Autre",
}

ACCES_MAINTIEN: dict[str, str] = {"acces": "Accès au logement", "maintien": "Maintien dans le logement"}
