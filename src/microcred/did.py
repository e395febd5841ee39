"""DIDs and verification methods: did:key, did:web, and key resolution without a network.

Resolution of a verification-method id (:func:`resolve_verification_method`):

1. ``did:key:z…`` is self-certifying: the key is in the DID, nothing is fetched.
2. ``did:web`` and ``http(s)`` ids: the controller document (the id without its fragment) is
   asked of the caller's :class:`Resolver`; the method must be listed there, and its
   ``controller`` must be that document. Found this way the key is ``confirmed``.
3. If there is no resolver, or it cannot provide the document, but the id's fragment is itself
   a public Multikey (``https://example.edu/issuers/565049#z6Mk…``, as the 1EdTech fixtures
   do), that key is used with controller = the id without its fragment. Nothing then proves
   the controller published it, so ``confirmed`` is False and a verifier must say so.

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

    ``confirmed`` is True when the controller vouches for the key (did:key, or a controller
    document listing it); ``relationships`` names the verification relationships
    (``assertionMethod``, ``authentication``…) the controller document grants it — empty when
    unconfirmed.
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
    fetchable = base.startswith(("did:web:", "https://", "http://"))
    problem: ResolutionError | None = None
    if fetchable and resolver is not None:
        try:
            document = resolver.resolve(base)
        except ResolutionError as exc:
            problem = exc
        else:
            return _from_controller_document(vm_id, base, document)
    if fragment:
        try:
            public = PublicKey.from_multibase(fragment)
        except KeyFormatError:
            pass
        else:
            return ResolvedKey(public, base, vm_id, confirmed=False)
    if problem is not None:
        raise ResolutionError(f"{vm_id}: the controller document is unavailable ({problem})")
    if base.startswith("did:") and not base.startswith("did:web:"):
        method = ":".join(base.split(":", 2)[:2])
        raise ResolutionError(f"{vm_id}: DID method {method} is not supported")
    if not fetchable:
        raise ResolutionError(f"{vm_id}: URL scheme {scheme!r} is not supported")
    raise ResolutionError(f"{vm_id}: no resolver was given and the id does not carry its key")


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
    if vm_id == base and "type" in document and document.get("controller"):
        method: Mapping[str, Any] | None = document  # a key document fetched by its own URL
    else:
        method = next(
            (m for m in _methods(document) if _absolute(m.get("id"), base) == vm_id), None
        )
    if method is None:
        raise ResolutionError(f"{vm_id}: the controller document does not list this method")
    controller = method.get("controller")
    if controller != base and not (vm_id == base and isinstance(controller, str)):
        raise ResolutionError(
            f"{vm_id}: the method's controller {controller!r} is not the document {base!r}"
        )
    public = _method_key(vm_id, method)
    granted = []
    for relationship in RELATIONSHIPS:
        entries = document.get(relationship)
        for item in entries if isinstance(entries, list) else []:
            ref = item.get("id") if isinstance(item, Mapping) else item
            if _absolute(ref, base) == vm_id:
                granted.append(relationship)
                break
    return ResolvedKey(public, str(controller), vm_id, True, tuple(granted))


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
