"""Pathways: an organisation's route to a goal achievement, its versions and enrolments.

The definition lives as JSON (``microcred.pathways.definition_to_json``) on a
:class:`PathwayVersion`; a draft is edited freely, a published version never changes and is
what learners enrol in (an :class:`Enrolment` keeps its version).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.pathways import Pathway as PathwayDefinition
from microcred.pathways import definition_from_json


class Pathway(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="pathways"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    #: the final credential; its award rule is the pathway's goal rule once published
    goal = models.ForeignKey("achievements.Achievement", on_delete=models.PROTECT, related_name="+")
    #: the version new enrolments get (None: never published)
    published_version = models.ForeignKey(
        "PathwayVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PathwayVersion(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    definition_json = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pathway", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "number"], name="pathway_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pathway_id} v{self.number}"

    @property
    def definition(self) -> PathwayDefinition:
        data: Any = self.definition_json
        return definition_from_json(data)


class Enrolment(models.Model):
    """A learner following a pathway, pinned to the version they enrolled in."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="enrolments")
    version = models.ForeignKey(PathwayVersion, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pathway_enrolments"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    #: set when a manager or admin assigned the pathway (to a team)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-enrolled_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "user"], name="enrolment_unique_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.pathway_id}"


class Recognition(models.Model):
    """An external achievement (issuer + achievement id, or a skill URI it aligns to) that
    counts as an item of a pathway step, with the credit it is recognised for and how long it
    counts (docs/decisions/0026)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="recognitions")
    step_id = models.CharField(max_length=40)
    counts_as = models.CharField(max_length=60)  # the item's ref ("achievement:<uuid>")
    counts_as_label = models.CharField(max_length=300)
    issuer_id = models.CharField(_("issuer id"), max_length=500, blank=True)
    achievement_id = models.CharField(_("achievement id"), max_length=500, blank=True)
    skill_uri = models.CharField(_("skill URI"), max_length=500, blank=True)
    credit = models.FloatField(_("credit recognised"), default=0)
    #: the credit stated per system ({"ECTS": 5, "CPD hours": 10}); others: ``credit``
    system_credits = models.JSONField(default=dict, blank=True)
    #: it counts only in its step (else wherever its item counts)
    only_in_step = models.BooleanField(_("only in its step"), default=False)
    #: None: it counts while the credential itself is valid; else only this long after issue
    valid_for_days = models.PositiveIntegerField(_("counts for (days)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pathway", "step_id", "pk"]

    def __str__(self) -> str:
        return f"{self.skill_uri or self.achievement_id} → {self.counts_as_label}"

    def credit_in(self, system: str) -> float:
        """The credit it is recognised for in ``system`` (0: the item's own credit)."""
        value = self.system_credits.get(system) if system else None
        return float(value) if isinstance(value, (int, float)) else self.credit
