"""The README is a front page; what it used to hold is in docs/.

The README grew to 1,495 lines (a journal of benchmark runs among the rules). It now
stays a front page, and every section title it had at commit 13025a8 is a heading of
the page that took that section over (or still of the README, for the three the front
page keeps), so that a link or a memory of « the README's section X » finds its text.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests import RACINE

# Every ## and ### title of README.md at commit 13025a8 → where that section is now.
ANCIENS_TITRES = {
    "Deux commandes": "README.md",
    "Configuration": "README.md",
    "Rôles": "README.md",
    "Qui voit quoi : une politique par fait": "docs/domaine.md",
    "Conventions de l'API": "docs/api.md",
    "Ménages": "docs/domaine.md",
    "Mise en production": "docs/exploitation.md",
    "Organisation du code": "docs/architecture.md",
    "Bibliothèques choisies": "docs/architecture.md",
    "Dispositifs et conventions": "docs/domaine.md",
    "Orientations et commission": "docs/domaine.md",
    "Systèmes des bailleurs : idempotence, suivi, webhooks": "docs/api.md",
    "Mesures": "docs/domaine.md",
    "Rendez-vous, alertes, chronologie et agenda": "docs/domaine.md",
    "Indicateurs": "docs/indicateurs.md",
    "Points d'entrée": "docs/indicateurs.md",
    "Paramètres": "docs/indicateurs.md",
    "Définitions": "docs/indicateurs.md",
    "Qui voit quoi": "docs/indicateurs.md",
    "Sécurité et vie privée": "docs/securite.md",
    "Matrice d'accès (`tests/acces/test_access_matrix.py`)": "docs/securite.md",
    "Fuzzing (`tests/core/test_fuzz.py`)": "docs/securite.md",
    "Journal des accès": "docs/securite.md",
    "Rétention (CNIL)": "docs/securite.md",
    "Droit d'accès du ménage : `GET /api/v1/menages/{id}/export`": "docs/securite.md",
    "Connexion et limites de débit": "docs/securite.md",
    "Limites et en-têtes": "docs/securite.md",
    "Application web (frontend)": "docs/frontend.md",
    # « Données de démonstration et performances » held nothing but its two subsections:
    "Démonstration": "docs/demonstration.md",
    "Bancs d'essai": "docs/performance.md",
}


def _titres(chemin: Path) -> set[str]:
    return {m.group(1).strip() for m in re.finditer(r"^#{1,6} (.+)$", chemin.read_text(), re.M)}


def test_le_readme_est_une_page_d_accueil() -> None:
    lignes = (RACINE / "README.md").read_text().splitlines()
    assert len(lignes) < 300
    assert "Relevés" not in "\n".join(lignes)  # measurements live in docs/performance.md


def test_chaque_ancienne_section_a_une_page() -> None:
    manquants = [
        f"« {titre} » n'est pas un titre de {page}"
        for titre, page in ANCIENS_TITRES.items()
        if titre not in _titres(RACINE / page)
    ]
    assert manquants == []


def test_les_liens_vers_les_pages_de_doc_aboutissent() -> None:
    """Relative links of README.md, CONTRIBUTING.md and docs/*.md name files that exist."""
    pages = [RACINE / "README.md", RACINE / "CONTRIBUTING.md", *sorted((RACINE / "docs").glob("*.md"))]
    cassés = []
    for page in pages:
        for cible in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text()):
            if not (page.parent / cible).resolve().exists():
                cassés.append(f"{page.relative_to(RACINE)} → {cible}")
    assert cassés == []
