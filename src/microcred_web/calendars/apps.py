from __future__ import annotations

from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "microcred_web.calendars"
    label = "calendars"
    default_auto_field = "django.db.models.BigAutoField"
