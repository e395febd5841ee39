"""The machine endpoints wallets call: OpenID4VCI metadata, offer, token, nonce and credential
endpoints, and VC-API exchanges. No session, no CSRF (wallets are not browsers); every secret
arrives in the request and is checked against its hash."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred_web.orgs.models import Organisation
from microcred_web.wallet_protocols import exchanges, issuance, metadata
from microcred_web.wallet_protocols.issuance import ProtocolError

MAX_BODY_BYTES = 512 * 1024


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such issuer.")
    return organisation


def _json(data: Any, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(exc: ProtocolError) -> JsonResponse:
    response = _json(exc.as_json(), status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
    return response


def _json_body(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BODY_BYTES:
        raise ProtocolError("invalid_request", "The body is too large.", status=413)
    if not request.body.strip():
        return {}
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError("invalid_request", "The body is not JSON.") from exc


@require_GET
def credential_issuer_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    return _json(metadata.credential_issuer_metadata(_organisation(slug)))


@require_GET
def authorization_server_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    return _json(metadata.authorization_server_metadata(_organisation(slug)))


@require_GET
def offer(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    _organisation(slug)
    try:
        return _json(issuance.offer_by_reference(secret=secret))
    except ProtocolError as exc:
        return _error(exc)


@csrf_exempt
@require_POST
def token(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    form = {key: request.POST.get(key, "") for key in request.POST}
    try:
        return _json(issuance.access_token_issue(organisation_id=organisation.pk, form=form))
    except ProtocolError as exc:
        return _error(exc)


@csrf_exempt
@require_POST
def nonce(request: HttpRequest, slug: str) -> HttpResponse:
    _organisation(slug)
    return _json({"c_nonce": issuance.nonce_issue()})


def _bearer(request: HttpRequest) -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt
@require_POST
def credential(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    try:
        offer_row = issuance.offer_for_token(
            organisation_id=organisation.pk, token=_bearer(request)
        )
        return _json(issuance.credential_deliver(offer=offer_row, body=_json_body(request)))
    except ProtocolError as exc:
        return _error(exc)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def exchange(request: HttpRequest, exchange_id: str) -> HttpResponse:
    """POST: one exchange step. GET (the DCC interaction URL, ``?iuv=1``): the protocols the
    exchange speaks, for wallets that scanned the exchange URL itself."""
    try:
        if request.method == "GET":
            return _json(exchanges.exchange_protocols(secret=exchange_id))
        return _json(exchanges.exchange_step(secret=exchange_id, body=_json_body(request)))
    except ProtocolError as exc:
        return _error(exc)
