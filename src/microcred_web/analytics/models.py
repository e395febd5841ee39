"""Credential events: views, shares, downloads, LinkedIn clicks, verifications, claims.

Privacy: no IP address is stored. ``visitor_hash`` is an HMAC of the client address and user
agent under a salt that changes every day (derived from the site secret), so events from one
visitor can be counted within a day but not followed across days. Rows older than
``MICROCRED_ANALYTICS_RETENTION_DAYS`` are deleted by ``manage.py analytics_prune``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    VIEW = "view", _("Viewed")
    SHARE = "share", _("Shared")
    DOWNLOAD = "download", _("Downloaded")
    LINKEDIN = "linkedin", _("Added to LinkedIn")
    VERIFY = "verify", _("Verified")
    CLAIM = "claim", _("Claimed")


class VerifyResult(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    TAMPERED = "tampered", _("Tampered")
    UNKNOWN_ISSUER = "unknown_issuer", _("Unknown issuer")
    INVALID = "invalid", _("Invalid")


class CredentialEvent(models.Model):
    """One event. An append-only log written on every public request (a thousand a second on
    the verification API), so its relations carry no database constraint and no index of their
    own beyond the composite ones: no foreign-key check (a trigger and a row lock on the
    credential) on every INSERT. Django still nulls them when the row they name is deleted
    (``on_delete``), and the composite indexes lead with ``credential`` and ``organisation``
    (docs/decisions/0015)."""

    kind = models.CharField(max_length=12, choices=EventKind.choices)
    credential = models.ForeignKey(
        "issuing.Credential",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        db_constraint=False,
        db_index=False,  # (credential, kind) leads with it
    )
    # the issuing organisation of the credential (kept if the credential is deleted)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credential_events",
        db_constraint=False,
        db_index=False,  # (organisation, kind, created_at) leads with it
    )
    # share channel ("linkedin", "email", "copy", "embed", "link") or download format
    # ("json", "jwt", "png", "svg", "pdf", "clr")
    channel = models.CharField(max_length=20, blank=True)
    result = models.CharField(max_length=20, blank=True)  # for "verify": a VerifyResult
    # the signed-in organisation of whoever verified; NULL = anonymous
    viewer_organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,  # indexed: deleting an organisation finds its rows
    )
    visitor_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "kind", "created_at"]),
            models.Index(fields=["credential", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel or self.result} {self.created_at:%Y-%m-%d}"
