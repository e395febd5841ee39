"""Writes for recommendations and career paths: a learner dismisses (or restores) an item, a
manager assigns a recommended course, an administrator links roles. Each is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.learning import progress
from microcred_web.learning.models import Course
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.skills.models import JobRole, RecommendationDismissal, RoleLink
from microcred_web.skills.recommending import DISMISS_REASONS

ITEM_PREFIXES = ("course:", "assessment:", "credential:")


@transaction.atomic
def recommendation_dismiss(
    *, organisation: Organisation, user: Any, item: str, reason: str, note: str = ""
) -> RecommendationDismissal:
    if not item.startswith(ITEM_PREFIXES) or not item.split(":", 1)[1].isdigit():
        raise ApplicationError("item", _("Unknown recommendation."), "item")
    if reason not in DISMISS_REASONS:
        raise ApplicationError("reason", _("Choose a reason."), "reason")
    row = RecommendationDismissal.objects.create(
        organisation=organisation, user=user, item=item, reason=reason, note=note.strip()[:500]
    )
    audit_record(
        action="skills.recommendation_dismiss",
        actor=user,
        organisation=organisation,
        target=row,
        data={"item": item, "reason": reason},
    )
    return row


@transaction.atomic
def recommendation_restore(
    *, organisation: Organisation, user: Any, item: str
) -> RecommendationDismissal:
    """Bring a dismissed item back (a new row: dismissals are append-only)."""
    if not item.startswith(ITEM_PREFIXES):
        raise ApplicationError("item", _("Unknown recommendation."), "item")
    row = RecommendationDismissal.objects.create(
        organisation=organisation, user=user, item=item, reason="restored", restored=True
    )
    audit_record(
        action="skills.recommendation_restore",
        actor=user,
        organisation=organisation,
        target=row,
        data={"item": item},
    )
    return row


def recommendation_assign(
    *,
    organisation: Organisation,
    actor: Any,
    course: Course,
    membership: Membership,
    due_date: date | None,
) -> bool:
    """Assign a recommended course to one person with the learning service; True if new."""
    created, _updated = progress.enrolment_assign(
        organisation=organisation,
        actor=actor,
        course=course,
        memberships=[membership],
        due_date=due_date,
    )
    return created == 1


@transaction.atomic
def role_link_add(
    *, organisation: Organisation, actor: Any, source: JobRole, target: JobRole
) -> RoleLink:
    if source.organisation_id != organisation.pk or target.organisation_id != organisation.pk:
        raise ApplicationError("role", _("Unknown role."), "role", 404)
    if source.pk == target.pk:
        raise ApplicationError("target", _("A role cannot lead to itself."), "target")
    link, created = RoleLink.objects.get_or_create(
        organisation=organisation, source=source, target=target
    )
    if created:
        audit_record(
            action="skills.role_link_add",
            actor=actor,
            organisation=organisation,
            target=link,
            data={"from": source.name, "to": target.name},
        )
    return link


@transaction.atomic
def role_link_remove(*, organisation: Organisation, actor: Any, link: RoleLink) -> None:
    if link.organisation_id != organisation.pk:
        raise ApplicationError("role", _("Unknown role."), "role", 404)
    audit_record(
        action="skills.role_link_remove",
        actor=actor,
        organisation=organisation,
        target=link,
        data={"from": link.source.name, "to": link.target.name},
    )
    link.delete()
