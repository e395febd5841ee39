"""What we know about the client of a request: its address, also behind trusted proxies."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=4)
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)
    except ValueError as error:
        raise ImproperlyConfigured(f"MICROCRED_TRUSTED_PROXIES: {error}") from error


def trusted_proxies() -> tuple[Network, ...]:
    """``MICROCRED_TRUSTED_PROXIES``: the networks whose ``X-Forwarded-For`` we believe."""
    return _networks(tuple(getattr(settings, "MICROCRED_TRUSTED_PROXIES", ())))


def _address(text: str) -> Address | None:
    """An address from a header hop: ``1.2.3.4``, ``1.2.3.4:5678``, ``::1`` or ``[::1]:80``."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address, the one rate limits, lock-outs and audit records are keyed by.

    The TCP peer (``REMOTE_ADDR``), unless the peer is a trusted proxy: then the right-most
    ``X-Forwarded-For`` hop that is not itself a trusted proxy. Hops to the left of it were
    written by the client and are ignored, so a client cannot choose its own address.
    """
    peer = _address(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None:
        return "unknown"
    networks = trusted_proxies()
    if not networks or not _trusted(peer, networks):
        return str(peer)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    client = peer
    for hop in reversed([hop for hop in forwarded.split(",") if hop.strip()]):
        address = _address(hop)
        if address is None:
            break  # garbage written by the client (or a misconfigured proxy): stop here
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
