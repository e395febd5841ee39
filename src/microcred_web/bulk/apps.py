from __future__ import annotations

from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "microcred_web.bulk"
    label = "bulk"
    verbose_name = "Bulk issuance"

    def ready(self) -> None:
        from microcred_web.bulk.services import bulk_jobs_resume
        from microcred_web.common.task_worker import register_sweep

        # Every task worker re-queues jobs whose worker died (no page visit or command needed).
        register_sweep("bulk.resume", bulk_jobs_resume)
