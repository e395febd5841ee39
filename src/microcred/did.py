"""DIDs and verification methods: did:key, did:web, and key resolution without a network.

Resolution of a verification-method id (:func:`resolve_verification_method`):

1. ``did:key:z…`` is self-certifying: the key is in the DID, nothing is fetched.
2. ``did:web`` and ``http(s)`` ids: the controller document (the id without its fragment) is
   asked of the caller's :class:`Resolver`; its ``id`` must be that URL, the method must be
   listed there (by reference or embedded with that id) and its ``controller`` must be that
   document. An id without a fragment may name a stand-alone key document; its ``controller``
   document is then resolved too and must list the key.
3. There is no shortcut: a public key written in the id's fragment is never used without the
   controller document (anyone can write such a fragment; see docs/decisions/0017).

:class:`Resolver` implementations decide what reaching the network means; the core ships only
:class:`MapResolver` and :class:`NoNetworkResolver`. A did:web resolver is asked for the DID
itself and can map it with :func:`did_web_to_url`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import quote, unquote, urlsplit

from microcred.errors import Error, KeyFormatError, ResolutionError
from microcred.keys import MULTIKEY_CONTEXT, PublicKey, base58btc_decode

__all__ = [
    "DID_CONTEXT",
    "MapResolver",
    "NoNetworkResolver",
    "ResolvedKey",
    "Resolver",
    "assertion_keys",
    "controller_document",
    "did_key_document",
    "did_web_document",
    "did_web_to_url",
    "resolve_verification_method",
    "url_to_did_web",
]

DID_CONTEXT: Final = "https://www.w3.org/ns/did/v1"
ED25519_2020_CONTEXT: Final = "https://w3id.org/security/suites/ed25519-2020/v1"
RELATIONSHIPS: Final = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)
_DID_WEB_HOST: Final = re.compile(r"\A[A-Za-z0-9.\-]+(%3A\d{1,5})?\Z")


class Resolver(Protocol):
    """Provides a JSON document (DID document, key document, status list) for a URL or DID."""

    def resolve(self, url: str) -> Mapping[str, Any]:
        """The document; raises :class:`~microcred.errors.ResolutionError` if unavailable."""
        ...


class MapResolver:
    """Resolves from a fixed mapping of URL/DID → document (tests, pinned issuers)."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self._documents = dict(documents)

    def resolve(self, url: str) -> Mapping[str, Any]:
        document = self._documents.get(url)
        if document is None:
            raise ResolutionError(f"{url}: no document is known for it")
        if not isinstance(document, Mapping):
            raise ResolutionError(f"{url}: the document is not a JSON object")
        return document


class NoNetworkResolver:
    """Refuses everything: for verification that must stay offline."""

    def resolve(self, url: str) -> Mapping[str, Any]:
        raise ResolutionError(f"{url}: not available offline")


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """A verification method resolved to its key.

    ``confirmed`` is always True now (kept for callers): the controller vouches for the key
    (did:key, or a controller document listing it); ``relationships`` names the verification
    relationships (``assertionMethod``, ``authentication``…) the controller document grants it.
    """

    public_key: PublicKey
    controller: str
    id: str
    confirmed: bool = True
    relationships: tuple[str, ...] = ()


# --------------------------------------------------------------------------- did:key


def _multikey_method(method_id: str, controller: str, public: PublicKey) -> dict[str, str]:
    return {
        "id": method_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public.to_multibase(),
    }


def did_key_document(key: str | PublicKey) -> dict[str, Any]:
    """The DID document of a did:key (given as the DID, a method id or the public key)."""
    if isinstance(key, PublicKey):
        public = key
    else:
        if not isinstance(key, str) or not key.startswith("did:key:"):
            raise ResolutionError(f"{key!r} is not a did:key")
        multibase = key[len("did:key:") :].split("#", 1)[0]
        try:
            public = PublicKey.from_multibase(multibase)
        except KeyFormatError as exc:
            raise ResolutionError(f"{key}: not a usable did:key ({exc})") from exc
    multibase = public.to_multibase()
    did = "did:key:" + multibase
    method_id = f"{did}#{multibase}"
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [_multikey_method(method_id, did, public)],
    }
    for relationship in RELATIONSHIPS:
        document[relationship] = [method_id]
    return document


# --------------------------------------------------------------------------- did:web


def did_web_to_url(did: str) -> str:
    """The https URL of a did:web document (``%3A`` in the host is a port; ``:`` are paths)."""
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise ResolutionError(f"{did!r} is not a did:web")
    specific = did[len("did:web:") :].split("#", 1)[0].split("?", 1)[0]
    host, *path = specific.split(":")
    if not host or not _DID_WEB_HOST.match(host):
        raise ResolutionError(f"{did}: invalid did:web host {host!r}")
    segments = [unquote(segment) for segment in path]
    if any(not s or s in (".", "..") or "/" in s for s in segments):
        raise ResolutionError(f"{did}: invalid did:web path")
    base = "https://" + unquote(host).lower()
    if not segments:
        return base + "/.well-known/did.json"
    return base + "/" + "/".join(quote(s, safe="") for s in segments) + "/did.json"


def url_to_did_web(url: str) -> str:
    """The did:web for an https URL (a trailing ``/did.json`` or ``/.well-known/did.json`` and
    a trailing slash are dropped; a port becomes ``%3A``)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ResolutionError(f"{url!r}: did:web needs an https URL with a host")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ResolutionError(f"{url!r}: did:web URLs carry no query, fragment or credentials")
    host = parts.hostname.lower()
    if parts.port is not None:
        host += f"%3A{parts.port}"
    path = parts.path
    for suffix in ("/.well-known/did.json", "/did.json"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    segments = [unquote(s) for s in path.strip("/").split("/") if s]
    return ":".join(["did:web", host, *(quote(s, safe="") for s in segments)])


def did_web_document(
    did: str, public_keys: Sequence[PublicKey], *, controller: str | None = None
) -> dict[str, Any]:
    """A did:web DID document listing ``public_keys`` as Multikey methods.

    Method ids are ``<did>#<publicKeyMultibase>``; every key is granted ``assertionMethod``
    and ``authentication``.
    """
    did_web_to_url(did)  # validates the DID
    if not public_keys:
        raise ResolutionError("a DID document needs at least one key")
    methods = [
        _multikey_method(f"{did}#{key.to_multibase()}", controller or did, key)
        for key in public_keys
    ]
    method_ids = [method["id"] for method in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": list(method_ids),
        "authentication": list(method_ids),
    }


def controller_document(
    controller: str, methods: Sequence[tuple[str, PublicKey]]
) -> dict[str, Any]:
    """A controller document (did:web or https) granting ``assertionMethod`` to each
    ``(method id, public key)``: Multikey methods, JsonWebKey for RSA keys. What a verifier
    given ``--docs`` needs to bind a key to an https issuer."""
    if not controller.startswith(("did:web:", "https://", "http://")) or "#" in controller:
        raise ResolutionError(f"{controller!r} cannot have a controller document")
    listed: list[dict[str, Any]] = []
    for method_id, public in methods:
        if public.algorithm == "RSA":
            listed.append(
                {
                    "id": method_id,
                    "type": "JsonWebKey",
                    "controller": controller,
                    "publicKeyJwk": public.to_jwk(),
                }
            )
        else:
            listed.append(_multikey_method(method_id, controller, public))
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": controller,
        "verificationMethod": listed,
        "assertionMethod": [m["id"] for m in listed],
    }


# --------------------------------------------------------------------------- resolution


def resolve_verification_method(vm_id: str, *, resolver: Resolver | None) -> ResolvedKey:
    """Resolve a verification-method id to its key (see the module docs for the rules).

    Raises :class:`~microcred.errors.ResolutionError` with a plain-language reason.
    """
    if not isinstance(vm_id, str) or not vm_id.strip():
        raise ResolutionError("the verificationMethod is missing or not a string")
    if vm_id.startswith("did:key:"):
        return _resolve_did_key(vm_id)
    base, _, fragment = vm_id.partition("#")
    scheme = base.split(":", 1)[0] if ":" in base else ""
    if not scheme:
        raise ResolutionError(f"{vm_id!r} is not a URL or DID (no scheme)")
    if base.startswith("did:") and not base.startswith("did:web:"):
        method = ":".join(base.split(":", 2)[:2])
        raise ResolutionError(f"{vm_id}: DID method {method} is not supported")
    if not base.startswith(("did:web:", "https://", "http://")):
        raise ResolutionError(f"{vm_id}: URL scheme {scheme!r} is not supported")
    if resolver is None:
        raise ResolutionError(f"{vm_id}: its controller document is not available offline")
    document = _controller_document(base, resolver)
    if not fragment and document.get("id") == base and isinstance(document.get("controller"), str):
        return _from_key_document(vm_id, document, resolver)
    return _from_controller_document(vm_id, base, document)


def _controller_document(url: str, resolver: Resolver) -> Mapping[str, Any]:
    try:
        document = resolver.resolve(url)
    except ResolutionError as exc:
        raise ResolutionError(f"the controller document {url} is unavailable ({exc})") from exc
    except Exception as exc:
        raise ResolutionError(f"the controller document {url} is unavailable ({exc!r})") from exc
    if not isinstance(document, Mapping):
        raise ResolutionError(f"{url}: the controller document is not a JSON object")
    return document


def _from_key_document(
    vm_id: str, key_document: Mapping[str, Any], resolver: Resolver
) -> ResolvedKey:
    """A key fetched by its own URL: its controller's document must list it too."""
    controller = str(key_document["controller"])
    if controller == vm_id:
        raise ResolutionError(f"{vm_id}: a key document cannot be its own controller")
    public = _method_key(vm_id, key_document)
    document = _controller_document(controller, resolver)
    if document.get("id") != controller:
        raise ResolutionError(f"{controller}: the document returned has id {document.get('id')!r}")
    granted = _granted(document, controller, vm_id)
    return ResolvedKey(public, controller, vm_id, True, granted)


def _resolve_did_key(vm_id: str) -> ResolvedKey:
    did, _, fragment = vm_id.partition("#")
    multibase = did[len("did:key:") :]
    if fragment and fragment != multibase:
        raise ResolutionError(f"{vm_id}: a did:key method fragment must repeat the key")
    try:
        public = PublicKey.from_multibase(multibase)
    except KeyFormatError as exc:
        raise ResolutionError(f"{vm_id}: not a usable did:key ({exc})") from exc
    return ResolvedKey(public, did, f"{did}#{multibase}", True, RELATIONSHIPS)


def _methods(document: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    listed = document.get("verificationMethod")
    for item in listed if isinstance(listed, list) else []:
        if isinstance(item, Mapping):
            yield item
    for relationship in RELATIONSHIPS:
        entries = document.get(relationship)
        for item in entries if isinstance(entries, list) else []:
            if isinstance(item, Mapping):
                yield item


def _absolute(method_id: Any, document_id: str) -> Any:
    if isinstance(method_id, str) and method_id.startswith("#"):
        return document_id + method_id
    return method_id


def _from_controller_document(vm_id: str, base: str, document: Mapping[str, Any]) -> ResolvedKey:
    if not isinstance(document, Mapping):
        raise ResolutionError(f"{base}: the controller document is not a JSON object")
    document_id = document.get("id")
    if document_id != base:
        raise ResolutionError(f"{base}: the document returned has id {document_id!r}")
    method = next((m for m in _methods(document) if _absolute(m.get("id"), base) == vm_id), None)
    if method is None:
        raise ResolutionError(f"{vm_id}: the controller document {base} does not list this method")
    controller = method.get("controller")
    if controller != base:
        raise ResolutionError(
            f"{vm_id}: the method's controller {controller!r} is not the document {base!r}"
        )
    public = _method_key(vm_id, method)
    return ResolvedKey(public, base, vm_id, True, _granted(document, base, vm_id))


def _granted(document: Mapping[str, Any], base: str, vm_id: str) -> tuple[str, ...]:
    """The verification relationships ``document`` grants ``vm_id`` (by reference or embedded)."""
    granted = []
    for relationship in RELATIONSHIPS:
        entries = document.get(relationship)
        for item in entries if isinstance(entries, list) else []:
            ref = item.get("id") if isinstance(item, Mapping) else item
            if _absolute(ref, base) == vm_id:
                granted.append(relationship)
                break
    return tuple(granted)


def assertion_keys(controller: str, *, resolver: Resolver | None) -> list[ResolvedKey]:
    """Every usable ``assertionMethod`` key of ``controller`` (a did:key, or a did:web/http(s)
    controller document through ``resolver``). Raises :class:`ResolutionError`."""
    if controller.startswith("did:key:"):
        return [_resolve_did_key(controller)]
    if not controller.startswith(("did:web:", "https://", "http://")) or "#" in controller:
        raise ResolutionError(f"{controller}: no controller document can be resolved for it")
    if resolver is None:
        raise ResolutionError(f"{controller}: its controller document is not available offline")
    document = _controller_document(controller, resolver)
    if document.get("id") != controller:
        raise ResolutionError(f"{controller}: the document returned has id {document.get('id')!r}")
    found: list[ResolvedKey] = []
    entries = document.get("assertionMethod")
    for item in entries if isinstance(entries, list) else []:
        ref = item.get("id") if isinstance(item, Mapping) else item
        vm_id = _absolute(ref, controller)
        if not isinstance(vm_id, str):
            continue
        try:
            found.append(_from_controller_document(vm_id, controller, document))
        except ResolutionError:
            continue
    return found


def _method_key(vm_id: str, method: Mapping[str, Any]) -> PublicKey:
    kind = method.get("type")
    try:
        if kind == "Multikey":
            return PublicKey.from_multibase(method["publicKeyMultibase"])
        if kind == "Ed25519VerificationKey2020":
            public = PublicKey.from_multibase(method["publicKeyMultibase"])
            if public.algorithm != "Ed25519":
                raise KeyFormatError("not an Ed25519 key")
            return public
        if kind == "Ed25519VerificationKey2018":
            return PublicKey("Ed25519", base58btc_decode(method["publicKeyBase58"]))
        if kind in ("JsonWebKey", "JsonWebKey2020"):
            return PublicKey.from_jwk(method["publicKeyJwk"])
    except (KeyError, TypeError, Error) as exc:
        raise ResolutionError(f"{vm_id}: the {kind} method has no usable key ({exc})") from exc
    raise ResolutionError(f"{vm_id}: verification method type {kind!r} is not supported")
