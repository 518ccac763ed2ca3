"""What a reminder says: the date, the time, the place and a number to call. Nothing else.

Not the cible, not the purpose, not the référent's name; the association's name only
when the mesure's cible is not sensitive (a text from « Association X — santé mentale »
read on a shared phone says what the household did not choose to tell). Why, in
docs/rappels.md.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from api.rappels.models import MotifRappel

PARIS = ZoneInfo("Europe/Paris")

# A place the worker did not write: said from the kind of meeting, never more.
LIEU_PAR_TYPE = {
    "visite_domicile": "à votre domicile",
    "telephone": "par téléphone",
    "visio": "en visioconférence",
}
LIEU_INCONNU = "lieu à confirmer"

_CHIFFRES = re.compile(r"[\s.\-()]")


def normaliser_telephone(valeur: str) -> str | None:
    """A phone number as E.164 (``+33612345678``), or None when it is not one: a French
    number of ten digits (``06 12 34 56 78``), or ``+`` and 8 to 15 digits."""
    brut = _CHIFFRES.sub("", valeur.strip())
    if brut.startswith("00"):
        brut = "+" + brut[2:]
    if re.fullmatch(r"0[1-9]\d{8}", brut):
        return "+33" + brut[1:]
    if re.fullmatch(r"\+[1-9]\d{7,14}", brut):
        return brut
    return None


def afficher_telephone(e164: str) -> str:
    """``+33299123456`` → ``02 99 12 34 56``; a foreign number as it is."""
    if e164.startswith("+33") and len(e164) == 12:
        n = "0" + e164[3:]
        return " ".join(n[i : i + 2] for i in range(0, 10, 2))
    return e164


def lieu(lieu_saisi: str | None, type_rdv: str) -> str:
    if lieu_saisi and lieu_saisi.strip():
        return f"lieu : {' '.join(lieu_saisi.split())}"
    return LIEU_PAR_TYPE.get(type_rdv, LIEU_INCONNU)


def texte(
    *,
    motif: MotifRappel,
    debut: datetime,
    lieu_saisi: str | None,
    type_rdv: str,
    telephone_a_appeler: str,
    association: str | None,
) -> tuple[str, str]:
    """(subject, text) of a reminder. ``association`` is None when the cible is sensitive."""
    local = debut.astimezone(PARIS)
    quand = f"le {local:%d/%m/%Y} à {local:%H}h{local:%M}"
    tel = afficher_telephone(telephone_a_appeler)
    signe = f"{association} : " if association else ""
    if motif == MotifRappel.annulation:
        corps = f"{signe}Votre rendez-vous du {local:%d/%m/%Y} à {local:%H}h{local:%M} est annulé. " \
            f"Pour en fixer un autre, appelez le {tel}."
        return "Rendez-vous annulé", corps
    debut_phrase = {
        MotifRappel.veille: "Rappel : rendez-vous",
        MotifRappel.creation: "Rendez-vous fixé",
        MotifRappel.modification: "Rendez-vous modifié : nouveau rendez-vous",
    }[motif]
    sujet = {
        MotifRappel.veille: "Rappel de rendez-vous",
        MotifRappel.creation: "Rendez-vous fixé",
        MotifRappel.modification: "Rendez-vous modifié",
    }[motif]
    corps = f"{signe}{debut_phrase} {quand}, {lieu(lieu_saisi, type_rdv)}. Un empêchement ? Appelez le {tel}."
    return sujet, corps


PIED_COURRIEL = (
    "\n\n-- \nVous recevez ce message parce que vous avez accepté les rappels de vos rendez-vous. "
    "Pour ne plus les recevoir, dites-le à la personne qui vous accompagne ou appelez le {tel}.\n"
)
