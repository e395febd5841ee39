from __future__ import annotations

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "microcred_web.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microcred_web.common.domain_events import domain_event
        from microcred_web.webhooks.services import domain_event_receive

        domain_event.connect(domain_event_receive, dispatch_uid="webhooks.outbox")

        from microcred_web.common.scheduling import daily_job_register
        from microcred_web.webhooks.delivery import messages_prune

        daily_job_register(
            "webhooks_prune", messages_prune, "webhook messages past their retention forgotten"
        )
