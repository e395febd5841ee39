"""An organisation's trusted issuer registries (admins) and the one it publishes (public)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Organisation, Role
from microcred_web.trustlists import selectors, services
from microcred_web.trustlists.models import TrustRegistry


def _page(
    request: HttpRequest, ctx: OrgContext, error: ApplicationError | None = None
) -> HttpResponse:
    context = {
        "ctx": ctx,
        "rows": selectors.registry_rows(organisation=ctx.organisation),
        "formats": TrustRegistry.Format.choices,
        "error": error,
        "values": request.POST if error is not None else {},
    }
    return render(request, "trustlists/list.html", context, status=error.status if error else 200)


@org_view(Role.ADMIN)
def registry_list(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    if request.method != "POST":
        return _page(request, ctx)
    upload = request.FILES.get("file")
    source_url = request.POST.get("source_url", "").strip()
    text: str | bytes = (
        upload.read(services.MAX_REGISTRY_BYTES + 1)
        if upload is not None
        else request.POST.get("document", "")
    )
    try:
        if source_url and not upload and not str(request.POST.get("document", "")).strip():
            text = services.registry_fetch(source_url)
        if not text or (isinstance(text, str) and not text.strip()):
            raise ApplicationError(
                "registry_missing",
                _("Upload the registry file, paste its JSON or give its address."),
                "document",
            )
        row = services.registry_add(
            organisation=ctx.organisation,
            name=request.POST.get("name", ""),
            source_format=request.POST.get("source_format", ""),
            text=text,
            source_url=source_url[:2000],
            published=request.POST.get("published") == "on",
        )
    except ApplicationError as error:
        return _page(request, ctx, error)
    messages.success(request, _("Registry “%(name)s” added.") % {"name": row.name})
    return redirect("trustlists:list", slug=ctx.organisation.slug)


def _row(ctx: OrgContext, registry_id: int) -> TrustRegistry:
    return get_object_or_404(TrustRegistry, pk=registry_id, organisation=ctx.organisation)


@org_view(Role.ADMIN)
@require_POST
def registry_publish(request: HttpRequest, ctx: OrgContext, registry_id: int) -> HttpResponse:
    row = _row(ctx, registry_id)
    services.registry_publish(row=row, published=request.POST.get("published") == "on")
    return redirect("trustlists:list", slug=ctx.organisation.slug)


@org_view(Role.ADMIN)
@require_POST
def registry_delete(request: HttpRequest, ctx: OrgContext, registry_id: int) -> HttpResponse:
    services.registry_delete(row=_row(ctx, registry_id))
    messages.success(request, _("Registry removed."))
    return redirect("trustlists:list", slug=ctx.organisation.slug)


@require_GET
def published(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's published registry of issuers it recognises (public JSON)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    body = (
        selectors.published_json(organisation=organisation)
        if organisation is not None and not organisation.is_suspended
        else None
    )
    if body is None:
        raise Http404("No published registry.")
    response = HttpResponse(body, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response
