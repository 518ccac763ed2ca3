"""Who is on the other end: the client's address and scheme, as proxies report them.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are anyone's to write. They are believed
only when the peer (the TCP connection's other end) is a proxy named in
``ANCRAGE_TRUSTED_PROXIES``; otherwise the peer is the client. The server is started with
uvicorn's own proxy handling off (``python -m api serve``), so this is the only rule:
the sign-in limits, the logs and the access log all read the address it gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

Reseau = IPv4Network | IPv6Network


def _de_confiance(adresse: str, mandataires: Sequence[Reseau]) -> bool:
    try:
        ip = ip_address(adresse)
    except ValueError:
        return False
    return any(ip in reseau for reseau in mandataires)


def client_reel(pair: str | None, transmis_pour: Sequence[str], mandataires: Sequence[Reseau]) -> str | None:
    """The client's address: the peer, unless the peer is a trusted proxy; then the
    rightmost address of ``X-Forwarded-For`` that is not a trusted proxy.

    Read from the right: each trusted proxy appends the address it saw, so what lies to
    the left of the first untrusted hop was written by the client and proves nothing.
    """
    if pair is None or not mandataires or not _de_confiance(pair, mandataires):
        return pair
    chaine = [a.strip() for valeur in transmis_pour for a in valeur.split(",") if a.strip()]
    for adresse in reversed(chaine):
        if not _de_confiance(adresse, mandataires):
            return adresse
    return chaine[0] if chaine else pair


def schema_reel(pair: str | None, schema: str, transmis_proto: str | None, mandataires: Sequence[Reseau]) -> str:
    """``https`` when a trusted proxy says it terminated TLS; the connection's own otherwise."""
    if transmis_proto is None or pair is None or not mandataires or not _de_confiance(pair, mandataires):
        return schema
    proto = transmis_proto.split(",")[0].strip().lower()
    return proto if proto in ("http", "https") else schema
