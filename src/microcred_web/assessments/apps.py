from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "microcred_web.assessments"
    label = "assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microcred_web.assessments.dashboard import assessments_card
        from microcred_web.assessments.recertification import (
            on_learning_recorded,
            recertification_run,
        )
        from microcred_web.common.scheduling import daily_job_register
        from microcred_web.learning.signals import learning_recorded
        from microcred_web.orgs.dashboard import dashboard_card_register

        # a refresher course completed after the refresher assessment was accepted
        learning_recorded.connect(
            on_learning_recorded, dispatch_uid="assessments.recertification_learning"
        )
        daily_job_register(
            "recertification",
            lambda now: recertification_run(now=now),
            "expiry reminders, expiry notices and recertification cases",
        )
        dashboard_card_register("assessments", assessments_card, order=20)
