"""VC-API exchanges (``POST /exchanges/<id>``) as the DCC Learner Credential Wallet runs them.

1. The wallet posts an empty object: the exchange answers a ``VerifiablePresentationRequest``
   with a ``challenge`` and ``domain`` (DIDAuthentication; for a verifier, also a
   QueryByExample for Open Badges).
2. The wallet posts ``{"verifiablePresentation": …}`` signed for ``authentication`` with that
   challenge and domain. An *issue* exchange then answers a presentation carrying the learner's
   credential; a *verify* exchange records the verdict of every credential in it for the
   verifier page. Either way the exchange is closed: a second presentation is refused.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.common.hashing import keyed_hash, token_hash
from microcred_web.common.services import audit_record
from microcred_web.issuing.identity import absolute_url
from microcred_web.issuing.models import Credential, CredentialStatus
from microcred_web.issuing.verification import presentation_verify, site_resolver
from microcred_web.wallet_protocols.issuance import ProtocolError
from microcred_web.wallet_protocols.metadata import OB_CONTEXT, VC_CONTEXT
from microcred_web.wallet_protocols.models import Exchange, ExchangePurpose, ExchangeState

EXCHANGE_LIFETIME: Final = timedelta(minutes=15)
MAX_REFUSED_PRESENTATIONS: Final = 5  # then the exchange fails: each try costs a verification
MAX_VERIFY_REQUESTS_PER_CLIENT: Final = 20  # per EXCHANGE_LIFETIME, from one address
LCW_REQUEST_PAGE: Final = "https://lcw.app/request.html"


@dataclass(frozen=True)
class NewExchange:
    """A new exchange and what the page shows once: its URL and the wallet deep link."""

    exchange: Exchange
    url: str
    deep_link: str


def exchange_domain() -> str:
    """The ``domain`` a presentation must be bound to: this site's host."""
    return urlsplit(str(settings.BASE_URL)).netloc


def requester_hash(session_key: str) -> str:
    return keyed_hash(session_key, purpose="exchange-requester")


def _create(purpose: str, **fields: Any) -> NewExchange:
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    exchange = Exchange.objects.create(
        id_hash=token_hash(secret),
        purpose=purpose,
        challenge=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + EXCHANGE_LIFETIME,
        **fields,
    )
    url = absolute_url(reverse("wallet_protocols:exchange", kwargs={"exchange_id": secret}))
    # the DCC interaction: the wallet reads "protocols" and runs the vcapi one
    request = {"credentialRequestOrigin": absolute_url(""), "protocols": {"vcapi": url}}
    deep_link = LCW_REQUEST_PAGE + "?request=" + quote(json.dumps(request, separators=(",", ":")))
    return NewExchange(exchange, url, deep_link)


def issue_exchange_create(*, credential: Credential, user: User) -> NewExchange:
    """An exchange that gives the holder's ``credential`` to the wallet that proves a DID."""
    if credential.recipient_user_id != user.pk:
        raise ProtocolError("access_denied", "Only the holder can send a credential.", status=403)
    if credential.status_at(timezone.now()) != CredentialStatus.ACTIVE:
        raise ProtocolError("credential_request_denied", "The credential is not active.")
    with transaction.atomic():
        new = _create(ExchangePurpose.ISSUE, credential=credential, user=user)
        audit_record(
            actor=user,
            organisation=credential.organisation,
            action="wallet.exchange_created",
            target=credential,
        )
    return new


def verify_exchange_create(*, session_key: str, client: str = "") -> NewExchange:
    """A presentation request for the public verifier page (only that session sees the result).
    One address opens at most MAX_VERIFY_REQUESTS_PER_CLIENT of them in EXCHANGE_LIFETIME."""
    client_hash = keyed_hash(client, purpose="exchange-client") if client else ""
    if client_hash:
        recent = Exchange.objects.filter(
            client_hash=client_hash, created_at__gt=timezone.now() - EXCHANGE_LIFETIME
        ).count()
        if recent >= MAX_VERIFY_REQUESTS_PER_CLIENT:
            raise ProtocolError("slow_down", "Too many presentation requests.", status=429)
    return _create(
        ExchangePurpose.VERIFY,
        requester_hash=requester_hash(session_key),
        client_hash=client_hash,
    )


def _open_exchange(secret: str) -> Exchange:
    exchange = (
        Exchange.objects.select_related("credential__organisation")
        .filter(id_hash=token_hash(secret))
        .first()
    )
    if exchange is None:
        raise ProtocolError("not_found", "No such exchange.", status=404)
    if exchange.state != ExchangeState.PENDING:
        raise ProtocolError("exchange_closed", "This exchange is already complete.", status=410)
    if exchange.expires_at <= timezone.now():
        raise ProtocolError("exchange_expired", "This exchange has expired.", status=410)
    return exchange


def exchange_protocols(*, secret: str) -> dict[str, Any]:
    """The interaction document of an open exchange: ``{"protocols": {"vcapi": <its URL>}}``."""
    _open_exchange(secret)
    url = absolute_url(reverse("wallet_protocols:exchange", kwargs={"exchange_id": secret}))
    return {"protocols": {"vcapi": url}}


def presentation_request(exchange: Exchange) -> dict[str, Any]:
    query: list[dict[str, Any]] = []
    if exchange.purpose == ExchangePurpose.VERIFY:
        query.append(
            {
                "type": "QueryByExample",
                "credentialQuery": {
                    "reason": "Present the Open Badges you want checked.",
                    "example": {
                        "@context": [VC_CONTEXT, OB_CONTEXT],
                        "type": "OpenBadgeCredential",
                    },
                },
            }
        )
    query.append({"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]})
    return {
        "verifiablePresentationRequest": {
            "query": query,
            "challenge": exchange.challenge,
            "domain": exchange_domain(),
            "interact": {
                "service": [{"type": "UnmediatedPresentationService2021", "serviceEndpoint": "."}]
            },
        }
    }


def _close(exchange: Exchange, **fields: Any) -> None:
    taken = Exchange.objects.filter(pk=exchange.pk, state=ExchangeState.PENDING).update(
        completed_at=timezone.now(), **fields
    )
    if taken != 1:
        raise ProtocolError("exchange_closed", "This exchange is already complete.", status=410)


def _count_refusal(exchange: Exchange) -> None:
    """One more refused presentation; the last allowed one closes the exchange as failed."""
    Exchange.objects.filter(pk=exchange.pk).update(
        refused_presentations=F("refused_presentations") + 1
    )
    Exchange.objects.filter(
        pk=exchange.pk,
        state=ExchangeState.PENDING,
        refused_presentations__gte=MAX_REFUSED_PRESENTATIONS,
    ).update(state=ExchangeState.FAILED, completed_at=timezone.now())


def _credential_summary(report: Any) -> dict[str, Any]:
    document = report.document if isinstance(report.document, dict) else {}
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement", {}) if isinstance(subject, dict) else {}
    issuer = document.get("issuer")
    return {
        "name": str(achievement.get("name", "") if isinstance(achievement, dict) else ""),
        "issuer": str(issuer.get("name", "") if isinstance(issuer, dict) else issuer or ""),
        "verified": report.ok,
        "verdict": report.verdict,
        "problems": [c.reason for c in report.checks if c.status == "fail"][:5],
    }


def exchange_step(*, secret: str, body: Any) -> dict[str, Any]:
    """One POST to an exchange: the request (empty body) or the wallet's presentation."""
    exchange = _open_exchange(secret)
    if not isinstance(body, dict):
        raise ProtocolError("invalid_request", "The body must be a JSON object.")
    presentation = body.get("verifiablePresentation")
    if presentation is None:
        return presentation_request(exchange)
    if not isinstance(presentation, dict):
        raise ProtocolError("invalid_request", "verifiablePresentation must be an object.")
    report = presentation_verify(
        presentation,
        now=timezone.now(),
        challenge=exchange.challenge,
        domain=exchange_domain(),
        resolver=site_resolver(),
    )
    holder_signed = any(c.name == "holder" and c.status == "pass" for c in report.checks)
    presentation_checks_ok = all(
        c.status != "fail" for c in report.checks if c.name != "credentials"
    )
    if not (presentation_checks_ok and holder_signed):
        _count_refusal(exchange)
        problems = [
            c.reason for c in report.checks if c.status == "fail" and c.name != "credentials"
        ]
        raise ProtocolError(
            "invalid_presentation",
            "The presentation does not prove control of the holder's DID: "
            + ("; ".join(problems) or "it names no holder"),
        )
    holder = str(presentation.get("holder", ""))
    if isinstance(presentation.get("holder"), dict):
        holder = str(presentation["holder"].get("id", ""))
    if exchange.purpose == ExchangePurpose.VERIFY:
        result = {
            "holder": holder,
            "credentials": [_credential_summary(r) for r in report.credentials],
        }
        _close(
            exchange,
            state=ExchangeState.COMPLETE,
            holder_did=holder,
            result_json=json.dumps(result),
        )
        return {}
    return _deliver(exchange, holder)


def _deliver(exchange: Exchange, holder: str) -> dict[str, Any]:
    credential = exchange.credential
    assert credential is not None  # an issue exchange always names its credential
    if credential.status_at(timezone.now()) != CredentialStatus.ACTIVE:
        raise ProtocolError("credential_request_denied", "The credential is no longer active.")
    with transaction.atomic():
        _close(exchange, state=ExchangeState.COMPLETE, holder_did=holder)
        audit_record(
            actor=exchange.user,
            organisation=credential.organisation,
            action="wallet.credential_delivered",
            target=credential,
            data={"format": "vc-api", "holder": holder},
        )
    return {
        "verifiablePresentation": {
            "@context": [VC_CONTEXT],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [credential.document],
        }
    }


def verify_result(*, exchange_pk: int, session_key: str) -> Exchange | None:
    """The verifier page's exchange, only for the session that asked for it."""
    if not session_key:
        return None
    return Exchange.objects.filter(
        pk=exchange_pk,
        purpose=ExchangePurpose.VERIFY,
        requester_hash=requester_hash(session_key),
    ).first()
