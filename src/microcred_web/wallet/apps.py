from __future__ import annotations

from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "microcred_web.wallet"
    label = "wallet"
