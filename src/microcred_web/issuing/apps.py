from __future__ import annotations

from django.apps import AppConfig


class IssuingConfig(AppConfig):
    name = "microcred_web.issuing"
    label = "issuing"

    def ready(self) -> None:
        from microcred_web.issuing.dashboard import credentials_card
        from microcred_web.orgs.dashboard import dashboard_card_register

        dashboard_card_register("credentials", credentials_card, order=10)
