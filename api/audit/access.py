"""Who reads which access-log entries (api/acces/politique.py, ``journal_acces``): an
organisation its own staff's, the platform's operator all of them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true
from sqlmodel import col

from api.audit.models import JournalAcces
from api.auth.principal import Principal


def condition_journal_visible(principal: Principal) -> ColumnElement[bool]:
    """The entries a principal may read: its own organisation's; the admin, all of them."""
    if principal.is_admin:
        return true()
    return col(JournalAcces.organisation_id) == principal.organisation_id
