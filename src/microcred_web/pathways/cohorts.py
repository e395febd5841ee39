"""Writes for groups of learners: assign a pathway to a team with a due date, and migrate
learners pinned to older versions to the published one (after a preview; decision 0025)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Team
from microcred_web.pathways.models import Enrolment, Pathway


def pathway_assign_team(
    *, pathway: Pathway, team: Team, due_date: date | None, actor: Any
) -> tuple[int, int]:
    """Enrol every active member of ``team`` in the published version with ``due_date``
    (created, updated). Someone already enrolled keeps their version; their due date and team
    are set."""
    if team.organisation_id != pathway.organisation_id:
        raise ApplicationError("wrong_organisation", _("Choose one of your teams."), "team")
    if pathway.published_version_id is None:
        raise ApplicationError("not_published", _("Publish the pathway first."), "pathway")
    if due_date is not None and due_date < timezone.localdate():
        raise ApplicationError("due_date", _("The due date cannot be in the past."), "due_date")
    created = updated = 0
    assigner = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        for membership in team.members.filter(is_active=True):
            enrolment, is_new = Enrolment.objects.get_or_create(
                pathway=pathway,
                user_id=membership.user_id,
                defaults={
                    "organisation": pathway.organisation,
                    "version_id": pathway.published_version_id,
                    "due_date": due_date,
                    "team": team,
                    "assigned_by": assigner,
                },
            )
            if is_new:
                created += 1
                continue
            enrolment.due_date, enrolment.team, enrolment.assigned_by = due_date, team, assigner
            enrolment.save(update_fields=["due_date", "team", "assigned_by"])
            updated += 1
        audit_record(
            action="pathways.assigned",
            actor=actor,
            organisation=pathway.organisation,
            target=pathway,
            data={
                "team": team.name,
                "due_date": due_date.isoformat() if due_date else "",
                "created": created,
                "updated": updated,
            },
        )
    return created, updated


def enrolments_migrate(
    *, pathway: Pathway, enrolment_ids: Iterable[int], actor: Any
) -> list[Enrolment]:
    """Move these enrolments (of ``pathway``, on an older version) to the published version,
    then evaluate the learners so the new version's milestones and goal issue. Nothing already
    issued is revoked (decision 0025)."""
    target = pathway.published_version
    if target is None:
        raise ApplicationError("not_published", _("Publish the pathway first."), "pathway")
    with transaction.atomic():
        moving = list(
            Enrolment.objects.select_for_update()
            .filter(pathway=pathway, pk__in=list(enrolment_ids))
            .exclude(version=target)
            .select_related("version")
        )
        for enrolment in moving:
            before = enrolment.version.number
            enrolment.version = target
            enrolment.save(update_fields=["version"])
            audit_record(
                action="pathways.migrated",
                actor=actor,
                organisation=pathway.organisation,
                target=pathway,
                data={"learner": enrolment.user_id, "from": before, "to": target.number},
            )
        user_ids = sorted({e.user_id for e in moving})
        if user_ids:
            from microcred_web.awards.tasks import awards_evaluate_task

            org_id = pathway.organisation_id
            transaction.on_commit(
                lambda: awards_evaluate_task.enqueue(organisation_id=org_id, user_ids=user_ids)
            )
    return moving
