from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "microcred_web.assessments"
    label = "assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microcred_web.assessments.recertification import on_learning_recorded
        from microcred_web.learning.signals import learning_recorded

        # a refresher course completed after the refresher assessment was accepted
        learning_recorded.connect(
            on_learning_recorded, dispatch_uid="assessments.recertification_learning"
        )

        from microcred_web.assessments.recertification import recertification_run
        from microcred_web.common.scheduling import daily_job_register

        daily_job_register(
            "recertification",
            lambda now: recertification_run(now=now),
            "expiry reminders, expiry notices and recertification cases",
        )
