"""ASGI entry point for uvicorn: ``uvicorn api.asgi:app``."""

from api.core.socle import figer_le_socle
from api.main import create_app
from api.rapports import atelier

app = create_app()
figer_le_socle()
if app.state.settings.rapports_atelier_au_demarrage:
    atelier.prechauffer()
