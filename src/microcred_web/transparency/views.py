"""Public, read-only endpoints of an organisation's log (C2SP tlog-tiles layout).

``/o/<slug>/log/checkpoint``, ``/log/tile/...``, ``/log/key``, ``/log/proof/<credential>``
and ``/log/consistency?old=&new=``. Anyone may read them: a log is public by design and
holds no personal data. Full tiles never change and are cached for a year.
"""

from __future__ import annotations

import base64

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from microcred_web.orgs.models import Organisation
from microcred_web.transparency.models import TransparencyLog
from microcred_web.transparency.selectors import (
    LogReadError,
    consistency_between,
    inclusion_of_credential,
    log_of,
    tile_content,
)
from microcred_web.transparency.services import checkpoint_publish, log_ensure

_IMMUTABLE = "public, max-age=31536000, immutable"
_SHORT = "public, max-age=5"


def _log(slug: str) -> TransparencyLog:
    log = log_of(slug=slug)
    if log is None:
        raise Http404("no log")
    return log


def _bad(error: LogReadError) -> JsonResponse:
    return JsonResponse({"error": str(error), "field": error.field}, status=404)


def _size(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name)
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        raise LogReadError(f"{name} must be a whole number", name)
    return int(value)


@require_GET
def checkpoint(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    log = log_ensure(organisation_id=organisation.pk)
    response = HttpResponse(
        checkpoint_publish(log=log).note, content_type="text/plain; charset=utf-8"
    )
    response["Cache-Control"] = _SHORT
    return response


@require_GET
def key(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(_log(slug).verifier_key + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def tile(request: HttpRequest, slug: str, path: str) -> HttpResponse:
    try:
        content, full = tile_content(_log(slug), "tile/" + path)
    except LogReadError as error:
        return _bad(error)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Cache-Control"] = _IMMUTABLE if full else _SHORT
    return response


@require_GET
def proof(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    log = _log(slug)
    try:
        size = _size(request, "size")
        if size is None:
            checkpoint_publish(log=log)
        bundle = inclusion_of_credential(log, public_id=public_id, size=size)
    except LogReadError as error:
        return _bad(error)
    return JsonResponse(bundle)


@require_GET
def consistency(request: HttpRequest, slug: str) -> HttpResponse:
    log = _log(slug)
    try:
        old, new = _size(request, "old"), _size(request, "new")
        if old is None or new is None:
            raise LogReadError("give old and new tree sizes", "old" if old is None else "new")
        nodes = consistency_between(log, old=old, new=new)
    except LogReadError as error:
        return _bad(error)
    return JsonResponse(
        {"old": old, "new": new, "proof": [base64.b64encode(node).decode() for node in nodes]}
    )
