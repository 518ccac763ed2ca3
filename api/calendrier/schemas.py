from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class JetonPublic(BaseModel):
    id: uuid.UUID
    url: str = Field(description="Adresse secrète de l'agenda (.ics), montrée une seule fois")
    cree_le: datetime
