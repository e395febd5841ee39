"""Organisation administrators create and revoke SCIM tokens (the secret is shown once)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.scim import selectors, tokens

_ONCE_SESSION_KEY = "scim.token_once"


@org_view(Role.ADMIN)
def token_list(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            token, secret = tokens.token_create(
                organisation=ctx.organisation,
                name=request.POST.get("name", ""),
                actor=ctx.user,
                ip=request.META.get("REMOTE_ADDR"),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            request.session[_ONCE_SESSION_KEY] = {"token": token.pk, "secret": secret}
            return redirect("scim:tokens", slug=ctx.organisation.slug)
    once = request.session.pop(_ONCE_SESSION_KEY, None)
    return render(
        request,
        "scim/tokens.html",
        {
            "ctx": ctx,
            "tokens": selectors.tokens(organisation=ctx.organisation),
            "secret_once": once,
            "error": error,
            "base_url": request.build_absolute_uri("/scim/v2/"),
            "example_users": request.build_absolute_uri(
                reverse("scim:collection", kwargs={"kind": "Users"})
            ),
        },
        status=400 if error else 200,
    )


@org_view(Role.ADMIN)
@require_POST
def token_revoke(request: HttpRequest, ctx: OrgContext, token_id: int) -> HttpResponse:
    token = selectors.tokens(organisation=ctx.organisation).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    tokens.token_revoke(token=token, actor=ctx.user, ip=request.META.get("REMOTE_ADDR"))
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("scim:tokens", slug=ctx.organisation.slug)
