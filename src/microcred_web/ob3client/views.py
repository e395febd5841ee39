"""The "Connected hosts" pages of the wallet: connect an external OB 3.0 host, send chosen
credentials to it, take its credentials home, disconnect."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.ob3client import selectors, services
from microcred_web.ob3client.models import ConnectedHost, HostState
from microcred_web.wallet import selectors as wallet_selectors


class ConnectForm(forms.Form):
    base_url = forms.CharField(
        label=gettext_lazy("Address of the Open Badges host"),
        max_length=500,
        help_text=gettext_lazy("For example https://badges.example.org"),
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "url"}),
    )


def _mine(request: HttpRequest, public_id: Any) -> ConnectedHost:
    host = selectors.host_of(user=request.user, public_id=public_id)
    if host is None:
        raise Http404
    return host


@login_required
def hosts(request: HttpRequest) -> HttpResponse:
    form = ConnectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            url = services.host_connect_start(
                user=request.user, base_url=form.cleaned_data["base_url"]
            )
        except ApplicationError as exc:
            form.add_error("base_url", exc.message)
        else:
            return redirect(url)
    listed = selectors.hosts_of(user=request.user)
    return render(request, "ob3client/hosts.html", {"form": form, "hosts": listed})


@login_required
def callback(request: HttpRequest) -> HttpResponse:
    try:
        host = services.host_connect_finish(
            user=request.user,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
            error_description=request.GET.get("error_description", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("ob3client:hosts")
    messages.success(request, _("Your wallet is connected to %(name)s.") % {"name": host.name})
    return redirect("ob3client:host", public_id=host.public_id)


@login_required
def host(request: HttpRequest, public_id: Any) -> HttpResponse:
    connected = _mine(request, public_id)
    return render(
        request,
        "ob3client/host.html",
        {
            "host": connected,
            "is_connected": connected.state == HostState.CONNECTED,
            "items": wallet_selectors.shareable_items(user=request.user),
            "activities": selectors.activity_of(host=connected),
        },
    )


@login_required
@require_POST
def send(request: HttpRequest, public_id: Any) -> HttpResponse:
    connected = _mine(request, public_id)
    picks = [tuple(v.split(":", 1)) for v in request.POST.getlist("credential") if ":" in v]
    if not picks:
        messages.error(request, _("Choose at least one credential to send."))
        return redirect("ob3client:host", public_id=public_id)
    try:
        outcomes = services.credentials_push(
            user=request.user, host=connected, picks=[(o, p) for o, p in picks]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("ob3client:host", public_id=public_id)
    for outcome in outcomes:
        words = f"{outcome.name}: {outcome.message}"
        (messages.success if outcome.ok else messages.error)(request, words)
    return redirect("ob3client:host", public_id=public_id)


@login_required
@require_POST
def receive(request: HttpRequest, public_id: Any) -> HttpResponse:
    connected = _mine(request, public_id)
    try:
        summary = services.credentials_pull(user=request.user, host=connected)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("ob3client:host", public_id=public_id)
    messages.success(
        request,
        _("%(added)s added to your wallet, %(updated)s updated, %(skipped)s already here.")
        % {"added": summary.added, "updated": summary.updated, "skipped": summary.skipped},
    )
    for problem in summary.problems[:5]:
        messages.error(request, problem)
    return redirect("ob3client:host", public_id=public_id)


@login_required
@require_POST
def disconnect(request: HttpRequest, public_id: Any) -> HttpResponse:
    connected = _mine(request, public_id)
    name = connected.name
    if services.host_disconnect(user=request.user, host=connected):
        messages.success(
            request, _("Disconnected: %(name)s withdrew this wallet's access.") % {"name": name}
        )
    else:
        messages.warning(
            request,
            _(
                "Disconnected here, but %(name)s did not confirm it withdrew the access: "
                "withdraw it on that site too."
            )
            % {"name": name},
        )
    return redirect("ob3client:hosts")
