"""Webhook endpoints of an organisation, the events sent to them (the outbox) and every
delivery attempt (the delivery log). Standard Webhooks: docs/webhooks.md."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    CREDENTIAL_ISSUED = "credential.issued", _("Credential issued")
    CREDENTIAL_CLAIMED = "credential.claimed", _("Credential claimed")
    CREDENTIAL_REVOKED = "credential.revoked", _("Credential revoked")
    CREDENTIAL_SUSPENDED = "credential.suspended", _("Credential suspended")
    CREDENTIAL_VIEWED = "credential.viewed", _("Credential viewed")
    CREDENTIAL_VERIFIED = "credential.verified", _("Credential verified")
    AWARD_EARNED = "award.earned", _("Award earned")
    ASSESSMENT_SUBMITTED = "assessment.submitted", _("Assessment submitted")
    ASSESSMENT_DECIDED = "assessment.decided", _("Assessment decided")
    PATHWAY_COMPLETED = "pathway.completed", _("Pathway completed")
    PERSON_JOINED = "person.joined", _("Person joined")


#: the type of the "send test event" button's message (not subscribable)
TEST_EVENT_TYPE = "webhook.test"


class Endpoint(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)  # EventType values
    enabled = models.BooleanField(default=True)
    # secrets sealed with AES-GCM under the key-encryption key (webhooks/secrets.py)
    secret_sealed = models.BinaryField()
    previous_secret_sealed = models.BinaryField(null=True, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    # failure tracking for automatic disabling (reset by any success)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organisation", "enabled"])]

    def __str__(self) -> str:
        return self.url


class Message(models.Model):
    """One event as sent to every subscribed endpoint; ``msg_id`` is the ``webhook-id``."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="webhook_messages"
    )
    msg_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=40)
    payload = models.TextField()  # the exact JSON body sent on every attempt
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.msg_id


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One message for one endpoint; the worker claims due rows with a lease."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=32, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "endpoint"], name="webhook_delivery_unique")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.message_id}→{self.endpoint_id}"


class Attempt(models.Model):
    """The delivery log: one row per HTTP attempt."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)
    response_body = models.TextField(blank=True)  # truncated

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number}"
