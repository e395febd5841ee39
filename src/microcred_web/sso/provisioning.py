"""Just-in-time provisioning from an identity provider's assertion (provider-neutral: OIDC
today, SAML can call the same function with its NameID and attributes).

Rules (docs/decisions/0039-oidc-single-sign-on.md):

- a person is linked by (issuer, subject), never by e-mail alone;
- the first sign-in links to an existing account with the same e-mail only if the provider
  says the address is verified AND that account is already a member of this organisation (so
  one organisation's provider cannot take over anyone else's account); otherwise a new account
  is created (no password);
- roles are re-computed from the groups at every sign-in: the roles of every mapped group, or
  the default role when no group is mapped; the last administrator keeps the role;
- a membership an administrator deactivated stays deactivated (sign-in refused).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs import selectors as org_selectors
from microcred_web.orgs.models import Organisation, Role
from microcred_web.orgs.services import membership_add
from microcred_web.sso import selectors
from microcred_web.sso.models import Identity


@dataclass(frozen=True, slots=True)
class ExternalIdentity:
    """What an identity provider asserted about a person."""

    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str
    groups: tuple[str, ...]


def roles_for_groups(
    groups: Iterable[str], group_roles: Sequence[Sequence[str]], default_role: str
) -> list[str]:
    """The roles the groups map to (canonical order), or ``[default_role]`` if none maps."""
    held = set(groups)
    mapped = {role for group, role in group_roles if group in held and role in Role.values}
    if not mapped:
        mapped = {default_role}
    return [value for value in Role.values if value in mapped]


def _refuse(code: str, message: str) -> ApplicationError:
    return ApplicationError(code, message, status=403)


def _linked_user(organisation: Organisation, person: ExternalIdentity) -> tuple[User, bool]:
    """The account for ``person`` and whether it was created now."""
    identity = (
        Identity.objects.select_related("user")
        .filter(issuer=person.issuer, subject=person.subject)
        .first()
    )
    if identity is not None:
        if identity.organisation_id != organisation.pk:
            raise _refuse(
                "sso_other_organisation",
                _("This identity provider account is linked to another organisation."),
            )
        return identity.user, False
    email = person.email.strip().lower()
    if not email or not person.email_verified:
        raise _refuse(
            "sso_email_unverified",
            _(
                "Your identity provider did not confirm your e-mail address, so no account can "
                "be linked. Ask your administrator."
            ),
        )
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        user = User.objects.create_user(email, None, display_name=person.name[:150])
        return user, True
    if existing.is_operator or not existing.memberships.filter(organisation=organisation).exists():
        raise _refuse(
            "sso_email_taken",
            _(
                "An account with this e-mail address already exists outside this organisation. "
                "Sign in with your password, or ask your administrator to invite you first."
            ),
        )
    return existing, False


def _roles_sync(organisation: Organisation, user: User, roles: list[str], ip: str | None) -> None:
    membership = selectors.membership_of(organisation=organisation, user=user)
    if membership is not None and not membership.is_active:
        raise _refuse(
            "sso_membership_deactivated",
            _("Your membership of %(organisation)s is deactivated. Contact your administrator.")
            % {"organisation": organisation.name},
        )
    if membership is not None:
        have = membership.role_names
        losing_admin = Role.ADMIN in have and Role.ADMIN not in roles
        if losing_admin and org_selectors.admin_count(organisation=organisation) <= 1:
            roles = [value for value in Role.values if value in {*roles, Role.ADMIN}]
        if have == roles:
            return
    membership_add(organisation=organisation, user=user, roles=roles, ip=ip)


@transaction.atomic
def identity_sign_in(
    *,
    organisation: Organisation,
    person: ExternalIdentity,
    group_roles: Sequence[Sequence[str]],
    default_role: str,
    ip: str | None = None,
) -> User:
    """Find or create the account, sync its membership and roles; the user to sign in."""
    user, created = _linked_user(organisation, person)
    if not user.is_active:
        raise _refuse("sso_account_inactive", _("This account is deactivated."))
    roles = roles_for_groups(person.groups, group_roles, default_role)
    _roles_sync(organisation, user, roles, ip)
    Identity.objects.update_or_create(
        issuer=person.issuer,
        subject=person.subject,
        defaults={
            "user": user,
            "organisation": organisation,
            "groups": list(person.groups)[:200],
            "last_sign_in_at": timezone.now(),
        },
    )
    audit_record(
        action="sso.signed_in",
        actor=user,
        organisation=organisation,
        target=user,
        data={"issuer": person.issuer, "created": created, "roles": roles},
        ip=ip,
    )
    return user
