"""Team membership edits that scale: add, remove, paste e-mails (no full-list resubmission)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Membership, Team

EMAIL_SEPARATORS = re.compile(r"[\s,;<>]+")
CHUNK = 900
MAX_PASTED = 5_000


def _team_field(team: Team, as_manager: bool):  # type: ignore[no-untyped-def]
    return team.managers if as_manager else team.members


def _own(team: Team, memberships: Iterable[Membership]) -> list[Membership]:
    chosen = list(memberships)
    if any(m.organisation_id != team.organisation_id for m in chosen):
        raise ApplicationError(
            "member_unknown", _("Choose people from this organisation."), "members"
        )
    return chosen


@transaction.atomic
def team_rename(*, team: Team, name: str, actor: User, ip: str | None = None) -> Team:
    name = name.strip()
    if not name:
        raise ApplicationError("name_required", _("Give the team a name."), "name")
    clash = Team.objects.filter(organisation=team.organisation, name__iexact=name)
    if clash.exclude(pk=team.pk).exists():
        raise ApplicationError(
            "team_name_taken", _("A team with this name already exists."), "name"
        )
    before = team.name
    team.name = name
    team.save(update_fields=["name"])
    audit_record(
        action="orgs.team_updated",
        actor=actor,
        organisation=team.organisation,
        target=team,
        data={"name": [before, name]},
        ip=ip,
    )
    return team


@transaction.atomic
def team_members_add(
    *,
    team: Team,
    memberships: Iterable[Membership],
    actor: User,
    as_manager: bool = False,
    ip: str | None = None,
) -> int:
    """Add people (as members, or as managers); returns how many were not there yet."""
    chosen = _own(team, memberships)
    relation = _team_field(team, as_manager)
    present = set(relation.filter(pk__in=[m.pk for m in chosen]).values_list("pk", flat=True))
    added = [m for m in chosen if m.pk not in present]
    relation.add(*added)
    if added:
        audit_record(
            action="orgs.team_managers_added" if as_manager else "orgs.team_members_added",
            actor=actor,
            organisation=team.organisation,
            target=team,
            data={"count": len(added), "emails": [m.user.email for m in added[:50]]},
            ip=ip,
        )
    return len(added)


@transaction.atomic
def team_members_remove(
    *,
    team: Team,
    memberships: Iterable[Membership],
    actor: User,
    as_manager: bool = False,
    ip: str | None = None,
) -> int:
    chosen = _own(team, memberships)
    relation = _team_field(team, as_manager)
    present = list(relation.filter(pk__in=[m.pk for m in chosen]))
    relation.remove(*present)
    if present:
        audit_record(
            action="orgs.team_managers_removed" if as_manager else "orgs.team_members_removed",
            actor=actor,
            organisation=team.organisation,
            target=team,
            data={"count": len(present), "emails": [m.user.email for m in present[:50]]},
            ip=ip,
        )
    return len(present)


def pasted_emails(text: str) -> list[str]:
    """E-mail addresses in pasted text (one per line, or separated by commas or semicolons;
    "Name <a@b.example>" works too), lower-cased, each once."""
    found = [part.lower() for part in EMAIL_SEPARATORS.split(text) if "@" in part]
    unique = list(dict.fromkeys(found))
    if len(unique) > MAX_PASTED:
        raise ApplicationError(
            "too_many", _("At most %(max)d addresses at once.") % {"max": MAX_PASTED}, "emails"
        )
    return unique


@transaction.atomic
def team_members_add_by_email(
    *, team: Team, text: str, actor: User, ip: str | None = None
) -> tuple[int, list[str]]:
    """Add the active members whose e-mail is in ``text``; returns (added, not found)."""
    emails = pasted_emails(text)
    if not emails:
        raise ApplicationError("emails_required", _("Paste at least one e-mail address."), "emails")
    found: dict[str, Membership] = {}
    for start in range(0, len(emails), CHUNK):
        part = emails[start : start + CHUNK]
        for m in Membership.objects.filter(
            organisation_id=team.organisation_id, is_active=True, user__email__in=part
        ).select_related("user"):
            found[m.user.email.lower()] = m
    added = team_members_add(team=team, memberships=found.values(), actor=actor, ip=ip)
    return added, [e for e in emails if e not in found]
