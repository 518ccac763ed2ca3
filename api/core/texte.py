"""Text helpers: accent- and case-insensitive matching done the same way everywhere."""

from __future__ import annotations

import unicodedata


def normaliser(texte: str) -> str:
    """« Maëlle LE GOFF » → « maelle le goff »."""
    decomposed = unicodedata.normalize("NFKD", texte)
    sans_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(sans_accents.lower().split())


def motif_like(texte: str) -> str:
    """``%texte%`` for LIKE, with the user's own ``%``, ``_`` and ``\\`` taken literally."""
    echappe = texte.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{echappe}%"
