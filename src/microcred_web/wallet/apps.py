from __future__ import annotations

from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "microcred_web.wallet"
    label = "wallet"

    def ready(self) -> None:
        from microcred_web.issuing.verification import local_did_document_register
        from microcred_web.orgs.dashboard import dashboard_card_register
        from microcred_web.wallet.clr import platform_did_document_if_any
        from microcred_web.wallet.dashboard import wallet_card

        dashboard_card_register("wallet", wallet_card, order=40)
        local_did_document_register("wallet", platform_did_document_if_any)
