from __future__ import annotations

from django.apps import AppConfig


class WalletProtocolsConfig(AppConfig):
    """OpenID4VCI issuance and VC-API exchanges between microcred and wallet apps."""

    name = "microcred_web.wallet_protocols"
    label = "wallet_protocols"
