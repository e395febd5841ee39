"""The learner's wallet: profile handle, imported credentials, share links, platform key.

Credentials issued here stay in ``issuing.Credential`` (the holder's privacy choices are
fields there, so the issuing pages can honour them); this app adds what only the holder owns.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

handle_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$",
    _("Use 3 to 40 lower-case letters, digits or hyphens (not at either end)."),
)


class WalletProfile(models.Model):
    """A learner's public profile: ``/u/<handle>/`` lists the credentials they made public."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet_profile"
    )
    handle = models.CharField(
        _("profile address"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        validators=[handle_validator],
    )
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.handle or f"profile of {self.user_id}"


class ImportFormat(models.TextChoices):
    JSON = "json", _("OB 3.0 JSON")
    JWT = "jwt", _("VC-JWT")
    PNG = "png", _("Baked PNG")
    SVG = "svg", _("Baked SVG")
    URL = "url", _("Hosted OB 2.0 assertion")


class ImportLabel(models.TextChoices):
    """The verification result an import is labelled with."""

    VALID = "valid", _("Verified")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUSPENDED = "suspended", _("Suspended")
    TAMPERED = "tampered", _("Tampered")
    UNKNOWN_ISSUER = "unknown_issuer", _("Unknown issuer")
    STATUS_UNKNOWN = "status_unknown", _("Status unknown")  # its status list was unreachable
    INVALID = "invalid", _("Not verifiable")


class ImportedCredential(models.Model):
    """A credential earned elsewhere, kept exactly as uploaded (JSON or JWT text)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imported_credentials"
    )
    source_format = models.CharField(max_length=8, choices=ImportFormat.choices)
    source_url = models.URLField(max_length=500, blank=True)
    payload = models.TextField()  # the credential itself: JSON text or compact JWT
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    issuer_name = models.CharField(max_length=300, blank=True)
    issuer_id = models.CharField(max_length=500, blank=True)
    issued_on = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateTimeField(null=True, blank=True)
    skills = models.JSONField(default=list, blank=True)  # alignment target names
    label = models.CharField(max_length=16, choices=ImportLabel.choices)
    checks = models.JSONField(default=list, blank=True)  # the verifier's report
    verified_at = models.DateTimeField(default=timezone.now)  # verified at import
    #: last verification (at import, or a later re-check of its status at the issuer)
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    #: when a re-check found the current label (None: it has had it since the import)
    label_since = models.DateTimeField(null=True, blank=True)
    is_public = models.BooleanField(_("shown publicly"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or str(self.public_id)

    @property
    def document(self) -> dict[str, Any] | None:
        try:
            value = json.loads(self.payload)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


class ShareLink(models.Model):
    """A revocable link to one credential; only a SHA-256 of its token is stored."""

    credential = models.ForeignKey(
        "issuing.Credential", on_delete=models.CASCADE, related_name="share_links"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(_("label"), max_length=120, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)  # shown in lists
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label or self.prefix}…"


class PlatformKey(models.Model):
    """The site's own Ed25519 key (did:web:<host>:wallet), which signs CLR exports.

    Encrypted at rest with the same key-encryption key as issuer keys.
    """

    key_id = models.CharField(max_length=120, unique=True)
    public_multibase = models.CharField(max_length=120)
    secret_ciphertext = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.key_id
