"""A scim2-client engine that sends each request over real HTTP (``http.client``) to a
server on loopback, so scim2-tester talks to our running server the way an identity provider
would. The request is built by scim2-client itself (its in-process request builder)."""

from __future__ import annotations

import http.client
from typing import Any
from wsgiref.headers import Headers

from scim2_client.engines.inprocess import InProcessResponse, _prepare_request
from scim2_client.engines.wsgi import WSGISCIMClient


class LoopbackSCIMClient(WSGISCIMClient):
    def __init__(self, base_url: str, token: str, **kwargs: Any) -> None:
        super().__init__(
            app=None,  # type: ignore[arg-type]
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            **kwargs,
        )
        self.sent: list[tuple[str, str, int]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> InProcessResponse:
        prepared = _prepare_request(self.base_url, self.headers, method, url, **kwargs)
        target = prepared.url
        connection = http.client.HTTPConnection(target.hostname or "", target.port, timeout=30)
        path = target.path + (f"?{target.query}" if target.query else "")
        try:
            connection.request(
                prepared.method, path, body=prepared.body or None, headers=dict(prepared.headers)
            )
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        self.sent.append((prepared.method, path, response.status))
        return InProcessResponse(
            status_code=response.status, headers=Headers(response.getheaders()), content=content
        )
