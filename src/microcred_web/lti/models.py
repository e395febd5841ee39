"""LTI 1.3 registrations, the tool's keys, and what launches leave behind."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.Model):
    """An LMS registered by an organisation's administrator (LTI Core 1.3 §3.1.3)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="lti_platforms"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    issuer = models.URLField(_("issuer"), max_length=300)
    client_id = models.CharField(_("client id"), max_length=200)
    #: the deployment ids this organisation accepts from the platform
    deployment_ids = models.JSONField(default=list, blank=True)
    auth_login_url = models.URLField(_("authentication request URL"), max_length=500)
    token_url = models.URLField(_("access token URL"), max_length=500)
    jwks_url = models.URLField(_("platform key set URL"), max_length=500, blank=True)
    #: a JWKS pasted by the administrator when the platform publishes no URL
    jwks_static = models.JSONField(default=dict, blank=True)
    #: the platform's keys fetched from ``jwks_url`` (refetched when a kid is unknown)
    jwks_cache = models.JSONField(default=dict, blank=True)
    jwks_fetched_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    registered_dynamically = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_client")
        ]

    def __str__(self) -> str:
        return self.name


class ToolKey(models.Model):
    """One RSA key of the tool; the newest active key signs, recent ones stay published."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem_sealed = models.BinaryField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.kid


class LoginState(models.Model):
    """An OIDC login in progress: the state and nonce sent to the platform. A launch claims
    it once (``used_at``): a replayed id_token finds it used."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64)
    target_link_uri = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"login {self.pk} for {self.platform_id}"


class Identity(models.Model):
    """A person as a platform knows them (issuer + subject) mapped to a microcred account."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="identities")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "subject"], name="lti_identity_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.platform_id}"


class ResourceLink(models.Model):
    """A placement of a course (or one of its modules) in an LMS course."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="links")
    deployment_id = models.CharField(max_length=255)
    resource_link_id = models.CharField(max_length=255)
    context_id = models.CharField(max_length=255, blank=True)
    context_title = models.CharField(max_length=255, blank=True)
    course = models.ForeignKey(
        "learning.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    module_key = models.CharField(max_length=12, blank=True)
    #: Assignment and Grade Services endpoint claim of the last launch
    lineitem_url = models.URLField(max_length=500, blank=True)
    lineitems_url = models.URLField(max_length=500, blank=True)
    ags_scopes = models.JSONField(default=list, blank=True)
    #: Names and Role Provisioning Services context_memberships_url
    memberships_url = models.URLField(max_length=500, blank=True)
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    roster_synced_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "resource_link_id"], name="lti_resource_link_once"
            )
        ]

    def __str__(self) -> str:
        return self.resource_link_id


class ScoreStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class ScoreOutbox(models.Model):
    """A score to publish to a platform's gradebook (AGS Score service), retried with backoff.

    One row per (link, person) holds the latest score: a newer result replaces a pending one."""

    link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE, related_name="scores")
    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="scores")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=ScoreStatus.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "identity"], name="lti_score_per_person")
        ]

    def __str__(self) -> str:
        return f"score of {self.identity_id} for {self.link_id} ({self.status})"
