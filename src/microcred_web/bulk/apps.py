from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _stop_jobs(sender: Any, **details: Any) -> None:
    from microcred_web.bulk.services import bulk_jobs_stop_for_compromised_key

    bulk_jobs_stop_for_compromised_key(**details)


class BulkConfig(AppConfig):
    name = "microcred_web.bulk"
    label = "bulk"
    verbose_name = "Bulk issuance"

    def ready(self) -> None:
        from microcred_web.bulk.services import bulk_jobs_resume
        from microcred_web.common.task_worker import register_sweep
        from microcred_web.issuing.signals import issuer_key_compromised

        # Every task worker re-queues jobs whose worker died (no page visit or command needed).
        register_sweep("bulk.resume", bulk_jobs_resume)
        # A compromised signing key stops the organisation's running jobs.
        issuer_key_compromised.connect(_stop_jobs, dispatch_uid="bulk.stop_jobs")
