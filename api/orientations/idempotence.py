"""`Idempotency-Key` for pushes from partners' systems (IETF draft
"The Idempotency-Key HTTP Header Field").

The key is reserved at the start of the work's own transaction
(``INSERT … ON CONFLICT DO NOTHING``): a concurrent duplicate's insert waits on
the unique (organisation, key) index until that transaction ends, then either
finds the committed answer and replays it, or, if the work failed and rolled
back, takes the key itself. The answer is stored in the same transaction as the
work, so a replay never points to something that was rolled back, and no
reservation outlives a failed request (no separate commit, no clean-up).
Rows « en_cours » left by earlier versions (reservation committed apart) are
taken over once abandoned, and answered 409 before that.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, delete, select

from api.auth.principal import Principal
from api.core.errors import Conflit, ErreurChamp, ErreurValidation, Probleme
from api.core.models import new_id, utcnow
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
    texte = json.dumps(corps, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
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
    return Rejeu(code_http=row.code_http or 200, corps=json.loads(row.corps or "null"), location=row.location)


def _inserer(session: Session, principal: Principal, *, cle: str, signature: str) -> uuid.UUID | None:
    """Insert the reservation unless the key exists; waits for a concurrent holder's outcome."""
    table = RequeteIdempotente.__table__  # type: ignore[attr-defined]
    dialecte = session.connection().dialect.name
    ins: Any = pg_insert(table) if dialecte == "postgresql" else sqlite_insert(table)
    rid = new_id()
    stmt = (
        ins.values(
            id=rid,
            organisation_id=principal.organisation_id,
            cle=cle,
            empreinte=signature,
            statut="en_cours",
            cree_le=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["organisation_id", "cle"])
        .returning(table.c.id)
    )
    return session.execute(stmt).scalar()


def reserver(session: Session, principal: Principal, *, cle: str, signature: str) -> uuid.UUID | Rejeu:
    """Reserve the key in the current transaction (its id), or return the stored answer to replay."""
    for _ in range(2):
        rid = _inserer(session, principal, cle=cle, signature=signature)
        if rid is not None:
            return rid
        existante = session.exec(
            select(RequeteIdempotente).where(
                RequeteIdempotente.organisation_id == principal.organisation_id,
                RequeteIdempotente.cle == cle,
            )
        ).first()
        if existante is None:
            continue  # its holder rolled back between our insert and our read: try again
        if existante.statut != "termine" and _abandonnee(existante):
            # Left by a process that died (earlier versions committed it apart): free again.
            session.execute(delete(RequeteIdempotente).where(col(RequeteIdempotente.id) == existante.id))
            continue
        return _existante(existante, signature)
    raise Conflit("Requête concurrente avec la même clé : réessayez.", headers={"Retry-After": "1"})


def enregistrer_reponse(
    session: Session, reservation: uuid.UUID, *, code_http: int, corps: Any, location: str | None
) -> None:
    """Store the answer in the use case's transaction (the caller commits)."""
    session.execute(
        update(RequeteIdempotente)
        .where(col(RequeteIdempotente.id) == reservation)
        .values(
            statut="termine",
            code_http=code_http,
            location=location,
            corps=json.dumps(corps, ensure_ascii=False, default=str),
        )
    )
