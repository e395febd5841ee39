"""xAPI clients (an LRS key and secret per content tool or LMS) and the statements they send.

Every statement an authenticated client sends is kept here as received (docs/xapi.md); the
ones about a member and an activity of the organisation are also applied to the learning
record, where award rules read them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class XapiClient(models.Model):
    """Basic-auth credentials for one organisation's statement endpoint. The secret is
    stored only as a SHA-256 hash."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="xapi_clients"
    )
    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(max_length=40, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class NotApplied(models.TextChoices):
    """Why a stored statement did not change the learning record."""

    APPLIED = "", _("Applied")
    UNKNOWN_ACTOR = "unknown_actor", _("Not a member of this organisation")
    UNKNOWN_ACTIVITY = "unknown_activity", _("Not a course, module or quiz of this organisation")
    VERB = "verb", _("A verb that does not count for awards")
    NO_SCORE = "no_score", _("A quiz result without a score")
    VOIDING = "voiding", _("A voiding statement")


class XapiStatement(models.Model):
    """One statement as stored by the LRS endpoint (never changed, except ``voided``)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="xapi_statements"
    )
    client = models.ForeignKey(XapiClient, on_delete=models.PROTECT, related_name="statements")
    statement_id = models.UUIDField()
    #: the statement as returned by GET (with id, timestamp, stored, authority, version)
    body = models.JSONField()
    #: SHA-256 of the statement as the client sent it, without id/stored/authority/version
    digest = models.CharField(max_length=64)
    verb = models.URLField(max_length=200)
    not_applied = models.CharField(
        max_length=20, choices=NotApplied.choices, blank=True, default=""
    )
    voided = models.BooleanField(default=False)
    stored = models.DateTimeField()

    class Meta:
        ordering = ["-stored", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "statement_id"], name="xapi_statement_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.statement_id)
