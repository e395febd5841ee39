"""Reactions to learning and issuing: queue one evaluation task per event, only when a rule
could care (a bulk run of 100,000 credentials costs one small query per stored chunk)."""

from __future__ import annotations

from typing import Any

from microcred_web.assessments.signals import assessment_recorded
from microcred_web.awards.models import AwardRule
from microcred_web.issuing.models import Credential
from microcred_web.issuing.signals import credentials_issued
from microcred_web.learning.signals import learning_recorded


def on_learning_recorded(sender: Any, *, organisation: Any, user_ids: list[int], **_: Any) -> None:
    from microcred_web.awards.tasks import awards_evaluate_task

    if (
        not user_ids
        or not AwardRule.objects.filter(organisation=organisation, enabled=True).exists()
    ):
        return
    awards_evaluate_task.enqueue(organisation_id=organisation.pk, user_ids=sorted(set(user_ids)))


def on_credentials_issued(
    sender: Any, *, organisation: Any, credential_ids: list[int], **_: Any
) -> None:
    from microcred_web.awards.tasks import awards_after_credentials_task

    stacked = AwardRule.objects.filter(organisation=organisation, enabled=True).exclude(
        stacks_on=""
    )
    wanted = {
        public_id
        for row in stacked.values_list("stacks_on", flat=True)
        for public_id in row.split()
    }
    if not wanted or not credential_ids:
        return
    issued = (
        Credential.objects.filter(pk__in=credential_ids)
        .values_list("achievement_version__achievement__public_id", flat=True)
        .order_by()
        .distinct()
    )
    if not wanted.intersection(str(public_id) for public_id in issued):
        return
    awards_after_credentials_task.enqueue(
        organisation_id=organisation.pk, credential_ids=list(credential_ids)
    )


def connect() -> None:
    learning_recorded.connect(on_learning_recorded, dispatch_uid="awards.learning_recorded")
    # an accepted assessment is a fact like a completed course
    assessment_recorded.connect(on_learning_recorded, dispatch_uid="awards.assessment_recorded")
    credentials_issued.connect(on_credentials_issued, dispatch_uid="awards.credentials_issued")
