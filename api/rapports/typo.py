"""French typography of figures: 1 234 (narrow no-break space), 12,5 %, 31/12/2023."""

from __future__ import annotations

from datetime import date

FINE = "\u202f"  # espace fine insécable: thousands, and before « % »


def nombre(v: float | None, decimales: int = 1) -> str:
    """« 1 234 », « 12,5 »; an integer value shows no decimals; None shows « — »."""
    if v is None:
        return "—"
    texte = f"{int(v):,}" if float(v).is_integer() else f"{v:,.{decimales}f}"
    return texte.replace(",", FINE).replace(".", ",")


def pourcent(v: float | None) -> str:
    return "—" if v is None else f"{nombre(round(v, 1))}{FINE}%"


def variation(avant: float | None, apres: float | None) -> str:
    """« +12,5 % », « −3 % », « = » or « — » when it cannot be computed (N-1 zero, masked)."""
    if avant is None or apres is None:
        return "—"
    if avant == apres:
        return "="
    if avant == 0:
        return "—"
    v = round((apres - avant) / abs(avant) * 100, 1)
    signe = "+" if v > 0 else "−"
    return f"{signe}{nombre(abs(v))}{FINE}%"


def jour(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def moins_un_an(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29/02 → 28/02
        return d.replace(year=d.year - 1, day=28)
