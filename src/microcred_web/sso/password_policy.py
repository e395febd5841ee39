"""The "SSO required" rule for password sign-in (called by accounts through the setting
``MICROCRED_PASSWORD_SIGN_IN_CHECKS``, so accounts need not know this app).

Break-glass: instance operators and the organisation's administrators keep password sign-in,
so an organisation is never locked out when its identity provider fails (docs/sso.md).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.orgs.models import Role
from microcred_web.sso import selectors


def password_sign_in_refusal(user: User) -> str | None:
    """Why ``user`` may not sign in with a password, or None."""
    if user.is_operator:
        return None
    connection = selectors.sso_required_connection_for(user=user)
    if connection is None:
        return None
    membership = selectors.membership_of(organisation=connection.organisation, user=user)
    if membership is not None and Role.ADMIN in membership.role_names:
        return None
    return _(
        "%(organisation)s requires single sign-on through %(provider)s: use “Sign in with "
        "single sign-on” below."
    ) % {
        "organisation": connection.organisation.name,
        "provider": connection.display_name,
    }
