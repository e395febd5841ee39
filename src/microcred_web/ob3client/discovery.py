"""Reading an OB 3.0 host's service description document (OB 3.0 §6.3.1): where to register,
authorize and get tokens, the API's base URL and the scopes offered. The revocation endpoint is
not in that document: it is read from the host's RFC 8414 metadata when the host has some."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.ob3client.transport import HostError, failure_words, host_request

DISCOVERY_PATH = "/ims/ob/v3p0/discovery"
FIELD = "base_url"


@dataclass(frozen=True)
class HostEndpoints:
    name: str
    api_base: str
    registration_url: str
    authorization_url: str
    token_url: str
    scopes: tuple[str, ...]
    revocation_url: str = ""


def discovery_url_for(base_url: str) -> str:
    """The discovery document's URL from what a person typed (a site, or the document itself)."""
    text = (base_url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(text) > 500:
        raise ApplicationError(
            "invalid_url", _("Enter the host's address, starting with https://."), FIELD
        )
    path = parts.path.rstrip("/")
    if path.endswith("/discovery"):
        return text
    if path.endswith("/ims/ob/v3p0"):
        return f"{parts.scheme}://{parts.netloc}{path}/discovery"
    return f"{parts.scheme}://{parts.netloc}{path}{DISCOVERY_PATH}"


def _absolute_url(value: Any, what: str) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise HostError(
            _("The host's discovery document has no valid %(what)s.") % {"what": what}, FIELD
        )
    return str(value)


def _oauth_scheme(document: dict[str, Any]) -> dict[str, Any]:
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    for scheme in schemes.values() if isinstance(schemes, dict) else []:
        flows = scheme.get("flows") if isinstance(scheme, dict) else None
        code_flow = flows.get("authorizationCode") if isinstance(flows, dict) else None
        if scheme.get("type") == "oauth2" and isinstance(code_flow, dict):
            return dict(scheme)
    raise HostError(_("The host does not offer the OAuth 2.0 authorization code flow."), FIELD)


def _revocation_url(token_url: str) -> str:
    """The RFC 7009 endpoint from the host's RFC 8414 metadata, or "" when it has none."""
    parts = urlsplit(token_url)
    try:
        answer = host_request(
            "GET", f"{parts.scheme}://{parts.netloc}/.well-known/oauth-authorization-server"
        )
        metadata = answer.json() if answer.ok else {}
    except HostError:
        return ""
    endpoint = metadata.get("revocation_endpoint") if isinstance(metadata, dict) else None
    try:
        return _absolute_url(endpoint, "revocation endpoint") if endpoint else ""
    except HostError:
        return ""


def host_discover(base_url: str) -> HostEndpoints:
    """Fetch and read the host's discovery document (through the guarded fetcher)."""
    answer = host_request("GET", discovery_url_for(base_url), field=FIELD)
    if not answer.ok:
        raise HostError(failure_words(answer), FIELD)
    document = answer.json()
    if not isinstance(document, dict):
        raise HostError(_("The host's discovery document is not a JSON object."), FIELD)
    servers = document.get("servers") or []
    server = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    scheme = _oauth_scheme(document)
    flow = scheme["flows"]["authorizationCode"]
    token_url = _absolute_url(flow.get("tokenUrl"), "token URL")
    info = document.get("info")
    info = info if isinstance(info, dict) else {}
    scopes = flow.get("scopes")
    scopes = scopes if isinstance(scopes, dict) else {}
    return HostEndpoints(
        name=str(info.get("title") or urlsplit(token_url).hostname)[:200],
        api_base=_absolute_url(server, "server URL").rstrip("/"),
        registration_url=_absolute_url(scheme.get("x-imssf-registrationUrl"), "registration URL"),
        authorization_url=_absolute_url(flow.get("authorizationUrl"), "authorization URL"),
        token_url=token_url,
        scopes=tuple(str(s) for s in scopes),
        revocation_url=_revocation_url(token_url),
    )
