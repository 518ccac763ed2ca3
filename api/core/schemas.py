"""Shared request-schema plumbing."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationInfo, field_validator

_NOMBRE = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _iso_8601(value: Any) -> Any:
    # pydantic reads a number as a Unix timestamp: « ?du=0.5 » would mean 1970-01-01T00:00:00.5.
    if isinstance(value, int | float) or (isinstance(value, str) and _NOMBRE.fullmatch(value)):
        raise ValueError("date et heure au format ISO 8601 attendues (ex. 2026-03-14T09:30:00+01:00), pas un nombre")
    return value


DateHeureISO = Annotated[datetime, BeforeValidator(_iso_8601)]
"""A date and time as ISO 8601 text, never a number of seconds."""

NULL_REFUSE = "ne peut pas valoir null ; omettez le champ pour le laisser inchangé"


def _sans_null(schema: dict[str, Any], cls: type[Any]) -> None:
    """The OpenAPI document says what the validator does: no null for a required column."""
    for nom in getattr(cls, "champs_sans_null", ()):
        prop = schema.get("properties", {}).get(nom)
        if not prop or "anyOf" not in prop:
            continue
        types = [t for t in prop["anyOf"] if t.get("type") != "null"]
        if len(types) == 1:
            del prop["anyOf"]
            prop.update(types[0])
        else:
            prop["anyOf"] = types
        if prop.get("default", "") is None:
            del prop["default"]


class ModificationPartielle(BaseModel):
    """Base of the PATCH bodies: an absent field stays unchanged, and ``null`` clears a value
    only where the record may lack it.

    Every optional-looking field is typed ``X | None`` so that it may be left out; sent as
    ``null`` on a column that is ``NOT NULL`` it would reach the database and fail there
    (a 500). The columns of ``table`` decide, once for every PATCH: a field named like a
    ``NOT NULL`` column refuses ``null`` (422 naming it), except the few in ``null_permis``
    whose null the service reads as a reset; ``null_refuse`` adds fields that are not columns
    (a password, stored hashed)."""

    model_config = ConfigDict(json_schema_extra=_sans_null)

    table: ClassVar[Any] = None
    null_permis: ClassVar[frozenset[str]] = frozenset()
    null_refuse: ClassVar[frozenset[str]] = frozenset()
    champs_sans_null: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        requis: set[str] = set()
        if cls.table is not None:
            requis = {c.name for c in cls.table.__table__.columns if not c.nullable}
        cls.champs_sans_null = frozenset((requis & set(cls.model_fields)) - cls.null_permis) | cls.null_refuse

    @field_validator("*", mode="before")
    @classmethod
    def _null_refuse(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.champs_sans_null:
            raise ValueError(NULL_REFUSE)
        return value
