"""Readable names for a session's browser and device, and masked addresses (no parser
dependency: a few well-known User-Agent tokens are enough to tell one's sessions apart)."""

from __future__ import annotations

import ipaddress

_BROWSERS = (  # order matters: Edge and Opera also say "Chrome", Chrome also says "Safari"
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_name(user_agent: str) -> str:
    """ "Firefox on Linux", "Chrome on Android"…; "" when nothing is recognised."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system


def address_mask(address: str) -> str:
    """The network part only: 203.0.113.7 → 203.0.113.x, 2001:db8:1:2::5 → 2001:db8:1::/48."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if isinstance(parsed, ipaddress.IPv4Address):
        return ".".join(str(parsed).split(".")[:3]) + ".x"
    network = ipaddress.ip_network(f"{parsed}/48", strict=False)
    return str(network)
