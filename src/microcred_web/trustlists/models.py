"""Trusted issuer registries kept by this instance (operator) or by one organisation."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.trust.registry import Registry, parse_registry
from microcred_web.orgs.models import Organisation


class TrustRegistry(models.Model):
    """A registry of issuers a verifier recognises, stored in the ``microcred`` format.

    ``organisation`` empty: configured by the operator, used by every verification on this
    instance. Set: uploaded by that organisation's admin, used only when its members verify,
    and (``published``) served at ``/o/<slug>/trust/registry.json``.
    """

    class Format(models.TextChoices):
        MICROCRED = "microcred", _("microcred issuer registry (JSON list)")
        DCC = "dcc", _("Digital Credentials Consortium registry.json")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    source_format = models.CharField(max_length=16, choices=Format.choices)
    #: the registry as read, in the microcred format (the DCC file is converted on upload)
    document: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField()
    source_url = models.URLField(max_length=2000, blank=True)
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "name"), name="trustlists_registry_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def registry(self) -> Registry:
        return parse_registry(self.document, format="microcred", name=self.name)
