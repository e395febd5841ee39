"""Offers a wallet app redeems (OpenID4VCI), the nonces it signs, and VC-API exchanges.

Every secret a wallet presents (pre-authorized code, access token, transaction code, exchange
id) is stored as a SHA-256 hash only; the learner sees the clear values once, on the page
that made them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from microcred_web.common.ids import uuid7


class CredentialOffer(models.Model):
    """One credential offer (pre-authorized code flow) for one credential of its holder."""

    public_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    credential = models.ForeignKey(
        "issuing.Credential", on_delete=models.CASCADE, related_name="wallet_offers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet_offers"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    uri_hash = models.CharField(max_length=64, unique=True)  # the credential_offer_uri's secret
    tx_code_hash = models.CharField(max_length=64, blank=True)  # "" = no PIN asked
    tx_code_failures = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    code_used_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_format = models.CharField(max_length=20, blank=True)
    holder_did = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"offer {self.public_id}"


class IssuanceNonce(models.Model):
    """A ``c_nonce`` from the nonce endpoint: good for one key proof, for a few minutes."""

    value_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.value_hash[:12]


class ExchangePurpose(models.TextChoices):
    ISSUE = "issue", "issue"  # DID-auth, then the credential goes to the wallet
    VERIFY = "verify", "verify"  # a verifier asks a holder for credentials


class ExchangeState(models.TextChoices):
    PENDING = "pending", "pending"
    COMPLETE = "complete", "complete"
    FAILED = "failed", "failed"


class Exchange(models.Model):
    """A VC-API exchange (``/exchanges/<id>``): one request, one answer, then closed.

    ``id_hash`` is the hash of the secret exchange id in the QR code. For ``verify``
    exchanges, ``requester_hash`` is the keyed hash of the session that asked: only that
    browser sees the result.
    """

    id_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=10, choices=ExchangePurpose.choices)
    credential = models.ForeignKey(
        "issuing.Credential",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wallet_exchanges",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wallet_exchanges",
    )
    requester_hash = models.CharField(max_length=64, blank=True)
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)  # who asked (verify)
    refused_presentations = models.PositiveSmallIntegerField(default=0)
    challenge = models.CharField(max_length=64)
    state = models.CharField(
        max_length=10, choices=ExchangeState.choices, default=ExchangeState.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    holder_did = models.CharField(max_length=500, blank=True)
    result_json = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} exchange {self.pk}"
