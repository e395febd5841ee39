"""What an OB 3.0 client registered (RFC 7591) beyond what django-oauth-toolkit's Application
keeps: the links and software facts the consent page and the "Connected apps" page show."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class ClientRegistration(models.Model):
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="registration",
    )
    client_uri = models.URLField(max_length=500)
    logo_uri = models.URLField(max_length=500, blank=True)
    tos_uri = models.URLField(max_length=500, blank=True)
    policy_uri = models.URLField(max_length=500, blank=True)
    software_id = models.CharField(max_length=200, blank=True)
    software_version = models.CharField(max_length=100, blank=True)
    scope = models.CharField(max_length=1000)  # space-separated, as registered
    token_endpoint_auth_method = models.CharField(max_length=40, default="client_secret_basic")
    contacts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # the stubs cannot see through the swappable toolkit model: say what the manager holds
    objects: ClassVar[models.Manager[ClientRegistration]] = models.Manager()

    def __str__(self) -> str:
        return f"registration {self.pk}"


class OrganisationClient(models.Model):
    """A confidential client an organisation's admin registered for the organisation API
    (client-credentials grant, RFC 6749 §4.4): its tokens act for the organisation, limited to
    the organisation scopes registered here."""

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_client",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="oauth_clients"
    )
    scope = models.CharField(max_length=1000)  # space-separated organisation scopes
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[OrganisationClient]] = models.Manager()

    def __str__(self) -> str:
        return f"organisation client {self.pk}"
