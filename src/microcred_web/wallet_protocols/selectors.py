"""Reads: where a credential went (the wallet apps that received it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from microcred_web.issuing.models import Credential
from microcred_web.wallet_protocols.models import (
    CredentialOffer,
    Exchange,
    ExchangePurpose,
    ExchangeState,
)


@dataclass(frozen=True)
class Delivery:
    """One wallet app that received the credential: when, how and the key it proved."""

    at: datetime
    protocol: str
    holder_did: str


def deliveries_of(*, credential: Credential) -> list[Delivery]:
    offers = CredentialOffer.objects.filter(
        credential=credential, delivered_at__isnull=False
    ).values_list("delivered_at", "delivered_format", "holder_did")
    exchanges = Exchange.objects.filter(
        credential=credential, purpose=ExchangePurpose.ISSUE, state=ExchangeState.COMPLETE
    ).values_list("completed_at", "holder_did")
    found = [Delivery(at, f"OpenID4VCI ({fmt})", did) for at, fmt, did in offers if at]
    found += [Delivery(at, "VC-API", did) for at, did in exchanges if at]
    return sorted(found, key=lambda d: d.at, reverse=True)
