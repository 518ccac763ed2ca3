"""The virus scan, before anything reads an upload: ClamAV's daemon (clamd).

clamav-client (maintained, typed) speaks clamd's socket protocol; the bytes go by
INSTREAM, so clamd never needs to read our files (no shared directory, works
with a clamd on another host). Debian's ``clamav-daemon`` listens on
``/var/run/clamav/clamd.ctl``.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Protocol

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket

from api.core.config import Settings

logger = logging.getLogger("ancrage.antivirus")


class AnalyseurInjoignable(Exception):
    """clamd could not be reached or did not answer."""


@dataclass(frozen=True)
class Verdict:
    sain: bool
    signature: str | None = None


class Analyseur(Protocol):
    def analyser(self, contenu: bytes) -> Verdict: ...


class AnalyseurClamd:
    def __init__(self, adresse: str, delai: float = 30.0) -> None:
        self.adresse = adresse
        self.delai = delai

    def _client(self) -> ClamdNetworkSocket:
        if self.adresse.startswith("tcp://"):
            hote, _, port = self.adresse.removeprefix("tcp://").rpartition(":")
            return ClamdNetworkSocket(host=hote, port=int(port), timeout=self.delai)
        return ClamdUnixSocket(path=self.adresse.removeprefix("unix://"), timeout=self.delai)  # type: ignore[arg-type]

    def analyser(self, contenu: bytes) -> Verdict:
        try:
            resultat = self._client().instream(io.BytesIO(contenu))
        except (ClamdError, OSError) as e:
            logger.warning("antivirus injoignable (%s) : %s", self.adresse, e)
            raise AnalyseurInjoignable(str(e)) from e
        statut, signature = resultat.get("stream", (None, None))
        if statut == "OK":
            return Verdict(sain=True)
        if statut == "FOUND":
            return Verdict(sain=False, signature=signature)
        # « ERROR » (size limit, I/O): not a verdict, so never taken as clean.
        raise AnalyseurInjoignable(f"réponse de clamd : {resultat!r}")


def analyseur_depuis(settings: Settings) -> Analyseur:
    return AnalyseurClamd(settings.clamav_adresse, settings.clamav_delai_secondes)
