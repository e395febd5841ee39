"""An organisation's single sign-on connection (OpenID Connect) and the people it signed in.

The group → role mapping and the identity link are provider-neutral: a SAML connection can
reuse :class:`Identity` (issuer = the IdP's entity id, subject = the NameID) and
:mod:`microcred_web.sso.provisioning`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred_web.orgs.models import Role


class Connection(models.Model):
    """One OpenID Provider per organisation (docs/sso.md)."""

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="sso_connection"
    )
    enabled = models.BooleanField(_("enabled"), default=False)
    display_name = models.CharField(_("button label"), max_length=80)
    issuer = models.URLField(_("issuer URL"), max_length=300)
    client_id = models.CharField(_("client ID"), max_length=200)
    client_secret_sealed = models.BinaryField()  # common/sealing.py, purpose "sso"
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    groups_claim = models.CharField(_("groups claim"), max_length=80, default="groups")
    # [[group, role], ...] in the order the administrator wrote them
    group_roles = models.JSONField(default=list, blank=True)
    default_role = models.CharField(
        _("default role"), max_length=20, choices=Role.choices, default=Role.LEARNER
    )
    email_domains = models.CharField(_("e-mail domains"), max_length=300, blank=True)
    sso_required = models.BooleanField(_("single sign-on required"), default=False)
    # the provider's discovery document, as last fetched
    metadata = models.JSONField(default=dict, blank=True)
    metadata_fetched_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.display_name} ({self.issuer})"

    @property
    def domain_list(self) -> list[str]:
        return [d for d in self.email_domains.replace(",", " ").split() if d]


class Identity(models.Model):
    """A person's account at an identity provider, linked by (issuer, subject)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    groups = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"
