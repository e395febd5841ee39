"""The key of a signed OB 2.0 assertion, bound to the badge's issuer (docs/decisions/0017).

``verification.creator`` names a CryptographicKey document; it counts only if that document
has the id it was fetched by, its ``owner`` is the badge's issuer, and the issuer's profile,
fetched by its own id (never the copy inside the assertion), lists it under ``publicKey``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.errors import Error, ResolutionError
from microcred.keys import PublicKey
from microcred.verification.keys import Resolver, fetch


def ob2_signing_key(
    assertion: Mapping[str, Any], creator: str, resolver: Resolver | None
) -> PublicKey:
    """The issuer's published key named by ``creator``; raises :class:`ResolutionError`."""
    key_document = fetch(resolver, creator)
    kinds = key_document.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if not any(isinstance(k, str) and k.endswith("CryptographicKey") for k in kinds):
        raise ResolutionError(
            f"the key document's type is {key_document.get('type')!r}, not CryptographicKey"
        )
    if key_document.get("id") != creator:
        raise ResolutionError(f"{creator}: the key document has id {key_document.get('id')!r}")
    issuer_id = _badge_issuer(assertion, resolver)
    if key_document.get("owner") != issuer_id:
        raise ResolutionError(
            f"{creator}: its owner {key_document.get('owner')!r} is not the issuer {issuer_id}"
        )
    profile = fetch(resolver, issuer_id)
    if profile.get("id") != issuer_id:
        raise ResolutionError(f"{issuer_id}: the profile has id {profile.get('id')!r}")
    if creator not in _ids(profile.get("publicKey")):
        raise ResolutionError(f"the issuer {issuer_id} does not list {creator} as its publicKey")
    pem = key_document.get("publicKeyPem")
    if not isinstance(pem, str):
        raise ResolutionError(f"{creator} has no publicKeyPem")
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        loaded = load_pem_public_key(pem.encode("ascii"))
        return PublicKey.from_cryptography(loaded)  # type: ignore[arg-type]
    except (Error, ValueError, UnicodeError) as exc:
        raise ResolutionError(f"{creator}: unusable publicKeyPem ({exc})") from exc


def _badge_issuer(assertion: Mapping[str, Any], resolver: Resolver | None) -> str:
    badge = assertion.get("badge")
    if isinstance(badge, str):
        badge = fetch(resolver, badge)
    if not isinstance(badge, Mapping):
        raise ResolutionError("the assertion's badge names no issuer")
    issuer = badge.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if not isinstance(issuer_id, str) or not issuer_id.startswith(("https://", "http://")):
        raise ResolutionError(f"the badge's issuer {issuer_id!r} cannot be dereferenced")
    return issuer_id


def _ids(value: Any) -> set[str]:
    items = value if isinstance(value, list) else [value]
    found = {i.get("id") if isinstance(i, Mapping) else i for i in items}
    return {i for i in found if isinstance(i, str)}
