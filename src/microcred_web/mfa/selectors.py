"""Reads: who must use a second factor, whose factors are set up, one's sessions."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from microcred_web.accounts.models import User
from microcred_web.mfa.models import (
    OrganisationMfaPolicy,
    RecoveryCode,
    SessionRecord,
    TotpDevice,
)
from microcred_web.orgs.models import MembershipRole, Organisation

DEFAULT_REQUIRED_ROLES = ("admin", "issuer")
OPERATOR = "operator"  # not an organisation role: the instance's operators (``is_operator``)


def required_roles() -> tuple[str, ...]:
    """``MICROCRED_MFA_REQUIRED_ROLES``: the roles that must use a second factor, ``operator``
    included for the instance's operators (empty turns the requirement off everywhere)."""
    return tuple(getattr(settings, "MICROCRED_MFA_REQUIRED_ROLES", DEFAULT_REQUIRED_ROLES))


def mfa_required_for(*, user: User) -> bool:
    """True when the person holds a role that issues, revokes or manages keys in an active
    membership of an organisation that has not relaxed the requirement."""
    roles = required_roles()
    if not roles:
        return False
    if OPERATOR in roles and user.is_operator:
        return True
    return (
        MembershipRole.objects.filter(
            membership__user=user, membership__is_active=True, role__in=roles
        )
        .exclude(membership__organisation__mfa_policy__required=False)
        .exists()
    )


def device_confirmed(*, user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def device_pending(*, user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def sessions_for(*, user: User) -> QuerySet[SessionRecord]:
    return SessionRecord.objects.filter(user=user).order_by("-last_seen_at")


def organisation_requires(*, organisation: Organisation) -> bool:
    policy = OrganisationMfaPolicy.objects.filter(organisation=organisation).first()
    return policy is None or policy.required


def organisation_coverage(*, organisation: Organisation) -> tuple[int, int]:
    """(administrators and issuers, how many of them have an authenticator set up)."""
    people = User.objects.filter(
        memberships__organisation=organisation,
        memberships__is_active=True,
        memberships__roles__role__in=DEFAULT_REQUIRED_ROLES,
    ).distinct()
    enrolled = people.filter(totp_device__confirmed_at__isnull=False)
    return people.count(), enrolled.count()
