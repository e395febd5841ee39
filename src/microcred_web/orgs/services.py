"""Writes for organisations, memberships, teams and invitations.

Each function runs in one transaction and records an audit event inside it; e-mail is queued
to go out only after the transaction commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.accounts.services import user_create
from microcred_web.common.domain_events import domain_events_emit
from microcred_web.common.email import email_queue, email_render, language_for
from microcred_web.common.errors import ApplicationError
from microcred_web.common.hashing import token_hash
from microcred_web.common.services import audit_record
from microcred_web.orgs import selectors
from microcred_web.orgs.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    Role,
    Team,
)

INVITATION_TTL = timedelta(seconds=selectors.INVITATION_MAX_AGE_SECONDS)


def _clean_roles(roles: Iterable[str], *, field: str = "roles") -> list[str]:
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ApplicationError(
            "role_unknown", _("Unknown role: %s") % ", ".join(sorted(unknown)), field
        )
    if not wanted:
        raise ApplicationError("roles_required", _("Choose at least one role."), field)
    return [value for value in Role.values if value in wanted]


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    country: str = "",
    default_language: str = "en",
    primary_colour: str = "#1f4e79",
    accent_colour: str = "#f2a900",
    actor: User | None = None,
) -> Organisation:
    if Organisation.objects.filter(slug=slug).exists():
        raise ApplicationError("slug_taken", _("This short name is already used."), "slug")
    organisation = Organisation.objects.create(
        name=name,
        slug=slug,
        country=country,
        default_language=default_language,
        primary_colour=primary_colour,
        accent_colour=accent_colour,
    )
    if actor is not None:
        membership = Membership.objects.create(user=actor, organisation=organisation)
        MembershipRole.objects.create(membership=membership, role=Role.ADMIN)
    audit_record(
        action="orgs.organisation_created",
        actor=actor,
        organisation=organisation,
        target=organisation,
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    actor: User,
    name: str,
    country: str,
    primary_colour: str,
    accent_colour: str,
    default_language: str,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
    ip: str | None = None,
) -> Organisation:
    before = {
        "name": organisation.name,
        "country": organisation.country,
        "primary_colour": organisation.primary_colour,
        "accent_colour": organisation.accent_colour,
        "default_language": organisation.default_language,
    }
    organisation.name = name
    organisation.country = country
    organisation.primary_colour = primary_colour.lower()
    organisation.accent_colour = accent_colour.lower()
    organisation.default_language = default_language
    organisation.full_clean(exclude=["logo", "slug"])
    if remove_logo and organisation.logo:
        organisation.logo.delete(save=False)
        organisation.logo = ""
    if logo is not None:
        organisation.logo.save(f"{organisation.slug}-{secrets.token_hex(4)}", logo, save=False)
    organisation.save()
    after = {key: getattr(organisation, key) for key in before}
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if logo is not None or remove_logo:
        changes["logo"] = ["", "changed" if logo is not None else "removed"]
    audit_record(
        action="orgs.organisation_updated",
        actor=actor,
        organisation=organisation,
        target=organisation,
        data=changes,
        ip=ip,
    )
    return organisation


def _roles_replace(membership: Membership, roles: list[str]) -> None:
    MembershipRole.objects.filter(membership=membership).exclude(role__in=roles).delete()
    have = set(MembershipRole.objects.filter(membership=membership).values_list("role", flat=True))
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=membership, role=role) for role in roles if role not in have]
    )


def _guard_last_admin(membership: Membership, *, losing_admin: bool) -> None:
    if not losing_admin:
        return
    is_admin = MembershipRole.objects.filter(membership=membership, role=Role.ADMIN).exists()
    if (
        is_admin
        and membership.is_active
        and selectors.admin_count(organisation=membership.organisation) <= 1
    ):
        raise ApplicationError(
            "last_admin",
            _(
                "An organisation needs at least one administrator. Make someone else an "
                "administrator first."
            ),
            "roles",
            status=409,
        )


@transaction.atomic
def membership_add(
    *,
    organisation: Organisation,
    user: User,
    roles: Iterable[str],
    actor: User | None = None,
    ip: str | None = None,
) -> Membership:
    """Add ``user`` with ``roles``; reactivates and re-roles an existing membership."""
    cleaned = _clean_roles(roles)
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation)
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    _roles_replace(membership, cleaned)
    audit_record(
        action="orgs.membership_added",
        actor=actor,
        organisation=organisation,
        target=membership,
        data={"roles": cleaned, "created": created},
        ip=ip,
    )
    if created:
        person_joined_emit(organisation=organisation, users=[user], roles=cleaned)
    return membership


def person_joined_emit(
    *, organisation: Organisation, users: Iterable[User], roles: Iterable[str] = ()
) -> None:
    """``person.joined`` for webhooks (in the caller's transaction)."""
    role_list = list(roles)
    domain_events_emit(
        organisation_id=organisation.pk,
        event_type="person.joined",
        items=[
            {"person": {"email": u.email, "name": u.display_name or None}, "roles": role_list}
            for u in users
        ],
    )


@transaction.atomic
def membership_roles_set(
    *, membership: Membership, roles: Iterable[str], actor: User, ip: str | None = None
) -> Membership:
    cleaned = _clean_roles(roles)
    before = sorted(
        MembershipRole.objects.filter(membership=membership).values_list("role", flat=True)
    )
    _guard_last_admin(membership, losing_admin=Role.ADMIN not in cleaned)
    _roles_replace(membership, cleaned)
    audit_record(
        action="orgs.membership_roles_changed",
        actor=actor,
        organisation=membership.organisation,
        target=membership,
        data={"before": before, "after": sorted(cleaned)},
        ip=ip,
    )
    return membership


@transaction.atomic
def membership_deactivate(
    *, membership: Membership, actor: User, ip: str | None = None
) -> Membership:
    if membership.user_id == actor.pk:
        raise ApplicationError(
            "cannot_deactivate_self", _("You cannot deactivate your own membership."), status=409
        )
    _guard_last_admin(membership, losing_admin=True)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(
        action="orgs.membership_deactivated",
        actor=actor,
        organisation=membership.organisation,
        target=membership,
        ip=ip,
    )
    return membership


@transaction.atomic
def membership_reactivate(
    *, membership: Membership, actor: User, ip: str | None = None
) -> Membership:
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    audit_record(
        action="orgs.membership_reactivated",
        actor=actor,
        organisation=membership.organisation,
        target=membership,
        ip=ip,
    )
    return membership


def _team_memberships(
    organisation: Organisation, memberships: Iterable[Membership], field: str
) -> list[Membership]:
    chosen = list(memberships)
    if any(m.organisation_id != organisation.pk for m in chosen):
        raise ApplicationError("member_unknown", _("Choose people from this organisation."), field)
    return chosen


@transaction.atomic
def team_create(
    *,
    organisation: Organisation,
    name: str,
    managers: Iterable[Membership] = (),
    members: Iterable[Membership] = (),
    actor: User | None = None,
    ip: str | None = None,
) -> Team:
    name = name.strip()
    if not name:
        raise ApplicationError("name_required", _("Give the team a name."), "name")
    if Team.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ApplicationError(
            "team_name_taken", _("A team with this name already exists."), "name"
        )
    team = Team.objects.create(organisation=organisation, name=name)
    team.managers.set(_team_memberships(organisation, managers, "managers"))
    team.members.set(_team_memberships(organisation, members, "members"))
    audit_record(
        action="orgs.team_created", actor=actor, organisation=organisation, target=team, ip=ip
    )
    return team


@transaction.atomic
def team_update(
    *,
    team: Team,
    name: str,
    managers: Iterable[Membership],
    members: Iterable[Membership],
    actor: User,
    ip: str | None = None,
) -> Team:
    name = name.strip()
    if not name:
        raise ApplicationError("name_required", _("Give the team a name."), "name")
    clash = Team.objects.filter(organisation=team.organisation, name__iexact=name).exclude(
        pk=team.pk
    )
    if clash.exists():
        raise ApplicationError(
            "team_name_taken", _("A team with this name already exists."), "name"
        )
    team.name = name
    team.save(update_fields=["name"])
    team.managers.set(_team_memberships(team.organisation, managers, "managers"))
    team.members.set(_team_memberships(team.organisation, members, "members"))
    audit_record(
        action="orgs.team_updated",
        actor=actor,
        organisation=team.organisation,
        target=team,
        ip=ip,
    )
    return team


@transaction.atomic
def team_delete(*, team: Team, actor: User, ip: str | None = None) -> None:
    audit_record(
        action="orgs.team_deleted",
        actor=actor,
        organisation=team.organisation,
        target=team,
        data={"name": team.name},
        ip=ip,
    )
    team.delete()


def invitation_link(link_token: str) -> str:
    return settings.BASE_URL + reverse("invitation_accept", kwargs={"link_token": link_token})


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    roles: Iterable[str],
    actor: User,
    team: Team | None = None,
    ip: str | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and queue its e-mail. Returns it and the link token to send."""
    email = email.strip().lower()
    cleaned = _clean_roles(roles)
    if team is not None and team.organisation_id != organisation.pk:
        raise ApplicationError("team_unknown", _("Choose a team of this organisation."), "team")
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, is_active=True
    ).exists():
        raise ApplicationError(
            "already_member", _("This person is already a member of the organisation."), "email"
        )
    now = timezone.now()
    Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        roles=cleaned,
        team=team,
        token_hash=token_hash(token),
        invited_by=actor,
        expires_at=now + INVITATION_TTL,
    )
    link_token = signing.TimestampSigner(salt=selectors.INVITATION_SALT).sign(token)
    audit_record(
        action="orgs.invitation_created",
        actor=actor,
        organisation=organisation,
        target=invitation,
        data={"email": email, "roles": cleaned},
        ip=ip,
    )
    rendered = email_render(
        template="orgs/email/invitation",
        language=language_for(organisation=organisation),
        organisation=organisation,
        greeting_name=email,
        button_url=invitation_link(link_token),
        context={
            "organisation": organisation,
            "inviter": actor,
            "roles": [Role(r).label for r in cleaned],
            "days": INVITATION_TTL.days,
        },
    )
    email_queue(email=rendered, to=[email])
    return invitation, link_token


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User, ip: str | None = None) -> Invitation:
    if invitation.accepted_at is not None:
        raise ApplicationError(
            "invitation_used", _("This invitation was already accepted."), status=409
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        action="orgs.invitation_revoked",
        actor=actor,
        organisation=invitation.organisation,
        target=invitation,
        ip=ip,
    )
    return invitation


def _invitation_locked(link_token: str) -> Invitation:
    invitation = selectors.invitation_from_link(link_token=link_token)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None or locked.revoked_at is not None:
        # Raced with another acceptance or a revocation: re-run the checks for the message.
        selectors.invitation_from_link(link_token=link_token)
    return invitation


def _invitation_join(invitation: Invitation, user: User, ip: str | None) -> Membership:
    membership = membership_add(
        organisation=invitation.organisation, user=user, roles=invitation.roles, actor=user, ip=ip
    )
    if invitation.team is not None:
        invitation.team.members.add(membership)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action="orgs.invitation_accepted",
        actor=user,
        organisation=invitation.organisation,
        target=invitation,
        ip=ip,
    )
    return membership


@transaction.atomic
def invitation_accept_new_user(
    *, link_token: str, display_name: str, password: str, ip: str | None = None
) -> Membership:
    invitation = _invitation_locked(link_token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ApplicationError(
            "account_exists",
            _("An account with this e-mail address already exists: sign in to accept."),
            status=409,
        )
    try:
        user = user_create(
            email=invitation.email,
            password=password,
            display_name=display_name,
            preferred_language=invitation.organisation.default_language,
            ip=ip,
        )
    except IntegrityError as exc:  # pragma: no cover - concurrent sign-up
        raise ApplicationError(
            "account_exists", _("This account already exists."), status=409
        ) from exc
    return _invitation_join(invitation, user, ip)


@transaction.atomic
def invitation_accept_existing_user(
    *, link_token: str, user: User, ip: str | None = None
) -> Membership:
    invitation = _invitation_locked(link_token)
    if user.email.lower() != invitation.email.lower():
        raise ApplicationError(
            "invitation_other_email",
            _("This invitation was sent to %(email)s. Sign out, then sign in with that address.")
            % {"email": invitation.email},
            status=403,
        )
    return _invitation_join(invitation, user, ip)
