"""Every table module, imported so that the metadata is complete (Alembic, tests)."""

from api.alertes import models as alertes_models
from api.annuaire import models as annuaire_models
from api.audit import models as audit_models
from api.auth import models as auth_models
from api.calendrier import models as calendrier_models
from api.core import compteurs
from api.dispositifs import models as dispositifs_models
from api.documents import models as documents_models
from api.imports import models as imports_models
from api.menages import models as menages_models
from api.mesures import models as mesures_models
from api.notifications import models as notifications_models
from api.organisations import models as organisations_models
from api.orientations import models as orientations_models
from api.orientations import models_integration as orientations_integration_models
from api.rappels import models as rappels_models
from api.rapports import models as rapports_models

__all__ = [
    "alertes_models",
    "annuaire_models",
    "audit_models",
    "auth_models",
    "calendrier_models",
    "compteurs",
    "dispositifs_models",
    "documents_models",
    "imports_models",
    "menages_models",
    "mesures_models",
    "notifications_models",
    "organisations_models",
    "orientations_integration_models",
    "orientations_models",
    "rappels_models",
    "rapports_models",
]
