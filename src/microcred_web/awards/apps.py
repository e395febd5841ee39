from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "microcred_web.awards"
    label = "awards"
    verbose_name = _("Award rules")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microcred_web.awards import receivers

        receivers.connect()
