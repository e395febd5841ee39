from __future__ import annotations

from django.apps import AppConfig


class XapiConfig(AppConfig):
    name = "microcred_web.xapi"
    label = "xapi"
    default_auto_field = "django.db.models.BigAutoField"
