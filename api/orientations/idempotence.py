"""`Idempotency-Key` for pushes from partners' systems (IETF draft
"The Idempotency-Key HTTP Header Field").

The key is reserved in its own committed transaction before the work starts:
the unique (organisation, key) constraint makes a concurrent duplicate wait for
that commit, then find the reservation (409 while it runs, replay once done).
The answer is stored in the same transaction as the work, so a replay never
points to something that was rolled back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from api.auth.principal import Principal
from api.core.errors import Conflit, ErreurChamp, ErreurValidation, Probleme
from api.core.models import utcnow
from api.orientations.models_integration import RequeteIdempotente

EN_TETE_REJEU = "Idempotency-Replayed"
# A reservation still "en_cours" after this long was left by a process that died.
DELAI_ABANDON = timedelta(minutes=5)


class CleIdempotenceRequise(Probleme):
    status = 428
    slug = "cle-idempotence-requise"
    title = "En-tête Idempotency-Key requis"


@dataclass
class Rejeu:
    """A stored answer to send again."""

    code_http: int
    corps: Any
    location: str | None


def empreinte(corps: Any) -> str:
    """SHA-256 of the canonical JSON of the parsed body (key order and spacing do not count)."""
    texte = json.dumps(
        corps, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(texte.encode()).hexdigest()


def _abandonnee(row: RequeteIdempotente) -> bool:
    cree = row.cree_le if row.cree_le.tzinfo else row.cree_le.replace(tzinfo=UTC)
    return utcnow() - cree > DELAI_ABANDON


def _existante(row: RequeteIdempotente, signature: str) -> Rejeu:
    if row.empreinte != signature:
        raise ErreurValidation(
            f"La clé Idempotency-Key « {row.cle} » a déjà servi pour une requête "
            "au contenu différent : "
            "utilisez une nouvelle clé pour une nouvelle orientation.",
            errors=[
                ErreurChamp(
                    champ="header.Idempotency-Key",
                    message="clé déjà utilisée avec un autre corps",
                    valeur=row.cle,
                )
            ],
        )
    if row.statut != "termine":
        raise Conflit(
            f"Une requête avec la clé Idempotency-Key « {row.cle} » est en cours de traitement : "
            "réessayez dans un instant.",
            headers={"Retry-After": "1"},
        )
    return Rejeu(
        code_http=row.code_http or 200, corps=json.loads(row.corps or "null"), location=row.location
    )


def reserver(
    session: Session, principal: Principal, *, cle: str, signature: str
) -> RequeteIdempotente | Rejeu:
    """Reserve the key (committed at once), or return the stored answer to replay."""
    query = select(RequeteIdempotente).where(
        RequeteIdempotente.organisation_id == principal.organisation_id,
        RequeteIdempotente.cle == cle,
    )
    existante = session.exec(query).first()
    if existante is not None and existante.statut != "termine" and _abandonnee(existante):
        # The process that reserved it died without answering: the key is free again.
        session.delete(existante)
        session.commit()
        existante = None
    if existante is not None:
        return _existante(existante, signature)
    row = RequeteIdempotente(
        organisation_id=principal.organisation_id, cle=cle, empreinte=signature
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        gagnante = session.exec(query).first()
        if gagnante is None:  # reserved then released by a failed request meanwhile
            raise Conflit(
                "Requête concurrente avec la même clé : réessayez.", headers={"Retry-After": "1"}
            ) from None
        return _existante(gagnante, signature)
    return row


def enregistrer_reponse(
    session: Session, row: RequeteIdempotente, *, code_http: int, corps: Any, location: str | None
) -> None:
    """Store the answer in the use case's transaction (the caller commits)."""
    row.statut, row.code_http, row.location = "termine", code_http, location
    row.corps = json.dumps(corps, ensure_ascii=False, default=str)
    session.add(row)


def liberer(session: Session, row: RequeteIdempotente) -> None:
    """The work failed: drop the reservation so the client may retry with the same key."""
    session.rollback()
    session.execute(delete(RequeteIdempotente).where(col(RequeteIdempotente.id) == row.id))
    session.commit()
