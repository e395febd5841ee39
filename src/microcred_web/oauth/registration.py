"""Dynamic client registration (RFC 7591) with the OB 3.0 registration fields (OB 3.0 §6.2.3).

django-oauth-toolkit keeps the client (its ``Application``); its own registration view answers
without the fields OB 3.0 requires (client_uri, logo_uri, tos_uri, policy_uri, software_id,
software_version, scope, response_types, client_id_issued_at, client_secret_expires_at), so this
module validates the request, creates the Application plus our ``ClientRegistration``, and
answers with every field the client sent.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from oauth2_provider.models import Application

from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.oauth.models import ClientRegistration
from microcred_web.oauth.scopes import SCOPE_WORDS

AUTH_METHODS = {"client_secret_basic", "client_secret_post", "none"}
LINK_FIELDS = ("client_uri", "logo_uri", "tos_uri", "policy_uri")


@dataclass(frozen=True)
class Registered:
    application: Application
    registration: ClientRegistration
    client_secret: str  # shown once; stored hashed


def _refuse(field: str, message: str, code: str = "invalid_client_metadata") -> ApplicationError:
    return ApplicationError(code, message, field)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _checked_uri(value: Any, field: str, *, code: str = "invalid_client_metadata") -> str:
    """An absolute https URI (http only on a loopback host), without a fragment."""
    if not isinstance(value, str) or not value or len(value) > 500:
        raise _refuse(field, f"{field} must be an absolute URI of at most 500 characters.", code)
    parts = urlsplit(value)
    host = parts.hostname or ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host))
    if not host or not secure or parts.fragment:
        raise _refuse(field, f"{field} must use https (http only on a loopback address).", code)
    return value


def _text(data: dict[str, Any], field: str, limit: int, *, required: bool = False) -> str:
    value = data.get(field, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise _refuse(field, f"{field} must be a string of 1 to {limit} characters.")
    return value.strip()


def _checked_list(data: dict[str, Any], field: str, default: list[str]) -> list[str]:
    value = data.get(field, default)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _refuse(field, f"{field} must be an array of strings.")
    return value


def _checked_metadata(data: dict[str, Any]) -> dict[str, Any]:
    """The request's metadata, validated, with the defaults OB 3.0 names filled in."""
    redirect_uris = _checked_list(data, "redirect_uris", [])
    if not redirect_uris or len(redirect_uris) > 10:
        raise _refuse(
            "redirect_uris", "Register between 1 and 10 redirect URIs.", "invalid_redirect_uri"
        )
    for uri in redirect_uris:
        _checked_uri(uri, "redirect_uris", code="invalid_redirect_uri")
    grant_types = _checked_list(data, "grant_types", ["authorization_code", "refresh_token"])
    if "authorization_code" not in grant_types or set(grant_types) - {
        "authorization_code",
        "refresh_token",
    }:
        raise _refuse("grant_types", "Only authorization_code and refresh_token are offered.")
    response_types = _checked_list(data, "response_types", ["code"])
    if response_types != ["code"]:
        raise _refuse("response_types", 'Only the "code" response type is offered.')
    method = data.get("token_endpoint_auth_method", "client_secret_basic")
    if method not in AUTH_METHODS:
        raise _refuse("token_endpoint_auth_method", "Use client_secret_basic.")
    scope = data.get("scope", "")
    scopes = scope.split() if isinstance(scope, str) else []
    if not scopes or any(s not in SCOPE_WORDS for s in scopes):
        raise _refuse("scope", "scope must list one or more of the OB 3.0 scopes.")
    links = {f: _checked_uri(data[f], f) for f in LINK_FIELDS if data.get(f) not in (None, "")}
    if "client_uri" not in links:
        raise _refuse("client_uri", "client_uri is required.")
    contacts = _checked_list(data, "contacts", [])
    return {
        "client_name": _text(data, "client_name", 200, required=True),
        "software_id": _text(data, "software_id", 200),
        "software_version": _text(data, "software_version", 100),
        "redirect_uris": redirect_uris,
        "grant_types": grant_types,
        "response_types": response_types,
        "token_endpoint_auth_method": method,
        "scope": " ".join(dict.fromkeys(scopes)),
        "contacts": contacts[:10],
        **links,
    }


def client_register(*, data: Any) -> tuple[Registered, dict[str, Any]]:
    """Register a client from RFC 7591 metadata; returns it and the validated metadata."""
    if not isinstance(data, dict):
        raise _refuse("", "The request body must be a JSON object.")
    metadata = _checked_metadata(data)
    public = metadata["token_endpoint_auth_method"] == "none"  # noqa: S105 - a method name
    application = Application(
        name=metadata["client_name"],
        redirect_uris=" ".join(metadata["redirect_uris"]),
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        registration_source=Application.RegistrationSource.DCR,
    )
    raw_secret = "" if public else str(application.client_secret)
    with transaction.atomic():
        application.save()
        registration = ClientRegistration.objects.create(
            application=application,
            client_uri=metadata["client_uri"],
            logo_uri=metadata.get("logo_uri", ""),
            tos_uri=metadata.get("tos_uri", ""),
            policy_uri=metadata.get("policy_uri", ""),
            software_id=metadata["software_id"],
            software_version=metadata["software_version"],
            scope=metadata["scope"],
            token_endpoint_auth_method=metadata["token_endpoint_auth_method"],
            contacts=metadata["contacts"],
        )
        audit_record(
            action="oauth.client_registered",
            target=registration,
            data={"client_id": application.client_id, "client_name": application.name},
        )
    return Registered(application, registration, raw_secret), metadata


def registration_reply(registered: Registered, metadata: dict[str, Any]) -> dict[str, Any]:
    """The RFC 7591 §3.2.1 answer: every registered field plus the client's credentials."""
    application = registered.application
    reply: dict[str, Any] = {
        "client_id": application.client_id,
        "client_id_issued_at": int(application.created.timestamp()),
        **{k: v for k, v in metadata.items() if v not in ("", [])},
    }
    if registered.client_secret:
        reply["client_secret"] = registered.client_secret
        reply["client_secret_expires_at"] = 0  # does not expire
    return reply
