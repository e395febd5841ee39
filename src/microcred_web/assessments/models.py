"""Assessed credentials: requirements with rubrics, assessments (portfolio, observation, RPL)
with immutable submission versions and reviews, evidence files, recertification cases.

A :class:`Requirement` is the per-achievement assessment definition. A learner's attempt at
one is an :class:`Assessment`; each submit freezes a :class:`Submission`; each decision is a
:class:`Review` (never edited). Accepted assessments become facts for award rules.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_REMINDER_OFFSETS = [60, 30, 7]


class AssessmentPolicy(models.Model):
    """Organisation-wide settings of the assessment workflow."""

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="assessment_policy"
    )
    sla_days = models.PositiveIntegerField(_("days to review a submission"), default=7)
    block_team_managers = models.BooleanField(
        _("managers may not assess members of their own teams"), default=False
    )
    moderation_sample_percent = models.PositiveSmallIntegerField(
        _("share of competent decisions sent to moderation (%)"), default=0
    )
    reminder_offsets = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"assessment policy of {self.organisation_id}"


class RequirementKind(models.TextChoices):
    PORTFOLIO = "portfolio", _("Portfolio evidence")
    OBSERVATION = "observation", _("Observation sign-off")
    RPL = "rpl", _("Recognition of prior learning")


class RequirementPurpose(models.TextChoices):
    INITIAL = "initial", _("To earn the achievement")
    RECERTIFICATION = "recertification", _("To renew it (recertification)")


class Requirement(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="assessment_requirements"
    )
    achievement = models.ForeignKey(
        "achievements.Achievement", on_delete=models.CASCADE, related_name="requirements"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=RequirementKind.choices)
    purpose = models.CharField(
        _("purpose"),
        max_length=20,
        choices=RequirementPurpose.choices,
        default=RequirementPurpose.INITIAL,
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    countersignature_required = models.BooleanField(
        _("the learner countersigns observations"), default=False
    )
    #: days before expiry to remind holders (empty: the organisation's default)
    reminder_offsets = models.JSONField(default=list, blank=True)
    #: recertification only: a course the holder is enrolled in when the case opens
    refresher_course = models.ForeignKey(
        "learning.Course",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("refresher course"),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["achievement__name", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def ref(self) -> str:
        return f"assessment:{self.public_id}"


class Criterion(models.Model):
    """A rubric criterion (portfolio, RPL) or a checklist item (observation)."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="criteria")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Level(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("level"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    points = models.PositiveIntegerField(_("points"), default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NOT_YET = "not_yet", _("Not yet competent")
    MODERATION = "moderation", _("In moderation")
    AWAITING_COUNTERSIGNATURE = "countersign", _("Awaiting countersignature")
    ACCEPTED = "accepted", _("Competent")


class Assessment(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="assessments"
    )
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, related_name="assessments"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments_to_review",
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments_to_moderate",
    )
    #: the learner's working copy until the next submit: {criterion public id: text}
    draft_reflections = models.JSONField(default=dict, blank=True)
    #: [{"url", "title"}]
    draft_links = models.JSONField(default=list, blank=True)
    #: RPL: the prior experience / earlier certificate the claim rests on
    prior_learning = models.TextField(blank=True)
    #: RPL referees: [{"name", "role", "email", "statement"}]
    referees = models.JSONField(default=list, blank=True)
    make_public = models.BooleanField(default=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    due_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    disputed = models.BooleanField(default=False)
    recertification = models.ForeignKey(
        "RecertificationCase",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "-updated_at"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.requirement} — {self.learner}"


class EvidenceFile(models.Model):
    """An uploaded file. Files are never overwritten: submissions point at the ones they had."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="files")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to="evidence/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    in_draft = models.BooleanField(default=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """A frozen version of the learner's evidence, made at each submit. Never edited."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField()
    reflections = models.JSONField(default=dict)
    links = models.JSONField(default=list)
    prior_learning = models.TextField(blank=True)
    referees = models.JSONField(default=list)
    files = models.ManyToManyField(EvidenceFile, related_name="submissions", blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="submission_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} v{self.number}"


class Decision(models.TextChoices):
    COMPETENT = "competent", _("Competent")
    NOT_YET = "not_yet", _("Not yet competent")


class ReviewKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    MODERATION = "moderation", _("Moderation")
    OBSERVATION = "observation", _("Observation")


class Review(models.Model):
    """One decision (assessor, moderator or observer). Never edited: the trail."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reviews")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    #: {criterion public id: level public id} (observation: {criterion public id: "met"|"not_met"})
    levels = models.JSONField(default=dict)
    #: {criterion public id: feedback}
    feedback = models.JSONField(default=dict)
    comment = models.TextField(blank=True)
    score = models.FloatField(null=True, blank=True)
    #: observation only
    observed_on = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    countersigned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.decision}"


class RecertificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Renewed")


class RecertificationCase(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="recertification_cases"
    )
    credential = models.OneToOneField(
        "issuing.Credential", on_delete=models.CASCADE, related_name="recertification"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recertifications"
    )
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=RecertificationStatus.choices, default=RecertificationStatus.OPEN
    )
    opened_at = models.DateTimeField()
    #: the refresher course the learner was enrolled in (set once: the enrolment is not redone)
    refresher_course = models.ForeignKey(
        "learning.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    #: the renewed credential; it supersedes ``credential``
    renewed_credential = models.OneToOneField(
        "issuing.Credential",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes_case",
    )

    def __str__(self) -> str:
        return f"recertification of {self.credential_id}"


class ReminderSent(models.Model):
    """One reminder per credential and offset (the unique constraint makes runs idempotent)."""

    credential = models.ForeignKey(
        "issuing.Credential", on_delete=models.CASCADE, related_name="expiry_reminders"
    )
    offset_days = models.IntegerField()  # 0 = the "expired" notice
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "offset_days"], name="reminder_once_per_offset"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credential_id} -{self.offset_days}d"


class RefereeStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting the referee")
    CONFIRMED = "confirmed", _("Confirmed by the referee")
    DECLINED = "declined", _("Declined by the referee")


class RefereeRequest(models.Model):
    """A referee named in an RPL claim, asked by e-mail to confirm or decline the statement
    themselves. The link carries a random token (only its hash is stored); it works once and
    until ``expires_at``."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="referee_requests"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="referee_requests"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=200)
    relationship = models.CharField(max_length=200, blank=True)
    #: what the learner wrote for the referee to confirm (may be empty)
    proposed_statement = models.TextField(blank=True)
    #: the referee's own words, as confirmed (or their reason when declining)
    statement = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=RefereeStatus.choices, default=RefereeStatus.AWAITING
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "email"], name="referee_request_once_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.status})"
