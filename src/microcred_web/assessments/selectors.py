"""Reads for assessments, always scoped by organisation, plus the contract with award rules
(:func:`assessment_facts`, :func:`assessment_choices`, :func:`credential_extras`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from microcred.rules.facts import ASSESSMENT_ACCEPTED, Fact
from microcred_web.accounts.models import User
from microcred_web.assessments.models import (
    Assessment,
    AssessmentPolicy,
    AssessmentStatus,
    EvidenceFile,
    RecertificationCase,
    Requirement,
    RequirementKind,
    RequirementPurpose,
    Review,
    ReviewKind,
)
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Membership, Organisation, Team


@dataclass(frozen=True)
class AssessmentChoice:
    ref: str
    label: str


def absolute(path: str) -> str:
    return str(settings.BASE_URL).rstrip("/") + path


def policy_for(*, organisation: Organisation) -> AssessmentPolicy:
    """The organisation's policy (an unsaved default when none was stored)."""
    policy = AssessmentPolicy.objects.filter(organisation=organisation).first()
    return policy or AssessmentPolicy(organisation=organisation)


def requirement_list(*, organisation: Organisation) -> QuerySet[Requirement]:
    return Requirement.objects.filter(organisation=organisation).select_related("achievement")


def requirement_get(*, organisation: Organisation, requirement_id: Any) -> Requirement | None:
    return requirement_list(organisation=organisation).filter(pk=requirement_id).first()


def requirement_by_public_id(*, organisation: Organisation, public_id: Any) -> Requirement | None:
    return requirement_list(organisation=organisation).filter(public_id=public_id).first()


def requirements_open_to_learners(*, organisation: Organisation) -> QuerySet[Requirement]:
    """Portfolio and RPL requirements of published achievements a learner may start."""
    return requirement_list(organisation=organisation).filter(
        is_active=True,
        purpose=RequirementPurpose.INITIAL,
        kind__in=[RequirementKind.PORTFOLIO, RequirementKind.RPL],
        achievement__status="published",
    )


def _assessments(organisation: Organisation) -> QuerySet[Assessment]:
    return Assessment.objects.filter(organisation=organisation).select_related(
        "requirement", "requirement__achievement", "learner", "assessor", "moderator"
    )


def assessments_of_learner(*, organisation: Organisation, user: User) -> QuerySet[Assessment]:
    return _assessments(organisation).filter(learner=user).order_by("-updated_at")


def assessment_for_learner(
    *, organisation: Organisation, user: User, assessment_id: int
) -> Assessment | None:
    return (
        assessments_of_learner(organisation=organisation, user=user)
        .filter(pk=assessment_id)
        .first()
    )


def manages_learner(*, organisation: Organisation, manager: User, learner: User) -> bool:
    return Team.objects.filter(
        organisation=organisation, managers__user=manager, members__user=learner
    ).exists()


def visible_to_reviewer(
    *, organisation: Organisation, user: User, is_admin: bool
) -> QuerySet[Assessment]:
    """What an assessor may open: assigned to them (to assess or moderate) or unassigned
    submitted work (the pool) that is not their own. Admins see everything submitted."""
    queryset = _assessments(organisation).exclude(status=AssessmentStatus.DRAFT)
    if is_admin:
        return queryset
    return queryset.filter(
        Q(assessor=user)
        | Q(moderator=user)
        | Q(assessor__isnull=True, status=AssessmentStatus.SUBMITTED)
    ).exclude(learner=user)


def assessment_queue(
    *,
    organisation: Organisation,
    user: User,
    is_admin: bool,
    achievement_id: int | None = None,
    learner: str = "",
    status: str = "",
    due: str = "",
    now: datetime | None = None,
) -> QuerySet[Assessment]:
    now = now or timezone.now()
    queryset = visible_to_reviewer(organisation=organisation, user=user, is_admin=is_admin)
    if achievement_id:
        queryset = queryset.filter(requirement__achievement_id=achievement_id)
    if learner.strip():
        term = learner.strip()
        queryset = queryset.filter(
            Q(learner__display_name__icontains=term) | Q(learner__email__icontains=term)
        )
    if status in AssessmentStatus.values:
        queryset = queryset.filter(status=status)
    elif not status:
        queryset = queryset.filter(
            status__in=[AssessmentStatus.SUBMITTED, AssessmentStatus.MODERATION]
        )
    if due == "overdue":
        queryset = queryset.filter(due_at__lt=now)
    elif due == "week":
        queryset = queryset.filter(due_at__gte=now, due_at__lt=now + timedelta(days=7))
    return queryset.order_by("due_at", "pk")


def assessment_for_reviewer(
    *, organisation: Organisation, user: User, is_admin: bool, assessment_id: int
) -> Assessment | None:
    return (
        visible_to_reviewer(organisation=organisation, user=user, is_admin=is_admin)
        .filter(pk=assessment_id)
        .first()
    )


def evidence_file_for(
    *, organisation: Organisation, user: User, is_admin: bool, public_id: Any
) -> EvidenceFile | None:
    """A file only for its learner, the assigned assessor or moderator, and admins."""
    queryset = EvidenceFile.objects.filter(
        assessment__organisation=organisation, public_id=public_id
    ).select_related("assessment")
    if not is_admin:
        queryset = queryset.filter(
            Q(assessment__learner=user)
            | Q(assessment__assessor=user)
            | Q(assessment__moderator=user)
        )
    return queryset.first()


def deciding_review(assessment: Assessment) -> Review | None:
    """The last assessor or observer review (moderation copies its levels)."""
    return (
        assessment.reviews.filter(kind__in=[ReviewKind.ASSESSMENT, ReviewKind.OBSERVATION])
        .select_related("reviewer")
        .order_by("-created_at", "-id")
        .first()
    )


def decision_trail(assessment: Assessment) -> list[Review]:
    return list(assessment.reviews.select_related("reviewer", "submission").order_by("created_at"))


def recertification_cases_of(
    *, organisation: Organisation, user: User
) -> list[RecertificationCase]:
    return list(
        RecertificationCase.objects.filter(organisation=organisation, learner=user)
        .select_related("credential", "renewed_credential", "requirement")
        .order_by("-opened_at")
    )


def credentials_of(*, organisation: Organisation, user: User) -> QuerySet[Credential]:
    return (
        Credential.objects.filter(organisation=organisation)
        .filter(Q(recipient_user=user) | Q(recipient_email__iexact=user.email))
        .select_related("achievement_version")
    )


def supersession(credential: Credential) -> tuple[Credential | None, Credential | None]:
    """(the credential this one renewed, the credential that renewed this one)."""
    previous = RecertificationCase.objects.filter(renewed_credential=credential).first()
    following = RecertificationCase.objects.filter(
        credential=credential, renewed_credential__isnull=False
    ).first()
    return (
        previous.credential if previous else None,
        following.renewed_credential if following else None,
    )


def credential_notes(credential: Credential) -> list[dict[str, str]]:
    """Notes the credential pages show (bound late by issuing): superseded / renews."""
    previous, following = supersession(credential)
    notes: list[dict[str, str]] = []
    if following is not None:
        notes.append(
            {
                "kind": "superseded",
                "text": "Superseded by a renewed credential (not revoked).",
                "url": reverse("issuing:credential", kwargs={"public_id": following.public_id}),
            }
        )
    if previous is not None:
        notes.append(
            {
                "kind": "renews",
                "text": "Renews an earlier credential.",
                "url": reverse("issuing:credential", kwargs={"public_id": previous.public_id}),
            }
        )
    return notes


def team_expiries(
    *, organisation: Organisation, membership: Membership, now: datetime, within_days: int = 90
) -> list[Credential]:
    """Credentials of members of the teams ``membership`` manages that expire within
    ``within_days`` (or already expired in the last ``within_days``)."""
    members = Membership.objects.filter(
        teams__managers=membership, organisation=organisation, is_active=True
    ).select_related("user")
    emails = [m.user.email for m in members]
    user_ids = [m.user_id for m in members]
    return list(
        Credential.objects.filter(
            organisation=organisation,
            revoked_at__isnull=True,
            valid_until__isnull=False,
            valid_until__lte=now + timedelta(days=within_days),
            valid_until__gte=now - timedelta(days=within_days),
        )
        .filter(Q(recipient_user_id__in=user_ids) | Q(recipient_email__in=emails))
        .select_related("achievement_version")
        .order_by("valid_until")
    )


# --------------------------------------------------------------------------- award-rule contract


def assessment_facts(
    *, organisation: Organisation, user_ids: Iterable[int] | None = None
) -> dict[int, list[Fact]]:
    """One ASSESSMENT_ACCEPTED fact per accepted assessment, by learner id."""
    queryset = Assessment.objects.filter(
        organisation=organisation, status=AssessmentStatus.ACCEPTED
    ).select_related("requirement")
    if user_ids is not None:
        queryset = queryset.filter(learner_id__in=list(user_ids))
    facts: dict[int, list[Fact]] = {}
    for assessment in queryset.order_by("accepted_at", "pk"):
        facts.setdefault(assessment.learner_id, []).append(
            Fact(
                kind=ASSESSMENT_ACCEPTED,
                ref=assessment.requirement.ref,
                at=assessment.accepted_at or assessment.updated_at,
                score=assessment.score,
            )
        )
    return facts


def assessment_choices(*, organisation: Organisation) -> list[AssessmentChoice]:
    return [
        AssessmentChoice(
            ref=requirement.ref,
            label=f"{requirement.achievement.name}: {requirement.title} "
            f"({requirement.get_kind_display()})",
        )
        for requirement in requirement_list(organisation=organisation).filter(is_active=True)
    ]


def credential_extras(
    *,
    organisation: Organisation,
    user_id: int,
    achievement_id: int,
    assessment_ids: Iterable[int] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """OB 3.0 ``evidence`` and ``result`` items from the learner's accepted assessments of
    the achievement (the latest per requirement, or exactly ``assessment_ids``)."""
    from microcred_web.assessments.credential_parts import evidence_and_results

    queryset = _assessments(organisation).filter(
        learner_id=user_id,
        requirement__achievement_id=achievement_id,
        status=AssessmentStatus.ACCEPTED,
    )
    if assessment_ids is not None:
        queryset = queryset.filter(pk__in=list(assessment_ids))
    latest: dict[int, Assessment] = {}
    for assessment in queryset.order_by("accepted_at", "pk"):
        latest[assessment.requirement_id] = assessment
    return evidence_and_results(list(latest.values()))
