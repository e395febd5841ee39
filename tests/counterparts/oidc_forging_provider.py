"""A hostile OpenID Provider for tests, on 127.0.0.1 in a thread.

It publishes a genuine discovery document (OpenID Connect Discovery 1.0 §4) and JWKS
(RFC 7517), and its token endpoint (Core 1.0 §3.1.3.3) answers with whatever ID token the
test put in ``next_id_token``: forged signatures, wrong audiences, expired tokens, ``alg:
none``, replayed nonces. The relying party must refuse each one.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ForgingProvider:
    def __init__(self, jwks: dict[str, Any]) -> None:
        self.jwks = jwks
        self.next_id_token = ""
        self.token_requests: list[str] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def _json(self, value: dict[str, Any], status: int = 200) -> None:
                body = json.dumps(value).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self._json(provider.metadata())
                elif self.path == "/jwks":
                    self._json(provider.jwks)
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                provider.token_requests.append(self.rfile.read(length).decode())
                self._json(
                    {
                        "access_token": "at",
                        "token_type": "Bearer",
                        "expires_in": 60,
                        "id_token": provider.next_id_token,
                    }
                )

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
