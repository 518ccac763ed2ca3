"""The life of a mesure through its screens: the referral and the commission's acceptance
go through the API (their screens are another journey), then an agent of the association
becomes référent, starts the mesure with the household's adhésion, sets its domaines,
suspends and resumes it, prolongs it past the maximum duration with a derogation, hands
it to a colleague and takes it back, ends it with a motif and a situation de sortie, and
finds it all in the history, on the tableau de bord and in the household file.

Its own association and agents, so that other journeys' counts stay as they expect.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Serveur
from tests.e2e.donnees import accepter, association, client_api, orienter
from tests.e2e.test_parcours import se_connecter, se_deconnecter

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
LEA = ("lea.bernard@horizon35.fr", "lea-e2e-mot-de-passe-solide")
PAUL = ("paul.durand@horizon35.fr", "paul-e2e-mot-de-passe-solide")


def _fr(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _plus_mois(d: date, mois: int) -> date:
    annee, index = divmod(d.month - 1 + mois, 12)
    annee += d.year
    for jour in (d.day, 30, 29, 28):
        try:
            return date(annee, index + 1, jour)
        except ValueError:
            continue
    raise AssertionError("date impossible")


def _mesure_acceptee(serveur: Serveur, aujourdhui: date) -> dict[str, Any]:
    """A second association with two agents and a convention; a referral it sends is
    accepted by the commission for it: the mesure exists, mandatée, with no référent."""
    asso = association(
        serveur, "Association Horizon 35", [(*LEA, "Léa", "Bernard"), (*PAUL, "Paul", "Durand")], objectif_menages=20
    )
    with client_api(serveur, *LEA) as lea, client_api(serveur, serveur.gie_email, serveur.gie_password) as gie:
        orientation = orienter(
            lea,
            serveur,
            {"nom": "Tanguy", "prenom": "Gwenaëlle", "date_naissance": "1985-04-02", "sexe": "femme"},
            composition="femme_seule_avec_enfants",
            motifs="Dette de loyer, procédure engagée.",
        )
        accepter(gie, serveur, aujourdhui, asso["id"], [(orientation, "reassurance_locataire", "capacite_habiter")])
        mesures = lea.get("/api/v1/mesures").raise_for_status().json()
        assert mesures["total"] == 1, mesures
        mesure: dict[str, Any] = mesures["items"][0]
        assert mesure["statut"] == "mandatee" and mesure["referent_id"] is None
        return mesure


def test_agent_mene_une_mesure_de_bout_en_bout(page: Any, serveur: Serveur, capture: Any) -> None:
    aujourdhui = datetime.now(PARIS).date()
    mesure = _mesure_acceptee(serveur, aujourdhui)
    ref, ref_menage = mesure["reference"], mesure["menage_reference"]

    se_connecter(page, *LEA)
    expect(page.get_by_role("region", name="Mes mesures")).to_contain_text("Aucune mesure ne vous est confiée.")

    # --- The list: filters, search, link to the household ---------------------------
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mesures").click()
    expect(page.get_by_role("heading", level=1, name="Mesures")).to_be_visible()
    expect(page.get_by_text("1 mesure", exact=True)).to_be_visible()
    ligne = page.get_by_role("row", name=re.compile(ref))
    expect(ligne).to_contain_text("Mandatée")
    expect(ligne).to_contain_text("Réassurance du locataire")
    expect(ligne).to_contain_text(_fr(aujourdhui))
    # The household by its demandeur's name (issue 14), its reference under it.
    expect(ligne.locator(f"a[href='/menages/{mesure['menage_id']}']")).to_be_visible()
    expect(ligne).to_contain_text(ref_menage)
    capture(page, "3a-mesures-liste")
    page.get_by_label("Statut").select_option("active")
    expect(page.get_by_text("Aucune mesure ne correspond à ces critères.")).to_be_visible()
    page.get_by_label("Statut").select_option("")
    # The filters live in the address bar: the box is ticked once the list has followed.
    page.get_by_label("Seulement mes mesures").click(force=True)
    expect(page.get_by_label("Seulement mes mesures")).to_be_checked()
    expect(page).to_have_url(re.compile(r"mes=1"))
    expect(page.get_by_text("Aucune mesure ne correspond à ces critères.")).to_be_visible()
    page.get_by_label("Seulement mes mesures").click(force=True)
    expect(page.get_by_label("Seulement mes mesures")).not_to_be_checked()
    page.get_by_label("Rechercher par nom ou référence").fill(ref_menage[-6:])
    page.get_by_role("main").get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("1 mesure correspondant aux critères")).to_be_visible()
    page.get_by_label("Rechercher par nom ou référence").fill("S-1999")
    page.get_by_role("main").get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Aucune mesure ne correspond à ces critères.")).to_be_visible()
    page.get_by_label("Rechercher par nom ou référence").fill(ref)
    page.get_by_role("main").get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=ref, exact=True).click()

    # --- The mesure, mandatée: no référent yet ----------------------------------------
    expect(page.get_by_role("heading", level=1, name=f"Mesure {ref}")).to_be_visible()
    resume = page.get_by_role("region", name="Résumé de la mesure")
    expect(resume).to_contain_text("Aucun référent désigné")
    expect(resume).to_contain_text("Association Horizon 35")
    expect(resume).to_contain_text("300 logements accompagnés")
    expect(resume.get_by_role("link", name=ref_menage)).to_be_visible()
    expect(page.get_by_role("link", name="Planifier un rendez-vous")).to_have_attribute(
        "href", f"/rendez-vous/nouveau?mesure={mesure['id']}"
    )
    actions = page.get_by_role("region", name="Actions")
    expect(actions.get_by_role("button", name="Démarrer l'accompagnement")).to_be_visible()
    expect(actions.get_by_role("button", name="Suspendre")).to_have_count(0)
    expect(actions.get_by_role("button", name="Prolonger")).to_have_count(0)
    capture(page, "3b-mesure-mandatee")

    page.get_by_role("button", name="Je deviens référent").click()
    expect(page.get_by_text(f"Vous êtes désormais référent(e) de la mesure {ref}.")).to_be_visible()
    expect(resume).to_contain_text("Vous (Léa Bernard)")
    expect(page.get_by_role("button", name="Je deviens référent")).to_have_count(0)

    # --- Démarrer: straight to active needs the adhésion (the dispositif requires it) --
    actions.get_by_role("button", name="Démarrer l'accompagnement").click()
    formulaire = page.get_by_role("form", name="Démarrer l'accompagnement")
    expect(formulaire.get_by_label("Date de début")).to_have_value(aujourdhui.isoformat())
    formulaire.get_by_label("Mesure directement active").check(force=True)
    formulaire.get_by_role("button", name="Enregistrer le démarrage").click()
    expect(formulaire.get_by_text("Adhésion du ménage requise : voyez le champ signalé ci-dessous.")).to_be_visible()
    expect(formulaire.get_by_text(re.compile("demande l'adhésion du ménage"))).to_be_visible()
    capture(page, "3c-demarrage-adhesion-requise")
    formulaire.get_by_label("Date d'adhésion du ménage").fill(aujourdhui.isoformat())
    formulaire.get_by_label("Modalité de recueil de l'adhésion").fill("Visite à domicile")
    formulaire.get_by_role("button", name="Enregistrer le démarrage").click()
    expect(page.get_by_text(f"Accompagnement démarré : la mesure {ref} est active.")).to_be_visible()
    limite = _plus_mois(aujourdhui, 36)
    expect(resume).to_contain_text(f"Le {_fr(aujourdhui)} (Visite à domicile)")
    expect(resume).to_contain_text(_fr(limite))
    expect(resume).to_contain_text(re.compile(r"35 mois et \d+ jours?|36 mois"))
    expect(actions.get_by_role("button", name="Suspendre")).to_be_visible()
    expect(actions.get_by_role("button", name="Démarrer l'accompagnement")).to_have_count(0)

    # --- Domaines et logement, under If-Match: a stale version is said and reloaded ----
    page.get_by_role("button", name="Modifier les domaines et le logement").click()
    page.get_by_label("Budget et dettes").check(force=True)
    with client_api(serveur, *PAUL) as paul:
        lu = paul.get(f"/api/v1/mesures/{mesure['id']}").raise_for_status()
        paul.patch(
            f"/api/v1/mesures/{mesure['id']}", json={"domaines": ["sante"]}, headers={"If-Match": lu.headers["ETag"]}
        ).raise_for_status()
    page.get_by_role("button", name="Enregistrer les domaines et le logement").click()
    expect(page.get_by_text("La mesure a changé entre-temps")).to_be_visible()
    expect(page.get_by_text(re.compile("modifiée par quelqu'un d'autre"))).to_be_visible()
    domaines = page.get_by_role("region", name="Domaines d'intervention et logement")
    expect(domaines.get_by_role("list", name="Domaines d'intervention")).to_contain_text("Santé")
    capture(page, "3d-version-perimee")
    page.get_by_role("button", name="Modifier les domaines et le logement").click()
    page.get_by_label("Santé", exact=True).uncheck(force=True)
    page.get_by_label("Budget et dettes").check(force=True)
    page.get_by_label("Maintien dans le logement").check(force=True)
    page.get_by_label("Modalité de logement").select_option("bail_direct")
    capture(page, "3e-domaines-formulaire")
    page.get_by_role("button", name="Enregistrer les domaines et le logement").click()
    expect(page.get_by_text(f"Domaines et logement de la mesure {ref} enregistrés.")).to_be_visible()
    liste_domaines = domaines.get_by_role("list", name="Domaines d'intervention")
    expect(liste_domaines).to_contain_text("Maintien dans le logement")
    expect(liste_domaines).to_contain_text("Budget et dettes")
    expect(liste_domaines).not_to_contain_text("Santé")
    expect(domaines).to_contain_text("Bail direct")

    # --- Suspendre, reprendre ----------------------------------------------------------
    actions.get_by_role("button", name="Suspendre").click()
    formulaire = page.get_by_role("form", name="Suspendre la mesure")
    formulaire.get_by_label("Motif de la suspension").fill("Hospitalisation")
    formulaire.get_by_role("button", name="Enregistrer la suspension").click()
    expect(page.get_by_text(f"Mesure {ref} suspendue.")).to_be_visible()
    expect(actions.get_by_role("button", name="Reprendre")).to_be_visible()
    expect(actions.get_by_role("button", name="Suspendre")).to_have_count(0)
    capture(page, "3f-mesure-suspendue")
    actions.get_by_role("button", name="Reprendre").click()
    page.get_by_role("form", name="Reprendre la mesure").get_by_role("button", name="Enregistrer la reprise").click()
    expect(page.get_by_text(f"Mesure {ref} reprise : elle est de nouveau active.")).to_be_visible()

    # --- Prolonger past the maximum duration: the derogation's reason is required -------
    nouvelle_fin = _plus_mois(aujourdhui, 38)
    actions.get_by_role("button", name="Prolonger").click()
    formulaire = page.get_by_role("form", name="Prolonger la mesure")
    formulaire.get_by_label("Nouvelle date de fin prévue").fill(nouvelle_fin.isoformat())
    formulaire.get_by_role("button", name="Enregistrer la prolongation").click()
    expect(formulaire.get_by_text(re.compile("donnez derogation_motif"))).to_be_visible()
    formulaire.get_by_label("Motif de la dérogation").fill("Relogement imminent, bail en cours de signature")
    formulaire.get_by_role("button", name="Enregistrer la prolongation").click()
    expect(page.get_by_text(f"Mesure {ref} prolongée jusqu'au {_fr(nouvelle_fin)}.")).to_be_visible()
    expect(resume).to_contain_text("Relogement imminent")

    # --- Hand it to a colleague, then take it back ----------------------------------------
    actions.get_by_role("button", name="Changer de référent").click()
    formulaire = page.get_by_role("form", name="Changer de référent")
    formulaire.get_by_label("Nouveau référent").select_option(label="Paul Durand")
    formulaire.get_by_role("button", name="Enregistrer le changement de référent").click()
    expect(page.get_by_text(f"Référent de la mesure {ref} changé.")).to_be_visible()
    expect(resume).to_contain_text("Paul Durand")
    page.get_by_role("button", name="Je deviens référent").click()
    expect(resume).to_contain_text("Vous (Léa Bernard)")

    # --- Terminer: motif and situation de sortie are required ------------------------------
    actions.get_by_role("button", name="Terminer la mesure").click()
    formulaire = page.get_by_role("form", name="Terminer la mesure")
    formulaire.get_by_role("button", name="Enregistrer la fin de la mesure").click()
    expect(formulaire.get_by_text(re.compile("est obligatoire"))).to_have_count(2)
    capture(page, "3g-fin-champs-obligatoires")
    formulaire.get_by_label("Motif de fin").select_option("relogement")
    formulaire.get_by_label("Situation de logement à la sortie").select_option("locataire_parc_public")
    formulaire.get_by_label("Commentaire (facultatif)").fill("Bail signé chez Néotoa.")
    formulaire.get_by_role("button", name="Enregistrer la fin de la mesure").click()
    suivi = _plus_mois(aujourdhui, 6)
    expect(page.get_by_text(f"Mesure {ref} terminée ; suivi à 6 mois prévu le {_fr(suivi)}.")).to_be_visible()
    expect(resume).to_contain_text("Relogement")
    expect(resume).to_contain_text("Locataire du parc public")
    expect(resume).to_contain_text("Mesure terminée")
    expect(actions.get_by_role("button", name="Renseigner le suivi à 6 mois")).to_be_visible()
    expect(actions.get_by_role("button", name="Terminer la mesure")).to_have_count(0)
    expect(page.get_by_role("link", name="Planifier un rendez-vous")).to_have_count(0)

    # --- The history tells it all, newest first --------------------------------------------
    historique = page.get_by_role("table", name="Historique de la mesure")
    expect(historique.get_by_role("row")).to_have_count(12)  # header + 11 events
    expect(historique.get_by_role("row", name=re.compile("Mandatement"))).to_contain_text("Mandatée")
    expect(historique.get_by_role("row", name=re.compile("Démarrage"))).to_contain_text("Mandatée → Active")
    expect(historique.get_by_role("row", name=re.compile("Suspension"))).to_contain_text("Hospitalisation")
    expect(historique.get_by_role("row", name=re.compile("Reprise"))).to_contain_text("Suspendue → Active")
    expect(historique.get_by_role("row", name=re.compile("Prolongation"))).to_contain_text(
        f"{_fr(limite)} → {_fr(nouvelle_fin)}"
    )
    expect(historique.get_by_role("row", name=re.compile("Changement de référent"))).to_have_count(3)
    expect(historique.get_by_role("row", name=re.compile("Modification"))).to_have_count(2)
    fin = historique.get_by_role("row", name=re.compile("Fin de la mesure"))
    expect(fin).to_contain_text("Active → Terminée")
    expect(fin).to_contain_text("situation de sortie : Locataire du parc public")
    expect(fin).to_contain_text("Bail signé chez Néotoa.")
    expect(fin).to_contain_text("Léa Bernard")
    expect(historique.get_by_role("row").nth(1)).to_contain_text("Fin de la mesure")
    capture(page, "3h-mesure-terminee-historique")

    # --- The suivi à 6 mois (recorded early here: the API only refuses a future date) --------
    actions.get_by_role("button", name="Renseigner le suivi à 6 mois").click()
    formulaire = page.get_by_role("form", name="Suivi à 6 mois")
    formulaire.get_by_label("Oui", exact=True).check(force=True)
    formulaire.get_by_label("Situation de logement à 6 mois").select_option("locataire_parc_public")
    formulaire.get_by_role("button", name="Enregistrer le suivi").click()
    expect(page.get_by_text(f"Suivi à 6 mois de la mesure {ref} enregistré.")).to_be_visible()
    expect(resume).to_contain_text(f"Réalisé le {_fr(aujourdhui)} : ménage joint, Locataire du parc public")
    expect(historique.get_by_role("row").nth(1)).to_contain_text("Suivi à 6 mois")

    # --- The household file and the dashboard link to it ------------------------------------
    resume.get_by_role("link", name=ref_menage).click()
    section = page.get_by_role("region", name="Mesures")
    expect(section.get_by_role("row", name=re.compile(ref))).to_contain_text("Terminée")
    capture(page, "3i-dossier-menage-mesures")
    page.get_by_role("link", name="Tableau de bord").first.click()
    mes_mesures = page.get_by_role("region", name="Mes mesures")
    expect(mes_mesures).to_contain_text("1 mesure")
    expect(mes_mesures.get_by_role("row", name=re.compile(ref))).to_contain_text("Terminée")
    capture(page, "3j-tableau-de-bord-mes-mesures")
    mes_mesures.get_by_role("link", name=ref).click()
    expect(page.get_by_role("heading", level=1, name=f"Mesure {ref}")).to_be_visible()

    # --- The commission reads the mesure, acts on nothing ----------------------------------
    se_deconnecter(page)
    se_connecter(page, serveur.gie_email, serveur.gie_password)
    page.goto(f"/mesures/{mesure['id']}")
    expect(page.get_by_role("heading", level=1, name=f"Mesure {ref}")).to_be_visible()
    expect(page.get_by_role("region", name="Résumé de la mesure")).to_contain_text("Désigné par l'association")
    expect(page.get_by_role("region", name="Actions")).to_have_count(0)
    expect(page.get_by_role("button", name="Je deviens référent")).to_have_count(0)
    expect(page.get_by_role("button", name="Modifier les domaines et le logement")).to_have_count(0)
    expect(page.get_by_role("table", name="Historique de la mesure")).to_be_visible()
    capture(page, "3k-mesure-vue-commission")
