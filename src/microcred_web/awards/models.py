"""Award rules (one per achievement) and the awards they made."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.rules import Condition, rule_from_json


class AwardRule(models.Model):
    """When an achievement is issued automatically: a rule tree stored as versioned JSON
    (``microcred.rules.rule_to_json``), validated by the core on every change."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="award_rules"
    )
    achievement = models.OneToOneField(
        "achievements.Achievement", on_delete=models.CASCADE, related_name="award_rule"
    )
    rule_json = models.JSONField(null=True, blank=True)  # None: no condition yet
    enabled = models.BooleanField(_("issue automatically"), default=False)
    #: space-separated public ids of the achievements the rule stacks on (cheap look-ups when
    #: a credential is issued)
    stacks_on = models.TextField(blank=True, default="")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "enabled"])]

    def __str__(self) -> str:
        return f"award rule for {self.achievement_id}"

    @property
    def rule(self) -> Condition | None:
        data: Any = self.rule_json
        return rule_from_json(data) if data else None


class Award(models.Model):
    """An achievement a person earned through its rule; at most one per person."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="awards"
    )
    achievement = models.ForeignKey(
        "achievements.Achievement", on_delete=models.CASCADE, related_name="awards"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="awards"
    )
    credential = models.ForeignKey(
        "issuing.Credential", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    earned_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    #: when the person first saw the award on their goals (None: shown as "New credential")
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-earned_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["achievement", "user"], name="award_unique_per_person")
        ]
        indexes = [models.Index(fields=["organisation", "user"])]

    def __str__(self) -> str:
        return f"award of {self.achievement_id} to {self.user_id}"
