from __future__ import annotations

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "microcred_web.learning"
    label = "learning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microcred_web.learning.dashboard import learning_card
        from microcred_web.orgs.dashboard import dashboard_card_register

        dashboard_card_register("learning", learning_card, order=30)
