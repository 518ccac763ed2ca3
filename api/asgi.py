"""ASGI entry point for uvicorn: ``uvicorn api.asgi:app``."""

from api.core.socle import figer_le_socle
from api.main import create_app

app = create_app()
figer_le_socle()
