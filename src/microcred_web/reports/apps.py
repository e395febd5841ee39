from __future__ import annotations

from datetime import datetime

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "microcred_web.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microcred_web.common.scheduling import daily_job_register
        from microcred_web.orgs.dashboard import dashboard_card_register
        from microcred_web.reports.cards import reports_card
        from microcred_web.reports.delivery import scheduled_reports_deliver
        from microcred_web.reports.rollups import rollups_refresh

        dashboard_card_register("reports", reports_card, order=45)
        daily_job_register(
            "reports_deliver",
            scheduled_reports_deliver,
            "weekly and monthly saved reports e-mailed (once per period)",
        )

        def rollup(now: datetime) -> int:
            return rollups_refresh(days=2, now=now)

        daily_job_register(
            "reports_rollup", rollup, "credential events counted per day for fast reports"
        )
