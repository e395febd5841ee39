"""Shared machinery of the W3C Data Integrity suites (VC Data Integrity 1.0).

* proof sets: ``proof`` may be one object or an array; :func:`add_proof` keeps every existing
  proof and always writes an array (the OB 3.0 JSON-LD schema requires one);
* proof options / proof configuration building (``created`` as an XML Schema ``dateTime`` in
  UTC with ``Z``; ``proofPurpose`` defaults to ``assertionMethod``; optional challenge/domain);
* :class:`ProofCheck`, the never-raising result of a proof verification;
* :class:`ProofConfigCache`, the signing hot-path cache of canonical proof configurations.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from microcred.canon import canonicalize_document
from microcred.canon.jcs import canonicalize_json
from microcred.contexts import ContextRegistry
from microcred.errors import SigningError

__all__ = [
    "DATA_INTEGRITY_PROOF",
    "ProofCheck",
    "ProofConfigCache",
    "add_proof",
    "canonicalize_jcs",
    "canonicalize_rdfc",
    "chained_input",
    "copy_json",
    "format_created",
    "previous_proof_ids",
    "proof_options",
    "proofs_of",
    "unsecured_document",
]

DATA_INTEGRITY_PROOF: Final = "DataIntegrityProof"

_DATETIME_RE: Final = re.compile(
    r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})\Z"
)
# A created value the cache may substitute textually: UTC, digits only, nothing to escape.
_SIMPLE_CREATED_RE: Final = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z\Z")
_SENTINEL_CREATED: Final = "1970-01-01T00:00:00Z"
_BLANK_NODE_RE: Final = re.compile(r"_:[A-Za-z0-9_\-.]+")


@dataclass(frozen=True, slots=True)
class ProofCheck:
    """Outcome of verifying one proof. ``reason`` is plain language, also when ``ok``."""

    ok: bool
    reason: str


# --------------------------------------------------------------------------- canonicalizers


def canonicalize_rdfc(document: Mapping[str, Any], registry: ContextRegistry | None = None) -> str:
    """RDFC-1.0 canonical N-Quads of ``document`` with the pinned offline contexts."""
    return canonicalize_document(document, registry=registry)


def canonicalize_jcs(value: Any) -> bytes:
    """RFC 8785 (JCS) canonical JSON bytes."""
    return canonicalize_json(value)


# --------------------------------------------------------------------------- proof sets


def proofs_of(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The proofs of a secured document as a list (``proof`` may be an object or an array)."""
    value = document.get("proof")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def unsecured_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` without ``proof`` (a shallow copy: nested values are shared, not copied)."""
    return {key: value for key, value in document.items() if key != "proof"}


_ATOMS: Final = frozenset({str, int, float, bool, type(None)})


def copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars); several times faster than deepcopy.

    Plain ``dict`` / ``list`` and JSON scalars take a fast path (exact class checks, scalars
    shared without a call); other mappings become dicts and tuples become lists, as always.
    """
    cls = value.__class__
    if cls is dict:
        # dict.copy() in C, then only the members that are containers are copied again
        # (credentials are mostly strings).
        copied = value.copy()
        for key, item in value.items():
            if item.__class__ is not str and item.__class__ not in _ATOMS:
                copied[key] = copy_json(item)
        return copied
    if cls is list:
        return [v if v.__class__ in _ATOMS else copy_json(v) for v in value]
    if isinstance(value, Mapping):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [copy_json(item) for item in value]
    return value


def add_proof(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    """A new document (a deep copy) with ``proof`` added to its proof set, as an array."""
    secured: dict[str, Any] = copy_json(document)
    existing = secured.get("proof")
    if existing is None:
        proofs: list[Any] = []
    elif isinstance(existing, list):
        proofs = existing
    else:
        proofs = [existing]
    proofs.append(copy_json(proof))
    secured["proof"] = proofs
    return secured


# --------------------------------------------------------------------------- proof options


def format_created(created: datetime | str | None) -> str:
    """``created`` as an XML Schema ``dateTime`` in UTC (``2024-01-02T03:04:05Z``).

    ``None`` means now (whole seconds). A naive ``datetime`` is refused (ambiguous); a string
    must already be a valid ``dateTime``.
    """
    if created is None:
        created = datetime.now(UTC).replace(microsecond=0)
    if isinstance(created, datetime):
        if created.tzinfo is None or created.utcoffset() is None:
            raise SigningError("created must be a timezone-aware datetime")
        utc = created.astimezone(UTC)
        text = utc.strftime("%Y-%m-%dT%H:%M:%S")
        if utc.microsecond:
            text += f".{utc.microsecond:06d}".rstrip("0")
        return text + "Z"
    if isinstance(created, str) and _DATETIME_RE.match(created):
        return created
    raise SigningError(f"created must be an XML Schema dateTime, got {created!r}")


def proof_options(
    *,
    proof_type: str,
    cryptosuite: str | None,
    verification_method: str,
    created: datetime | str | None,
    proof_purpose: str,
    challenge: str | None,
    domain: str | None,
    proof_id: str | None = None,
    expires: datetime | str | None = None,
    previous_proof: str | Sequence[str] | None = None,
) -> dict[str, Any]:
    """The proof options, in the order they are written into the secured document.

    ``proof_id`` names the proof (a chained proof refers to it); ``expires`` is when the
    proof stops being valid; ``previous_proof`` the id(s) of the proof(s) it chains to."""
    if not verification_method:
        raise SigningError("a proof needs a verificationMethod")
    if not proof_purpose:
        raise SigningError("a proof needs a proofPurpose")
    options: dict[str, Any] = {"type": proof_type}
    if proof_id is not None:
        options["id"] = proof_id
    if cryptosuite is not None:
        options["cryptosuite"] = cryptosuite
    options["created"] = format_created(created)
    if expires is not None:
        options["expires"] = format_created(expires)
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    if previous_proof is not None:
        ids = [previous_proof] if isinstance(previous_proof, str) else list(previous_proof)
        if not ids or not all(isinstance(i, str) and i for i in ids):
            raise SigningError("previousProof must name one or more proof ids")
        options["previousProof"] = ids[0] if len(ids) == 1 else ids
    return options


# --------------------------------------------------------------------------- proof chains


def previous_proof_ids(proof: Mapping[str, Any]) -> list[str] | None:
    """The ids a proof's ``previousProof`` names (None: not a chained proof; [] : malformed)."""
    value = proof.get("previousProof")
    if value is None:
        return None
    ids = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [i for i in ids if isinstance(i, str)] if all(isinstance(i, str) for i in ids) else []


def chained_input(
    document: Mapping[str, Any], previous: Sequence[str]
) -> tuple[dict[str, Any], list[str]]:
    """What a chained proof secures (VC Data Integrity 1.0, proof chains): the unsecured
    document with ``proof`` set to the proofs named by ``previous`` (an array, in the order
    ``previous`` names them), and the ids that are missing from the document's proof set."""
    by_id: dict[str, Mapping[str, Any]] = {}
    for proof in proofs_of(document):
        proof_id = proof.get("id")
        if isinstance(proof_id, str):
            by_id.setdefault(proof_id, proof)
    matching = [by_id[i] for i in previous if i in by_id]
    missing = [i for i in previous if i not in by_id]
    chained = unsecured_document(document)
    chained["proof"] = matching
    return chained, missing


# --------------------------------------------------------------------------- hot-path cache


class ProofConfigCache:
    """Canonical N-Quads of proof configurations, cached by everything except ``created``.

    Credentials signed by one issuer share their proof configuration except for ``created``.
    The first configuration of a shape is canonicalized with a sentinel ``created``; later ones
    substitute their ``created`` literal into that text and re-sort the lines. That is exact
    only when the canonical text has at most one blank node (its label is then ``_:c14n0``
    whatever the content) and exactly one occurrence of the sentinel literal; any other shape,
    and any ``created`` that is not a plain UTC ``dateTime``, is canonicalized in full.
    """

    def __init__(self, maxsize: int = 256) -> None:
        self._maxsize = maxsize
        self._templates: OrderedDict[tuple[object, int], tuple[str | None, Any]] = OrderedDict()
        self._digests: dict[tuple[object, int, str], tuple[bytes, Any]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._templates.clear()
            self._digests.clear()
            self.hits = self.misses = 0

    def canonical(
        self,
        config: Mapping[str, Any],
        canonicalize: Callable[[Mapping[str, Any]], str],
        *,
        registry: Any = None,
    ) -> str:
        """Canonical N-Quads of ``config``; ``canonicalize`` is the full algorithm."""
        created = config.get("created")
        if not isinstance(created, str) or not _SIMPLE_CREATED_RE.match(created):
            return canonicalize(config)
        shape = _shape_key(config)
        if shape is None or _too_large(shape):
            return canonicalize(config)
        return self._canonical(config, canonicalize, registry, shape, created)

    def sha256(
        self,
        config: Mapping[str, Any],
        canonicalize: Callable[[Mapping[str, Any]], str],
        *,
        registry: Any = None,
    ) -> bytes:
        """SHA-256 of :meth:`canonical` (UTF-8), memoised per configuration and ``created``:
        credentials signed in the same second share their proof configuration hash."""
        created = config.get("created")
        if not isinstance(created, str) or not _SIMPLE_CREATED_RE.match(created):
            return hashlib.sha256(canonicalize(config).encode("utf-8")).digest()
        shape = _shape_key(config)
        if shape is None or _too_large(shape):
            return hashlib.sha256(canonicalize(config).encode("utf-8")).digest()
        key = (shape, id(registry), created)
        digest = self._digests.get(key)
        if digest is not None:
            self.hits += 1
            return digest[0]
        text = self._canonical(config, canonicalize, registry, shape, created)
        value = hashlib.sha256(text.encode("utf-8")).digest()
        with self._lock:
            if len(self._digests) >= self._maxsize:
                self._digests.clear()
            self._digests[key] = (value, registry)  # keeps the registry's id() from reuse
        return value

    def _canonical(
        self,
        config: Mapping[str, Any],
        canonicalize: Callable[[Mapping[str, Any]], str],
        registry: Any,
        shape: object,
        created: str,
    ) -> str:
        key = (shape, id(registry))
        with self._lock:
            entry = self._templates.get(key)
            if entry is not None:
                self._templates.move_to_end(key)
        if entry is None:
            self.misses += 1
            template = self._make_template(config, canonicalize)
            with self._lock:
                # Keep the registry referenced so its id() cannot be reused while cached.
                self._templates[key] = (template, registry)
                while len(self._templates) > self._maxsize:
                    self._templates.popitem(last=False)
        else:
            self.hits += 1
            template = entry[0]
        if template is None:
            return canonicalize(config)
        return _substitute(template, created)

    @staticmethod
    def _make_template(
        config: Mapping[str, Any], canonicalize: Callable[[Mapping[str, Any]], str]
    ) -> str | None:
        probe = dict(config)
        probe["created"] = _SENTINEL_CREATED
        text = canonicalize(probe)
        if text.count(f'"{_SENTINEL_CREATED}"') != 1:
            return None
        if len(set(_BLANK_NODE_RE.findall(text))) > 1:
            return None
        return text


def _shape_key(config: Mapping[str, Any]) -> object | None:
    """Everything of ``config`` except ``created``, as a hashable key (None: not JSON).

    Strings and lists of strings (the usual proof options and ``@context``) make a frozenset
    of items: cheap, and exact (a str never equals a tuple). Anything else goes through
    canonical ``json.dumps``, which tells ``1``, ``1.0`` and ``true`` apart.
    """
    items: list[tuple[str, object]] = []
    for name, value in config.items():
        if name == "created":
            continue
        if value.__class__ is str:
            items.append((name, value))
        elif value.__class__ is list and all(v.__class__ is str for v in value):
            items.append((name, tuple(value)))
        else:
            break
    else:
        return frozenset(items)
    try:
        return json.dumps(
            {k: v for k, v in config.items() if k != "created"},
            sort_keys=True,
            separators=(",", ":"),
        )
    except (TypeError, ValueError):
        return None


#: proof configurations whose strings add up to more characters are never cached, so the
#: cache's bytes stay bounded whatever a verifier is sent (issuers' configurations are small)
MAX_CACHED_CONFIG_CHARS: Final = 4096


def _too_large(shape: object) -> bool:
    """True when the shape key of a proof configuration is too large to remember."""
    if isinstance(shape, str):
        return len(shape) > MAX_CACHED_CONFIG_CHARS
    size = 0
    if isinstance(shape, frozenset):
        for _name, value in shape:
            size += len(value) if isinstance(value, str) else sum(len(v) for v in value)
    return size > MAX_CACHED_CONFIG_CHARS


def _substitute(template: str, created: str) -> str:
    text = template.replace(f'"{_SENTINEL_CREATED}"', f'"{created}"', 1)
    lines = text.splitlines(keepends=True)
    lines.sort()
    return "".join(lines)


DEFAULT_PROOF_CONFIG_CACHE: Final = ProofConfigCache()
