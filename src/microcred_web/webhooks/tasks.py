"""Background work of the webhooks app (the task worker runs it)."""

from __future__ import annotations

from django_tasks import task

from microcred_web.webhooks.delivery import deliveries_run


@task()
def webhook_deliveries_run() -> int:
    """Send every due delivery; woken after each event's commit and at each retry time."""
    return deliveries_run()
