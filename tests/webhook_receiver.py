"""A real HTTP receiver on 127.0.0.1 (free port) that records what it gets."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Recepteur:
    def __init__(self) -> None:
        self.recus: list[dict[str, Any]] = []
        self.reponses: list[int] = []  # status codes to answer, in order (then 200)
        recepteur = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                corps = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                recepteur.recus.append({"headers": dict(self.headers), "corps": corps})
                code = recepteur.reponses.pop(0) if recepteur.reponses else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Recepteur:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
