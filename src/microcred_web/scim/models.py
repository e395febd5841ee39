"""SCIM 2.0 provisioning: an organisation's bearer tokens, and what its identity provider or
HR system knows about each person and team beyond our own models (docs/scim.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScimToken(models.Model):
    """A bearer token for one organisation's SCIM endpoint. Only a hash is stored."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)  # shown so admins can tell tokens apart
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ScimPerson(models.Model):
    """A membership the SCIM client provisioned (or adopted by e-mail address).

    ``deleted_at`` is set by a SCIM DELETE: the resource answers 404 from then on, but the
    membership (deactivated), the account, credentials and history all stay; a later POST
    with the same userName or e-mail address brings the person back.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="scim_people"
    )
    membership = models.OneToOneField(
        "orgs.Membership", on_delete=models.CASCADE, related_name="scim_person"
    )
    user_name = models.CharField(max_length=254)
    user_name_key = models.CharField(max_length=254)  # case-folded, for uniqueness
    external_id = models.CharField(max_length=254, blank=True)
    given_name = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    display_name = models.CharField(max_length=150, blank=True)
    employee_number = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=150, blank=True)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    # the account was created by SCIM: its e-mail address and name follow the SCIM data
    owns_account = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user_name_key"], name="scim_person_user_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.user_name


class ScimEmail(models.Model):
    """One of a SCIM person's e-mail addresses (``emails`` is multi-valued)."""

    person = models.ForeignKey(ScimPerson, on_delete=models.CASCADE, related_name="emails")
    value = models.CharField(max_length=254)
    type = models.CharField(max_length=20, blank=True)
    primary = models.BooleanField(null=True)  # as sent: true, false or not given

    class Meta:
        ordering = ["id"]  # as sent

    def __str__(self) -> str:
        return self.value


class ScimGroup(models.Model):
    """The SCIM side of a team: its ``externalId`` and when it last changed."""

    team = models.OneToOneField("orgs.Team", on_delete=models.CASCADE, related_name="scim_group")
    external_id = models.CharField(max_length=254, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"SCIM {self.team_id}"
