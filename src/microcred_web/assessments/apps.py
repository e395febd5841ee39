from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "microcred_web.assessments"
    label = "assessments"
    default_auto_field = "django.db.models.BigAutoField"
