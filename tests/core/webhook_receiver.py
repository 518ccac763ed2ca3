"""A real HTTP receiver on 127.0.0.1 (free port) that records what it gets.

127.0.0.1 is refused to webhooks by default: the tests that deliver to this receiver
allow it in their own settings (``RESEAU_DU_RECEPTEUR``), as an on-premise deployment
would allow its own range.
"""

from __future__ import annotations

import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Network
from typing import Any

RESEAU_DU_RECEPTEUR = IPv4Network("127.0.0.1/32")


class Recepteur:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.recus: list[dict[str, Any]] = []
        self.sni: list[str | None] = []  # the server names TLS clients asked for
        self.reponses: list[int] = []  # status codes to answer, in order (then 200)
        self.redirection: str | None = None  # answer 302 to this Location
        self.corps_octets = 0  # size of the body to answer (zeros, sent 64 KiB at a time)
        self.attente = 0.0  # seconds to wait before answering
        self.octets_envoyes = 0
        self.fini = threading.Event()  # set when a request has been answered (or cut)
        recepteur = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                try:
                    self._repondre()
                finally:
                    recepteur.fini.set()

            def _repondre(self) -> None:
                corps = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                recepteur.recus.append({"headers": dict(self.headers), "corps": corps})
                time.sleep(recepteur.attente)
                if recepteur.redirection is not None:
                    self.send_response(302)
                    self.send_header("Location", recepteur.redirection)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                code = recepteur.reponses.pop(0) if recepteur.reponses else 200
                self.send_response(code)
                self.send_header("Content-Length", str(recepteur.corps_octets))
                self.end_headers()
                morceau = b"\0" * 65536
                try:
                    while recepteur.octets_envoyes < recepteur.corps_octets:
                        n = min(len(morceau), recepteur.corps_octets - recepteur.octets_envoyes)
                        self.wfile.write(morceau[:n])
                        recepteur.octets_envoyes += n
                except OSError:
                    pass  # the client stopped reading and closed: what we want to see

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        if tls is not None:
            tls.sni_callback = lambda _sock, nom, _ctx: recepteur.sni.append(nom)  # type: ignore[assignment,func-returns-value]
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            self.url = f"https://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Recepteur:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
