"""Reads for organisations. Every org-scoped query takes the organisation explicitly."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User, search_key
from microcred_web.common.errors import ApplicationError
from microcred_web.common.hashing import token_hash
from microcred_web.orgs.models import Invitation, Membership, MembershipRole, Organisation, Team

INVITATION_SALT = "microcred.orgs.invitation"
INVITATION_MAX_AGE_SECONDS = 7 * 24 * 3600


def install_is_fresh() -> bool:
    """No organisation and no instance operator yet: the first-run setup is due."""
    return not Organisation.objects.exists() and not User.objects.filter(is_operator=True).exists()


def membership_for(*, slug: str, user: AbstractBaseUser | AnonymousUser) -> Membership | None:
    """The user's active membership in the organisation ``slug``, with roles prefetched."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(organisation__slug=slug, user_id=user.pk, is_active=True)
        .select_related("organisation", "user")
        .prefetch_related("roles")
        .first()
    )


def memberships_of_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user_id=user.pk, is_active=True)
        .select_related("organisation")
        .prefetch_related("roles")
        .order_by("organisation__name")
    )


def membership_list(
    *,
    organisation: Organisation,
    search: str = "",
    role: str = "",
    include_inactive: bool = True,
) -> QuerySet[Membership]:
    queryset = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related("roles", Prefetch("teams", queryset=Team.objects.order_by("name")))
        .order_by("-is_active", "user__display_name", "user__email")
    )
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    if search.strip():
        queryset = queryset.filter(user__search_text__contains=search_key(search.strip()))
    if role:
        queryset = queryset.filter(roles__role=role).distinct()
    return queryset


def membership_get(*, organisation: Organisation, membership_id: int) -> Membership | None:
    return membership_list(organisation=organisation).filter(pk=membership_id).first()


def member_count(*, organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, is_active=True).count()


def admin_count(*, organisation: Organisation) -> int:
    return (
        MembershipRole.objects.filter(
            membership__organisation=organisation, membership__is_active=True, role="admin"
        )
        .values("membership")
        .distinct()
        .count()
    )


def team_list(*, organisation: Organisation) -> QuerySet[Team]:
    return Team.objects.filter(organisation=organisation).prefetch_related(
        "managers__user", "members__user"
    )


def team_get(*, organisation: Organisation, team_id: int) -> Team | None:
    return team_list(organisation=organisation).filter(pk=team_id).first()


def teams_managed_by(*, membership: Membership) -> QuerySet[Team]:
    return team_list(organisation=membership.organisation).filter(managers=membership)


def invitation_pending_list(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("team", "invited_by")


def invitation_get(*, organisation: Organisation, invitation_id: int) -> Invitation | None:
    return Invitation.objects.filter(organisation=organisation, pk=invitation_id).first()


def invitation_from_link(*, link_token: str) -> Invitation:
    """The invitation a link points to, or an ApplicationError saying why it cannot be used."""
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    try:
        token = signer.unsign(link_token, max_age=INVITATION_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise ApplicationError(
            "invitation_expired",
            _("This invitation has expired. Ask your administrator to send a new one."),
            status=410,
        ) from exc
    except signing.BadSignature as exc:
        raise ApplicationError(
            "invitation_invalid",
            _("This invitation link is not valid. Check that you copied the whole link."),
            status=404,
        ) from exc
    invitation = (
        Invitation.objects.select_related("organisation", "team")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise ApplicationError(
            "invitation_invalid",
            _("This invitation link is not valid. Check that you copied the whole link."),
            status=404,
        )
    if invitation.revoked_at is not None:
        raise ApplicationError(
            "invitation_revoked",
            _("This invitation was withdrawn by an administrator."),
            status=410,
        )
    if invitation.accepted_at is not None:
        raise ApplicationError(
            "invitation_used",
            _("This invitation has already been accepted. Sign in to continue."),
            status=410,
        )
    if invitation.expires_at <= timezone.now():
        raise ApplicationError(
            "invitation_expired",
            _("This invitation has expired. Ask your administrator to send a new one."),
            status=410,
        )
    return invitation


def team_list_with_counts(*, organisation: Organisation) -> QuerySet[Team]:
    """Teams with their managers and a member count (members themselves are not loaded)."""
    return (
        Team.objects.filter(organisation=organisation)
        .annotate(member_count=Count("members", distinct=True))
        .prefetch_related("managers__user")
        .order_by("name")
    )


def team_member_list(
    *, team: Team, search: str = "", managers: bool = False
) -> QuerySet[Membership]:
    relation = team.managers if managers else team.members
    queryset = relation.select_related("user").order_by("user__display_name", "user__email")
    if search.strip():
        queryset = queryset.filter(user__search_text__contains=search_key(search.strip()))
    return queryset


def team_candidate_list(*, team: Team, search: str, limit: int = 20) -> list[Membership]:
    """Active members of the organisation matching ``search`` who are not in the team."""
    if not search.strip():
        return []
    return list(
        Membership.objects.filter(organisation_id=team.organisation_id, is_active=True)
        .filter(user__search_text__contains=search_key(search.strip()))
        .exclude(teams=team)
        .select_related("user")
        .order_by("user__display_name", "user__email")[:limit]
    )
