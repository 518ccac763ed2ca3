"""SMS behind one small interface: ``envoyer(numero, texte)``, raising ``ErreurSms`` on failure.

Two implementations (docs/rappels.md): ``SmsFichier`` appends each message to a file
(one JSON object a line: development and tests, never production) and ``SmsHttp`` posts
it to a provider's HTTP API — Brevo's transactional SMS by default (``POST
/v3/transactionalSMS/sms``, header ``api-key``). Another provider is one more class.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import httpx

from api.core.config import Settings


class ErreurSms(Exception):
    """The message was not accepted (it will be tried again)."""


class FournisseurSms(Protocol):
    def envoyer(self, numero: str, texte: str) -> None: ...


class SmsFichier:
    def __init__(self, chemin: Path) -> None:
        self.chemin = chemin

    def envoyer(self, numero: str, texte: str) -> None:
        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        ligne = json.dumps({"a": numero, "texte": texte, "le": datetime.now(UTC).isoformat()}, ensure_ascii=False)
        # Phone numbers of households: readable by the application's user only.
        fd = os.open(self.chemin, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(ligne + "\n")


class SmsHttp:
    """Brevo's transactional SMS API (or any provider taking the same JSON)."""

    def __init__(self, *, url: str, cle: str, expediteur: str, delai: float) -> None:
        self.url, self.cle, self.expediteur, self.delai = url, cle, expediteur, delai

    def envoyer(self, numero: str, texte: str) -> None:
        corps = {
            "type": "transactional",
            "sender": self.expediteur,
            "recipient": numero.lstrip("+"),  # Brevo: country code and number, no « + »
            "content": texte,
            "unicodeEnabled": True,  # « é », « à »: GSM 03.38 has most, not all
        }
        try:
            r = httpx.post(
                self.url,
                json=corps,
                headers={"api-key": self.cle, "accept": "application/json"},
                timeout=self.delai,
                follow_redirects=False,
            )
        except httpx.HTTPError as e:
            raise ErreurSms(f"{type(e).__name__}: {e}") from e
        if r.status_code >= 300:
            # The provider's message, never the text sent (it names nobody, but stays out of logs).
            raise ErreurSms(f"HTTP {r.status_code} : {r.text[:200]}")


def fournisseur_depuis(settings: Settings) -> FournisseurSms | None:
    """The configured provider; None when SMS are off (the SMS reminders then wait)."""
    if settings.sms_fournisseur == "fichier":
        return SmsFichier(settings.sms_fichier)
    if settings.sms_fournisseur == "http":
        assert settings.sms_http_cle is not None  # checked by the settings
        return SmsHttp(
            url=settings.sms_http_url,
            cle=settings.sms_http_cle.get_secret_value(),
            expediteur=settings.sms_expediteur,
            delai=settings.sms_delai_secondes,
        )
    return None
