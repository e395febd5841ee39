"""Public downloads of a credential: ``/credentials/<uuid>/certificate.pdf`` and badges.

Whoever may see the credential's page may download them (private credentials are 404 to
others, see :mod:`microcred_web.issuing.visibility`). Revoked and suspended credentials answer
410 Gone with a page saying why. A download event is recorded for the PDF, and for the badge
images when fetched as a download (``?download=1``), not when shown as a picture.
"""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from microcred_web.analytics.services import event_record
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.selectors import credential_public_get
from microcred_web.issuing.visibility import credential_visible_in
from microcred_web.rendering import services

_FORMATS = {"certificate": "pdf", "badge-png": "png", "badge-svg": "svg"}


def _download(request: HttpRequest, public_id: UUID, kind: str, filename: str) -> HttpResponseBase:
    credential = credential_public_get(public_id=public_id)
    if credential is None or not credential_visible_in(request, credential):
        raise Http404("No such credential.")
    try:
        path, content_type = services.rendition_for(credential, kind)
    except ApplicationError as exc:
        return render(
            request,
            "rendering/unavailable.html",
            {"credential": credential, "error": exc},
            status=exc.status,
        )
    as_attachment = request.GET.get("download") == "1"
    if kind.startswith("certificate") or as_attachment:
        event_record(
            kind="download",
            credential_id=credential.pk,
            organisation_id=credential.organisation_id,
            channel=_FORMATS[kind.split("-")[0] if kind.startswith("certificate") else kind],
            request=request,
        )
    response = FileResponse(
        path.open("rb"),
        content_type=content_type,
        filename=filename,
        as_attachment=as_attachment,
    )
    response["Cache-Control"] = "private, no-cache"  # revalidate: the status may change
    response["X-Content-Type-Options"] = "nosniff"
    if kind == "badge-svg":
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
        )
    return response


@require_GET
def certificate_pdf(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    size = request.GET.get("size", "a4").lower()
    if size not in ("a4", "letter"):
        size = "a4"
    return _download(request, public_id, f"certificate-{size}", f"certificate-{public_id}.pdf")


@require_GET
def badge_png(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    return _download(request, public_id, "badge-png", f"badge-{public_id}.png")


@require_GET
def badge_svg(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    return _download(request, public_id, "badge-svg", f"badge-{public_id}.svg")
