"""The type of an upload, from its content: the name and the declared type are the
sender's word, the bytes are not.

filetype (pure Python, no libmagic) recognises the five formats accepted, and
tells a DOCX from an XLSX and an ODT from an ODS by the zip's entries; puremagic
1.x, tried first, sees any of them as « some Office zip »."""

from __future__ import annotations

import filetype

from api.documents.models import FormatDocument

# MIME type found in the content -> the format accepted.
ACCEPTES: dict[str, FormatDocument] = {
    "application/pdf": FormatDocument.pdf,
    "image/jpeg": FormatDocument.jpeg,
    "image/png": FormatDocument.png,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": FormatDocument.docx,
    "application/vnd.oasis.opendocument.text": FormatDocument.odt,
}
MIME: dict[FormatDocument, str] = {f: m for m, f in ACCEPTES.items()}
EXTENSION: dict[FormatDocument, str] = {
    FormatDocument.pdf: "pdf",
    FormatDocument.jpeg: "jpg",
    FormatDocument.png: "png",
    FormatDocument.docx: "docx",
    FormatDocument.odt: "odt",
}
# Shown in the browser (preview); the others are downloaded.
APERCU = {FormatDocument.pdf, FormatDocument.jpeg, FormatDocument.png}


def reconnaitre(contenu: bytes) -> tuple[FormatDocument | None, str | None]:
    """The accepted format of these bytes (None if not accepted) and the MIME type seen."""
    genre = filetype.guess(contenu)
    if genre is None:
        return None, None
    return ACCEPTES.get(genre.mime), genre.mime
