from __future__ import annotations

from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "microcred_web.mfa"
    label = "mfa"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microcred_web.mfa import signals  # noqa: F401  (connects the sign-in receiver)
