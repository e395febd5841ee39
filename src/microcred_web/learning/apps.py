from __future__ import annotations

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "microcred_web.learning"
    label = "learning"
    default_auto_field = "django.db.models.BigAutoField"
