"""Reads for single sign-on."""

from __future__ import annotations

from django.db.models import Q

from microcred_web.accounts.models import User
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.sso.models import Connection


def membership_of(*, organisation: Organisation, user: User) -> Membership | None:
    """The user's membership (active or not) in ``organisation``, roles prefetched."""
    return (
        Membership.objects.filter(organisation=organisation, user=user)
        .prefetch_related("roles")
        .first()
    )


def connection_of(*, organisation: Organisation) -> Connection | None:
    return Connection.objects.filter(organisation=organisation).first()


def connection_enabled_for_slug(*, slug: str) -> Connection | None:
    return (
        Connection.objects.select_related("organisation")
        .filter(organisation__slug=slug, enabled=True, organisation__suspended_at__isnull=True)
        .first()
    )


def connection_for_email(*, email: str) -> Connection | None:
    """The enabled connection whose e-mail domains include the address's domain."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    candidates = Connection.objects.select_related("organisation").filter(
        Q(email_domains__icontains=domain), enabled=True
    )
    for connection in candidates:
        if domain in {d.lower() for d in connection.domain_list}:
            return connection
    return None


def sso_required_connection_for(*, user: User) -> Connection | None:
    """An enabled, SSO-required connection of an organisation ``user`` is an active member of."""
    return (
        Connection.objects.select_related("organisation")
        .filter(
            enabled=True,
            sso_required=True,
            organisation__memberships__user=user,
            organisation__memberships__is_active=True,
        )
        .first()
    )
