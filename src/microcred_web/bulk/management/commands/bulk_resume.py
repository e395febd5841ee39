"""Re-queue bulk jobs whose worker died (run it when a worker starts, or from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from microcred_web.bulk.services import bulk_jobs_resume


class Command(BaseCommand):
    help = (
        "Re-queue bulk issuance jobs left running by a worker that stopped: leases held by "
        "dead processes on this host are released at once, others once they expire."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        resumed = bulk_jobs_resume()
        if resumed:
            self.stdout.write(f"Re-queued bulk jobs: {', '.join(map(str, resumed))}")
        else:
            self.stdout.write("No bulk job needed resuming.")
