"""Recertification: reminders before expiry (once per offset), the recertification case with
its refresher path, and the renewed credential that supersedes the old one.

``recertification_run(now=...)`` takes the clock as an argument; the management command and
the task call it. Nothing here revokes: the old credential is *superseded*, not revoked.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred_web.accounts.models import User
from microcred_web.achievements.selectors import achievement_version_image_path
from microcred_web.assessments import selectors
from microcred_web.assessments.models import (
    DEFAULT_REMINDER_OFFSETS,
    Assessment,
    AssessmentStatus,
    RecertificationCase,
    RecertificationStatus,
    ReminderSent,
    Requirement,
    RequirementKind,
    RequirementPurpose,
)
from microcred_web.common.services import audit_record
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput, credential_url, credentials_issue
from microcred_web.learning import progress as learning_progress
from microcred_web.learning.models import Enrolment
from microcred_web.notifications.models import NotificationKind
from microcred_web.notifications.services import notification_send
from microcred_web.orgs.models import Membership


def recertification_requirement(credential: Credential) -> Requirement | None:
    return (
        Requirement.objects.filter(
            achievement_id=credential.achievement_version.achievement_id,
            purpose=RequirementPurpose.RECERTIFICATION,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )


def reminder_offsets_for(credential: Credential) -> list[int]:
    requirement = recertification_requirement(credential)
    if requirement is not None and requirement.reminder_offsets:
        return list(requirement.reminder_offsets)
    policy = selectors.policy_for(organisation=credential.organisation)
    return list(policy.reminder_offsets or DEFAULT_REMINDER_OFFSETS)


def holder_of(credential: Credential) -> User | None:
    """The member the credential was issued to (by account, else by e-mail address)."""
    if credential.recipient_user_id is not None:
        return credential.recipient_user
    if not credential.recipient_email:
        return None
    membership = (
        Membership.objects.filter(
            organisation_id=credential.organisation_id,
            user__email__iexact=credential.recipient_email,
            is_active=True,
        )
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def recertification_enrol(*, case: RecertificationCase) -> Enrolment | None:
    """Enrol the learner in the path's refresher course (once per case), due when the
    credential expires, through learning's own assignment service. The assessment part of
    the path is opened by :func:`recertification_open` itself."""
    case = RecertificationCase.objects.select_for_update().get(pk=case.pk)
    if case.refresher_course_id is not None:
        return refresher_enrolment(case)  # enrolled before: not again
    requirement = case.requirement
    course = requirement.refresher_course if requirement else None
    if course is None or not course.is_published:
        return None
    membership = Membership.objects.filter(
        organisation_id=case.organisation_id, user_id=case.learner_id, is_active=True
    ).first()
    if membership is None:
        return None
    valid_until = case.credential.valid_until
    due = timezone.localdate(valid_until) if valid_until else None
    if due is not None and due < timezone.localdate():
        due = None  # already past (a late run): no due date rather than a refused assignment
    learning_progress.enrolment_assign(
        organisation=case.organisation,
        actor=None,
        course=course,
        memberships=[membership],
        due_date=due,
        restart_finished=True,
        notify=False,  # the refresher notice below says why
    )
    case.refresher_course = course
    case.save(update_fields=["refresher_course"])
    enrolment = refresher_enrolment(case)
    assert enrolment is not None
    audit_record(
        action="assessments.refresher_enrolled",
        organisation=case.organisation,
        target=case,
        data={"course": course.title, "due_date": due.isoformat() if due else ""},
    )
    notification_send(
        organisation=case.organisation,
        user=case.learner,
        kind=NotificationKind.ASSIGNED,
        title=_("Refresher course assigned: %(course)s") % {"course": course.title},
        body=_("Complete “%(course)s” to renew “%(name)s”.")
        % {"course": course.title, "name": case.credential.achievement_version.name},
        url=reverse(
            "learning:player",
            kwargs={"slug": case.organisation.slug, "enrolment_id": enrolment.pk},
        ),
        email_template="learning/email/course_assigned",
        email_context={
            "course": course,
            "due_date": due,
            "renews": case.credential.achievement_version,
        },
    )
    return enrolment


def refresher_enrolment(case: RecertificationCase) -> Enrolment | None:
    if case.refresher_course_id is None:
        return None
    return Enrolment.objects.filter(
        course_id=case.refresher_course_id, user_id=case.learner_id
    ).first()


def refresher_done(case: RecertificationCase) -> bool:
    """True when the case has no refresher course, or the learner has completed it (the
    enrolment was restarted when the case opened, so a completion is a fresh one)."""
    if case.refresher_course_id is None:
        return True
    enrolment = refresher_enrolment(case)
    return enrolment is not None and enrolment.completed_at is not None


def _learner_page(case: RecertificationCase) -> str:
    return reverse("assessments:my_evidence", kwargs={"slug": case.organisation.slug})


@transaction.atomic
def recertification_open(
    *, credential: Credential, learner: User, now: datetime
) -> RecertificationCase | None:
    """Open the case (once per credential) and the refresher assessment, if the achievement
    has a recertification path."""
    requirement = recertification_requirement(credential)
    if requirement is None:
        return None
    case, created = RecertificationCase.objects.get_or_create(
        credential=credential,
        defaults={
            "organisation": credential.organisation,
            "learner": learner,
            "requirement": requirement,
            "opened_at": now,
        },
    )
    if not created:
        return case
    if requirement.kind in (RequirementKind.PORTFOLIO, RequirementKind.RPL):
        Assessment.objects.create(
            organisation=credential.organisation,
            requirement=requirement,
            learner=learner,
            recertification=case,
        )
    recertification_enrol(case=case)
    audit_record(
        action="assessments.recertification_opened",
        organisation=credential.organisation,
        target=case,
        data={"credential": str(credential.public_id), "requirement": requirement.title},
    )
    notification_send(
        organisation=credential.organisation,
        user=learner,
        kind=NotificationKind.DUE_SOON,
        title=_("Recertification opened: %(name)s") % {"name": credential.achievement_version.name},
        body=_("Complete “%(path)s” to renew your credential.") % {"path": requirement.title},
        url=_learner_page(case),
        email_template="assessments/email/recertification",
        email_context={
            "achievement": credential.achievement_version,
            "requirement": requirement,
            "valid_until": credential.valid_until,
        },
        badge_url=achievement_version_image_path(credential.achievement_version),
    )
    return case


def _remind(credential: Credential, learner: User, offset: int, now: datetime) -> bool:
    """Record and send one reminder; False when it was sent before (idempotent)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(credential=credential, offset_days=offset, sent_at=now)
            name = credential.achievement_version.name
            days = 0
            if offset == 0:
                kind = NotificationKind.EXPIRED
                title = _("Your credential “%(name)s” has expired") % {"name": name}
            else:
                kind = NotificationKind.DUE_SOON
                days = max(0, (credential.valid_until - now).days) if credential.valid_until else 0
                title = ngettext(
                    "Your credential “%(name)s” expires in %(days)s day",
                    "Your credential “%(name)s” expires in %(days)s days",
                    days,
                ) % {
                    "name": name,
                    "days": days,
                }
            notification_send(
                organisation=credential.organisation,
                user=learner,
                kind=kind,
                title=title,
                url=reverse("issuing:credential", kwargs={"public_id": credential.public_id}),
                email_template="assessments/email/expiry",
                email_context={
                    "achievement": credential.achievement_version,
                    "expired": offset == 0,
                    "days": days if offset else 0,
                    "valid_until": credential.valid_until,
                },
                badge_url=achievement_version_image_path(credential.achievement_version),
            )
            audit_record(
                action="assessments.expiry_reminder_sent",
                organisation=credential.organisation,
                target=credential,
                data={"offset_days": offset, "recipient": learner.email},
            )
    except IntegrityError:
        return False
    return True


def recertification_run(*, now: datetime | None = None) -> dict[str, int]:
    """Send due reminders (once per offset), the expiry notice, and open recertification
    cases. Safe to run as often as wanted."""
    now = now or timezone.now()
    counts = {"reminders": 0, "expired": 0, "cases": 0}
    horizon = now + timedelta(days=max(730, *DEFAULT_REMINDER_OFFSETS))
    renewed = RecertificationCase.objects.filter(renewed_credential__isnull=False).values(
        "credential_id"
    )
    candidates = (
        Credential.objects.filter(
            valid_until__isnull=False,
            valid_until__lte=horizon,
            revoked_at__isnull=True,
        )
        .exclude(pk__in=renewed)
        .exclude(expiry_reminders__offset_days=0)
        .select_related("organisation", "achievement_version", "recipient_user")
    )
    for credential in candidates.iterator():
        assert credential.valid_until is not None
        learner = holder_of(credential)
        if learner is None:
            continue
        if credential.valid_until <= now:
            counts["expired"] += _remind(credential, learner, 0, now)
            continue
        offsets = reminder_offsets_for(credential)
        due = [o for o in offsets if credential.valid_until - timedelta(days=o) <= now]
        if not due:
            continue
        # only the closest offset is sent: a credential found late does not get three at once
        closest = min(due)
        already = set(
            ReminderSent.objects.filter(credential=credential).values_list("offset_days", flat=True)
        )
        if closest not in already and _remind(credential, learner, closest, now):
            counts["reminders"] += 1
            # the wider offsets are covered by this one
            for offset in due:
                if offset != closest and offset not in already:
                    ReminderSent.objects.get_or_create(
                        credential=credential, offset_days=offset, defaults={"sent_at": now}
                    )
        if not RecertificationCase.objects.filter(credential=credential).exists():
            counts["cases"] += (
                recertification_open(credential=credential, learner=learner, now=now) is not None
            )
    return counts


def recertification_complete(
    *, case: RecertificationCase, assessment: Assessment, now: datetime | None = None
) -> Credential | None:
    """Issue the renewed credential (linked to the previous one) once the refresher
    assessment is accepted and the refresher course (if any) completed; the old credential
    then shows as superseded. Until the course is done this returns None and
    :func:`recertification_after_learning` completes the case later."""
    case.refresh_from_db()
    if case.status == RecertificationStatus.COMPLETED:
        return case.renewed_credential
    if not refresher_done(case):
        return None
    old = case.credential
    achievement = old.achievement_version.achievement
    version = achievement.current_version or old.achievement_version
    evidence, result = selectors.credential_extras(
        organisation=case.organisation,
        user_id=case.learner_id,
        achievement_id=achievement.pk,
        assessment_ids=[assessment.pk],
    )
    evidence.append(
        {
            "type": ["Evidence"],
            "id": credential_url(old.public_id),
            "name": "Previous credential",
            "narrative": "This credential renews the earlier one after recertification.",
            "genre": "Recertification",
        }
    )
    learner = case.learner
    created = credentials_issue(
        organisation=case.organisation,
        achievement_version=version,
        recipients=[
            RecipientInput(
                email=learner.email,
                name=str(learner.display_name or learner.email),
                evidence=evidence,
                result=result,
                source_key=f"recertification:{case.pk}",
            )
        ],
        actor=None,
        source="recertification",
        now=now,
        renews_until=old.valid_until,
    )
    if not created:
        return None
    renewed = created[0]
    with transaction.atomic():
        Credential.objects.filter(pk=renewed.pk).update(recipient_user=learner)
        case.status = RecertificationStatus.COMPLETED
        case.completed_at = now or timezone.now()
        case.renewed_credential = renewed
        case.save()
        audit_record(
            action="assessments.credential_renewed",
            organisation=case.organisation,
            target=case,
            data={"previous": str(old.public_id), "renewed": str(renewed.public_id)},
        )
        notification_send(
            organisation=case.organisation,
            user=learner,
            kind=NotificationKind.ACCEPTED,
            title=_("Your credential “%(name)s” is renewed") % {"name": version.name},
            url=reverse("issuing:credential", kwargs={"public_id": renewed.public_id}),
            email_template="assessments/email/renewed",
            email_context={"achievement": version, "valid_until": renewed.valid_until},
            badge_url=achievement_version_image_path(version),
        )
    return renewed


def recertification_after_learning(
    *, organisation: Any, user_ids: list[int], now: datetime | None = None
) -> int:
    """Complete the open cases of these people whose refresher assessment is already
    accepted and whose refresher course is now done. Returns how many were renewed."""
    renewed = 0
    cases = RecertificationCase.objects.filter(
        organisation=organisation,
        learner_id__in=user_ids,
        status=RecertificationStatus.OPEN,
        refresher_course__isnull=False,
    ).select_related("organisation", "credential__achievement_version", "learner")
    for case in cases:
        accepted = (
            case.assessments.filter(status=AssessmentStatus.ACCEPTED)
            .order_by("-accepted_at", "-pk")
            .first()
        )
        if accepted is None or not refresher_done(case):
            continue
        renewed += recertification_complete(case=case, assessment=accepted, now=now) is not None
    return renewed


def on_learning_recorded(sender: Any, *, organisation: Any, user_ids: list[int], **_: Any) -> None:
    recertification_after_learning(organisation=organisation, user_ids=user_ids)


def credential_chain(credential: Credential) -> list[Credential]:
    """The credential and its predecessors, newest first."""
    chain = [credential]
    seen = {credential.pk}
    current: Any = credential
    while True:
        case = RecertificationCase.objects.filter(renewed_credential=current).first()
        if case is None or case.credential_id in seen:
            return chain
        current = case.credential
        seen.add(current.pk)
        chain.append(current)
