from __future__ import annotations

from django.apps import AppConfig


class AchievementsConfig(AppConfig):
    name = "microcred_web.achievements"
    label = "achievements"
