"""Outbound calls (webhooks): public addresses only, checked at registration and again at
each delivery after our own resolution; no redirect followed; bounded time and size."""

from __future__ import annotations

import socket
import ssl
import time
import uuid
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Network, IPv6Network, ip_address
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient

from api.core.db import get_session
from api.main import create_app
from api.orientations.models_integration import AbonnementWebhook
from api.orientations.webhooks import livrer_dues
from tests.core.webhook_receiver import RESEAU_DU_RECEPTEUR, Recepteur
from tests.factories import Monde, creer_dispositif, orientation_payload

SECRET = "secret-partage-du-bailleur-0123456789"
PUBLIQUE = "93.184.216.34"  # a public address: what a partner's name resolves to


class FauxDns:
    """The system resolver, answering chosen addresses for chosen names (the rest: real)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.noms: dict[str, list[str]] = {}
        vrai = socket.getaddrinfo

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
            nom = host.decode() if isinstance(host, bytes) else host
            if nom not in self.noms:
                return vrai(host, port, *args, **kwargs)
            out: list[Any] = []
            for ip in self.noms[nom]:
                if ":" in ip:
                    out.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, int(port), 0, 0)))
                else:
                    out.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, int(port))))
            return out

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FauxDns:
    return FauxDns(monkeypatch)


def _enregistrer(client, monde: Monde, url: str):
    return client.post(
        "/api/v1/webhooks", json={"url": url, "secret": SECRET}, headers=monde.h("bailleur_si")
    )


def _pousser(client, monde: Monde) -> None:
    """A referral of the bailleur's system: one delivery queued for each of its webhooks."""
    d = creer_dispositif(client, monde)
    r = client.post(
        "/api/v1/orientations",
        json=orientation_payload(d["id"]),
        headers={**monde.h("bailleur_si"), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 201, r.text


def _abonner(db, monde: Monde, url: str) -> AbonnementWebhook:
    """A subscription written as it stands (e.g. registered before the rules changed)."""
    ab = AbonnementWebhook(organisation_id=monde.bailleur.id, url=url, secret=SECRET)
    db.add(ab)
    db.flush()
    return ab


def _essais(client, monde: Monde, webhook_id: object) -> list[dict[str, Any]]:
    (lv,) = client.get(
        f"/api/v1/webhooks/{webhook_id}/livraisons", headers=monde.h("bailleur_si")
    ).json()
    return list(lv["essais"])


def _politique(**kw: Any) -> Any:
    from api.core.sortant import PolitiqueSortante

    return PolitiqueSortante(reseaux_autorises=(RESEAU_DU_RECEPTEUR,), **kw)


# --- at registration ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "https://127.0.0.1:5432/",  # the database, on loopback
        "https://10.0.0.1/hook",  # private
        "https://[::1]/hook",  # IPv6 loopback
        "https://localhost/hook",  # a name resolving to loopback
        "https://[::ffff:7f00:1]/hook",  # IPv4-mapped IPv6: ::ffff:127.0.0.1
        "https://192.168.1.20/hook",
        "https://172.16.0.1/hook",
        "https://100.64.0.1/hook",  # shared address space (carrier NAT)
        "https://0.0.0.0/hook",  # unspecified: "this host"
        "https://224.0.0.1/hook",  # multicast
        "https://240.0.0.1/hook",  # reserved
        "https://[fe80::1]/hook",  # IPv6 link-local
        "https://[fd00::1]/hook",  # IPv6 unique local (private)
    ],
)
def test_registration_refuses_internal_addresses(client, monde: Monde, url: str) -> None:
    r = _enregistrer(client, monde, url)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    (erreur,) = r.json()["errors"]
    assert erreur["champ"] == "url"
    assert erreur["valeur"] == url
    assert "adresse interdite" in erreur["message"] and "adresse publique" in erreur["message"]
    assert client.get("/api/v1/webhooks", headers=monde.h("bailleur_si")).json() == []


def test_registration_refuses_a_name_with_any_internal_address(client, monde: Monde, dns) -> None:
    dns.noms["si.bailleur.example"] = [PUBLIQUE, "10.1.2.3"]
    r = _enregistrer(client, monde, "https://si.bailleur.example/hook")
    assert r.status_code == 422
    assert "si.bailleur.example → 10.1.2.3" in r.json()["errors"][0]["message"]
    dns.noms["si.bailleur.example"] = [PUBLIQUE]
    assert _enregistrer(client, monde, "https://si.bailleur.example/hook").status_code == 201
    assert _enregistrer(client, monde, f"https://{PUBLIQUE}/hook").status_code == 201


def test_a_setting_allows_a_private_range(settings, engine, db, monde: Monde) -> None:
    reglages = settings.model_copy(
        update={"webhooks_reseaux_autorises": [IPv4Network("10.20.0.0/16"), IPv6Network("fd00:1::/32")]}
    )
    app = create_app(reglages, engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    with TestClient(app, base_url="http://testserver") as c:
        assert _enregistrer(c, monde, "https://10.20.3.4/hook").status_code == 201
        assert _enregistrer(c, monde, "https://[fd00:1::5]/hook").status_code == 201
        # only the range named: the rest of the private space stays closed
        assert _enregistrer(c, monde, "https://10.21.0.1/hook").status_code == 422
        assert _enregistrer(c, monde, "https://127.0.0.1/hook").status_code == 422


def test_the_default_allows_no_private_range(settings) -> None:
    from api.core.config import Settings

    assert Settings(secret_key="k" * 40).webhooks_reseaux_autorises == []
    assert settings.webhooks_reseaux_autorises == []


# --- at each delivery ----------------------------------------------------------------


@pytest.mark.parametrize("adresses", [["127.0.0.1"], ["127.0.0.1", PUBLIQUE]])
def test_delivery_refused_when_the_name_now_resolves_inside(
    client, monde: Monde, db, dns, adresses: list[str]
) -> None:
    with Recepteur() as recepteur:
        dns.noms["si.bailleur.example"] = [PUBLIQUE]  # at registration: public
        url = f"http://si.bailleur.example:{recepteur.port}/hook"
        r = _enregistrer(client, monde, url)
        assert r.status_code == 201, r.text
        _pousser(client, monde)
        dns.noms["si.bailleur.example"] = adresses  # re-pointed to our own host
        assert livrer_dues(db) == 1
        assert recepteur.recus == []  # no connection was made
    (essai,) = _essais(client, monde, r.json()["id"])
    assert essai["code_http"] is None
    assert "adresse interdite (si.bailleur.example → 127.0.0.1 : adresse de bouclage)" in essai["erreur"]


def test_delivery_connects_to_the_checked_address_with_the_name_as_host(
    client, monde: Monde, db, dns
) -> None:
    with Recepteur() as recepteur:
        dns.noms["si.bailleur.example"] = ["127.0.0.1"]
        ab = _abonner(db, monde, f"http://si.bailleur.example:{recepteur.port}/hook")
        _pousser(client, monde)
        assert livrer_dues(db, politique=_politique()) == 1
        (recu,) = recepteur.recus
    assert recu["headers"]["Host"] == f"si.bailleur.example:{recepteur.port}"
    assert _essais(client, monde, ab.id)[0]["code_http"] == 200


def _certificat(dossier: Path, nom: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for ``nom``: the receiver's context, and a client's that trusts it."""
    cle = ec.generate_private_key(ec.SECP256R1())
    sujet = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, nom)])
    maintenant = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(sujet)
        .issuer_name(sujet)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(maintenant - timedelta(minutes=5))
        .not_valid_after(maintenant + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(nom)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(cle, hashes.SHA256())
    )
    pem = dossier / "cert.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (dossier / "cle.pem").write_bytes(
        cle.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    serveur = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    serveur.load_cert_chain(pem, dossier / "cle.pem")
    return serveur, ssl.create_default_context(cafile=str(pem))


def test_https_delivery_to_the_checked_address_verifies_the_name(
    client, monde: Monde, db, dns, tmp_path: Path
) -> None:
    serveur, confiance = _certificat(tmp_path, "si.bailleur.example")
    http = httpx.Client(verify=confiance, trust_env=False)
    with Recepteur(tls=serveur) as recepteur:
        dns.noms["si.bailleur.example"] = ["127.0.0.1"]
        dns.noms["autre.bailleur.example"] = ["127.0.0.1"]
        bon = _abonner(db, monde, f"https://si.bailleur.example:{recepteur.port}/hook")
        _pousser(client, monde)
        assert livrer_dues(db, client=http, politique=_politique()) == 1
        assert recepteur.sni == ["si.bailleur.example"]  # TLS asked for the name, not the address
        assert _essais(client, monde, bon.id)[0]["code_http"] == 200
        bon.actif = False
        db.add(bon)
        db.flush()
        faux = _abonner(db, monde, f"https://autre.bailleur.example:{recepteur.port}/hook")
        _pousser(client, monde)
        livrer_dues(db, client=http, politique=_politique())
        assert len(recepteur.recus) == 1  # the certificate is not for that name
    assert "CERTIFICATE_VERIFY_FAILED" in _essais(client, monde, faux.id)[0]["erreur"]
    http.close()


def test_delivery_requires_https_in_production(client, monde: Monde, db) -> None:
    with Recepteur() as recepteur:
        ab = _abonner(db, monde, recepteur.url)  # registered over http before production
        _pousser(client, monde)
        livrer_dues(db, politique=_politique(https_obligatoire=True))
        assert recepteur.recus == []
    assert "https" in _essais(client, monde, ab.id)[0]["erreur"]


def test_no_redirect_is_followed(client, monde: Monde, db) -> None:
    with Recepteur() as ailleurs, Recepteur() as recepteur:
        recepteur.redirection = ailleurs.url
        ab = _abonner(db, monde, recepteur.url)
        _pousser(client, monde)
        assert livrer_dues(db, politique=_politique()) == 1
        assert len(recepteur.recus) == 1
        assert ailleurs.recus == []
    (essai,) = _essais(client, monde, ab.id)
    assert essai["code_http"] == 302
    assert essai["erreur"] == "redirection non suivie (HTTP 302)"


def test_at_most_n_bytes_of_the_response_are_read(client, monde: Monde, db) -> None:
    with Recepteur() as recepteur:
        recepteur.corps_octets = 200 * 1024 * 1024  # 200 MiB announced and sent
        ab = _abonner(db, monde, recepteur.url)
        _pousser(client, monde)
        assert livrer_dues(db, politique=_politique()) == 1
        assert recepteur.fini.wait(30)
        # what the sockets' buffers held when we hung up, not the 200 MiB
        assert recepteur.octets_envoyes < 32 * 1024 * 1024
    assert _essais(client, monde, ab.id)[0]["code_http"] == 200


def test_a_silent_receiver_is_given_up_after_the_read_delay(client, monde: Monde, db) -> None:
    with Recepteur() as recepteur:
        recepteur.attente = 3.0
        ab = _abonner(db, monde, recepteur.url)
        _pousser(client, monde)
        debut = time.monotonic()
        livrer_dues(db, politique=_politique(delai_lecture=0.3))
        assert time.monotonic() - debut < 2.5
    assert _essais(client, monde, ab.id)[0]["erreur"].startswith("ReadTimeout")


# --- the rule itself -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("adresse", "motif"),
    [
        ("127.0.0.1", "adresse de bouclage"),
        ("::1", "adresse de bouclage"),
        ("::ffff:127.0.0.1", "adresse de bouclage"),
        ("::ffff:10.0.0.1", "adresse de réseau privé"),
        ("10.0.0.1", "adresse de réseau privé"),
        ("169.254.169.254", "adresse de lien local"),
        ("fe80::1", "adresse de lien local"),
        ("fd12::1", "adresse de réseau privé"),
        ("100.64.0.1", "espace d'adressage partagé"),
        ("224.0.0.1", "adresse de multidiffusion"),
        ("ff02::1", "adresse de multidiffusion"),
        ("0.0.0.0", "adresse non spécifiée"),
        ("::", "adresse non spécifiée"),
        ("240.0.0.1", "adresse de réseau privé"),  # reserved, and private for ipaddress
        ("2002:7f00:1::", "adresse de bouclage, dans une adresse IPv6"),  # 6to4
        ("64:ff9b::a00:1", "adresse de réseau privé, dans une adresse IPv6"),  # NAT64
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
    ],
)
def test_address_rule(adresse: str, motif: str | None) -> None:
    from api.core.sortant import motif_refus

    assert motif_refus(ip_address(adresse)) == motif


def test_allowed_ranges_never_open_unspecified_nor_multicast() -> None:
    from api.core.sortant import motif_refus

    tout = (IPv4Network("0.0.0.0/0"), IPv6Network("::/0"))
    assert motif_refus(ip_address("10.0.0.1"), tout) is None
    assert motif_refus(ip_address("::ffff:127.0.0.1"), (IPv4Network("127.0.0.0/8"),)) is None
    assert motif_refus(ip_address("0.0.0.0"), tout) == "adresse non spécifiée"
    assert motif_refus(ip_address("224.0.0.1"), tout) == "adresse de multidiffusion"


def test_a_proxy_from_the_environment_is_not_used(client, monde: Monde, db, monkeypatch) -> None:
    # A proxy would connect for us, to the name, unchecked: the client ignores the environment.
    monkeypatch.setenv("HTTP_PROXY", "http://192.0.2.1:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://192.0.2.1:3128")
    with Recepteur() as recepteur:
        _abonner(db, monde, recepteur.url)
        _pousser(client, monde)
        livrer_dues(db, politique=_politique(delai_connexion=1.0))
        assert len(recepteur.recus) == 1
