"""Template context for the layout: current organisation, navigation, brand colours."""

from __future__ import annotations

from django.http import HttpRequest

from microcred_web.common.colour import ink_on_white, readable_text_on
from microcred_web.orgs import selectors
from microcred_web.orgs.access import current_org_context
from microcred_web.orgs.navigation import nav_for

DEFAULT_BRAND = "#1f4e79"
DEFAULT_ACCENT = "#f2a900"


def layout(request: HttpRequest) -> dict[str, object]:
    ctx = current_org_context(request)
    user = getattr(request, "user", None)
    memberships = (
        list(selectors.memberships_of_user(user=user))
        if user is not None and user.is_authenticated
        else []
    )
    brand = ctx.organisation.primary_colour if ctx else DEFAULT_BRAND
    accent = ctx.organisation.accent_colour if ctx else DEFAULT_ACCENT
    url_name = getattr(getattr(request, "resolver_match", None), "view_name", "")
    return {
        "org_ctx": ctx,
        "current_org": ctx.organisation if ctx else None,
        "nav_items": nav_for(ctx) if ctx else [],
        "current_url_name": url_name,
        "my_memberships": memberships,
        "brand": {
            "primary": brand,
            "on_primary": readable_text_on(brand),
            "ink": ink_on_white(brand),
            "accent": accent,
            "on_accent": readable_text_on(accent),
        },
    }
