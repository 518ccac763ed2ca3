"""The import template's « Situation socio-professionnelle » column: code or French label,
on the demandeur's line; copied on the mesure at entry like the rest of the situation."""

from __future__ import annotations

from sqlmodel import select

from api.imports.models import ImportObjet
from api.menages.models import Menage
from api.mesures.models import Mesure
from tests.factories import Monde
from tests.imports.test_imports import _fichier, _menages, _poster, contexte  # noqa: F401


def test_situation_professionnelle_par_libelle_ou_code(client, monde: Monde, db, contexte) -> None:  # noqa: F811
    disp, referent = contexte
    menages = _menages()
    # the demandeurs' lines: a label in another case and without accents, then a code
    menages[0]["situation_professionnelle"] = "au foyer, INVALIDE, handicape ou retraite"
    menages[2]["situation_professionnelle"] = "etudiant_stagiaire_apprenti"
    r = _poster(client, monde, _fichier(disp.code, referent.email, **{"Ménages et personnes": menages}), essai=False)
    assert r.status_code == 201, r.text
    par_ref = {o.reference_externe: o.objet_id for o in db.exec(select(ImportObjet))}
    m1, m2 = db.get(Menage, par_ref["DOS-1"]), db.get(Menage, par_ref["DOS-2"])
    assert m1 is not None and m2 is not None
    assert (m1.situation_professionnelle, m2.situation_professionnelle) == (
        "au_foyer_invalide_retraite",
        "etudiant_stagiaire_apprenti",
    )
    mes1 = db.get(Mesure, par_ref["MES-1"])
    assert mes1 is not None and mes1.entree_situation_professionnelle == m1.situation_professionnelle

    # a value outside the list is refused on its line, naming the column and the allowed labels
    menages[0]["situation_professionnelle"] = "chômeur"
    r = _poster(client, monde, _fichier(disp.code, referent.email, **{"Ménages et personnes": menages}), essai=True)
    erreurs = r.json()["erreurs"]
    (e,) = erreurs
    assert (e["ligne"], e["colonne"], e["valeur"]) == (2, "situation_professionnelle", "chômeur")
    assert "En emploi" in str(e), e
