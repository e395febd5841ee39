"""OpenID4VCI 1.0, pre-authorized code flow: offers, tokens, nonces and credential delivery.

The learner asks for an offer of one of their credentials; the wallet redeems the offer's
pre-authorized code (and the PIN, when asked) for a short-lived access token, fetches a
``c_nonce``, signs a key proof over it and receives the credential. Each secret is single use
and short-lived; failures raise :class:`ProtocolError` carrying the specification's error code.
What is delivered, and why it is the credential already signed, is decision 0043.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final
from urllib.parse import quote

from django.db import transaction
from django.utils import timezone

from microcred.holder_proof import HolderProofError, holder_proof_read
from microcred.suites import vc_jwt
from microcred_web.accounts.models import User
from microcred_web.common.hashing import keyed_hash, token_hash
from microcred_web.common.services import audit_record
from microcred_web.issuing.models import Credential, CredentialStatus
from microcred_web.issuing.signing import signing_key_for
from microcred_web.wallet_protocols.metadata import (
    CONFIGURATION_FORMATS,
    PRE_AUTHORIZED_GRANT,
    issuer_identifier,
)
from microcred_web.wallet_protocols.models import CredentialOffer, IssuanceNonce

OFFER_LIFETIME: Final = timedelta(minutes=10)
TOKEN_LIFETIME: Final = timedelta(minutes=5)
NONCE_LIFETIME: Final = timedelta(minutes=5)
TX_CODE_LENGTH: Final = 6
MAX_TX_CODE_FAILURES: Final = 3
OFFER_SCHEME: Final = "openid-credential-offer://"


class ProtocolError(Exception):
    """An OAuth 2.0 / OpenID4VCI error response: ``error`` code, description, HTTP status."""

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def as_json(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True)
class NewOffer:
    """What the learner's page shows once: the offer by value and by reference, and the PIN."""

    offer: CredentialOffer
    offer_json: dict[str, Any]
    offer_uri: str
    by_value_link: str
    by_reference_link: str
    tx_code: str


def _pre_authorized_code(secret: str) -> str:
    # derived from the offer's secret, so neither is stored in clear
    return keyed_hash(secret, purpose="oid4vci-pre-authorized-code")


def offer_document(credential: Credential, secret: str, *, with_tx_code: bool) -> dict[str, Any]:
    """The Credential Offer (OpenID4VCI 1.0 §4.1.1) for ``credential`` and its offer secret."""
    grant: dict[str, Any] = {"pre-authorized_code": _pre_authorized_code(secret)}
    if with_tx_code:
        grant["tx_code"] = {
            "input_mode": "numeric",
            "length": TX_CODE_LENGTH,
            "description": "The PIN shown next to the QR code",
        }
    return {
        "credential_issuer": issuer_identifier(credential.organisation),
        "credential_configuration_ids": list(CONFIGURATION_FORMATS),
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


def credential_offer_create(
    *, credential: Credential, user: User, with_tx_code: bool = True, offer_uri_base: str
) -> NewOffer:
    """A new offer of the holder's ``credential`` (``offer_uri_base`` + secret = its URI)."""
    if credential.recipient_user_id != user.pk:
        raise ProtocolError("access_denied", "Only the holder can offer a credential.", status=403)
    if credential.status_at(timezone.now()) != CredentialStatus.ACTIVE:
        raise ProtocolError("credential_request_denied", "The credential is not active.")
    secret = secrets.token_urlsafe(32)
    tx_code = (
        "".join(secrets.choice("0123456789") for _ in range(TX_CODE_LENGTH)) if with_tx_code else ""
    )
    now = timezone.now()
    with transaction.atomic():
        offer = CredentialOffer.objects.create(
            credential=credential,
            user=user,
            code_hash=token_hash(_pre_authorized_code(secret)),
            uri_hash=token_hash(secret),
            tx_code_hash=token_hash(tx_code) if tx_code else "",
            created_at=now,
            expires_at=now + OFFER_LIFETIME,
        )
        audit_record(
            actor=user,
            organisation=credential.organisation,
            action="wallet.offer_created",
            target=credential,
        )
    document = offer_document(credential, secret, with_tx_code=with_tx_code)
    offer_uri = offer_uri_base + secret
    by_value = (
        OFFER_SCHEME + "?credential_offer=" + quote(json.dumps(document, separators=(",", ":")))
    )
    by_reference = OFFER_SCHEME + "?credential_offer_uri=" + quote(offer_uri, safe="")
    return NewOffer(offer, document, offer_uri, by_value, by_reference, tx_code)


def offer_by_reference(*, secret: str) -> dict[str, Any]:
    """The offer document behind a ``credential_offer_uri`` (while its code is unused)."""
    offer = (
        CredentialOffer.objects.select_related("credential__organisation")
        .filter(uri_hash=token_hash(secret), code_used_at__isnull=True)
        .first()
    )
    if offer is None or offer.expires_at <= timezone.now():
        raise ProtocolError(
            "invalid_request", "No such credential offer, or it has expired.", status=404
        )
    return offer_document(offer.credential, secret, with_tx_code=bool(offer.tx_code_hash))


def access_token_issue(*, organisation_id: int, form: dict[str, str]) -> dict[str, Any]:
    """The token endpoint (OpenID4VCI 1.0 §6): a pre-authorized code (+ PIN) for a token."""
    if form.get("grant_type") != PRE_AUTHORIZED_GRANT:
        raise ProtocolError(
            "unsupported_grant_type", "Only the pre-authorized code grant is supported."
        )
    code = form.get("pre-authorized_code", "")
    if not code:
        raise ProtocolError("invalid_request", "pre-authorized_code is missing.")
    now = timezone.now()
    with transaction.atomic():
        offer = (
            CredentialOffer.objects.select_for_update()
            .filter(code_hash=token_hash(code), credential__organisation_id=organisation_id)
            .first()
        )
        if offer is None or offer.code_used_at is not None or offer.expires_at <= now:
            raise ProtocolError(
                "invalid_grant", "The pre-authorized code is unknown, used or expired."
            )
        pin_problem = _tx_code_problem(offer, form.get("tx_code", ""), now)
        if pin_problem is None:
            token = secrets.token_urlsafe(32)
            offer.code_used_at = now
            offer.token_hash = token_hash(token)
            offer.token_expires_at = now + TOKEN_LIFETIME
            offer.save(update_fields=["code_used_at", "token_hash", "token_expires_at"])
    if pin_problem is not None:
        raise pin_problem  # raised after the commit: the failure count is kept
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": int(TOKEN_LIFETIME.total_seconds()),
    }


def _tx_code_problem(offer: CredentialOffer, given: str, now: Any) -> ProtocolError | None:
    """None when the PIN is right (or none is asked); a wrong one counts, and burns the code
    on the last allowed try."""
    if not offer.tx_code_hash:
        return None
    if not given:
        return ProtocolError("invalid_request", "tx_code is missing: this offer needs the PIN.")
    if secrets.compare_digest(token_hash(given), offer.tx_code_hash):
        return None
    offer.tx_code_failures += 1
    if offer.tx_code_failures >= MAX_TX_CODE_FAILURES:
        offer.code_used_at = now  # the learner makes a new offer
    offer.save(update_fields=["tx_code_failures", "code_used_at"])
    return ProtocolError("invalid_grant", "The tx_code (PIN) is wrong.")


def nonce_issue() -> str:
    """A fresh ``c_nonce`` (the nonce endpoint, OpenID4VCI 1.0 §7)."""
    value = secrets.token_urlsafe(24)
    IssuanceNonce.objects.create(
        value_hash=token_hash(value), expires_at=timezone.now() + NONCE_LIFETIME
    )
    return value


def _nonce_consume(value: str) -> None:
    now = timezone.now()
    taken = IssuanceNonce.objects.filter(
        value_hash=token_hash(value), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if taken != 1:
        raise ProtocolError("invalid_nonce", "The proof's nonce is unknown, used or expired.")


def offer_for_token(*, organisation_id: int, token: str) -> CredentialOffer:
    offer = (
        CredentialOffer.objects.select_related("credential__organisation")
        .filter(token_hash=token_hash(token), credential__organisation_id=organisation_id)
        .first()
        if token
        else None
    )
    if offer is None or offer.delivered_at is not None or offer.token_expires_at is None:
        raise ProtocolError("invalid_token", "The access token is unknown or used.", status=401)
    if offer.token_expires_at <= timezone.now():
        raise ProtocolError("invalid_token", "The access token has expired.", status=401)
    return offer


def _one_jwt_proof(body: dict[str, Any]) -> str:
    proofs = body.get("proofs")
    if not isinstance(proofs, dict) or set(proofs) != {"jwt"}:
        raise ProtocolError("invalid_proof", "proofs must hold one jwt key proof.")
    jwts = proofs["jwt"]
    if not isinstance(jwts, list) or len(jwts) != 1 or not isinstance(jwts[0], str):
        raise ProtocolError("invalid_proof", "proofs.jwt must be a list of one JWT.")
    return jwts[0]


def _credential_in(format_name: str, credential: Credential) -> Any:
    if format_name == "ldp_vc":
        return credential.document  # exactly what was signed and stored
    unsecured = {k: v for k, v in credential.document.items() if k != "proof"}
    _key, pair = signing_key_for(organisation=credential.organisation)
    return vc_jwt.sign(unsecured, pair)  # the same VC-JWT as the download (decision 0043)


def credential_deliver(*, offer: CredentialOffer, body: Any) -> dict[str, Any]:
    """The credential endpoint (OpenID4VCI 1.0 §8) for an offer whose token was presented."""
    if not isinstance(body, dict):
        raise ProtocolError("invalid_credential_request", "The body must be a JSON object.")
    configuration_id = body.get("credential_configuration_id")
    if not isinstance(configuration_id, str):
        raise ProtocolError("invalid_credential_request", "credential_configuration_id is missing.")
    format_name = CONFIGURATION_FORMATS.get(configuration_id)
    if format_name is None:
        raise ProtocolError(
            "unknown_credential_configuration",
            f"{configuration_id!r} is not one of {sorted(CONFIGURATION_FORMATS)}.",
        )
    now = timezone.now()
    credential = offer.credential
    try:
        proof = holder_proof_read(
            _one_jwt_proof(body), audience=issuer_identifier(credential.organisation), now=now
        )
    except HolderProofError as exc:
        raise ProtocolError(exc.code, str(exc)) from exc
    _nonce_consume(proof.nonce)
    if credential.status_at(now) != CredentialStatus.ACTIVE:
        raise ProtocolError("credential_request_denied", "The credential is no longer active.")
    with transaction.atomic():
        taken = CredentialOffer.objects.filter(pk=offer.pk, delivered_at__isnull=True).update(
            delivered_at=now, delivered_format=format_name, holder_did=proof.holder_did
        )
        if taken != 1:
            raise ProtocolError("invalid_token", "The access token is used.", status=401)
        audit_record(
            actor=offer.user,
            organisation=credential.organisation,
            action="wallet.credential_delivered",
            target=credential,
            data={"format": format_name, "holder": proof.holder_did},
        )
    return {"credentials": [{"credential": _credential_in(format_name, credential)}]}
