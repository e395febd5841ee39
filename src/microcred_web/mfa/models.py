"""Second factors (an authenticator app and recovery codes), the organisation's policy and the
person's sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TotpDevice(models.Model):
    """One authenticator app per person; its secret sealed (common/sealing.py, purpose "mfa")."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret_sealed = models.BinaryField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # the last time step a code was accepted for: the same code cannot be used twice
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"authenticator of user {self.user_id}"


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator is lost; stored as a keyed hash."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"], name="mfa_recovery_lookup")]

    def __str__(self) -> str:
        return f"recovery code of user {self.user_id}"


class OrganisationMfaPolicy(models.Model):
    """An organisation may relax the default (a second factor for those who issue, revoke or
    manage keys)."""

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="mfa_policy"
    )
    required = models.BooleanField(
        _("second factor required for administrators and issuers"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"second-factor policy of organisation {self.organisation_id}"


class SessionRecord(models.Model):
    """What a person sees of one of their sessions; the session itself is Django's."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_records"
    )
    user_agent = models.CharField(max_length=300, blank=True)
    address_masked = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="mfa_session_recent")]

    def __str__(self) -> str:
        return f"session of user {self.user_id}"
