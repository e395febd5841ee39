"""Notification pages: the list (mark read) and per-kind preferences."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from microcred_web.notifications import selectors, services
from microcred_web.notifications.emails import unsubscribe_token_read
from microcred_web.notifications.models import NotificationKind
from microcred_web.orgs.access import OrgContext, org_view


@org_view()
def notification_list(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    items = list(selectors.notification_list(organisation=ctx.organisation, user=ctx.user)[:100])
    return render(request, "notifications/list.html", {"ctx": ctx, "items": items})


@org_view()
@require_POST
def notifications_read(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    raw = request.POST.getlist("notification")
    ids = [int(value) for value in raw if value.isdigit()] if raw else None
    services.notifications_mark_read(
        organisation=ctx.organisation, user=ctx.user, notification_ids=ids
    )
    return redirect("notifications:list", slug=ctx.organisation.slug)


@org_view()
def notification_preferences(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    if request.method == "POST":
        values = {
            kind: {
                "in_app": request.POST.get(f"{kind}-in_app") == "on",
                "email": request.POST.get(f"{kind}-email") == "on",
            }
            for kind in NotificationKind.values
        }
        services.notification_preferences_set(
            user=ctx.user, values=values, organisation=ctx.organisation
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences", slug=ctx.organisation.slug)
    rows = selectors.notification_preferences(user=ctx.user)
    return render(request, "notifications/preferences.html", {"ctx": ctx, "rows": rows})


@csrf_exempt  # RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click", with no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link of a notification e-mail: works without signing in. GET asks (link
    scanners open links), POST turns the kind's e-mails off."""
    found = unsubscribe_token_read(token)
    if found is None or found[1] not in NotificationKind.values:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    label = NotificationKind(found[1]).label
    if request.method == "POST":
        if services.notification_unsubscribe(token=token) is None:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label})
