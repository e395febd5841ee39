from __future__ import annotations

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "microcred_web.analytics"
    label = "analytics"

    def ready(self) -> None:
        from django.conf import settings

        from microcred_web.analytics.services import events_prune
        from microcred_web.common.scheduling import daily_job_register

        def prune(now: object) -> int:
            days = int(getattr(settings, "MICROCRED_ANALYTICS_RETENTION_DAYS", 395))
            return events_prune(days=days)

        daily_job_register(
            "analytics_prune", prune, "delete credential events past the retention period"
        )
