"""Key resolution for the verifier: which public key a verification method names,
and who controls it. Nothing is fetched except through the caller's resolver."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microcred.did import Resolver, assertion_keys, resolve_verification_method
from microcred.errors import Error, ResolutionError
from microcred.keys import PublicKey
from microcred.model import is_uri

SUPPORTED_DID_METHODS = ("did:key", "did:web")


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A resolved verification method: the key, its controller and how it was found."""

    public: PublicKey
    controller: str | None
    id: str
    how: str


def fetch(resolver: Resolver | None, url: str) -> Mapping[str, Any]:
    """``resolver.resolve(url)``, with every failure turned into :class:`ResolutionError`."""
    if resolver is None:
        raise ResolutionError(f"{url} is not available offline (no resolver was given)")
    try:
        document = resolver.resolve(url)
    except ResolutionError:
        raise
    except Exception as exc:
        raise ResolutionError(f"{url} could not be resolved: {type(exc).__name__}") from exc
    if not isinstance(document, Mapping):
        raise ResolutionError(f"{url} did not resolve to a JSON object")
    return document


def resolve_key(
    vm: object, resolver: Resolver | None, *, purpose: str = "assertionMethod"
) -> KeyInfo:
    """The key ``vm`` names, bound to its controller; raises :class:`ResolutionError`.

    ``purpose`` is the verification relationship the controller must grant the method:
    ``assertionMethod`` for credentials, ``authentication`` for a holder's presentation.

    One rule per method, no shortcut (docs/decisions/0017): ``did:key`` is self-certifying
    (the fragment, if any, must repeat the key); ``did:web`` and ``http(s)`` methods must be
    listed under ``assertionMethod`` of their controller document, asked of ``resolver``. A key
    written in a URL fragment is never used without that document. Unknown DID methods and
    URI schemes are refused, never sent anywhere.
    """
    if not isinstance(vm, str) or not vm:
        raise ResolutionError("the proof names no verificationMethod")
    if not is_uri(vm):
        raise ResolutionError(f"verificationMethod {vm[:80]!r} is not a URI (missing scheme)")
    base = vm.partition("#")[0]
    scheme = base.split(":", 1)[0].lower()
    if scheme == "did":
        method = ":".join(base.split(":")[:2])
        if method not in SUPPORTED_DID_METHODS:
            raise ResolutionError(f"DID method {method!r} is not supported (key {vm[:80]!r})")
    elif scheme not in ("https", "http"):
        raise ResolutionError(f"URI scheme {scheme!r} of {vm[:80]!r} cannot name a key")
    try:
        resolved = resolve_verification_method(vm, resolver=resolver)
    except ResolutionError:
        raise
    except Error as exc:
        raise ResolutionError(f"{vm} could not be resolved: {exc}") from exc
    if purpose not in resolved.relationships:
        raise ResolutionError(f"{vm} is not listed under {purpose} by {resolved.controller}")
    how = "the did:key identifier" if base.startswith("did:key:") else "the controller document"
    return KeyInfo(resolved.public_key, resolved.controller, resolved.id, how)


def issuer_key(public: PublicKey, issuer: str | None, resolver: Resolver | None) -> KeyInfo:
    """``public`` (a key that came with the data, e.g. a JWT ``jwk``) bound to ``issuer``:
    it must be an ``assertionMethod`` key of the issuer's controller document."""
    if issuer is None:
        raise ResolutionError("the credential names no issuer to bind the key to")
    try:
        listed = assertion_keys(issuer, resolver=resolver)
    except ResolutionError:
        raise
    except Error as exc:
        raise ResolutionError(f"{issuer} could not be resolved: {exc}") from exc
    for resolved in listed:
        if resolved.public_key == public:
            return KeyInfo(public, resolved.controller, resolved.id, "the controller document")
    raise ResolutionError(f"the key is not an assertionMethod of the issuer {issuer}")


__all__ = ["KeyInfo", "Resolver", "fetch", "issuer_key", "resolve_key"]
