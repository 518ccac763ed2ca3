"""A real ClamAV daemon of the tests' own, and small files of each format.

``clamd`` (Debian's clamav-daemon) is started on a socket in a temporary directory,
with a signature database of its own: freshclam needs the Internet, which tests do
not have, so the database holds one signature, the EICAR test file's (an MD5 ``.hdb``
line, as ClamAV documents for custom signatures). Where clamd is absent the tests
that need it are skipped with a banner, unless ANCRAGE_CLAMAV_REQUIRED=1 (CI, whose
.ci/run installs clamav-daemon) makes that a failure.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import socket
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# The EICAR test file (https://www.eicar.org): harmless, detected by every antivirus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _zip(entrees: list[tuple[str, str]], premier: tuple[str, str] | None = None) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as z:
        if premier:  # ODF: « mimetype » first and stored, as the format requires
            z.writestr(premier[0], premier[1], compress_type=zipfile.ZIP_STORED)
        for nom, contenu in entrees:
            z.writestr(nom, contenu, compress_type=zipfile.ZIP_DEFLATED)
    return tampon.getvalue()


DOCX = _zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")])
ODT = _zip([("content.xml", "<office:document-content/>")], ("mimetype", "application/vnd.oasis.opendocument.text"))
XLSX = _zip([("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")])


def _introuvable(raison: str) -> None:
    message = f"antivirus non testé : {raison} (apt-get install clamav-daemon ; la CI l'installe)"
    if os.environ.get("ANCRAGE_CLAMAV_REQUIRED") == "1":
        pytest.fail(message + " (ANCRAGE_CLAMAV_REQUIRED=1)")
    print(f"\n*** {message} ***")
    pytest.skip(message)


@pytest.fixture(scope="session")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address (unix://…) of a clamd that knows the EICAR signature."""
    binaire = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)
    if binaire is None:
        _introuvable("clamd absent")
    dossier = tmp_path_factory.mktemp("clamd")
    base = dossier / "db"
    base.mkdir()
    (base / "eicar.hdb").write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Eicar-Test-Signature\n")
    prise = dossier / "clamd.sock"
    conf = dossier / "clamd.conf"
    conf.write_text(
        f"LocalSocket {prise}\nDatabaseDirectory {base}\nForeground true\nTemporaryDirectory {dossier}\n"
        # No « User » line: clamd stays the account that started it (Debian's own file
        # switches to « clamav », which could not reach a temporary directory).
        f"LogFile {dossier / 'clamd.log'}\nStreamMaxLength 50M\n"
    )
    processus = subprocess.Popen(
        [str(binaire), "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        fin = time.monotonic() + 60
        while time.monotonic() < fin:
            if processus.poll() is not None:
                _introuvable(f"clamd s'est arrêté : {processus.stderr.read().decode(errors='replace')[-500:]}")  # type: ignore[union-attr]
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.settimeout(2)
                    s.connect(str(prise))
                    s.sendall(b"zPING\0")
                    if s.recv(16).startswith(b"PONG"):
                        break
            except OSError:
                time.sleep(0.2)
        else:
            _introuvable("clamd n'a pas répondu en 60 s")
        yield f"unix://{prise}"
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait(timeout=10)
        if processus.stderr is not None:
            processus.stderr.close()
