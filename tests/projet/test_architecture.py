"""The floors of ``api/``: who may import whom.

A test that reads the imports of every module of ``api/`` (those inside functions and
under ``TYPE_CHECKING`` too: a lazy import is still a dependency) and fails on

* an import cycle between modules;
* an import from a domain to a domain on the same or a higher floor of ``ETAGES``.

``core`` (plumbing) imports no domain; a domain imports only the floors below it. When
a lower domain needs something only a higher one knows (a referral's prescriber widens
who reads a mesure), the lower one declares an extension point that the higher one
fills when it is imported (``api/mesures/access.py``, ``api/menages/access.py``): the
dependency then points down, and the point is named in code instead of hidden in an
import. A new package of ``api/`` must be given its floor here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import RACINE

API = RACINE / "api"

# From the ground up. A package may import the packages of the floors below its own,
# never one of its floor or above.
ETAGES: list[set[str]] = [
    {"core"},  # configuration, database, errors, security: no business word
    {"acces"},  # the access policy: facts × relations, no table
    {"annuaire"},  # the tables of organisations, users and machine clients
    {"auth"},  # who is calling: sessions, tokens, the principal
    {"organisations"},  # administration of the directory (routes, rules)
    {"audit", "communes", "dispositifs"},  # the access log; the communes référentiel; the dispositifs and their commissions
    {"notifications"},  # what professionals are told (written by the domains above)
    {"menages"},  # the household file
    {"mesures"},  # the accompaniments and their life
    {"orientations"},  # referrals, commissions, decisions (they mandate mesures)
    {"rappels"},  # rendez-vous reminders to households, on their consent
    {"rendez_vous"},  # appointments of a mesure
    {"alertes", "calendrier", "indicateurs"},  # views over the domains below
    {"chronologie"},  # a household's timeline: reads the alerts set aside too
    {"rapports", "equipe"},  # reports around the indicators; the team's caseload (over alertes)
    {"documents", "imports"},  # papers of a file; a caseload brought from a spreadsheet
    {"capacites"},  # what a principal may do: asks every domain's checks (declared into auth)
    {"tables"},  # every table, for migrations and retention
    {"health", "vie_privee"},  # health checks; retention and the household's export
    {"demo"},  # demo data
    {"bench"},  # benchmarks
    {"main"},  # create_app: the assembly
    {"asgi", "openapi_doc"},
    {"__main__"},  # the command line
]
ETAGE = {paquet: n for n, paquets in enumerate(ETAGES) for paquet in paquets}


def _module(chemin: Path) -> str:
    parties = list(chemin.relative_to(API.parent).with_suffix("").parts)
    if parties[-1] == "__init__":
        parties.pop()
    return ".".join(parties)


def _paquet(module: str) -> str:
    """``api.mesures.service`` → ``mesures``; ``api.main`` → ``main``."""
    return module.split(".")[1] if module.count(".") >= 1 else ""


def _imports(chemin: Path, modules: set[str]) -> Iterator[tuple[str, int]]:
    """The api modules this file imports, with the line."""
    module = _module(chemin)
    paquet_courant = module if chemin.name == "__init__.py" else module.rpartition(".")[0]
    for noeud in ast.walk(ast.parse(chemin.read_text(), str(chemin))):
        if isinstance(noeud, ast.Import):
            cibles = [alias.name for alias in noeud.names]
        elif isinstance(noeud, ast.ImportFrom):
            if noeud.level:
                base = paquet_courant.rsplit(".", noeud.level - 1)[0] if noeud.level > 1 else paquet_courant
                origine = f"{base}.{noeud.module}" if noeud.module else base
            else:
                origine = noeud.module or ""
            # `from api.mesures import service` imports the module api.mesures.service.
            cibles = [f"{origine}.{a.name}" if f"{origine}.{a.name}" in modules else origine for a in noeud.names]
        else:
            continue
        for cible in cibles:
            if cible == "api" or cible.startswith("api."):
                # `import api.x.y` names a module; keep the longest prefix that is one.
                while cible not in modules and "." in cible:
                    cible = cible.rpartition(".")[0]
                if cible in modules and cible != module:
                    yield cible, noeud.lineno


def _graphe() -> dict[str, dict[str, int]]:
    fichiers = sorted(API.rglob("*.py"))
    modules = {_module(f) for f in fichiers}
    graphe: dict[str, dict[str, int]] = {}
    for f in fichiers:
        graphe[_module(f)] = {cible: ligne for cible, ligne in _imports(f, modules)}
    return graphe


def _cycles(graphe: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    bas: dict[str, int] = {}
    pile: list[str] = []
    sur_pile: set[str] = set()
    composantes: list[list[str]] = []

    def visiter(v: str) -> None:
        index[v] = bas[v] = len(index)
        pile.append(v)
        sur_pile.add(v)
        for w in graphe.get(v, {}):
            if w not in index:
                visiter(w)
                bas[v] = min(bas[v], bas[w])
            elif w in sur_pile:
                bas[v] = min(bas[v], index[w])
        if bas[v] == index[v]:
            composante = []
            while True:
                w = pile.pop()
                sur_pile.discard(w)
                composante.append(w)
                if w == v:
                    break
            if len(composante) > 1:
                composantes.append(sorted(composante))

    for v in sorted(graphe):
        if v not in index:
            visiter(v)
    return composantes


def test_chaque_paquet_a_son_etage() -> None:
    paquets = {_paquet(m) for m in _graphe()} - {""}
    assert paquets - set(ETAGE) == set(), "donnez un étage à ce paquet dans ETAGES"
    assert set(ETAGE) - paquets == set(), "ETAGES nomme un paquet qui n'existe plus"


def test_aucun_cycle_d_imports() -> None:
    assert _cycles(_graphe()) == []


def test_aucun_import_vers_un_etage_egal_ou_superieur() -> None:
    fautes = []
    for module, cibles in _graphe().items():
        source = _paquet(module)
        for cible, ligne in cibles.items():
            dest = _paquet(cible)
            if source and dest and source != dest and ETAGE[dest] >= ETAGE[source]:
                fautes.append(f"{module}:{ligne} importe {cible} ({source} étage {ETAGE[source]} → {dest} étage {ETAGE[dest]})")
    assert fautes == [], "\n".join(fautes)


def test_le_parcours_voit_les_fautes() -> None:
    """The walk itself: a cycle and an import upwards are found (on a made-up graph and on
    a line of real code), so the two tests above cannot pass by seeing nothing."""
    assert _cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]
    graphe = _graphe()
    # Real imports are read, lazy ones included (api/main.py imports every router).
    assert "api.mesures.router" in graphe["api.main"]
    assert "api.core.errors" in graphe["api.mesures.service"]
    assert ETAGE["core"] < ETAGE["mesures"] < ETAGE["orientations"]


def test_les_points_d_extension_sont_remplis_et_refusent_d_etre_vides(monkeypatch) -> None:
    """The extension points are filled once the app is imported, and an empty one fails
    loudly rather than hiding mesures from their prescriber or transmissions from the
    commission."""
    import uuid

    import api.main  # noqa: F401  (imports every domain, as a server does)
    from api.auth.principal import Principal
    from api.menages import access as menages_access
    from api.mesures import access as mesures_access
    from api.organisations.models import TypeOrganisation

    assert "orientations" in mesures_access._PRESCRIPTION
    assert "commission" in menages_access._LECTEURS_DE_TRANSMISSION
    bailleur = Principal("utilisateur", uuid.uuid4(), uuid.uuid4(), TypeOrganisation.bailleur, "agent", uuid.uuid4())
    gie = Principal("utilisateur", uuid.uuid4(), uuid.uuid4(), TypeOrganisation.gie, "agent", uuid.uuid4())
    monkeypatch.setattr(mesures_access, "_PRESCRIPTION", {})
    monkeypatch.setattr(menages_access, "_LECTEURS_DE_TRANSMISSION", {})
    with pytest.raises(RuntimeError, match=r"api\.orientations\.access"):
        mesures_access.condition_prescripteur(bailleur)
    with pytest.raises(RuntimeError, match=r"api\.orientations\.access"):
        menages_access.condition_transmission_visible(gie)


# --- Rooms of a readable size (issue 19) ----------------------------------------------

LIGNES_MAX = 80
RAISON = "# Plus de 80 lignes :"


def _longues_sans_raison(racine: Path) -> list[str]:
    """Functions over LIGNES_MAX lines without a comment above them (over their
    decorators) that starts with RAISON and says why they are better read whole."""
    fautives = []
    for fichier in sorted(racine.rglob("*.py")):
        lignes = fichier.read_text().splitlines()
        for noeud in ast.walk(ast.parse("\n".join(lignes))):
            if not isinstance(noeud, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if noeud.end_lineno is None or noeud.end_lineno - noeud.lineno + 1 <= LIGNES_MAX:
                continue
            debut = min([noeud.lineno, *(d.lineno for d in noeud.decorator_list)]) - 1
            commentaire = []
            while debut > 0 and lignes[debut - 1].strip().startswith("#"):
                debut -= 1
                commentaire.append(lignes[debut].strip())
            if not any(c.startswith(RAISON) for c in commentaire):
                fautives.append(f"{fichier}:{noeud.lineno} {noeud.name} ({noeud.end_lineno - noeud.lineno + 1} lignes)")
    return fautives


def test_aucune_fonction_de_plus_de_80_lignes_sans_raison_ecrite() -> None:
    """Outside migrations, a function over 80 lines is split, or says above it why it
    reads better whole (a benchmark's run, the demo's story of one household)."""
    assert _longues_sans_raison(API) == []


def test_la_regle_des_80_lignes_voit_une_longue_fonction(tmp_path: Path) -> None:
    corps = "\n".join(f"    x{i} = {i}" for i in range(LIGNES_MAX))
    (tmp_path / "longue.py").write_text(f"def longue() -> None:\n{corps}\n")
    (tmp_path / "expliquee.py").write_text(f"{RAISON} un récit lu d'un trait.\ndef expliquee() -> None:\n{corps}\n")
    assert [f.split(" ")[1] for f in _longues_sans_raison(tmp_path)] == ["longue"]
