"""Achievements (what an organisation recognises) and their immutable issued versions.

An :class:`Achievement` is edited freely while it is a draft. Publishing freezes its
credential-affecting content into an :class:`AchievementVersion` (the OB 3.0 ``Achievement``
JSON); later edits that change that content create a new version, and every credential keeps
pointing at the version it was issued with.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AchievementType(models.TextChoices):
    """A subset of the OB 3.0 ``achievementType`` vocabulary."""

    BADGE = "Badge", _("Badge")
    CERTIFICATE = "Certificate", _("Certificate")
    CERTIFICATE_OF_COMPLETION = "CertificateOfCompletion", _("Certificate of completion")
    CERTIFICATION = "Certification", _("Certification")
    MICRO_CREDENTIAL = "MicroCredential", _("Micro-credential")
    COMPETENCY = "Competency", _("Competency")
    COURSE = "Course", _("Course")
    LICENSE = "License", _("Licence")
    AWARD = "Award", _("Award")


class ExpiryPolicy(models.TextChoices):
    NONE = "none", _("Never expires")
    FIXED_DATE = "fixed_date", _("Expires on a fixed date")
    MONTHS = "months", _("Expires a number of months after issue")


class AchievementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Achievement(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="achievements"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=12, choices=AchievementStatus.choices, default=AchievementStatus.DRAFT
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    criteria = models.TextField(_("criteria (Markdown)"))
    image = models.FileField(_("image"), upload_to="achievements/", blank=True)
    achievement_type = models.CharField(
        _("type"), max_length=40, choices=AchievementType.choices, default=AchievementType.BADGE
    )
    level = models.CharField(_("level"), max_length=80, blank=True)
    tags = models.JSONField(default=list, blank=True)
    #: [{"framework", "code", "name", "url"}]
    alignments = models.JSONField(default=list, blank=True)
    credits = models.DecimalField(
        _("credits"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    #: the scheme ``credits`` are counted in ("CPD hours", "institution credits"); blank: credits
    credit_system = models.CharField(_("credit system"), max_length=60, blank=True)
    workload_hours = models.PositiveIntegerField(_("workload (hours)"), null=True, blank=True)
    expiry_policy = models.CharField(
        _("expiry"), max_length=12, choices=ExpiryPolicy.choices, default=ExpiryPolicy.NONE
    )
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    expiry_months = models.PositiveIntegerField(_("months valid"), null=True, blank=True)
    #: {"fr": {"name", "description", "criteria", "learning_outcomes"}}
    translations = models.JSONField(default=dict, blank=True)
    # EU micro-credential elements (Council Recommendation 2022/C 243/02, Annex I)
    learning_outcomes = models.TextField(_("learning outcomes (one per line)"), blank=True)
    credit_ects = models.DecimalField(
        _("ECTS credits"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    eqf_level = models.PositiveSmallIntegerField(_("EQF level"), null=True, blank=True)
    assessment_type = models.CharField(_("assessment type"), max_length=200, blank=True)
    participation_mode = models.CharField(_("participation mode"), max_length=80, blank=True)
    quality_assurance = models.CharField(_("quality assurance"), max_length=300, blank=True)
    prerequisites = models.TextField(_("prerequisites (one per line)"), blank=True)
    identity_verification = models.CharField(_("identity verification"), max_length=200, blank=True)
    grading_scheme = models.CharField(_("grading scheme"), max_length=200, blank=True)
    stackability = models.CharField(_("stackability"), max_length=300, blank=True)
    current_version = models.ForeignKey(
        "AchievementVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == AchievementStatus.PUBLISHED


class AchievementVersion(models.Model):
    """A frozen, issuable state of an achievement. Never edited after creation."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=10, default="en")
    #: the OB 3.0 ``Achievement`` JSON embedded in credentials (its ``id`` included)
    achievement_json = models.JSONField()
    image = models.CharField(max_length=255, blank=True)  # storage name, frozen with the version
    expiry_policy = models.CharField(max_length=12, choices=ExpiryPolicy.choices)
    expiry_date = models.DateField(null=True, blank=True)
    expiry_months = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["achievement", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "number"], name="achievement_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def organisation_id(self) -> Any:
        return self.achievement.organisation_id
