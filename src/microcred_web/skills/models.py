"""Skills frameworks, skills, proficiency scales, alignments, job roles and evidence rows.

Every row belongs to one organisation. :class:`SkillEvidence` is append-only: a change of a
source (a credential revoked, an import re-verified) is a new row, never an edit (ADR 0024).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.skills import EvidenceKind, Level, Scale, SourceState
from microcred.skills.visibility import Visibility


class FrameworkSource(models.TextChoices):
    OWN = "own", _("Written here")
    CASE = "case", _("CASE 1.1 package")
    ESCO = "esco", _("ESCO")


class Framework(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="skill_frameworks"
    )
    name = models.CharField(_("name"), max_length=300)
    source = models.CharField(max_length=8, choices=FrameworkSource.choices)
    #: the framework's own identity: CFDocument uri, ESCO scheme, or ours for own skills
    uri = models.CharField(max_length=500)
    identifier = models.CharField(max_length=200, blank=True)  # CFDocument identifier
    version = models.CharField(max_length=80, blank=True)
    language = models.CharField(max_length=10, blank=True)
    description = models.TextField(blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "uri"], name="skill_framework_uri")
        ]

    def __str__(self) -> str:
        return self.name


class SkillGroup(models.Model):
    """Skills that age alike: the group's half-life sets how fast evidence loses freshness."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="skill_groups"
    )
    name = models.CharField(_("name"), max_length=200)
    half_life_days = models.PositiveIntegerField(_("half-life (days)"), default=730)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="skill_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class ProficiencyScale(models.Model):
    """An organisation's scale: ``levels`` is ``[{"value", "label", "descriptor"}]``."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="proficiency_scales"
    )
    name = models.CharField(_("name"), max_length=120)
    levels = models.JSONField(default=list)
    is_default = models.BooleanField(default=False)
    #: identifiers of results elsewhere on this scale (OB 3.0 ResultDescription ids, rubric or
    #: framework URIs): an imported result naming one is read as a level of this scale
    result_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="proficiency_scale_name")
        ]

    def __str__(self) -> str:
        return self.name

    def as_scale(self) -> Scale:
        return Scale(
            str(self.pk),
            tuple(
                Level(int(row["value"]), str(row["label"]), str(row.get("descriptor", "")))
                for row in self.levels
            ),
        )

    def label_of(self, value: int) -> str:
        for row in self.levels:
            if int(row["value"]) == value:
                return str(row["label"])
        return str(value)


class ScaleMapping(models.Model):
    """How the levels of one scale count on another: ``table`` is {source level (text): target
    level}, checked by :func:`microcred.skills.scales.table_problems`."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(
        ProficiencyScale, on_delete=models.PROTECT, related_name="mappings_from"
    )
    target = models.ForeignKey(
        ProficiencyScale, on_delete=models.PROTECT, related_name="mappings_to"
    )
    table = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source__name", "target__name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="scale_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"

    def as_table(self) -> dict[int, int]:
        return {int(key): int(value) for key, value in self.table.items()}


class Skill(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="skills"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="skills")
    #: stable identity: the CFItem uri, the ESCO concept URI, or ours; alignments use it
    uri = models.CharField(max_length=500)
    identifier = models.CharField(max_length=200, blank=True)  # CFItem identifier
    code = models.CharField(_("code"), max_length=80, blank=True)
    label = models.CharField(_("label"), max_length=500)
    alt_labels = models.JSONField(default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    skill_type = models.CharField(max_length=40, blank=True)  # ESCO skillType / CFItemType
    reuse_level = models.CharField(max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    group = models.ForeignKey(
        SkillGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="skills"
    )
    #: {level value (as text): descriptor} for this skill on the organisation's scale
    descriptors = models.JSONField(default=dict, blank=True)
    #: label, alternative labels and description folded (lower case, no accents) for search
    search_text = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "uri"], name="skill_uri_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_case_item(self) -> bool:
        return self.framework.source == FrameworkSource.CASE


class Alignment(models.Model):
    """An achievement recognises a skill at a level of the organisation's scale."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    achievement = models.ForeignKey(
        "achievements.Achievement", on_delete=models.CASCADE, related_name="skill_alignments"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="alignments")
    level = models.PositiveSmallIntegerField(_("level"))

    class Meta:
        ordering = ["skill__label"]
        constraints = [
            models.UniqueConstraint(fields=["achievement", "skill"], name="skill_alignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.achievement_id} → {self.skill_id} @ {self.level}"


class LearningAlignment(models.Model):
    """A course, quiz question or rubric criterion recognises a skill at a level (the lower
    apps know nothing of it; issue 17 item 2)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))

    class Meta:
        abstract = True
        ordering = ["skill__label"]


class CourseAlignment(LearningAlignment):
    course = models.ForeignKey(
        "learning.Course", on_delete=models.CASCADE, related_name="skill_alignments"
    )

    class Meta(LearningAlignment.Meta):
        constraints = [
            models.UniqueConstraint(fields=["course", "skill"], name="course_alignment_unique")
        ]

    def __str__(self) -> str:
        return f"course {self.course_id} → {self.skill_id} @ {self.level}"


class QuestionAlignment(LearningAlignment):
    question = models.ForeignKey(
        "learning.Question", on_delete=models.CASCADE, related_name="skill_alignments"
    )

    class Meta(LearningAlignment.Meta):
        constraints = [
            models.UniqueConstraint(fields=["question", "skill"], name="question_alignment_unique")
        ]

    def __str__(self) -> str:
        return f"question {self.question_id} → {self.skill_id} @ {self.level}"


class CriterionAlignment(LearningAlignment):
    criterion = models.ForeignKey(
        "assessments.Criterion", on_delete=models.CASCADE, related_name="skill_alignments"
    )

    class Meta(LearningAlignment.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "skill"], name="criterion_alignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"criterion {self.criterion_id} → {self.skill_id} @ {self.level}"


class JobRole(models.Model):
    """A role profile (named ``JobRole``: "role" already means a member's permissions)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="job_roles"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    occupation_uri = models.CharField(max_length=500, blank=True)  # ESCO occupation, if any

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="job_role_name")
        ]

    def __str__(self) -> str:
        return self.name


class JobRoleSkill(models.Model):
    role = models.ForeignKey(JobRole, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)

    class Meta:
        ordering = ["skill__label"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="job_role_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.skill_id} @ {self.level}"


class PersonRole(models.Model):
    """A member's current role and the roles they aim for."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    current = models.ForeignKey(
        JobRole, null=True, blank=True, on_delete=models.SET_NULL, related_name="holders"
    )
    targets = models.ManyToManyField(JobRole, blank=True, related_name="aspirants")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="person_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.current_id}"


class SkillEvidence(models.Model):
    """One append-only evidence row (see :mod:`microcred.skills.evidence`)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_evidence"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="evidence")
    kind = models.PositiveSmallIntegerField(choices=[(k.value, k.name) for k in EvidenceKind])
    level = models.PositiveSmallIntegerField()
    #: "credential:<uuid>" (issued here), "imported:<uuid>" (wallet), …
    source = models.CharField(max_length=200)
    state = models.CharField(
        max_length=10, choices=[(s.value, s.name) for s in SourceState], default="active"
    )
    observed_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    external = models.BooleanField(default=False)
    #: who or what vouches, in words ("Signed by Northwind Logistics", "Verified on import …")
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user", "id"]
        indexes = [
            models.Index(fields=["organisation", "user"]),
            models.Index(fields=["source"]),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.state} {self.skill_id}@{self.level}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Skill evidence is append-only: add a new row instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Skill evidence is append-only.")


class RecommendationDismissal(models.Model):
    """A learner set a recommendation aside, with why (append-only; the latest per item counts,
    ``restored`` brings it back)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: the offer's key: "course:<id>", "assessment:<id>", "credential:<id>"
    item = models.CharField(max_length=80)
    reason = models.CharField(_("reason"), max_length=40)
    note = models.CharField(_("note"), max_length=500, blank=True)
    restored = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} dismissed {self.item}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Dismissals are append-only: add a new row instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Dismissals are append-only.")


class RoleLink(models.Model):
    """A career step an administrator drew: from one job role to another."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(JobRole, on_delete=models.CASCADE, related_name="next_links")
    target = models.ForeignKey(JobRole, on_delete=models.CASCADE, related_name="previous_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source__name", "target__name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="role_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class SuggestedRoleLink(models.Model):
    """A career step *suggested* from ESCO (roles of related occupations share essential
    skills), shown apart from administrators' links until one accepts (it becomes a
    :class:`RoleLink`) or hides it (kept hidden: a later seeding does not bring it back)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(JobRole, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(JobRole, on_delete=models.CASCADE, related_name="+")
    shared = models.PositiveIntegerField()  # essential skills both roles require
    score = models.FloatField()  # Jaccard index of their essential skills
    hidden = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source__name", "-score", "target__name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="suggested_role_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.shared})"


class SkillCredentialAchievement(models.Model):
    """The organisation's own Competency achievement for one skill at one level, issued as
    a skill credential to people an accepted assessment proved the skill for (decision 0024)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    achievement = models.OneToOneField(
        "achievements.Achievement", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "skill", "level"], name="skill_credential_achievement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.skill} @ {self.level}"


class SkillVisibility(models.Model):
    """How far one person's skill is shown (private when there is no row)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    visibility = models.CharField(
        max_length=12, choices=[(v.value, v.name) for v in Visibility], default="private"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "skill"], name="skill_visibility_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.skill_id}: {self.visibility}"


class PublicSkillsPage(models.Model):
    """A person's public skills page, ``/skills/p/<public_id>/``: a stable address made the
    first time they show a skill publicly (it lists only skills shown *public*)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="public_skills_page"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.public_id)


class EndorsementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DETAIL = "detail", _("Detail asked")
    ACCEPTED = "accepted", _("Endorsed")
    DECLINED = "declined", _("Declined")


class EndorsementRequest(models.Model):
    """A learner asked a colleague to endorse one of their skills."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    endorser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    message = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=EndorsementStatus.choices, default=EndorsementStatus.PENDING
    )
    #: the endorser's comment (accepted) or question (detail asked)
    response = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organisation", "endorser", "status"])]

    def __str__(self) -> str:
        return f"{self.requester_id} → {self.endorser_id}: {self.skill_id} ({self.status})"


class CrosswalkRelation(models.TextChoices):
    EXACT = "exact", _("Exact match")
    RELATED = "related", _("Related")


class CrosswalkState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class SkillCrosswalk(models.Model):
    """One skill of a framework matched to a skill of another (or to the organisation's own):
    proposed by a model, confirmed or rejected by an administrator (decision 0028). A confirmed
    *exact* crosswalk carries credential evidence between the two skills."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="crosswalks_out")
    target = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="crosswalks_in")
    relation = models.CharField(
        max_length=8, choices=CrosswalkRelation.choices, default=CrosswalkRelation.EXACT
    )
    state = models.CharField(
        max_length=9, choices=CrosswalkState.choices, default=CrosswalkState.PROPOSED
    )
    score = models.FloatField(null=True, blank=True)
    #: the model that proposed it ("lexical", "semantic:<model>"), empty when added by hand
    proposed_by = models.CharField(max_length=80, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["organisation", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="skill_crosswalk_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="skill_crosswalk_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.relation} {self.target_id} ({self.state})"
