"""Where the bytes of documents are: one small interface, two backends.

* ``StockageRepertoire``: a directory (``var/documents`` by default), one file per
  document named by its random key, never by anything a user typed.
* ``StockageS3``: S3-compatible object storage (AWS, Scaleway, OVH, MinIO…) through
  boto3, the maintained AWS client; installed with ``pip install -e '.[s3]'``.

The database row is the truth: a file is written before its row is committed (a
failed commit removes it), and removed after its row is deleted (a failed removal
leaves an orphan file nobody can reach, never a row without its file).
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, Protocol

from api.core.config import Settings

_CLE = re.compile(r"^[0-9a-f]{32}$")


def nouvelle_cle() -> str:
    """128 random bits, hex: the name of a stored file."""
    return secrets.token_hex(16)


def _verifier(cle: str) -> str:
    # A key is always one of ours; refusing anything else keeps paths inside the root.
    if not _CLE.fullmatch(cle):
        raise ValueError(f"clé de stockage invalide : {cle!r}")
    return cle


class Stockage(Protocol):
    def ecrire(self, cle: str, contenu: bytes) -> None: ...

    def lire(self, cle: str) -> bytes: ...

    def supprimer(self, cle: str) -> None: ...

    def existe(self, cle: str) -> bool: ...


class StockageRepertoire:
    def __init__(self, racine: Path) -> None:
        self.racine = racine

    def _chemin(self, cle: str) -> Path:
        # Two levels of fan-out: a directory never holds more than a few thousand files.
        cle = _verifier(cle)
        return self.racine / cle[:2] / cle

    def ecrire(self, cle: str, contenu: bytes) -> None:
        chemin = self._chemin(cle)
        chemin.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporaire = chemin.with_suffix(".partiel")
        # Written then renamed: a reader never sees half a file.
        fd = os.open(temporaire, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(contenu)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporaire, chemin)

    def lire(self, cle: str) -> bytes:
        return self._chemin(cle).read_bytes()

    def supprimer(self, cle: str) -> None:
        self._chemin(cle).unlink(missing_ok=True)

    def existe(self, cle: str) -> bool:
        return self._chemin(cle).is_file()


class StockageS3:
    def __init__(self, settings: Settings, client: Any = None) -> None:
        if client is None:
            import boto3  # optional dependency: pip install -e '.[s3]'

            client = boto3.client(
                "s3",
                endpoint_url=settings.s3_endpoint_url or None,
                region_name=settings.s3_region or None,
                aws_access_key_id=settings.s3_cle_acces or None,
                aws_secret_access_key=settings.s3_secret.get_secret_value() if settings.s3_secret else None,
            )
        self.client = client
        self.bucket = settings.s3_bucket
        self.prefixe = settings.s3_prefixe

    def _objet(self, cle: str) -> str:
        return self.prefixe + _verifier(cle)

    def ecrire(self, cle: str, contenu: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._objet(cle), Body=contenu)

    def lire(self, cle: str) -> bytes:
        reponse = self.client.get_object(Bucket=self.bucket, Key=self._objet(cle))
        return bytes(reponse["Body"].read())

    def supprimer(self, cle: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._objet(cle))

    def existe(self, cle: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._objet(cle))
        except Exception:  # botocore's ClientError (404): boto3 is optional, so not imported here
            return False
        return True


def stockage_depuis(settings: Settings) -> Stockage:
    if settings.documents_stockage == "s3":
        return StockageS3(settings)
    return StockageRepertoire(settings.documents_repertoire)
