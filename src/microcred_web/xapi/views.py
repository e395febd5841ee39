"""The LRS endpoint (``/xapi/statements``, ``/xapi/about``) and the administrators' page."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.xapi import clients, selectors, services
from microcred_web.xapi.statements import StatementRefused, parse_uuid, version_supported

log = logging.getLogger(__name__)
VERSION_HEADER = "X-Experience-API-Version"
ANSWER_VERSION = "1.0.3"
MAX_BODY = 5 * 1024 * 1024
_ONCE_SESSION_KEY = "xapi.client_once"


def _answer(data: Any, status: int = 200, version: str = ANSWER_VERSION) -> HttpResponse:
    response: HttpResponse
    if status == 204:
        response = HttpResponse(status=204)
    else:
        response = JsonResponse(data, status=status, safe=False)
    response[VERSION_HEADER] = version
    return response


def _error(code: str, message: str, status: int, field: str | None = None) -> HttpResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if field:
        body["field"] = field
    response = _answer(body, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="xAPI"'
    return response


def about(request: HttpRequest) -> HttpResponse:
    """The About resource: no authentication, no version header required (xAPI §2.6)."""
    return _answer({"version": ["1.0.3", "2.0.0"], "extensions": {}})


@csrf_exempt
def statements(request: HttpRequest) -> HttpResponse:
    version = request.headers.get(VERSION_HEADER)
    if not version_supported(version):
        return _error(
            "version",
            _("Send the X-Experience-API-Version header with 1.0.3 or 2.0.0."),
            400,
            VERSION_HEADER,
        )
    client = clients.client_authenticate(request.headers.get("Authorization", ""))
    if client is None:
        return _error("unauthorised", _("Send a valid xAPI key and secret (HTTP Basic)."), 401)
    answer_version = "2.0.0" if str(version).startswith("2.") else ANSWER_VERSION
    if request.method == "GET":
        return _get(request, client, answer_version)
    if request.method not in ("POST", "PUT"):
        response = _error("method", _("Use GET, POST or PUT."), 405)
        response["Allow"] = "GET, POST, PUT"
        return response
    return _write(request, client, str(version), answer_version)


def _get(request: HttpRequest, client: Any, version: str) -> HttpResponse:
    organisation = client.organisation
    for name, voided in (("statementId", False), ("voidedStatementId", True)):
        if name in request.GET:
            statement_id = parse_uuid(request.GET[name])
            if statement_id is None:
                return _error("statement_id", _("Not a statement id."), 400, name)
            found = selectors.statement_get(
                organisation=organisation, statement_id=statement_id, voided=voided
            )
            if found is None:
                return _error("not_found", _("No such statement."), 404, name)
            return _answer(found, version=version)
    limit = request.GET.get("limit", "")
    count = min(int(limit), 500) if limit.isdigit() and int(limit) > 0 else 100
    found_list = selectors.statements_recent(organisation=organisation, limit=count)
    return _answer({"statements": found_list, "more": ""}, version=version)


def _write(request: HttpRequest, client: Any, version: str, answer_version: str) -> HttpResponse:
    from microcred_web.xapi.statements import statements_check

    if len(request.body) > MAX_BODY:
        return _error("too_large", _("The request is too large."), 413)
    if not (request.content_type or "").startswith("application/json"):
        return _error("content_type", _("Send statements as application/json."), 400)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error("json", _("The body is not valid JSON."), 400)
    put_id = None
    if request.method == "PUT":
        put_id = parse_uuid(request.GET.get("statementId"))
        if put_id is None or isinstance(payload, list):
            return _error(
                "statement_id",
                _("PUT takes one statement and its statementId."),
                400,
                "statementId",
            )
    try:
        checked = statements_check(payload)
        ids = services.statements_store(
            client=client, statements=checked, version=version, put_id=put_id
        )
    except StatementRefused as refused:
        log.info("xapi statements refused for %s: %s", client.key, refused)
        return _answer(
            {
                "error": "invalid",
                "message": _("Statements refused; nothing was stored."),
                "problems": [{"field": p.field, "message": p.message} for p in refused.problems],
            },
            400,
        )
    except IntegrityError:
        log.info("xapi statements raced for %s", client.key)
        return _error("conflict", _("Another request stored these statements first; retry."), 409)
    except ApplicationError as error:
        log.info("xapi statements refused for %s: %s", client.key, error.message)
        return _error(error.code, error.message, error.status, error.field)
    if put_id is not None:
        return _answer(None, 204, answer_version)
    return _answer([str(statement_id) for statement_id in ids], version=answer_version)


@org_view(Role.ADMIN)
def client_list(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            client, secret = clients.client_create(
                organisation=ctx.organisation, name=request.POST.get("name", ""), actor=ctx.user
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            request.session[_ONCE_SESSION_KEY] = {"key": client.key, "secret": secret}
            return redirect("xapi:clients", slug=ctx.organisation.slug)
    return render(
        request,
        "xapi/clients.html",
        {
            "ctx": ctx,
            "clients": clients.client_list(organisation=ctx.organisation),
            "secret_once": request.session.pop(_ONCE_SESSION_KEY, None),
            "error": error,
            "endpoint": request.build_absolute_uri(reverse("xapi:statements")).removesuffix(
                "statements"
            ),
            "counts": selectors.statement_counts(organisation=ctx.organisation),
        },
        status=400 if error else 200,
    )


@org_view(Role.ADMIN)
@require_POST
def client_revoke(request: HttpRequest, ctx: OrgContext, client_id: int) -> HttpResponse:
    client = clients.client_list(organisation=ctx.organisation).filter(pk=client_id).first()
    if client is None:
        raise Http404("No such client.")
    clients.client_revoke(client=client, actor=ctx.user)
    messages.success(request, _("The client is revoked: its key no longer works."))
    return redirect("xapi:clients", slug=ctx.organisation.slug)
