"""External Open Badges 3.0 hosts a person connected their wallet to (microcred as an OB 3.0
client), and what was sent to or taken from each. Secrets (client secret, PKCE verifier,
tokens) are sealed at rest with common/sealing.py."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HostState(models.TextChoices):
    PENDING = "pending", _("Waiting for your permission")
    CONNECTED = "connected", _("Connected")
    EXPIRED = "expired", _("Connection expired: connect again")


class ConnectedHost(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ob3_hosts"
    )
    name = models.CharField(max_length=200)  # the discovery document's info.title
    base_url = models.CharField(max_length=500)  # what the person typed
    api_base = models.CharField(max_length=500)  # servers[0].url of the discovery document
    authorization_url = models.CharField(max_length=500)
    token_url = models.CharField(max_length=500)
    registration_url = models.CharField(max_length=500)
    revocation_url = models.CharField(max_length=500, blank=True)
    client_id = models.CharField(max_length=200, blank=True)
    client_secret_sealed = models.BinaryField(blank=True, default=b"")
    scope = models.CharField(max_length=1000, blank=True)  # granted (or asked for, while pending)
    state = models.CharField(max_length=20, choices=HostState.choices, default=HostState.PENDING)
    oauth_state_hash = models.CharField(max_length=64, blank=True, db_index=True)
    pkce_verifier_sealed = models.BinaryField(blank=True, default=b"")
    access_token_sealed = models.BinaryField(blank=True, default=b"")
    refresh_token_sealed = models.BinaryField(blank=True, default=b"")
    access_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "api_base"], name="ob3_host_once_per_person")
        ]
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    CONNECT = "connect", _("Connected")
    PUSH = "push", _("Sent")
    PULL = "pull", _("Received")


class HostActivity(models.Model):
    """One line of a host's log: a connection, a credential sent or received, and its outcome."""

    host = models.ForeignKey(ConnectedHost, on_delete=models.CASCADE, related_name="activities")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    credential_name = models.CharField(max_length=300, blank=True)
    succeeded = models.BooleanField(default=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.direction} {self.credential_name}"
