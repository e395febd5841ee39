"""What we know about the client of a request."""

from __future__ import annotations

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The peer address. Behind a proxy, configure the proxy to set REMOTE_ADDR correctly."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")
