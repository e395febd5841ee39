"""Organisation administrators manage webhook endpoints and read their delivery log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.webhooks import selectors, services
from microcred_web.webhooks.forms import EndpointForm
from microcred_web.webhooks.models import Endpoint

_ONCE_SESSION_KEY = "webhooks.secret_once"


def _endpoint(ctx: OrgContext, endpoint_id: int) -> Endpoint:
    endpoint = selectors.endpoint_get(organisation=ctx.organisation, endpoint_id=endpoint_id)
    if endpoint is None:
        raise Http404("No such endpoint.")
    return endpoint


def _show_secret_once(request: HttpRequest, endpoint: Endpoint, secret: str) -> None:
    request.session[_ONCE_SESSION_KEY] = {"endpoint": endpoint.pk, "secret": secret}


@org_view(Role.ADMIN)
def endpoint_list(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    endpoints = selectors.endpoint_list(organisation=ctx.organisation)
    return render(request, "webhooks/list.html", {"ctx": ctx, "endpoints": endpoints})


def _form_save(
    request: HttpRequest, ctx: OrgContext, form: EndpointForm, endpoint: Endpoint | None
) -> Endpoint | None:
    if not form.is_valid():
        return None
    values: dict[str, Any] = {
        "url": form.cleaned_data["url"],
        "description": form.cleaned_data["description"],
        "event_types": form.cleaned_data["event_types"],
        "enabled": form.cleaned_data["enabled"],
    }
    try:
        if endpoint is None:
            endpoint, secret = services.endpoint_create(
                organisation=ctx.organisation, actor=ctx.user, **values
            )
            _show_secret_once(request, endpoint, secret)
            return endpoint
        return services.endpoint_update(endpoint=endpoint, actor=ctx.user, **values)
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


@org_view(Role.ADMIN)
def endpoint_new(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST":
        endpoint = _form_save(request, ctx, form, None)
        if endpoint is not None:
            return redirect("webhooks:detail", slug=ctx.organisation.slug, endpoint_id=endpoint.pk)
    return render(
        request,
        "webhooks/form.html",
        {"ctx": ctx, "form": form, "endpoint": None},
        status=400 if form.errors else 200,
    )


@org_view(Role.ADMIN)
def endpoint_edit(request: HttpRequest, ctx: OrgContext, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(ctx, endpoint_id)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "enabled": endpoint.enabled,
    }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and _form_save(request, ctx, form, endpoint) is not None:
        messages.success(request, _("Endpoint saved."))
        return redirect("webhooks:detail", slug=ctx.organisation.slug, endpoint_id=endpoint.pk)
    return render(
        request,
        "webhooks/form.html",
        {"ctx": ctx, "form": form, "endpoint": endpoint},
        status=400 if form.errors else 200,
    )


@org_view(Role.ADMIN)
def endpoint_detail(request: HttpRequest, ctx: OrgContext, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(ctx, endpoint_id)
    shown = request.session.get(_ONCE_SESSION_KEY) or {}
    secret = ""
    if shown.get("endpoint") == endpoint.pk:
        secret = str(shown.get("secret", ""))
        del request.session[_ONCE_SESSION_KEY]
    response = render(
        request,
        "webhooks/detail.html",
        {
            "ctx": ctx,
            "endpoint": endpoint,
            "secret": secret,
            "deliveries": selectors.delivery_log(endpoint=endpoint),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@org_view(Role.ADMIN)
@require_POST
def endpoint_rotate(request: HttpRequest, ctx: OrgContext, endpoint_id: int) -> HttpResponse:
    endpoint, secret = services.endpoint_secret_rotate(
        endpoint=_endpoint(ctx, endpoint_id), actor=ctx.user
    )
    _show_secret_once(request, endpoint, secret)
    messages.success(request, _("New secret created; the old one stays valid for a while."))
    return redirect("webhooks:detail", slug=ctx.organisation.slug, endpoint_id=endpoint.pk)


@org_view(Role.ADMIN)
@require_POST
def endpoint_test(request: HttpRequest, ctx: OrgContext, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(ctx, endpoint_id)
    services.test_event_send(endpoint=endpoint, actor=ctx.user)
    messages.success(request, _("Test event queued."))
    return redirect("webhooks:detail", slug=ctx.organisation.slug, endpoint_id=endpoint.pk)


@org_view(Role.ADMIN)
@require_POST
def endpoint_delete(request: HttpRequest, ctx: OrgContext, endpoint_id: int) -> HttpResponse:
    services.endpoint_delete(endpoint=_endpoint(ctx, endpoint_id), actor=ctx.user)
    messages.success(request, _("Endpoint deleted."))
    return redirect("webhooks:list", slug=ctx.organisation.slug)


@org_view(Role.ADMIN)
@require_POST
def redeliver(
    request: HttpRequest, ctx: OrgContext, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    endpoint = _endpoint(ctx, endpoint_id)
    delivery = selectors.delivery_get(endpoint=endpoint, delivery_id=delivery_id)
    if delivery is None:
        raise Http404("No such delivery.")
    services.delivery_redeliver(delivery=delivery, actor=ctx.user)
    messages.success(request, _("Re-delivery queued."))
    return redirect("webhooks:detail", slug=ctx.organisation.slug, endpoint_id=endpoint.pk)
