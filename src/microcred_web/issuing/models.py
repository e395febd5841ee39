"""Issuer identity, signing keys, status lists, issued credentials and API keys.

Secrets are never stored in clear: an issuer key's secret is AES-GCM encrypted under the
key-encryption key from settings (see :mod:`microcred_web.issuing.keystore`), claim tokens and
API keys are stored as SHA-256 hashes.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred_web.common.ids import uuid7

STATUS_LIST_SIZE = 131_072


class IssuerProfile(models.Model):
    """What an organisation says about itself as an issuer (an OB 3.0 ``Profile``)."""

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="issuer_profile"
    )
    name = models.CharField(_("issuer name"), max_length=200, blank=True)
    url = models.URLField(_("web site"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # LinkedIn's numeric company id: "add to profile" links then name the company page
    linkedin_organization_id = models.CharField(
        _("LinkedIn organisation id"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[0-9]+$", _("Digits only, e.g. 1337."))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name or str(self.organisation)


class IssuerKey(models.Model):
    """An Ed25519 signing key of an organisation's did:web.

    ``retired_at``: no longer signs new credentials (rotation); its old signatures stay valid.
    ``compromised_after``: signatures created at or after this moment are rejected.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="issuer_keys"
    )
    key_id = models.CharField(max_length=120)  # the fragment: "<did>#<key_id>"
    public_multibase = models.CharField(max_length=120)
    secret_ciphertext = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    compromised_after = models.DateTimeField(null=True, blank=True)
    retirement_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["organisation", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key_id"], name="issuer_key_unique")
        ]

    def __str__(self) -> str:
        return self.key_id

    @property
    def is_active(self) -> bool:
        return self.retired_at is None and self.compromised_after is None


class StatusPurpose(models.TextChoices):
    # "message": 2-bit entries carrying revocation and suspension (decision 0019); the two
    # one-bit purposes are those of credentials issued before it
    MESSAGE = "message", _("Revocation and suspension")
    REVOCATION = "revocation", _("Revocation")
    SUSPENSION = "suspension", _("Suspension")


class StatusList(models.Model):
    """One Bitstring Status List of an organisation, published at ``/o/<slug>/status/<p>/<n>``.

    ``version`` goes up whenever a bit changes; ``signed_json`` is the signed list credential
    for ``signed_version`` (re-signed when the two differ).

    ``size`` counts entries of ``status_size`` bits each (the bitstring has
    ``size * status_size`` bits): 2 for ``message`` lists (see :mod:`microcred.status.standing`),
    1 for the older revocation and suspension lists.

    ``allocated`` is the reservation bitmap (bit ``i`` is byte ``i // 8``, mask ``1 << i % 8``;
    empty means nothing reserved yet) and ``allocated_count`` the number of bits set in it: an
    index is reserved there, in its own short transaction, before the credential using it is
    signed, and never handed out again, even if that credential is never stored.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="status_lists"
    )
    purpose = models.CharField(max_length=12, choices=StatusPurpose.choices)
    number = models.PositiveIntegerField(default=1)
    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    status_size = models.PositiveSmallIntegerField(default=1)
    encoded_list = models.TextField()
    version = models.PositiveIntegerField(default=1)
    signed_json = models.TextField(blank=True)
    signed_version = models.PositiveIntegerField(default=0)
    allocated = models.BinaryField(default=b"", editable=False)
    allocated_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "purpose", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "purpose", "number"], name="status_list_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} list {self.number}"

    @property
    def url_path(self) -> str:
        return f"/o/{self.organisation.slug}/status/{self.purpose}/{self.number}"


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")


class DeliveryStatus(models.TextChoices):
    NOT_SENT = "not_sent", _("Not sent")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    BOUNCED = "bounced", _("Bounced")


class Credential(models.Model):
    """One issued OpenBadgeCredential; ``signed_json`` is exactly what was signed and served."""

    # time-ordered (see uuid7): the unique index grows at its end, not at random places
    public_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    # no index of its own: (organisation, source_key) and (organisation, -issued_at) lead with it
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.CASCADE,
        related_name="credentials",
        db_index=False,
    )
    achievement_version = models.ForeignKey(
        "achievements.AchievementVersion", on_delete=models.PROTECT, related_name="credentials"
    )
    recipient_email = models.EmailField(null=True, blank=True)  # noqa: DJ001 - contract: NULL = none
    recipient_did = models.CharField(max_length=500, null=True, blank=True)  # noqa: DJ001
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credentials",
    )
    salt = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    signed_json = models.TextField()
    issuer_key = models.ForeignKey(
        IssuerKey, on_delete=models.PROTECT, related_name="credentials", null=True
    )
    # (list, index) are unique together, and that index serves the lists' foreign keys too.
    # ``revocation_list`` is the list the credential's one ``credentialStatus`` names: a
    # ``message`` list (revocation and suspension, decision 0019) or, for credentials issued
    # before that, a one-bit revocation list; only those older credentials have a suspension
    # list (no longer published: their suspension is known from ``suspended_at``).
    revocation_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    revocation_status_index = models.PositiveIntegerField()
    suspension_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="+", db_index=False, null=True
    )
    suspension_status_index = models.PositiveIntegerField(null=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=500, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=80, default="ui")  # "ui", "api", "vc-api", "bulk:<id>"
    # NULL (not "") so the unique (organisation, source_key) constraint ignores rows without one
    source_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    claim_token_hash = models.CharField(max_length=64, blank=True)  # indexed when set (Meta)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivery_status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_SENT
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=500, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The holder's choices (set from their wallet): private by default — the public page and
    # downloads answer 404 to anyone but the holder and the issuing organisation's issuers.
    is_public = models.BooleanField(_("shown publicly"), default=False)
    hidden_evidence = models.JSONField(default=list, blank=True)  # evidence indexes not shown

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_key"], name="credential_source_key_unique"
            ),
            models.UniqueConstraint(
                fields=["revocation_list", "revocation_status_index"],
                name="credential_revocation_index_unique",
            ),
            models.UniqueConstraint(
                fields=["suspension_list", "suspension_status_index"],
                name="credential_suspension_index_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-issued_at"]),
            models.Index(fields=["recipient_email"]),
            # Partial: most bulk rows have no DID, and rows issued without delivery no claim
            # token; lookups name the condition (``recipient_did__in`` implies it on both
            # databases; claim lookups exclude "" explicitly for SQLite).
            models.Index(
                fields=["recipient_did"],
                name="credential_recipient_did",
                condition=models.Q(recipient_did__isnull=False),
            ),
            models.Index(
                fields=["claim_token_hash"],
                name="credential_claim_token",
                condition=~models.Q(claim_token_hash=""),
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    def status_at(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return CredentialStatus.REVOKED
        if self.suspended_at is not None:
            return CredentialStatus.SUSPENDED
        if self.valid_until is not None and self.valid_until <= now:
            return CredentialStatus.EXPIRED
        return CredentialStatus.ACTIVE

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def document(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.signed_json)
        return value

    @property
    def recipient_label(self) -> str:
        return self.recipient_name or self.recipient_email or self.recipient_did or ""


class BouncedAddress(models.Model):
    """An address a message to which bounced (recorded by ``delivery_bounce_record``).

    ``organisation`` is the organisation whose mail provider reported it (through the API);
    empty when the site's operator recorded it, which stops mail from every organisation.
    """

    email = models.EmailField(db_index=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bounced_addresses",
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class ApiKey(models.Model):
    """An organisation's API key; only a SHA-256 of the key is stored."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(max_length=16)  # shown in lists, identifies the key to people
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SubmittedCredential(models.Model):
    """A VC 2.0 credential issued as it was submitted to the VC-API (``POST
    /credentials/issue``): any credential type, signed with the organisation's key, with no
    achievement behind it. ``signed_json`` is exactly what was signed and returned.
    See docs/decisions/0021-vc-api-and-plain-vc.md."""

    public_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="submitted_credentials"
    )
    credential_id = models.CharField(max_length=500, blank=True)  # the document's own id
    types = models.CharField(max_length=500, blank=True)  # its types, space-separated
    signed_json = models.TextField()
    issuer_key = models.ForeignKey(
        IssuerKey, on_delete=models.PROTECT, related_name="submitted_credentials", null=True
    )
    issued_at = models.DateTimeField()
    source = models.CharField(max_length=80, default="vc-api")
    # NULL (not "") so the unique (organisation, source_key) constraint ignores rows without one
    source_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_key"], name="submitted_credential_source_key"
            )
        ]
        indexes = [models.Index(fields=["organisation", "-issued_at"])]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def document(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.signed_json)
        return value
