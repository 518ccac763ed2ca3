"""The test suite: one folder per domain of ``api/`` (``tests/<domaine>/``), ``projet/`` for the
checks on the repository itself, ``e2e/`` for the journeys in Chromium, and one factories module."""

from pathlib import Path

# The repository, whatever folder a test sits in.
RACINE = Path(__file__).resolve().parent.parent
