"""The principal's capabilities (see service.py)."""

from api.capacites import service as service
