"""Writes for the assessment workflow: drafts, files, submit, assign/claim, review,
moderation, disputes, observations, countersignature, acceptance and the direct issue.

Every decision writes an audit event (who, when, why) in its transaction; notifications,
the ``assessment_recorded`` signal and credential issuing run after commit.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.assessments import selectors
from microcred_web.assessments.models import (
    Assessment,
    AssessmentStatus,
    Decision,
    EvidenceFile,
    RecertificationCase,
    Requirement,
    RequirementKind,
    RequirementPurpose,
    Review,
    ReviewKind,
    Submission,
)
from microcred_web.assessments.referees import referee_requests_send
from microcred_web.assessments.signals import assessment_recorded
from microcred_web.assessments.uploads import upload_check
from microcred_web.common.domain_events import domain_event_emit
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput, credentials_issue
from microcred_web.notifications.models import NotificationKind
from microcred_web.notifications.services import notification_send
from microcred_web.orgs.models import Membership, Role

MAX_FILES = 20
MAX_LINKS = 20
MAX_TEXT = 20_000
_url = URLValidator(schemes=["https", "http"])


def _person(user: Any) -> str:
    return str(getattr(user, "display_name", "") or getattr(user, "email", ""))


def _has_role(organisation: Any, user: Any, *roles: str) -> bool:
    return Membership.objects.filter(
        organisation=organisation, user=user, is_active=True, roles__role__in=roles
    ).exists()


def _learner_url(assessment: Assessment) -> str:
    return reverse(
        "assessments:evidence_detail",
        kwargs={"slug": assessment.organisation.slug, "assessment_id": assessment.pk},
    )


def _review_url(assessment: Assessment) -> str:
    return reverse(
        "assessments:review",
        kwargs={"slug": assessment.organisation.slug, "assessment_id": assessment.pk},
    )


def _notify(
    assessment: Assessment,
    user: Any,
    kind: str,
    title: str,
    url: str,
    email: str = "",
    **context: Any,
) -> None:
    """``email``: the kind of e-mail (a template under ``assessments/email/``); its context
    always holds the assessment, requirement, achievement and learner."""
    if user is None:
        return
    notification_send(
        organisation=assessment.organisation,
        user=user,
        kind=kind,
        title=title,
        url=url,
        email_template=f"assessments/email/{email}" if email else "",
        email_context={
            "assessment": assessment,
            "requirement": assessment.requirement,
            "achievement": assessment.requirement.achievement,
            "learner_name": _person(assessment.learner),
            **context,
        },
    )


#: audit action → webhook event type
_EVENT_TYPES = {
    "evidence_submitted": "assessment.submitted",
    "assessment_decided": "assessment.decided",
    "moderation_decided": "assessment.decided",
}


def _audit(assessment: Assessment, action: str, actor: Any, **data: Any) -> None:
    event_type = _EVENT_TYPES.get(action)
    if event_type:
        _event_emit(assessment, event_type, data)
    audit_record(
        action=f"assessments.{action}",
        actor=actor,
        organisation=assessment.organisation,
        target=assessment,
        data={
            "requirement": assessment.requirement.title,
            "learner": _person(assessment.learner),
            **data,
        },
    )


def _event_emit(assessment: Assessment, event_type: str, data: Mapping[str, Any]) -> None:
    learner = assessment.learner
    domain_event_emit(
        organisation_id=assessment.organisation_id,
        event_type=event_type,
        data={
            "assessment": {
                "id": str(assessment.public_id),
                "requirement": assessment.requirement.title,
                "status": assessment.status,
                "decision": data.get("decision"),
                "score": data.get("score"),
            },
            "learner": {"email": learner.email, "name": learner.display_name or None},
        },
    )


def conflict_check(assessment: Assessment, person: User) -> None:
    """Refuse self-assessment and, where the organisation says so, assessing a member of a
    team one manages."""
    if person.pk == assessment.learner_id:
        raise ApplicationError(
            "conflict_of_interest", _("Nobody may assess their own evidence."), "assessor"
        )
    policy = selectors.policy_for(organisation=assessment.organisation)
    if policy.block_team_managers and selectors.manages_learner(
        organisation=assessment.organisation, manager=person, learner=assessment.learner
    ):
        raise ApplicationError(
            "conflict_of_interest",
            _("This organisation does not let managers assess members of their own teams."),
            "assessor",
        )


def _editable(assessment: Assessment, actor: User) -> None:
    if assessment.learner_id != actor.pk:
        raise ApplicationError("not_found", _("No such assessment."), status=404)
    if assessment.status not in (AssessmentStatus.DRAFT, AssessmentStatus.NOT_YET):
        raise ApplicationError(
            "not_editable", _("This evidence is with the assessor: wait for feedback."), "status"
        )


# --------------------------------------------------------------------------- learner


@transaction.atomic
def assessment_start(
    *,
    requirement: Requirement,
    learner: User,
    recertification: RecertificationCase | None = None,
) -> Assessment:
    """A draft for ``learner`` (the open one if there is one already)."""
    if not _has_role(requirement.organisation, learner, Role.LEARNER):
        raise ApplicationError("not_learner", _("Only learners submit evidence."), "learner")
    if not requirement.is_active:
        raise ApplicationError("inactive", _("This requirement is closed."), "requirement")
    open_one = Assessment.objects.filter(
        requirement=requirement, learner=learner, recertification=recertification
    ).exclude(status=AssessmentStatus.ACCEPTED)
    existing = open_one.first()
    if existing is not None:
        return existing
    assessment = Assessment.objects.create(
        organisation=requirement.organisation,
        requirement=requirement,
        learner=learner,
        recertification=recertification,
    )
    _audit(assessment, "assessment_started", learner, kind=requirement.kind)
    return assessment


def _clean_links(links: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    out = []
    for number, link in enumerate(links):
        url = (link.get("url") or "").strip()
        if not url:
            continue
        try:
            _url(url)
        except ValidationError as exc:
            raise ApplicationError(
                "link_invalid", _("Enter a full web address (https://…)."), f"links[{number}]"
            ) from exc
        out.append({"url": url[:500], "title": (link.get("title") or "").strip()[:200] or url})
    if len(out) > MAX_LINKS:
        raise ApplicationError("too_many_links", _("At most 20 links."), "links")
    return out


def _clean_referees(referees: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    out = []
    for number, referee in enumerate(referees):
        name = (referee.get("name") or "").strip()
        statement = (referee.get("statement") or "").strip()
        email = (referee.get("email") or "").strip()
        if not name and not statement and not email:
            continue
        if not name or not (statement or email):
            raise ApplicationError(
                "referee_incomplete",
                _(
                    "Give the referee's name and e-mail address: they are asked to confirm "
                    "the statement themselves."
                ),
                f"referees[{number}]",
            )
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise ApplicationError(
                    "referee_email", _("Enter a valid e-mail address."), f"referees[{number}]"
                ) from exc
        out.append(
            {
                "name": name[:200],
                "role": (referee.get("role") or "").strip()[:200],
                "email": email[:200],
                "statement": statement[:MAX_TEXT],
            }
        )
    return out


@transaction.atomic
def assessment_draft_save(
    *,
    assessment: Assessment,
    actor: User,
    reflections: Mapping[str, str],
    links: Sequence[Mapping[str, str]] = (),
    prior_learning: str = "",
    referees: Sequence[Mapping[str, str]] = (),
    make_public: bool = False,
) -> Assessment:
    _editable(assessment, actor)
    known = {str(c.public_id) for c in assessment.requirement.criteria.all()}
    assessment.draft_reflections = {
        key: str(text)[:MAX_TEXT] for key, text in reflections.items() if key in known
    }
    assessment.draft_links = _clean_links(links)
    assessment.prior_learning = prior_learning.strip()[:MAX_TEXT]
    assessment.referees = _clean_referees(referees)
    assessment.make_public = make_public
    assessment.save()
    return assessment


@transaction.atomic
def evidence_file_add(*, assessment: Assessment, actor: User, upload: UploadedFile) -> EvidenceFile:
    _editable(assessment, actor)
    if assessment.files.filter(in_draft=True).count() >= MAX_FILES:
        raise ApplicationError("too_many_files", _("At most 20 files."), "file")
    checked = upload_check(upload)
    evidence = EvidenceFile(
        assessment=assessment,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    # the stored name is random: the original name is only ever shown, never used as a path
    evidence.file.save(f"{evidence.public_id}.bin", ContentFile(checked.data), save=False)
    evidence.save()
    _audit(assessment, "evidence_uploaded", actor, file=checked.name, sha256=checked.sha256)
    return evidence


@transaction.atomic
def evidence_file_remove(*, evidence: EvidenceFile, actor: User) -> None:
    """Take a file out of the draft; files of earlier submissions stay with them."""
    _editable(evidence.assessment, actor)
    if evidence.submissions.exists():
        evidence.in_draft = False
        evidence.save(update_fields=["in_draft"])
    else:
        evidence.file.delete(save=False)
        evidence.delete()


@transaction.atomic
def assessment_submit(
    *, assessment: Assessment, actor: User, now: datetime | None = None
) -> Submission:
    """Freeze the draft into a new submission version and send it to assessment."""
    _editable(assessment, actor)
    now = now or timezone.now()
    requirement = assessment.requirement
    for criterion in requirement.criteria.all():
        if not (assessment.draft_reflections.get(str(criterion.public_id)) or "").strip():
            raise ApplicationError(
                "reflection_missing",
                _("Write a reflection for “%(criterion)s”.") % {"criterion": criterion.title},
                f"reflection-{criterion.public_id}",
            )
    files = list(assessment.files.filter(in_draft=True))
    if requirement.kind == RequirementKind.RPL:
        if not assessment.prior_learning.strip():
            raise ApplicationError(
                "prior_learning_missing",
                _("Describe the experience or earlier certificate your claim rests on."),
                "prior_learning",
            )
        if not assessment.referees:
            raise ApplicationError(
                "referee_missing", _("Add at least one referee statement."), "referees"
            )
    elif not files and not assessment.draft_links:
        raise ApplicationError(
            "evidence_missing", _("Add at least one file or link as evidence."), "file"
        )
    number = assessment.submissions.count() + 1
    submission = Submission.objects.create(
        assessment=assessment,
        number=number,
        reflections=dict(assessment.draft_reflections),
        links=list(assessment.draft_links),
        prior_learning=assessment.prior_learning,
        referees=list(assessment.referees),
        submitted_at=now,
    )
    submission.files.set(files)
    policy = selectors.policy_for(organisation=assessment.organisation)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.due_at = now + timedelta(days=policy.sla_days)
    assessment.disputed = False
    assessment.save()
    _audit(assessment, "evidence_submitted", actor, version=number, files=len(files))
    referee_requests_send(assessment=assessment, now=now)
    title = _("%(learner)s submitted evidence for “%(requirement)s”") % {
        "learner": _person(assessment.learner),
        "requirement": requirement.title,
    }
    if assessment.assessor is not None:
        _notify(
            assessment,
            assessment.assessor,
            NotificationKind.SUBMITTED,
            title,
            _review_url(assessment),
            "submitted",
        )
    else:
        assessors = User.objects.filter(
            memberships__organisation=assessment.organisation,
            memberships__is_active=True,
            memberships__roles__role=Role.ASSESSOR,
        ).exclude(pk=assessment.learner_id)
        for person in assessors.distinct():
            _notify(
                assessment,
                person,
                NotificationKind.SUBMITTED,
                title,
                _review_url(assessment),
                "submitted",
            )
    return submission


@transaction.atomic
def assessment_dispute(*, assessment: Assessment, actor: User, reason: str) -> Assessment:
    """The learner contests a "not yet": a moderator (second assessor) looks again."""
    if assessment.learner_id != actor.pk:
        raise ApplicationError("not_found", _("No such assessment."), status=404)
    if assessment.status != AssessmentStatus.NOT_YET or not assessment.reviews.exists():
        raise ApplicationError("not_disputable", _("Only a “not yet” decision can be disputed."))
    if not reason.strip():
        raise ApplicationError("required", _("Say why you disagree."), "reason")
    assessment.status = AssessmentStatus.MODERATION
    assessment.disputed = True
    assessment.save()
    _audit(assessment, "decision_disputed", actor, reason=reason.strip()[:1000])
    if assessment.moderator is not None:
        _notify(
            assessment,
            assessment.moderator,
            NotificationKind.ASSIGNED,
            _("A disputed decision needs moderation"),
            _review_url(assessment),
            "assigned",
            reason="disputed",
        )
    return assessment


# --------------------------------------------------------------------------- assessors


@transaction.atomic
def assessment_assign(
    *,
    assessment: Assessment,
    actor: User,
    assessor: User | None = None,
    moderator: User | None = None,
) -> Assessment:
    """Admins assign an assessor and/or a moderator; an assessor may claim pool work
    (``assessor=actor``). Conflicts of interest are refused."""
    is_admin = _has_role(assessment.organisation, actor, Role.ADMIN)
    if not is_admin and not (
        assessor is not None and assessor.pk == actor.pk and moderator is None
    ):
        raise ApplicationError("forbidden", _("Only administrators assign work."), status=403)
    if not is_admin and assessment.assessor_id not in (None, actor.pk):
        raise ApplicationError("taken", _("Another assessor has this already."), "assessor")
    for person, field in ((assessor, "assessor"), (moderator, "moderator")):
        if person is None:
            continue
        if not _has_role(assessment.organisation, person, Role.ASSESSOR, Role.ADMIN):
            raise ApplicationError(
                "not_assessor", _("Choose a person with the assessor role."), field
            )
        conflict_check(assessment, person)
    deciding = assessor or assessment.assessor
    if moderator is not None and deciding is not None and moderator.pk == deciding.pk:
        raise ApplicationError(
            "moderator_same", _("The moderator must be a second assessor."), "moderator"
        )
    changes: dict[str, str] = {}
    if assessor is not None:
        assessment.assessor = assessor
        changes["assessor"] = _person(assessor)
    if moderator is not None:
        assessment.moderator = moderator
        changes["moderator"] = _person(moderator)
    assessment.save()
    _audit(assessment, "assessment_assigned", actor, **changes)
    for person in (assessor, moderator):
        if person is not None and person.pk != actor.pk:
            _notify(
                assessment,
                person,
                NotificationKind.ASSIGNED,
                _("You were assigned “%(requirement)s” of %(learner)s")
                % {
                    "requirement": assessment.requirement.title,
                    "learner": _person(assessment.learner),
                },
                _review_url(assessment),
                "assigned",
                reason="assigned",
            )
    return assessment


def _rubric_levels(
    assessment: Assessment, levels: Mapping[str, str]
) -> tuple[dict[str, str], float | None]:
    """Check one level per criterion; return the choices and the score (0–100)."""
    chosen: dict[str, str] = {}
    earned = possible = 0
    for criterion in assessment.requirement.criteria.prefetch_related("levels"):
        options = {str(level.public_id): level for level in criterion.levels.all()}
        if not options:
            continue
        picked = levels.get(str(criterion.public_id), "")
        if picked not in options:
            raise ApplicationError(
                "level_missing",
                _("Choose a level for “%(criterion)s”.") % {"criterion": criterion.title},
                f"level-{criterion.public_id}",
            )
        chosen[str(criterion.public_id)] = picked
        earned += options[picked].points
        possible += max(level.points for level in options.values())
    score = round(100 * earned / possible, 1) if possible else None
    return chosen, score


@transaction.atomic
def assessment_review(
    *,
    assessment: Assessment,
    actor: User,
    decision: str,
    levels: Mapping[str, str],
    feedback: Mapping[str, str],
    comment: str = "",
    now: datetime | None = None,
) -> Review:
    """The assigned assessor's decision on the latest submission."""
    if assessment.assessor_id != actor.pk:
        raise ApplicationError(
            "not_assigned", _("Take this assessment before reviewing it."), "assessor", 403
        )
    conflict_check(assessment, actor)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ApplicationError("not_submitted", _("There is no submission waiting for review."))
    if decision not in Decision.values:
        raise ApplicationError("decision", _("Choose competent or not yet."), "decision")
    chosen, score = _rubric_levels(assessment, levels)
    if decision == Decision.NOT_YET and not comment.strip():  # the form's overall feedback
        raise ApplicationError(
            "feedback_missing",
            _("Give overall feedback: tell the learner what to improve."),
            "comment",
        )
    review = Review.objects.create(
        assessment=assessment,
        submission=assessment.submissions.order_by("-number").first(),
        reviewer=actor,
        kind=ReviewKind.ASSESSMENT,
        decision=decision,
        levels=chosen,
        feedback={k: v.strip()[:MAX_TEXT] for k, v in feedback.items() if v.strip()},
        comment=comment.strip()[:MAX_TEXT],
        score=score,
    )
    _audit(
        assessment, "assessment_decided", actor, decision=decision, score=score, why=review.comment
    )
    assessment.score = score
    if decision == Decision.NOT_YET:
        assessment.status = AssessmentStatus.NOT_YET
        assessment.save()
        _notify(
            assessment,
            assessment.learner,
            NotificationKind.FEEDBACK,
            _("Feedback on “%(requirement)s”: not yet")
            % {"requirement": assessment.requirement.title},
            _learner_url(assessment),
            "feedback",
            competent=False,
        )
        return review
    policy = selectors.policy_for(organisation=assessment.organisation)
    sampled = policy.moderation_sample_percent and (
        random.randrange(100) < policy.moderation_sample_percent
    )
    if sampled:
        assessment.status = AssessmentStatus.MODERATION
        assessment.save()
        _audit(assessment, "moderation_sampled", None, percent=policy.moderation_sample_percent)
        if assessment.moderator is not None:
            _notify(
                assessment,
                assessment.moderator,
                NotificationKind.ASSIGNED,
                _("A decision was sampled for moderation"),
                _review_url(assessment),
                "assigned",
                reason="sampled",
            )
        return review
    _accept(assessment, actor, score, now)
    return review


@transaction.atomic
def moderation_request(*, assessment: Assessment, actor: User, reason: str) -> Assessment:
    """An admin sends a "not yet" decision to moderation."""
    if not _has_role(assessment.organisation, actor, Role.ADMIN):
        raise ApplicationError(
            "forbidden", _("Only administrators request moderation."), status=403
        )
    if assessment.status != AssessmentStatus.NOT_YET:
        raise ApplicationError("not_decided", _("Only a “not yet” decision can be moderated."))
    assessment.status = AssessmentStatus.MODERATION
    assessment.save()
    _audit(assessment, "moderation_requested", actor, reason=reason.strip()[:1000])
    return assessment


@transaction.atomic
def assessment_moderate(
    *,
    assessment: Assessment,
    actor: User,
    decision: str,
    comment: str,
    now: datetime | None = None,
) -> Review:
    """The moderator (a second assessor) confirms or overturns the decision."""
    if assessment.moderator_id != actor.pk:
        raise ApplicationError(
            "not_moderator", _("You are not this assessment's moderator."), status=403
        )
    conflict_check(assessment, actor)
    if assessment.status != AssessmentStatus.MODERATION:
        raise ApplicationError("not_in_moderation", _("This assessment is not in moderation."))
    previous = selectors.deciding_review(assessment)
    if previous is None:
        raise ApplicationError("no_decision", _("There is no decision to moderate."))
    if previous.reviewer_id == actor.pk:
        raise ApplicationError(
            "moderator_same", _("The moderator must be a second assessor."), "moderator"
        )
    if decision not in Decision.values:
        raise ApplicationError("decision", _("Choose competent or not yet."), "decision")
    if not comment.strip():
        raise ApplicationError("required", _("Give the reason for your decision."), "comment")
    review = Review.objects.create(
        assessment=assessment,
        submission=previous.submission,
        reviewer=actor,
        kind=ReviewKind.MODERATION,
        decision=decision,
        levels=previous.levels,
        feedback=previous.feedback,
        comment=comment.strip()[:MAX_TEXT],
        score=previous.score,
    )
    _audit(
        assessment,
        "moderation_decided",
        actor,
        decision=decision,
        agrees=decision == previous.decision,
        why=review.comment,
    )
    if decision == Decision.COMPETENT:
        _accept(assessment, actor, previous.score, now)
    else:
        assessment.status = AssessmentStatus.NOT_YET
        assessment.disputed = False
        assessment.save()
        _notify(
            assessment,
            assessment.learner,
            NotificationKind.FEEDBACK,
            _("Moderation of “%(requirement)s”: not yet")
            % {"requirement": assessment.requirement.title},
            _learner_url(assessment),
            "feedback",
            competent=False,
        )
    return review


# --------------------------------------------------------------------------- observations


def may_observe(requirement: Requirement, observer: User, learner: User) -> bool:
    organisation = requirement.organisation
    if observer.pk == learner.pk:
        return False
    if _has_role(organisation, observer, Role.ASSESSOR, Role.ADMIN):
        return True
    return _has_role(organisation, observer, Role.MANAGER) and selectors.manages_learner(
        organisation=organisation, manager=observer, learner=learner
    )


@transaction.atomic
def observation_record(
    *,
    requirement: Requirement,
    learner: User,
    actor: User,
    observed_on: date,
    place: str,
    notes: str,
    items: Mapping[str, bool],
    recertification: RecertificationCase | None = None,
    now: datetime | None = None,
) -> Assessment:
    """A manager (of the learner's team) or an assessor signs off an on-the-job
    demonstration against the requirement's checklist."""
    if requirement.kind != RequirementKind.OBSERVATION:
        raise ApplicationError("kind", _("This requirement is not an observation."), "requirement")
    if not may_observe(requirement, actor, learner):
        raise ApplicationError(
            "forbidden",
            _("Only an assessor or the learner's manager may sign this off."),
            status=403,
        )
    if not _has_role(requirement.organisation, learner, Role.LEARNER):
        raise ApplicationError("not_learner", _("Choose a learner."), "learner")
    now = now or timezone.now()
    if observed_on > now.date():
        raise ApplicationError("date_future", _("The date cannot be in the future."), "observed_on")
    if not place.strip():
        raise ApplicationError("required", _("Say where it was observed."), "place")
    checklist = list(requirement.criteria.all())
    results = {
        str(c.public_id): "met" if items.get(str(c.public_id)) else "not_met" for c in checklist
    }
    all_met = bool(checklist) and all(value == "met" for value in results.values())
    assessment = Assessment.objects.create(
        organisation=requirement.organisation,
        requirement=requirement,
        learner=learner,
        assessor=actor,
        status=AssessmentStatus.SUBMITTED,
        submitted_at=now,
        recertification=recertification,
    )
    review = Review.objects.create(
        assessment=assessment,
        reviewer=actor,
        kind=ReviewKind.OBSERVATION,
        decision=Decision.COMPETENT if all_met else Decision.NOT_YET,
        levels=results,
        comment=notes.strip()[:MAX_TEXT],
        observed_on=observed_on,
        place=place.strip()[:200],
        score=100.0 if all_met else None,
    )
    _audit(
        assessment,
        "observation_recorded",
        actor,
        decision=review.decision,
        observed_on=observed_on.isoformat(),
        place=review.place,
        why=review.comment,
    )
    if not all_met:
        assessment.status = AssessmentStatus.NOT_YET
        assessment.save()
        _notify(
            assessment,
            learner,
            NotificationKind.FEEDBACK,
            _("Observation of “%(requirement)s”: not yet") % {"requirement": requirement.title},
            _learner_url(assessment),
            "feedback",
            competent=False,
        )
    elif requirement.countersignature_required:
        assessment.status = AssessmentStatus.AWAITING_COUNTERSIGNATURE
        assessment.save()
        _notify(
            assessment,
            learner,
            NotificationKind.FEEDBACK,
            _("Please countersign your observation for “%(requirement)s”")
            % {"requirement": requirement.title},
            _learner_url(assessment),
            "countersign",
            observer_name=_person(actor),
        )
    else:
        _accept(assessment, actor, review.score, now)
    return assessment


@transaction.atomic
def observation_countersign(
    *, assessment: Assessment, actor: User, now: datetime | None = None
) -> Assessment:
    if assessment.learner_id != actor.pk:
        raise ApplicationError("not_found", _("No such assessment."), status=404)
    review = assessment.reviews.filter(kind=ReviewKind.OBSERVATION).last()
    if review is None or review.countersigned_at is not None:
        raise ApplicationError("not_countersignable", _("Nothing to countersign."))
    now = now or timezone.now()
    Review.objects.filter(pk=review.pk).update(countersigned_at=now)
    _audit(assessment, "observation_countersigned", actor)
    if assessment.status == AssessmentStatus.AWAITING_COUNTERSIGNATURE:
        _accept(assessment, actor, review.score, now)
    return assessment


# --------------------------------------------------------------------------- acceptance


def _accept(assessment: Assessment, actor: Any, score: float | None, now: datetime | None) -> None:
    moment = now or timezone.now()
    assessment.status = AssessmentStatus.ACCEPTED
    assessment.accepted_at = moment
    assessment.score = score
    assessment.save()
    _audit(assessment, "assessment_accepted", actor, score=score)
    _notify(
        assessment,
        assessment.learner,
        NotificationKind.ACCEPTED,
        _("“%(requirement)s” accepted: competent") % {"requirement": assessment.requirement.title},
        _learner_url(assessment),
        "feedback",
        competent=True,
    )
    organisation, learner_id, pk = assessment.organisation, assessment.learner_id, assessment.pk

    def after_commit() -> None:
        assessment_recorded.send(
            sender=Assessment, organisation=organisation, user_ids=[learner_id]
        )
        accepted = Assessment.objects.select_related(
            "organisation", "requirement__achievement", "learner", "recertification"
        ).get(pk=pk)
        if accepted.recertification is not None:
            from microcred_web.assessments.recertification import recertification_complete

            recertification_complete(case=accepted.recertification, assessment=accepted, now=moment)
        else:
            assessment_issue_if_direct(assessment=accepted, actor=actor, now=moment)

    transaction.on_commit(after_commit)


def _award_rule_decides(achievement: Any) -> bool:
    """An enabled award rule (the awards app, a higher layer, looked up by name) issues the
    achievement from the ``assessment_recorded`` fact instead of the direct path."""
    if not apps.is_installed("microcred_web.awards"):
        return False
    award_rule = apps.get_model("awards", "AwardRule")
    return bool(award_rule.objects.filter(achievement=achievement, enabled=True).exists())


def _direct(requirement: Requirement) -> bool:
    """Issue straight away when this requirement alone earns the achievement: an RPL claim,
    or the achievement's only initial (non-RPL) requirement."""
    if requirement.purpose != RequirementPurpose.INITIAL:
        return False
    if _award_rule_decides(requirement.achievement):
        return False
    if requirement.kind == RequirementKind.RPL:
        return True
    others = Requirement.objects.filter(
        achievement=requirement.achievement, purpose=RequirementPurpose.INITIAL, is_active=True
    ).exclude(kind=RequirementKind.RPL)
    return list(others.values_list("pk", flat=True)) == [requirement.pk]


def assessment_issue_if_direct(
    *, assessment: Assessment, actor: Any = None, now: datetime | None = None
) -> Credential | None:
    """Until award rules exist: issue the achievement when this accepted assessment is all
    it needs, with the assessment's result and evidence. Idempotent (``source_key``).
    The lead routes this through the rule engine (``assessment_recorded``) later."""
    requirement = assessment.requirement
    achievement = requirement.achievement
    version = achievement.current_version
    if (
        assessment.status != AssessmentStatus.ACCEPTED
        or not _direct(requirement)
        or version is None
        or not achievement.is_published
    ):
        return None
    evidence, result = selectors.credential_extras(
        organisation=assessment.organisation,
        user_id=assessment.learner_id,
        achievement_id=achievement.pk,
        assessment_ids=[assessment.pk],
    )
    learner = assessment.learner
    created = credentials_issue(
        organisation=assessment.organisation,
        achievement_version=version,
        recipients=[
            RecipientInput(
                email=learner.email,
                name=_person(learner),
                evidence=evidence,
                result=result,
                source_key=f"assessment:{requirement.pk}:{learner.pk}",
            )
        ],
        actor=actor,
        source="assessment",
        now=now,
    )
    if created:
        Credential.objects.filter(pk=created[0].pk).update(recipient_user=learner)
        return created[0]
    return None
