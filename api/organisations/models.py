"""The directory's tables, under the name the domains use (``api.organisations.models``).

They live in api/annuaire/models.py, below api/auth/: sign-in reads them, and the
administration of organisations (this package) needs the signed-in principal, so the
tables and their administration cannot share a floor (tests/projet/test_architecture.py).
"""

from api.annuaire.models import ClientApi, Organisation, RoleUtilisateur, TypeOrganisation, Utilisateur

__all__ = ["ClientApi", "Organisation", "RoleUtilisateur", "TypeOrganisation", "Utilisateur"]
