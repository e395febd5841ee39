"""Single sign-on pages: the administrators' settings, finding one's provider, and the
OpenID Connect round trip (``/sso/<slug>/login/`` → provider → ``/sso/<slug>/callback/``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred_web.common.errors import ApplicationError
from microcred_web.common.http import client_address
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.sso import selectors, services
from microcred_web.sso.forms import ConnectionForm, FindForm
from microcred_web.sso.models import Connection

END_SESSION_KEY = "sso.end_session_url"  # read by accounts' sign-out


def _initial(connection: Connection | None) -> dict[str, object]:
    if connection is None:
        return {}
    return {
        "enabled": connection.enabled,
        "display_name": connection.display_name,
        "issuer": connection.issuer,
        "client_id": connection.client_id,
        "scopes": connection.scopes,
        "groups_claim": connection.groups_claim,
        "group_roles": services.group_roles_text(connection.group_roles),
        "default_role": connection.default_role,
        "email_domains": connection.email_domains,
        "sso_required": connection.sso_required,
    }


@org_view(Role.ADMIN)
def connection_settings(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    connection = selectors.connection_of(organisation=ctx.organisation)
    form = ConnectionForm(request.POST or None, initial=_initial(connection))
    if request.method == "POST" and form.is_valid():
        try:
            services.connection_save(
                organisation=ctx.organisation,
                actor=ctx.user,
                values=dict(form.cleaned_data),
                ip=client_address(request),
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Single sign-on settings saved."))
            return redirect("sso:settings", slug=ctx.organisation.slug)
    callback = request.build_absolute_uri(
        reverse("sso:callback", kwargs={"slug": ctx.organisation.slug})
    )
    return render(
        request,
        "sso/settings.html",
        {"ctx": ctx, "form": form, "connection": connection, "callback_url": callback},
        status=400 if form.errors else 200,
    )


def _next(request: HttpRequest) -> str:
    candidate = request.GET.get("next") or request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _failure(request: HttpRequest, message: str, status: int, slug: str = "") -> HttpResponse:
    return render(request, "sso/failed.html", {"message": message, "slug": slug}, status=status)


@require_http_methods(["GET", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    """Sign-in page's "single sign-on" link: the person's e-mail finds their provider."""
    form = FindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        connection = selectors.connection_for_email(email=form.cleaned_data["email"])
        if connection is not None:
            url = reverse("sso:login", kwargs={"slug": connection.organisation.slug})
            next_url = _next(request)
            return redirect(url + (f"?{urlencode({'next': next_url})}" if next_url else ""))
        form.add_error(
            "email",
            _(
                "No organisation signs in people with this e-mail address through single "
                "sign-on. Sign in with your password."
            ),
        )
    return render(
        request,
        "sso/find.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


def _redirect_uri(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(reverse("sso:callback", kwargs={"slug": slug}))


def sign_in_start(request: HttpRequest, slug: str) -> HttpResponse:
    connection = selectors.connection_enabled_for_slug(slug=slug)
    if connection is None:
        return _failure(request, _("This organisation has no single sign-on."), 404)
    try:
        url = services.sign_in_start(
            connection=connection,
            session=request.session,
            redirect_uri=_redirect_uri(request, slug),
            next_url=_next(request),
        )
    except ApplicationError as error:
        return _failure(request, error.message, error.status, slug)
    return HttpResponseRedirect(url)


def sign_in_callback(request: HttpRequest, slug: str) -> HttpResponse:
    connection = selectors.connection_enabled_for_slug(slug=slug)
    if connection is None:
        return _failure(request, _("This organisation has no single sign-on."), 404)
    try:
        user, next_url = services.sign_in_finish(
            connection=connection,
            session=request.session,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
            redirect_uri=_redirect_uri(request, slug),
            ip=client_address(request),
        )
    except ApplicationError as error:
        return _failure(request, error.message, error.status, slug)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    end_session = connection.metadata.get("end_session_endpoint")
    if isinstance(end_session, str) and end_session.startswith(("https://", "http://")):
        sign_in_page = request.build_absolute_uri(reverse("accounts:sign_in"))
        query = urlencode(
            {"client_id": connection.client_id, "post_logout_redirect_uri": sign_in_page}
        )
        request.session[END_SESSION_KEY] = (
            end_session + ("&" if "?" in end_session else "?") + query
        )
    return redirect(next_url or reverse("orgs:dashboard", kwargs={"slug": slug}))
