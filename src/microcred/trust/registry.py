"""Trusted issuer registries: parse them, look an issuer up.

Two formats are read:

* ``microcred`` — our plain JSON list::

      {"type": "IssuerRegistry", "name": "Northwind recognised issuers",
       "issuers": [{"id": "did:web:example.org", "name": "Example College"}]}

* ``dcc`` — the Digital Credentials Consortium's published ``registry.json``
  (``{"meta": {...}, "registry": {DID: {"name", "url", "location"}}}``). The file has no
  name of its own: the name is the one the operator gives it when configuring it.

Issuer ids are compared after normalisation: a ``did:web`` and its ``https`` form
(``did:web:example.org:o:acme`` ↔ ``https://example.org/o/acme``) are the same issuer; the
fragment is ignored and the host is compared case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import unquote, urlsplit

from microcred.errors import InvalidInput, Problem

Format = Literal["microcred", "dcc"]
FORMATS: Final[tuple[Format, ...]] = ("microcred", "dcc")
REGISTRY_TYPE: Final = "IssuerRegistry"
MAX_ISSUERS: Final = 100_000
MAX_TEXT: Final = 2000


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """One recognised issuer: its id (DID or URL) as written, its name, an optional URL."""

    id: str
    name: str
    url: str = ""


@dataclass(frozen=True)
class Registry:
    """A named registry of recognised issuers."""

    name: str
    entries: tuple[RegistryEntry, ...]
    format: Format = "microcred"
    _index: dict[str, RegistryEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, RegistryEntry] = {}
        for entry in self.entries:
            index.setdefault(issuer_key(entry.id), entry)
        object.__setattr__(self, "_index", index)

    def lookup(self, issuer_id: str) -> RegistryEntry | None:
        """The entry for ``issuer_id`` (by DID, or by the did:web's https form), or None."""
        return self._index.get(issuer_key(issuer_id))

    def to_json(self) -> dict[str, Any]:
        """This registry in the ``microcred`` format."""
        issuers = []
        for entry in self.entries:
            item = {"id": entry.id, "name": entry.name}
            if entry.url:
                item["url"] = entry.url
            issuers.append(item)
        return {"type": REGISTRY_TYPE, "name": self.name, "issuers": issuers}


@dataclass(frozen=True, slots=True)
class Recognition:
    """Where an issuer was found: the registry's name and the issuer's name there."""

    registry: str
    name: str


def issuer_key(issuer_id: str) -> str:
    """The comparable form of an issuer id: ``did:web`` is read as its https URL."""
    text = issuer_id.strip().split("#", 1)[0]
    if text.startswith("did:web:"):
        host, *segments = text[len("did:web:") :].split(":")
        return "https://" + unquote(host).lower() + "".join("/" + unquote(s) for s in segments)
    if text.startswith(("https://", "http://")):
        parts = urlsplit(text)
        path = parts.path.rstrip("/")
        if path.endswith("/did.json"):
            path = path[: -len("/did.json")]
        if path == "/.well-known":
            path = ""
        return f"https://{parts.netloc.lower()}{path}"
    return text


def _text(value: Any, path: str, problems: list[Problem], *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(Problem(path, "must be a non-empty string"))
        return ""
    if len(value) > MAX_TEXT:
        problems.append(Problem(path, f"is longer than {MAX_TEXT} characters"))
        return ""
    return value.strip()


def parse_registry(data: Any, *, format: str, name: str = "") -> Registry:
    """Read a registry document in ``format`` (``microcred`` or ``dcc``).

    ``name`` names a ``dcc`` registry (its file has no name) and overrides a ``microcred``
    one's. Raises :class:`InvalidInput` naming every field that is wrong.
    """
    if format not in FORMATS:
        raise InvalidInput("unknown registry format", [Problem("format", f"not one of {FORMATS}")])
    if not isinstance(data, Mapping):
        raise InvalidInput("not an issuer registry", [Problem("$", "must be a JSON object")])
    problems: list[Problem] = []
    if format == "dcc":
        entries = _dcc_entries(data, problems)
        title = name.strip()
        if not title:
            problems.append(Problem("name", "a DCC registry needs a name given by whoever adds it"))
    else:
        if data.get("type") != REGISTRY_TYPE:
            problems.append(Problem("$.type", f'must be "{REGISTRY_TYPE}"'))
        title = name.strip() or _text(data.get("name"), "$.name", problems)
        entries = _plain_entries(data.get("issuers"), problems)
    if problems:
        raise InvalidInput("the issuer registry is not valid", problems)
    return Registry(title, tuple(entries), format)  # type: ignore[arg-type]


def _plain_entries(issuers: Any, problems: list[Problem]) -> list[RegistryEntry]:
    if not isinstance(issuers, list):
        problems.append(Problem("$.issuers", "must be a list"))
        return []
    if len(issuers) > MAX_ISSUERS:
        problems.append(Problem("$.issuers", f"holds more than {MAX_ISSUERS} issuers"))
        return []
    entries = []
    for number, item in enumerate(issuers):
        path = f"$.issuers[{number}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(path, "must be an object"))
            continue
        issuer_id = _issuer_id(item.get("id"), f"{path}.id", problems)
        label = _text(item.get("name"), f"{path}.name", problems)
        url = _text(item.get("url"), f"{path}.url", problems, required=False)
        if issuer_id and label:
            entries.append(RegistryEntry(issuer_id, label, url))
    return entries


def _dcc_entries(data: Mapping[str, Any], problems: list[Problem]) -> list[RegistryEntry]:
    registry = data.get("registry")
    if not isinstance(registry, Mapping):
        problems.append(Problem("$.registry", "must be an object mapping each DID to its issuer"))
        return []
    if len(registry) > MAX_ISSUERS:
        problems.append(Problem("$.registry", f"holds more than {MAX_ISSUERS} issuers"))
        return []
    entries = []
    for did, item in registry.items():
        path = f"$.registry[{did!r}]"
        issuer_id = _issuer_id(did, path, problems)
        if not isinstance(item, Mapping):
            problems.append(Problem(path, "must be an object with the issuer's name"))
            continue
        label = _text(item.get("name"), f"{path}.name", problems)
        url = _text(item.get("url"), f"{path}.url", problems, required=False)
        if issuer_id and label:
            entries.append(RegistryEntry(issuer_id, label, url))
    return entries


def _issuer_id(value: Any, path: str, problems: list[Problem]) -> str:
    text = _text(value, path, problems)
    if text and not text.startswith(("did:", "https://", "http://")):
        problems.append(Problem(path, "must be a DID or an https URL"))
        return ""
    return text


def recognise(issuer_id: str, registries: Iterable[Registry]) -> Recognition | None:
    """The first registry (most authoritative first) that lists ``issuer_id``, or None."""
    for registry in registries:
        entry = registry.lookup(issuer_id)
        if entry is not None:
            return Recognition(registry.name, entry.name)
    return None


def registry_from_text(text: str | bytes, *, format: str, name: str = "") -> Registry:
    """Parse registry JSON text (see :func:`parse_registry`); bad JSON names ``$``."""
    import json

    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("not an issuer registry", [Problem("$", f"not JSON ({exc})")]) from exc
    return parse_registry(data, format=format, name=name)
