"""Writes made on behalf of a provisioning client (SCIM): no signed-in actor, each recorded in
the audit log with ``via``. Deactivation never deletes: credentials and history stay, and
reactivation gives the person back the roles they had."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs import selectors
from microcred_web.orgs.models import Membership, MembershipRole, Organisation, Role, Team
from microcred_web.orgs.services import person_joined_emit


@transaction.atomic
def account_provision(
    *, organisation: Organisation, email: str, display_name: str, via: str
) -> User:
    """A new account with no usable password (the person signs in through SSO, or chooses
    a password with "forgot password"); ``email_taken`` if the address is used."""
    user = User(
        email=email.strip().lower(),
        display_name=display_name[:150],
        preferred_language=organisation.default_language,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent request created the account
        raise _email_taken(user.email) from exc
    audit_record(
        action="accounts.user_created", organisation=organisation, target=user, data={"via": via}
    )
    return user


@transaction.atomic
def account_rename(*, user: User, email: str, display_name: str) -> User:
    """Change the sign-in address and name of an account the provisioning client created."""
    email = email.strip().lower()
    if email != user.email.lower():
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise _email_taken(email)
        user.email = email
    user.display_name = display_name[:150]
    user.save(update_fields=["email", "display_name"])
    return user


def _email_taken(email: str) -> ApplicationError:
    return ApplicationError(
        "email_taken",
        _("An account with this e-mail address already exists."),
        "emails",
        status=409,
    )


@transaction.atomic
def membership_provision(
    *, organisation: Organisation, user: User, active: bool, via: str
) -> tuple[Membership, bool]:
    """The person's membership (created as a learner if new); returns it and whether it is new.
    An existing membership keeps its roles."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"is_active": active}
    )
    if created:
        MembershipRole.objects.create(membership=membership, role=Role.LEARNER)
        audit_record(
            action="orgs.membership_added",
            organisation=organisation,
            target=membership,
            data={"roles": [Role.LEARNER], "created": True, "via": via},
        )
        if active:
            person_joined_emit(organisation=organisation, users=[user], roles=[Role.LEARNER])
    else:
        membership_active_set(membership=membership, active=active, via=via)
    return membership, created


@transaction.atomic
def membership_active_set(*, membership: Membership, active: bool, via: str) -> Membership:
    """Deactivate (cannot sign in to the organisation, holds no role there) or reactivate."""
    if membership.is_active == active:
        return membership
    if not active:
        is_admin = MembershipRole.objects.filter(membership=membership, role=Role.ADMIN).exists()
        if is_admin and selectors.admin_count(organisation=membership.organisation) <= 1:
            raise ApplicationError(
                "last_admin",
                _("An organisation needs at least one administrator."),
                "active",
                status=409,
            )
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    audit_record(
        action="orgs.membership_reactivated" if active else "orgs.membership_deactivated",
        organisation=membership.organisation,
        target=membership,
        data={"via": via},
    )
    return membership


@transaction.atomic
def team_provision(
    *, organisation: Organisation, name: str, via: str, team: Team | None = None
) -> Team:
    """Create a team, or rename ``team``; team names are unique in an organisation."""
    name = name.strip()
    if not name:
        raise ApplicationError("name_required", _("Give the team a name."), "displayName")
    clash = Team.objects.filter(organisation=organisation, name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ApplicationError(
            "team_name_taken", _("A team with this name already exists."), "displayName", 409
        )
    if team is None:
        team = Team.objects.create(organisation=organisation, name=name)
        audit_record(
            action="orgs.team_created", organisation=organisation, target=team, data={"via": via}
        )
    elif team.name != name:
        before, team.name = team.name, name
        team.save(update_fields=["name"])
        audit_record(
            action="orgs.team_updated",
            organisation=organisation,
            target=team,
            data={"name": [before, name], "via": via},
        )
    return team


@transaction.atomic
def team_members_sync(
    *, team: Team, memberships: Iterable[Membership], managed: Iterable[Membership], via: str
) -> None:
    """Make the members among ``managed`` exactly ``memberships`` (others are left alone)."""
    wanted = {m.pk: m for m in memberships}
    scope = {m.pk for m in managed} | set(wanted)
    if any(m.organisation_id != team.organisation_id for m in wanted.values()):
        raise ApplicationError(
            "member_unknown", _("Choose people from this organisation."), "members"
        )
    present = set(team.members.filter(pk__in=scope).values_list("pk", flat=True))
    removed = present - set(wanted)
    added = [m for pk, m in wanted.items() if pk not in present]
    team.members.remove(*removed)
    team.members.add(*added)
    if added or removed:
        audit_record(
            action="orgs.team_members_synced",
            organisation=team.organisation,
            target=team,
            data={"added": len(added), "removed": len(removed), "via": via},
        )


@transaction.atomic
def team_remove(*, team: Team, via: str) -> None:
    audit_record(
        action="orgs.team_deleted",
        organisation=team.organisation,
        target=team,
        data={"name": team.name, "via": via},
    )
    team.delete()
