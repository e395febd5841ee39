"""The person's calendar page (make, replace or revoke the feed address) and the feed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.calendars import services
from microcred_web.orgs.access import OrgContext, org_view

_ONCE_SESSION_KEY = "calendars.feed_once"


@org_view()
def calendar_page(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    token = request.session.pop(_ONCE_SESSION_KEY, None)
    return render(
        request,
        "calendars/calendar.html",
        {
            "ctx": ctx,
            "feed": services.feed_active(organisation=ctx.organisation, user=ctx.user),
            "feed_url_once": services.feed_url(token) if token else "",
        },
    )


@org_view()
@require_POST
def feed_new(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    token = services.feed_create(organisation=ctx.organisation, user=ctx.user)
    request.session[_ONCE_SESSION_KEY] = token
    return redirect("calendars:page", slug=ctx.organisation.slug)


@org_view()
@require_POST
def feed_revoke(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    services.feed_revoke(organisation=ctx.organisation, user=ctx.user)
    messages.success(request, _("Your calendar address is revoked: it no longer works."))
    return redirect("calendars:page", slug=ctx.organisation.slug)


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS feed: calendar apps fetch it without a session; the secret is the address."""
    found = services.feed_find(token)
    if found is None:
        raise Http404("No such calendar.")
    response = HttpResponse(
        services.feed_calendar(feed=found), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="due-dates.ics"'
    return response
