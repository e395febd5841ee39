"""The 1EdTech Open Badges 3.0 REST API (OB 3.0 §6) at /ims/ob/v3p0/: discovery,
getCredentials, upsertCredential, getProfile and putProfile, for the person whose OAuth token
is presented. Errors are Imsx_StatusInfo payloads (status_info.py)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from ninja import NinjaAPI
from ninja.errors import HttpError

from microcred_web.accounts.services import user_profile_update
from microcred_web.common.errors import ApplicationError
from microcred_web.oauth.scopes import (
    CREDENTIAL_READ,
    CREDENTIAL_UPSERT,
    PROFILE_READ,
    PROFILE_UPDATE,
)
from microcred_web.ob3.auth import ScopedBearer
from microcred_web.ob3.discovery import discovery_document
from microcred_web.ob3.status_info import Ob3Error, error_response
from microcred_web.wallet import selectors as wallet_selectors
from microcred_web.wallet import services as wallet_services

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
COMPACT_JWS = re.compile(r"^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$")

ob3_api = NinjaAPI(
    title="Open Badges 3.0 API",
    version="3.0",
    urls_namespace="ob3",
    description=(
        "The 1EdTech Open Badges 3.0 REST API (OB 3.0 §6). OAuth 2.0 bearer tokens from this "
        "instance's authorization server; the service description is at /ims/ob/v3p0/discovery."
    ),
    docs_url="/docs",  # interactive page; the discovery document stays the OB 3.0 description
    openapi_url="/openapi.json",
)


@ob3_api.exception_handler(Ob3Error)
def on_ob3_error(request: HttpRequest, exc: Ob3Error) -> HttpResponse:
    return error_response(exc)


@ob3_api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return error_response(Ob3Error(exc.status if exc.status < 500 else 400, exc.message))


@ob3_api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(Ob3Error(exc.status_code, str(exc)))


def _token_owner(request: HttpRequest) -> Any:
    """The person whose access token authenticated the request (set by ScopedBearer)."""
    return getattr(request, "auth").user  # noqa: B009 - ninja sets it; the stubs do not know


@ob3_api.get("/discovery", auth=None, url_name="discovery")
def discovery(request: HttpRequest) -> HttpResponse:
    return JsonResponse(discovery_document())


def _int_param(request: HttpRequest, name: str, default: int, minimum: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise Ob3Error(
            400, f"{name} must be an integer of at least {minimum}.", "invalid_query_parameter"
        )
    return int(raw)


def _since_param(request: HttpRequest) -> datetime | None:
    raw = request.GET.get("since")
    if raw is None:
        return None
    try:
        since = parse_datetime(raw)
    except ValueError:
        since = None
    if since is None:
        raise Ob3Error(400, "since must be an ISO 8601 date and time.", "invalid_query_parameter")
    return since if since.tzinfo else since.replace(tzinfo=UTC)


def _link_header(request: HttpRequest, total: int, offset: int, limit: int) -> str:
    base = request.build_absolute_uri(request.path)
    extra = {"since": request.GET["since"]} if "since" in request.GET else {}

    def link(page_offset: int, rel: str) -> str:
        query = urlencode({"limit": limit, "offset": page_offset, **extra})
        return f'<{base}?{query}>; rel="{rel}"'

    last = max(0, (total - 1) // limit * limit)
    links = []
    if offset + limit < total:
        links.append(link(offset + limit, "next"))
    links.append(link(last, "last"))
    links.append(link(0, "first"))
    if offset > 0:
        links.append(link(max(0, offset - limit), "prev"))
    return ", ".join(links)


@ob3_api.get("/credentials", auth=ScopedBearer(CREDENTIAL_READ), url_name="credentials")
def get_credentials(request: HttpRequest) -> HttpResponse:
    limit = min(_int_param(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
    offset = _int_param(request, "offset", 0, 0)
    since = _since_param(request)
    total, held = wallet_selectors.held_credentials_page(
        user=_token_owner(request), since=since, offset=offset, limit=limit
    )
    body: dict[str, list[Any]] = {"credential": [], "compactJwsString": []}
    for item in held:
        if item.is_jws:
            body["compactJwsString"].append(item.text.strip())
        else:
            body["credential"].append(json.loads(item.text))
    response = JsonResponse({k: v for k, v in body.items() if v})
    response["X-Total-Count"] = str(total)
    response["Link"] = _link_header(request, total, offset, limit)
    return response


@ob3_api.post("/credentials", auth=ScopedBearer(CREDENTIAL_UPSERT))
def upsert_credential(request: HttpRequest) -> HttpResponse:
    content_type = request.content_type or ""
    body = request.body
    if content_type == "text/plain":
        if not COMPACT_JWS.match(body.decode("utf-8", "replace").strip()):
            raise Ob3Error(400, "The body must be a credential in compact JWS form.")
    elif content_type == "application/json":
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise Ob3Error(400, "The body must be an AchievementCredential JSON object.")
    else:
        raise Ob3Error(415, "Send application/json or text/plain (compact JWS).")
    _imported, created = wallet_services.credential_upsert(user=_token_owner(request), data=body)
    return HttpResponse(body, status=201 if created else 200, content_type=content_type)


def profile_of(user: Any) -> dict[str, Any]:
    """The token owner as an OB 3.0 Profile (a stable id that does not reveal the account)."""
    stable = uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.BASE_URL}/accounts/{user.pk}")
    profile: dict[str, Any] = {
        "id": f"urn:uuid:{stable}",
        "type": ["Profile"],
        "email": user.email,
    }
    if user.display_name:
        profile["name"] = user.display_name
    return profile


@ob3_api.get("/profile", auth=ScopedBearer(PROFILE_READ), url_name="profile")
def get_profile(request: HttpRequest) -> HttpResponse:
    return JsonResponse(profile_of(_token_owner(request)))


@ob3_api.put("/profile", auth=ScopedBearer(PROFILE_UPDATE))
def put_profile(request: HttpRequest) -> HttpResponse:
    try:
        document = json.loads(request.body)
    except ValueError:
        document = None
    if not isinstance(document, dict) or "Profile" not in (document.get("type") or []):
        raise Ob3Error(400, "The body must be a Profile JSON object.")
    user = _token_owner(request)
    if document.get("email") not in (None, user.email):
        raise Ob3Error(400, "The e-mail address is the sign-in name and cannot be changed here.")
    name = document.get("name", user.display_name)
    if not isinstance(name, str):
        raise Ob3Error(400, "name must be a string.")
    user_profile_update(
        user=user, display_name=name[:150], preferred_language=user.preferred_language
    )
    return JsonResponse(profile_of(user))


def _method_not_allowed_as_status_info(view: Callable[..., Any]) -> Callable[..., Any]:
    """ninja answers a method a path does not offer with a plain-text 405; the spec's is an
    Imsx_StatusInfo body (the Allow header is kept)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            answer = error_response(Ob3Error(405, f"{request.method} is not offered here."))
            answer["Allow"] = response.get("Allow", "")
            return answer
        return response

    return wrapped


def ob3_urls() -> Any:
    """The API's URL patterns for ``path("ims/ob/v3p0/", ...)``."""
    patterns, app_name, namespace = ob3_api.urls
    for pattern in patterns:
        if pattern.callback is not None:
            pattern.callback = _method_not_allowed_as_status_info(pattern.callback)
    return patterns, app_name, namespace
