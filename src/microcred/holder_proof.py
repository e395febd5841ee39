"""OpenID for Verifiable Credential Issuance 1.0, appendix F.1: the ``jwt`` key proof.

A wallet proves it holds a key by signing a short JWT for the credential issuer:

* header ``typ`` is ``openid4vci-proof+jwt``; ``alg`` is an asymmetric algorithm (never
  ``none`` nor an HMAC); the key is named by exactly one of ``kid`` (a DID URL, here
  ``did:key`` only, resolved without the network) or ``jwk`` (a public key, no private part);
* claims: ``aud`` is the credential issuer identifier, ``iat`` the signing time, ``nonce`` the
  ``c_nonce`` the issuer handed out (checked by the caller, who stores nonces).

:func:`holder_proof_read` checks all of that except the nonce's freshness and returns the
holder's key as a did:key DID, or raises :class:`HolderProofError` with the spec's error code.
No Django and no network here.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from microcred.did import resolve_verification_method
from microcred.errors import Error, KeyFormatError, ResolutionError
from microcred.keys import PublicKey, did_key_for

__all__ = ["PROOF_ALGORITHMS", "PROOF_TYP", "HolderProof", "HolderProofError", "holder_proof_read"]

PROOF_TYP: Final = "openid4vci-proof+jwt"
PROOF_ALGORITHMS: Final = ("EdDSA", "ES256")
"""Algorithms a proof may use (the keys a did:key can name: Ed25519 and P-256)."""
MAX_PROOF_CHARS: Final = 8192
IAT_PAST_SECONDS: Final = 300  # a proof signed more than five minutes ago is stale
IAT_FUTURE_SECONDS: Final = 60  # clock skew allowed for a wallet slightly ahead

_COMPACT: Final = re.compile(r"\A([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\Z")
_KEY_ALGORITHM: Final = {"EdDSA": "Ed25519", "ES256": "P-256"}


class HolderProofError(Error):
    """A key proof that cannot be accepted. ``code`` is the OID4VCI error code:
    ``invalid_proof`` or ``invalid_nonce``."""

    def __init__(self, message: str, *, code: str = "invalid_proof") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class HolderProof:
    """A proof that passed: the holder's key, its did:key DID and the nonce it carries."""

    public_key: PublicKey
    holder_did: str
    nonce: str


def _segment(text: str, what: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise HolderProofError(f"the proof's {what} is not base64url JSON") from exc
    if not isinstance(value, dict):
        raise HolderProofError(f"the proof's {what} is not a JSON object")
    return value


def _key_of(header: Mapping[str, Any]) -> PublicKey:
    kid, jwk = header.get("kid"), header.get("jwk")
    if (kid is None) == (jwk is None):
        raise HolderProofError("the proof header must name its key by exactly one of kid or jwk")
    if jwk is not None:
        if not isinstance(jwk, Mapping) or "d" in jwk:
            raise HolderProofError("the proof's jwk must be a public key")
        try:
            return PublicKey.from_jwk(jwk)
        except KeyFormatError as exc:
            raise HolderProofError(f"the proof's jwk cannot be used: {exc}") from exc
    if not isinstance(kid, str) or not kid.startswith("did:key:") or "#" not in kid:
        raise HolderProofError("the proof's kid must be a did:key DID URL (did:key:…#…)")
    try:
        return resolve_verification_method(kid, resolver=None).public_key
    except ResolutionError as exc:
        raise HolderProofError(f"the proof's kid cannot be resolved: {exc}") from exc


def _check_claims(claims: Mapping[str, Any], *, audience: str, now: datetime) -> str:
    audiences = claims.get("aud")
    if audiences != audience and not (isinstance(audiences, list) and audience in audiences):
        raise HolderProofError(f"the proof's aud must be {audience}")
    issued = claims.get("iat")
    if not isinstance(issued, int) or isinstance(issued, bool):
        raise HolderProofError("the proof has no iat (seconds since the epoch)")
    moment = now.timestamp()
    if issued < moment - IAT_PAST_SECONDS or issued > moment + IAT_FUTURE_SECONDS:
        raise HolderProofError("the proof's iat is too far from now")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise HolderProofError("the proof carries no nonce", code="invalid_nonce")
    return nonce


def holder_proof_read(token: Any, *, audience: str, now: datetime) -> HolderProof:
    """Check a ``jwt`` key proof for the issuer ``audience`` at ``now`` (see module doc)."""
    if not isinstance(token, str) or len(token) > MAX_PROOF_CHARS:
        raise HolderProofError("the proof is not a compact JWT")
    match = _COMPACT.match(token)
    if match is None:
        raise HolderProofError("the proof is not a signed compact JWT (three parts)")
    header = _segment(match[1], "header")
    if header.get("typ") != PROOF_TYP:
        raise HolderProofError(f"the proof's typ must be {PROOF_TYP}")
    algorithm = header.get("alg")
    if algorithm not in PROOF_ALGORITHMS:
        raise HolderProofError(f"the proof's alg {algorithm!r} is not one of {PROOF_ALGORITHMS}")
    public_key = _key_of(header)
    if public_key.algorithm != _KEY_ALGORITHM[str(algorithm)]:
        raise HolderProofError(f"the proof's key is not a {_KEY_ALGORITHM[str(algorithm)]} key")
    try:
        signature = base64.urlsafe_b64decode(match[3] + "=" * (-len(match[3]) % 4))
    except binascii.Error as exc:
        raise HolderProofError("the proof's signature is not base64url") from exc
    if not public_key.verify(signature, f"{match[1]}.{match[2]}".encode("ascii")):
        raise HolderProofError("the proof's signature does not match its key")
    nonce = _check_claims(_segment(match[2], "payload"), audience=audience, now=now)
    return HolderProof(public_key=public_key, holder_did=did_key_for(public_key), nonce=nonce)
