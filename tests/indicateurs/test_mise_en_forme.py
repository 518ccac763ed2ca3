"""The shaping of grouped rows into figures (``moteur._nombre``, ``catalogue.marge``): pure
functions the whole document goes through, rewritten for speed; their results must not move."""

from decimal import Decimal

from api.indicateurs.catalogue import marge
from api.indicateurs.moteur import _nombre


def test_un_agregat_devient_un_entier_quand_il_en_est_un() -> None:
    # PostgreSQL gives NUMERIC (Decimal), SQLite int or float
    assert _nombre(None) is None
    assert _nombre(7) == 7 and type(_nombre(7)) is int
    assert _nombre(Decimal("12")) == 12 and type(_nombre(Decimal("12"))) is int
    assert _nombre(Decimal("12.000")) == 12 and type(_nombre(Decimal("12.000"))) is int
    assert _nombre(Decimal("2.50")) == 2.5 and type(_nombre(Decimal("2.50"))) is float
    assert _nombre(Decimal("-0.5")) == -0.5
    assert _nombre(4.0) == 4 and type(_nombre(4.0)) is int
    assert _nombre(2.25) == 2.25


def test_la_marge_somme_les_groupes_par_ses_cles() -> None:
    lignes = [
        {"cible": "a", "sexe": "f", "n": 2},
        {"cible": "a", "sexe": "h", "n": 3},
        {"cible": "b", "sexe": "f", "n": None},
        {"cible": "b", "sexe": "f", "n": 1.5},
    ]
    assert marge(lignes, ["cible"], "n") == {"a": 5, "b": 1.5}
    assert marge(lignes, ["cible", "sexe"], "n") == {("a", "f"): 2, ("a", "h"): 3, ("b", "f"): 1.5}
    assert type(marge(lignes, ["cible"], "n")["a"]) is int
    # a group counted 0 is a key all the same: its code is « seen »
    assert marge([{"cible": "c", "n": 0}], ["cible"], "n") == {"c": 0}
