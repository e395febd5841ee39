"""Key resolution for the verifier: which public key a verification method names,
and who controls it. Nothing is fetched except through the caller's resolver."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microcred.did import Resolver, resolve_verification_method
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


def _from_fragment(base: str, fragment: str) -> KeyInfo | None:
    if not fragment.startswith("z"):
        return None
    try:
        public = PublicKey.from_multibase(fragment)
    except Error:
        return None
    except Exception:
        return None
    return KeyInfo(public, base, f"{base}#{fragment}", "the public key in the URL fragment")


def _key_of(entry: Mapping[str, Any], where: str) -> PublicKey:
    try:
        if isinstance(entry.get("publicKeyMultibase"), str):
            return PublicKey.from_multibase(entry["publicKeyMultibase"])
        if isinstance(entry.get("publicKeyJwk"), Mapping):
            return PublicKey.from_jwk(entry["publicKeyJwk"])
    except Error as exc:
        raise ResolutionError(f"{where}: unusable key: {exc}") from exc
    raise ResolutionError(f"{where} has no publicKeyMultibase or publicKeyJwk")


def _from_document(vm: str, resolver: Resolver | None) -> KeyInfo:
    if resolver is None:
        raise ResolutionError(f"{vm} is not available offline (no resolver was given)")
    try:
        resolved = resolve_verification_method(vm, resolver=resolver)
    except ResolutionError:
        raise
    except Error as exc:
        raise ResolutionError(f"{vm} could not be resolved: {exc}") from exc
    if resolved.relationships and "assertionMethod" not in resolved.relationships:
        raise ResolutionError(f"{vm} is not an assertionMethod of {resolved.controller}")
    how = "the controller document" if resolved.confirmed else "the public key in the URL"
    return KeyInfo(resolved.public_key, resolved.controller, resolved.id, how)


def resolve_key(vm: object, resolver: Resolver | None) -> KeyInfo:
    """The key ``vm`` names; raises :class:`ResolutionError` with a plain-language reason.

    Order (as the 1EdTech validator): a Multikey in the URL fragment (controller = the URL
    before ``#``); ``did:key``; then did:web / http(s) documents through the resolver.
    Unknown DID methods and URI schemes are refused, never sent anywhere.
    """
    if not isinstance(vm, str) or not vm:
        raise ResolutionError("the proof names no verificationMethod")
    if not is_uri(vm):
        raise ResolutionError(f"verificationMethod {vm[:80]!r} is not a URI (missing scheme)")
    base, _, fragment = vm.partition("#")
    found = _from_fragment(base, fragment)
    if found is not None:
        return found
    if base.startswith("did:key:"):
        identifier = base[len("did:key:") :]
        try:
            public = PublicKey.from_multibase(identifier)
        except Error as exc:
            raise ResolutionError(f"{base} is not a usable did:key: {exc}") from exc
        if fragment and fragment != identifier:
            raise ResolutionError(f"{vm}: a did:key fragment must repeat the key")
        return KeyInfo(public, base, vm, "the did:key identifier")
    scheme = base.split(":", 1)[0].lower()
    if scheme == "did":
        method = ":".join(base.split(":")[:2])
        if method not in SUPPORTED_DID_METHODS:
            raise ResolutionError(f"DID method {method!r} is not supported (key {vm[:80]!r})")
    elif scheme not in ("https", "http"):
        raise ResolutionError(f"URI scheme {scheme!r} of {vm[:80]!r} cannot name a key")
    return _from_document(vm, resolver)


__all__ = ["KeyInfo", "Resolver", "fetch", "resolve_key"]
