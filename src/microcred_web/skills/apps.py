from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "microcred_web.skills"
    label = "skills"
    verbose_name = _("Skills")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microcred_web.skills import receivers

        receivers.connect()
