"""Outbound HTTP calls to an address a partner chose (webhooks): never into our own network.

A URL given by a partner is an instruction to our servers to open a connection. Left
unchecked, ``https://169.254.169.254/`` reads the cloud metadata, ``https://10.0.0.1:5432/``
probes the database, and the delivery log (status, error, duration) reports what answered:
a port scanner run from inside. So every address is checked twice:

* at registration, for a quick, clear refusal (a literal address, or a name that resolves
  to a forbidden address now);
* at each call, after our own DNS resolution: every address of the name is checked and the
  connection goes to the checked address (the name is kept in the ``Host`` header and in
  the TLS SNI, so the certificate is still verified against the name). A name re-pointed
  to 127.0.0.1 after registration, or between check and connect, never gets a connection.

Redirects are never followed (a public receiver could send us elsewhere), times are
bounded and at most ``taille_max_reponse`` bytes of a response are read. Private ranges
may be allowed one by one (``ANCRAGE_WEBHOOKS_RESEAUX_AUTORISES``) for an on-premise
receiver; nothing is allowed by default.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from api.core.config import Settings

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

# Not covered by ipaddress' is_private in Python 3.11, and not ours to call either.
_PARTAGE = IPv4Network("100.64.0.0/10")  # shared address space (RFC 6598, carrier NAT)
_NAT64 = IPv6Network("64:ff9b::/96")  # well-known NAT64 prefix: an IPv4 address inside

PERMIS = (
    "une adresse publique d'Internet (pas de bouclage, réseau privé, lien local, "
    "multidiffusion, plage réservée ou partagée)"
)


class AdresseInterdite(Exception):
    """The URL may not be called; the message says why, in French."""


@dataclass(frozen=True)
class PolitiqueSortante:
    """What an outbound call may reach, and how long and how much it may take."""

    https_obligatoire: bool = False
    reseaux_autorises: tuple[IPNetwork, ...] = ()
    delai_connexion: float = 5.0
    delai_lecture: float = 10.0
    # The whole call, body included: a receiver that drips bytes cannot hold the worker.
    duree_max: float = 20.0
    taille_max_reponse: int = 64 * 1024

    @classmethod
    def depuis(cls, settings: Settings) -> PolitiqueSortante:
        return cls(
            https_obligatoire=settings.env == "production",
            reseaux_autorises=tuple(settings.webhooks_reseaux_autorises),
        )


def motif_refus(ip: IPAddress, reseaux_autorises: tuple[IPNetwork, ...] = ()) -> str | None:
    """Why this address may not be called (None: it may)."""
    if isinstance(ip, IPv6Address):
        # An IPv4 address carried in an IPv6 one is judged as that IPv4 address.
        if ip.ipv4_mapped is not None:
            return motif_refus(ip.ipv4_mapped, reseaux_autorises)
        embarquees = [ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if ip in _NAT64:
            embarquees.append(IPv4Address(int(ip) & 0xFFFFFFFF))
        for v4 in embarquees:
            if v4 is not None and (motif := motif_refus(v4, reseaux_autorises)) is not None:
                return f"{motif}, dans une adresse IPv6"
    # Never allowed, whatever the settings: "no address" and "every host".
    if ip.is_unspecified:
        return "adresse non spécifiée"
    if ip.is_multicast:
        return "adresse de multidiffusion"
    if any(ip in reseau for reseau in reseaux_autorises):
        return None
    if ip.is_loopback:
        return "adresse de bouclage"
    if ip.is_link_local:
        return "adresse de lien local"
    if ip.is_private:
        return "adresse de réseau privé"
    if ip.is_reserved:
        return "plage réservée"
    if ip in _PARTAGE:
        return "espace d'adressage partagé"
    if not ip.is_global:
        return "adresse non publique"
    return None


def resoudre(hote: str, port: int) -> list[IPAddress]:
    """Every address of a name (both families), as the system resolver answers now."""
    infos = socket.getaddrinfo(hote, port, type=socket.SOCK_STREAM)
    adresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        # IPv6 socket addresses may carry a scope (fe80::1%eth0): the address is before it.
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in adresses:
            adresses.append(ip)
    return adresses


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def _literale(hote: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(hote)
    except ValueError:
        return None


def _verifier_schema(url: httpx.URL, politique: PolitiqueSortante) -> None:
    if politique.https_obligatoire and url.scheme != "https":
        raise AdresseInterdite("doit commencer par https:// en production")
    if url.scheme not in ("http", "https"):
        raise AdresseInterdite("doit commencer par https:// (ou http:// hors production)")


def _verifier_adresses(hote: str, adresses: list[IPAddress], politique: PolitiqueSortante) -> None:
    for ip in adresses:
        if (motif := motif_refus(ip, politique.reseaux_autorises)) is not None:
            vers = f"{hote} → {ip}" if str(ip) != hote else str(ip)
            raise AdresseInterdite(f"adresse interdite ({vers} : {motif}) ; permis : {PERMIS}")


def verifier_url(url: str, politique: PolitiqueSortante) -> None:
    """The check at registration: scheme, then the literal address or what the name resolves
    to now. A name that does not resolve today is accepted: the check at each call decides."""
    u = httpx.URL(url)
    _verifier_schema(u, politique)
    hote = u.raw_host.decode("ascii")
    ip = _literale(hote)
    if ip is not None:
        _verifier_adresses(hote, [ip], politique)
        return
    try:
        adresses = resoudre(hote, _port(u))
    except OSError:
        return
    _verifier_adresses(hote, adresses, politique)


def adresse_verifiee(url: httpx.URL, politique: PolitiqueSortante) -> IPAddress:
    """The address to connect to: resolved now, every address of the name checked."""
    _verifier_schema(url, politique)
    hote = url.raw_host.decode("ascii")
    ip = _literale(hote)
    if ip is not None:
        adresses = [ip]
    else:
        try:
            adresses = resoudre(hote, _port(url))
        except OSError as exc:
            raise httpx.ConnectError(f"nom introuvable : {hote} ({exc})") from exc
        if not adresses:
            raise httpx.ConnectError(f"nom introuvable : {hote}")
    _verifier_adresses(hote, adresses, politique)
    return adresses[0]


def client(politique: PolitiqueSortante) -> httpx.Client:
    """An HTTP client for partner-chosen URLs. No proxy from the environment (it would
    connect for us, to the name, unchecked), no redirects, no connection kept between
    calls (a TLS connection verified for one name must not carry another name's call)."""
    return httpx.Client(
        timeout=_timeout(politique),
        follow_redirects=False,
        trust_env=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def _timeout(politique: PolitiqueSortante) -> httpx.Timeout:
    return httpx.Timeout(politique.delai_lecture, connect=politique.delai_connexion, pool=politique.delai_connexion)


@dataclass(frozen=True)
class Reponse:
    code: int
    debut: bytes  # at most ``taille_max_reponse`` bytes of the body
    redirection: str | None  # the Location of a redirect, never followed


def poster(
    http: httpx.Client,
    url: str,
    *,
    contenu: bytes,
    en_tetes: dict[str, str],
    politique: PolitiqueSortante,
) -> Reponse:
    """POST to the checked address of the URL's host (Host header and SNI: the name).

    Raises ``AdresseInterdite`` before any connection, ``httpx.HTTPError`` on the way."""
    u = httpx.URL(url)
    ip = adresse_verifiee(u, politique)
    extensions = {"sni_hostname": u.raw_host.decode("ascii")} if u.scheme == "https" else {}
    echeance = time.monotonic() + politique.duree_max
    with http.stream(
        "POST",
        u.copy_with(host=str(ip)),
        content=contenu,
        headers={**en_tetes, "Host": u.netloc.decode("ascii")},
        extensions=extensions,
        follow_redirects=False,
        timeout=_timeout(politique),
    ) as r:
        lu = bytearray()
        for morceau in r.iter_raw():
            lu += morceau
            if len(lu) >= politique.taille_max_reponse or time.monotonic() > echeance:
                break  # leaving the block closes the connection: the rest is never read
        return Reponse(
            code=r.status_code,
            debut=bytes(lu[: politique.taille_max_reponse]),
            redirection=r.headers.get("location") if r.is_redirect else None,
        )
