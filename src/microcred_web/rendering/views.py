"""Public downloads of a credential: ``/credentials/<uuid>/certificate.pdf`` and badges.

Anyone holding the credential's public link may download them, like the credential page
itself. Revoked and suspended credentials answer 410 Gone with a page saying why.
"""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.selectors import credential_public_get
from microcred_web.rendering import services


def _download(request: HttpRequest, public_id: UUID, kind: str, filename: str) -> HttpResponseBase:
    credential = credential_public_get(public_id=public_id)
    if credential is None:
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
    response = FileResponse(
        path.open("rb"),
        content_type=content_type,
        filename=filename,
        as_attachment=request.GET.get("download") == "1",
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
