"""Who may open an organisation's pages.

Every view under ``/o/<slug>/`` is wrapped by :func:`org_view`: people who are not active
members get a 404 (so the organisation's existence does not leak), members without one of
the required roles get a 403, anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from microcred_web.accounts.models import User
from microcred_web.orgs import selectors
from microcred_web.orgs.models import Membership, Organisation

P = ParamSpec("P")


@dataclass(frozen=True)
class OrgContext:
    """The organisation a request is about, and the requester's place in it."""

    organisation: Organisation
    membership: Membership
    user: User
    roles: frozenset[str] = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


OrgView = Callable[Concatenate[HttpRequest, OrgContext, P], HttpResponseBase]
WrappedView = Callable[Concatenate[HttpRequest, str, P], HttpResponseBase]


def org_context_for(request: HttpRequest, slug: str) -> OrgContext | None:
    membership = selectors.membership_for(slug=slug, user=request.user)
    if membership is None or not isinstance(request.user, User):
        return None
    return OrgContext(
        organisation=membership.organisation,
        membership=membership,
        user=request.user,
        roles=frozenset(membership.role_names),
    )


def org_view(*roles: str) -> Callable[[OrgView[P]], WrappedView[P]]:
    """Decorate a view taking ``(request, ctx, ...)``; ``roles`` empty means any member."""

    def decorator(view: OrgView[P]) -> WrappedView[P]:
        @wraps(view)
        def wrapped(
            request: HttpRequest, slug: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("accounts:sign_in"))
            ctx = org_context_for(request, slug)
            if ctx is None:
                raise Http404("No such organisation.")
            if ctx.organisation.is_suspended:
                return render(
                    request,
                    "orgs/suspended.html",
                    {"suspended_org": ctx.organisation},
                    status=403,
                )
            request.org_context = ctx  # type: ignore[attr-defined]
            if roles and not ctx.has(*roles):
                raise PermissionDenied("Your roles do not include this page.")
            return view(request, ctx, *args, **kwargs)

        wrapped.__dict__["org_access"] = frozenset(roles)
        return cast("WrappedView[P]", wrapped)

    return decorator


def current_org_context(request: HttpRequest) -> OrgContext | None:
    value: Any = getattr(request, "org_context", None)
    return value if isinstance(value, OrgContext) else None
