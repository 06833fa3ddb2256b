"""A remote OpenWhisk stand-in, for what no local engine can show: scripted statuses (a 503 that heals, a
429, a TLS certificate the client does not trust). Shaped by the contract: OpenWhisk's ``{error, code}``
bodies and ``x-openwhisk-activation-id`` header. Everything else is tested against the real engine."""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["FakeOpenWhisk", "serve", "serve_tls"]


class FakeOpenWhisk(ThreadingHTTPServer):
    """Answers each request with the next scripted (status, body) for its method, then 200 defaults."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: dict[str, list[tuple[int, Any]]] = {"GET": [], "POST": []}
        self.seen: list[tuple[str, str]] = []

    @property
    def apihost(self) -> str:
        scheme = "https" if isinstance(self.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeOpenWhisk

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.seen.append((method, self.path))
        script = self.server.script[method]
        if script:
            status, body = script.pop(0)
        elif method == "POST":
            status, body = 202, {"activationId": "a" * 32}
        else:
            status, body = 200, ["guest"]
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if method == "POST" and status < 300:
            self.send_header("x-openwhisk-activation-id", "a" * 32)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")


def serve(server: FakeOpenWhisk) -> Iterator[FakeOpenWhisk]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def serve_tls(tmp_path: Path) -> Iterator[FakeOpenWhisk]:
    """A ``FakeOpenWhisk`` over HTTPS with a self-signed certificate for 127.0.0.1 made here."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = FakeOpenWhisk()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    yield from serve(server)
