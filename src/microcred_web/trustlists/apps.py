from __future__ import annotations

from django.apps import AppConfig


class TrustListsConfig(AppConfig):
    name = "microcred_web.trustlists"
    label = "trustlists"
    default_auto_field = "django.db.models.BigAutoField"
