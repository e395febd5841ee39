"""LTI Dynamic Registration 1.0: the platform opens our registration page with its OpenID
configuration URL (and a one-time registration token); an organisation administrator
confirms, we read the configuration, register microcred as a client, and keep the answer as
the organisation's platform registration.

Spec sections: §3.3 (the initiation request), §3.4 (platform configuration: the issuer must
share the configuration URL's origin), §3.5 (client registration request, private_key_jwt,
the ``lti-tool-configuration`` claim), §3.6 (the answer: client_id, deployment_id),
§3.7 (closing the window with ``org.imsglobal.lti.close``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.lti.models import Platform
from microcred_web.lti.platform_http import UnsafeFetch, platform_request
from microcred_web.lti.services import platform_create
from microcred_web.orgs.models import Organisation

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)


def _fail(message: str, field: str = "openid_configuration") -> ApplicationError:
    return ApplicationError("lti_registration_failed", message, field, status=400)


def platform_configuration(url: str) -> dict[str, Any]:
    """The platform's OpenID configuration, checked (§3.4)."""
    try:
        answer = platform_request("GET", url, headers={"Accept": "application/json"})
        document = answer.json() if answer.ok else None
    except UnsafeFetch as exc:
        raise _fail(
            _("The platform's configuration could not be read: %(reason)s")
            % {"reason": exc.message}
        ) from exc
    if not isinstance(document, dict):
        raise _fail(
            _("The platform's configuration could not be read: %(reason)s") % {"reason": "HTTP"}
        )
    issuer = str(document.get("issuer") or "")
    url_parts, issuer_parts = urlsplit(url), urlsplit(issuer)
    if (url_parts.scheme, url_parts.netloc) != (issuer_parts.scheme, issuer_parts.netloc):
        raise _fail(_("The platform's issuer does not match the address of its configuration."))
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        if not str(document.get(name) or "").startswith(("https://", "http://")):
            raise _fail(_("The platform's configuration has no %(name)s.") % {"name": name})
    return document


def registration_request(tool: dict[str, str], organisation: Organisation) -> dict[str, Any]:
    """Our client registration (§3.5): login, launch and key set URLs, the services used."""
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": tool["login"],
        "redirect_uris": [tool["launch"]],
        "client_name": f"microcred – {organisation.name}",
        "jwks_uri": tool["jwks"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(tool["launch"]).netloc,
            "target_link_uri": tool["launch"],
            "claims": ["iss", "sub", "name", "email"],
            "messages": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest", "label": "microcred"},
            ],
        },
    }


def platform_register(
    *,
    organisation: Organisation,
    actor: User,
    configuration_url: str,
    registration_token: str,
    tool: dict[str, str],
) -> Platform:
    """Register with the platform and record the registration for the organisation."""
    configuration = platform_configuration(configuration_url)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    body = json.dumps(registration_request(tool, organisation)).encode()
    try:
        answer = platform_request(
            "POST", str(configuration["registration_endpoint"]), headers=headers, body=body
        )
        client = answer.json() if answer.ok else None
    except UnsafeFetch as exc:
        raise _fail(
            _("The platform refused the registration: %(reason)s") % {"reason": exc.message}
        ) from exc
    if not isinstance(client, dict) or not client.get("client_id"):
        raise _fail(
            _("The platform refused the registration: %(reason)s")
            % {"reason": f"HTTP {answer.status}"}
        )
    tool_answer = client.get(TOOL_CONFIGURATION) or {}
    deployment = (
        str(tool_answer.get("deployment_id") or "") if isinstance(tool_answer, dict) else ""
    )
    product = configuration.get(PLATFORM_CONFIGURATION) or {}
    name = str(product.get("product_family_code") or "") if isinstance(product, dict) else ""
    return platform_create(
        organisation=organisation,
        actor=actor,
        dynamic=True,
        values={
            "name": name or urlsplit(str(configuration["issuer"])).netloc,
            "issuer": str(configuration["issuer"]),
            "client_id": str(client["client_id"]),
            "deployment_ids": [deployment] if deployment else ["1"],
            "auth_login_url": str(configuration["authorization_endpoint"]),
            "token_url": str(configuration["token_endpoint"]),
            "jwks_url": str(configuration["jwks_uri"]),
        },
    )
