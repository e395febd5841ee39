"""The offline JSON-LD context registry: a fixed URL → pinned bytes map, never a fetch.

Every context is pinned by the SHA-256 of its exact bytes. The bytes are checked against the
pin the first time a URL is loaded (a mismatch raises :class:`ContextIntegrityError`) and the
parsed JSON is cached from then on. An unknown URL raises :class:`UnknownContext`: contexts
are never fetched from the network, at sign time or at verify time.

The shipped contexts (package data, listed in ``index.json``) are in :func:`default_registry`,
together with the operator's own pinned contexts named by the ``MICROCRED_CONTEXTS``
environment variable: the path of a JSON file ``{url: {"file": path, "sha256": hex}}``
(relative paths are relative to that JSON file).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from microcred.errors import ContextIntegrityError, InvalidInput, Problem, UnknownContext

__all__ = [
    "ENV_VAR",
    "ContextRegistry",
    "default_registry",
    "pyld_document_loader",
]

ENV_VAR = "MICROCRED_CONTEXTS"
_MAX_CONTEXT_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class _Pin:
    sha256: str
    data: bytes | None = None  # operator-added bytes
    resource: str | None = None  # package data file name


def _package_bytes(name: str) -> bytes:
    return resources.files(__package__).joinpath(name).read_bytes()


def _check_hex(sha256: str, url: str) -> str:
    value = sha256.lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ContextIntegrityError(f"pin for {url!r} is not a SHA-256 hex digest: {sha256!r}")
    return value


class ContextRegistry:
    """Pinned JSON-LD contexts by URL. ``load(url)`` returns the parsed context document.

    Instances are cheap to :meth:`copy`; the compiled JSON-LD term tables that
    :mod:`microcred.canon.jsonld` builds are cached per registry and dropped when a
    context is added.
    """

    def __init__(self) -> None:
        self._pins: dict[str, _Pin] = {}
        self._parsed: dict[str, Mapping[str, Any]] = {}
        self._lock = threading.Lock()
        #: Opaque per-registry cache for the JSON-LD compiler (see microcred.canon).
        self.compiled_cache: dict[Any, Any] = {}

    # --- building ------------------------------------------------------------------------

    @classmethod
    def shipped(cls) -> ContextRegistry:
        """A registry holding only the contexts shipped with microcred."""
        registry = cls()
        index = json.loads(_package_bytes("index.json"))
        for url, entry in index.items():
            registry._pins[url] = _Pin(sha256=entry["sha256"], resource=entry["file"])
        return registry

    def add(self, url: str, data: bytes, *, sha256: str | None = None) -> None:
        """Pin ``data`` (the context document's bytes) for ``url``.

        If ``sha256`` is given it must equal the SHA-256 of ``data``. The bytes must parse as a
        JSON object with an ``@context`` entry. Re-adding a URL replaces its pin.
        """
        digest = hashlib.sha256(data).hexdigest()
        if sha256 is not None and _check_hex(sha256, url) != digest:
            raise ContextIntegrityError(
                f"context {url!r}: SHA-256 {digest} does not match the pin {sha256.lower()}"
            )
        self._parse(url, data)
        with self._lock:
            self._pins[url] = _Pin(sha256=digest, data=bytes(data))
            self._parsed.pop(url, None)
            self.compiled_cache.clear()

    def add_file(
        self, url: str, path: str | os.PathLike[str], *, sha256: str | None = None
    ) -> None:
        """Pin the bytes of the file at ``path`` for ``url`` (see :meth:`add`)."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InvalidInput(
                "context file cannot be read", [Problem("$", f"{url}: {path}: {exc.strerror}")]
            ) from exc
        self.add(url, data, sha256=sha256)

    def add_config(self, path: str | os.PathLike[str]) -> None:
        """Add every context of an operator configuration file
        ``{url: {"file": path, "sha256": hex}}``; relative paths are relative to that file."""
        config_path = Path(path)
        try:
            config = json.loads(config_path.read_bytes())
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                "operator context configuration cannot be read",
                [Problem("$", f"{config_path}: {exc}")],
            ) from exc
        if not isinstance(config, dict):
            raise InvalidInput(
                "operator context configuration", [Problem("$", "must be a JSON object")]
            )
        for url, entry in config.items():
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("file"), str)
                or not isinstance(entry.get("sha256"), str)
            ):
                raise InvalidInput(
                    "operator context configuration",
                    [Problem(f"$[{url!r}]", 'needs {"file": path, "sha256": hex}')],
                )
            self.add_file(url, config_path.parent / entry["file"], sha256=entry["sha256"])

    def copy(self) -> ContextRegistry:
        """An independent registry with the same pins (adding to it leaves this one alone)."""
        other = ContextRegistry()
        with self._lock:
            other._pins = dict(self._pins)
            other._parsed = dict(self._parsed)
        return other

    # --- reading -------------------------------------------------------------------------

    def urls(self) -> list[str]:
        """Every pinned URL (alias URLs included), sorted."""
        return sorted(self._pins)

    def __contains__(self, url: object) -> bool:
        return url in self._pins

    def __iter__(self) -> Iterator[str]:
        return iter(self.urls())

    def __len__(self) -> int:
        return len(self._pins)

    def sha256(self, url: str) -> str:
        """The pinned SHA-256 (hex) of ``url``."""
        pin = self._pins.get(url)
        if pin is None:
            raise UnknownContext(url)
        return pin.sha256

    def load(self, url: str) -> Mapping[str, Any]:
        """The parsed context document for ``url`` (cached; treat it as read-only).

        Raises :class:`UnknownContext` for a URL that is not pinned and
        :class:`ContextIntegrityError` when the pinned bytes do not match their SHA-256.
        """
        parsed = self._parsed.get(url)
        if parsed is not None:
            return parsed
        pin = self._pins.get(url)
        if pin is None:
            raise UnknownContext(url)
        data = pin.data if pin.data is not None else _package_bytes(pin.resource or "")
        digest = hashlib.sha256(data).hexdigest()
        if digest != pin.sha256:
            raise ContextIntegrityError(
                f"context {url!r}: the bytes have SHA-256 {digest}, the pin is {pin.sha256}"
            )
        parsed = self._parse(url, data)
        with self._lock:
            self._parsed[url] = parsed
        return parsed

    def raw_bytes(self, url: str) -> bytes:
        """The pinned bytes of ``url`` (checked against the pin)."""
        self.load(url)
        pin = self._pins[url]
        return pin.data if pin.data is not None else _package_bytes(pin.resource or "")

    @staticmethod
    def _parse(url: str, data: bytes) -> Mapping[str, Any]:
        if len(data) > _MAX_CONTEXT_BYTES:
            raise ContextIntegrityError(
                f"context {url!r} is larger than {_MAX_CONTEXT_BYTES} bytes"
            )
        try:
            parsed = json.loads(data)
        except ValueError as exc:
            raise ContextIntegrityError(f"context {url!r} is not JSON: {exc}") from exc
        if not isinstance(parsed, dict) or "@context" not in parsed:
            raise ContextIntegrityError(f"context {url!r} is not an object with an @context entry")
        return parsed


_default: ContextRegistry | None = None
_default_lock = threading.Lock()


def default_registry() -> ContextRegistry:
    """The process-wide registry: the shipped contexts plus the operator's contexts named by
    ``$MICROCRED_CONTEXTS`` (read once, on first use)."""
    global _default
    registry = _default
    if registry is not None:
        return registry
    with _default_lock:
        if _default is None:
            registry = ContextRegistry.shipped()
            config = os.environ.get(ENV_VAR)
            if config:
                registry.add_config(config)
            _default = registry
        return _default


def pyld_document_loader(
    registry: ContextRegistry | None = None,
) -> Callable[..., dict[str, Any]]:
    """A pyld ``documentLoader`` serving only pinned contexts (never the network).

    Unknown URLs raise :class:`UnknownContext` (pyld wraps it in its own error; the cause is
    kept on the exception chain).
    """
    reg = registry if registry is not None else default_registry()

    def load_document(url: str, options: Any = None) -> dict[str, Any]:
        # pyld gets its own copy: the cached parsed document must stay untouched.
        document = copy.deepcopy(dict(reg.load(url)))
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load_document
