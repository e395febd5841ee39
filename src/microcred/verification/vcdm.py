"""The W3C VC Data Model 2.0 rules, for any credential or presentation (not only Open Badges).

:func:`credential_problems` and :func:`presentation_problems` name every breach with its JSON
path. The issuer (VC-API) refuses a credential with any of them; the verifier reports them in
its structure check. Where the data model allows one object or an array of them (evidence,
termsOfUse, credentialSchema, refreshService, credentialStatus, credentialSubject, proof),
both are accepted. Text values (``name``, ``description``) may be strings, language value
objects (``@value`` with ``@language``/``@direction``) or arrays of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from microcred.errors import Problem
from microcred.model import VC_V2, parse_datetime

# An absolute URL (RFC 3986 scheme, then no white space): "did:…", "https://…", "urn:…"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
# dateTimeStamp: a dateTime with its time zone
_DATETIME_STAMP = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_LANGUAGE_KEYS = frozenset({"@value", "@language", "@direction"})
# property → (must have an id, must have a type)
_TYPED_PARTS = {
    "evidence": (False, True),
    "termsOfUse": (False, True),
    "refreshService": (False, True),
    "credentialStatus": (False, True),
    "credentialSchema": (True, True),
}


def is_url(value: Any) -> bool:
    return isinstance(value, str) and _URL.match(value) is not None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _contexts(document: Mapping[str, Any], problems: list[Problem]) -> None:
    if "@context" not in document:
        problems.append(Problem("$['@context']", "is required"))
        return
    raw = document["@context"]
    contexts = raw if isinstance(raw, list) else [raw]
    if not contexts or contexts[0] != VC_V2:
        problems.append(Problem("$['@context'][0]", f"must be {VC_V2!r}"))
    for index, entry in enumerate(contexts):
        path = f"$['@context'][{index}]"
        if isinstance(entry, str):
            if not is_url(entry):
                problems.append(Problem(path, f"{entry!r} is not a URL"))
        elif isinstance(entry, Mapping):
            _inline_context(entry, path, problems)
        else:
            problems.append(Problem(path, "must be a context URL or an object"))


def _inline_context(context: Mapping[str, Any], path: str, problems: list[Problem]) -> None:
    """Every term an inline context defines must map to a URL (or a compact IRI)."""
    if "@vocab" in context and context["@vocab"] is None:
        # resetting the vocabulary makes undefined terms vanish from the signed data
        problems.append(
            Problem(
                f"{path}['@vocab']",
                "must not be null: undefined terms would be dropped, not signed",
            )
        )
    for term, definition in context.items():
        if term.startswith("@") and term != "@vocab":
            continue
        target = definition.get("@id") if isinstance(definition, Mapping) else definition
        if target is None:
            continue
        if not isinstance(target, str) or (":" in target and not is_url(target)):
            problems.append(Problem(f"{path}[{term!r}]", f"{target!r} is not a URL"))


def _types(value: Any, path: str, problems: list[Problem], required: str | None) -> list[str]:
    if value is None:
        problems.append(Problem(path, "is required"))
        return []
    types = _items(value)
    good = [t for t in types if isinstance(t, str) and t and not any(c.isspace() for c in t)]
    if len(good) != len(types) or not types:
        problems.append(Problem(path, "must be a type name or URL, or an array of them"))
    if required is not None and required not in good:
        problems.append(Problem(path, f"must include {required!r}"))
    return good


def _id(value: Any, path: str, problems: list[Problem]) -> None:
    if not is_url(value):
        problems.append(Problem(path, "must be one URL"))


def _text(value: Any, path: str, problems: list[Problem]) -> None:
    """A string, a language value object, or an array of them."""
    for index, item in enumerate(_items(value)):
        where = f"{path}[{index}]" if isinstance(value, list) else path
        if isinstance(item, str):
            continue
        if not isinstance(item, Mapping):
            problems.append(Problem(where, "must be a string or a language value object"))
            continue
        extra = sorted(set(item) - _LANGUAGE_KEYS)
        if extra:
            problems.append(Problem(where, f"a language value object cannot hold {extra}"))
        if not isinstance(item.get("@value"), str):
            problems.append(Problem(where, "a language value object needs a string @value"))
        if "@language" in item and not isinstance(item["@language"], str):
            problems.append(Problem(f"{where}['@language']", "must be a language tag"))
        if "@direction" in item and item["@direction"] not in ("ltr", "rtl"):
            problems.append(Problem(f"{where}['@direction']", "must be 'ltr' or 'rtl'"))


def _names(document: Mapping[str, Any], path: str, problems: list[Problem]) -> None:
    for name in ("name", "description"):
        if name in document:
            _text(document[name], f"{path}.{name}", problems)


def _issuer(document: Mapping[str, Any], problems: list[Problem]) -> None:
    if "issuer" not in document:
        problems.append(Problem("$.issuer", "is required (a URL or an object with an id)"))
        return
    issuer = document["issuer"]
    if isinstance(issuer, Mapping):
        _id(issuer.get("id"), "$.issuer.id", problems)
        _names(issuer, "$.issuer", problems)
    else:
        _id(issuer, "$.issuer", problems)


def _subjects(document: Mapping[str, Any], problems: list[Problem]) -> None:
    if "credentialSubject" not in document:
        problems.append(Problem("$.credentialSubject", "is required"))
        return
    raw = document["credentialSubject"]
    subjects = _items(raw)
    if not subjects:
        problems.append(Problem("$.credentialSubject", "must not be empty"))
    for index, subject in enumerate(subjects):
        path = f"$.credentialSubject[{index}]" if isinstance(raw, list) else "$.credentialSubject"
        if not isinstance(subject, Mapping):
            problems.append(Problem(path, "must be an object"))
        elif not subject:
            problems.append(Problem(path, "makes no claim (an empty object)"))
        elif "id" in subject:
            _id(subject["id"], f"{path}.id", problems)


def _dates(document: Mapping[str, Any], problems: list[Problem]) -> None:
    moments: dict[str, datetime] = {}
    for name in ("validFrom", "validUntil"):
        if name not in document:
            continue
        value = document[name]
        if not isinstance(value, str) or not _DATETIME_STAMP.match(value):
            problems.append(Problem(f"$.{name}", f"{value!r} is not an XML Schema dateTimeStamp"))
            continue
        try:
            moments[name] = parse_datetime(value)
        except ValueError as exc:
            problems.append(Problem(f"$.{name}", str(exc)))
    if len(moments) == 2 and moments["validUntil"] < moments["validFrom"]:
        problems.append(Problem("$.validUntil", "is before validFrom"))


def _typed_parts(document: Mapping[str, Any], problems: list[Problem]) -> None:
    for name, (needs_id, needs_type) in _TYPED_PARTS.items():
        if name not in document:
            continue
        raw = document[name]
        entries = _items(raw)
        if not entries:
            problems.append(Problem(f"$.{name}", "must not be an empty array"))
        for index, entry in enumerate(entries):
            path = f"$.{name}[{index}]" if isinstance(raw, list) else f"$.{name}"
            if not isinstance(entry, Mapping):
                problems.append(Problem(path, "must be an object"))
                continue
            if needs_type:
                _types(entry.get("type"), f"{path}.type", problems, None)
            if needs_id or "id" in entry:
                _id(entry.get("id"), f"{path}.id", problems)


def _proofs(document: Mapping[str, Any], problems: list[Problem]) -> None:
    if "proof" not in document:
        return
    raw = document["proof"]
    for index, proof in enumerate(_items(raw)):
        path = f"$.proof[{index}]" if isinstance(raw, list) else "$.proof"
        if not isinstance(proof, Mapping):
            problems.append(Problem(path, "must be an object"))
        elif not isinstance(proof.get("type"), str):
            problems.append(Problem(f"{path}.type", "is required"))


def credential_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Every VC DM 2.0 rule ``document`` (a credential) breaks; empty when none."""
    problems: list[Problem] = []
    _contexts(document, problems)
    _types(document.get("type"), "$.type", problems, "VerifiableCredential")
    if "id" in document:
        _id(document["id"], "$.id", problems)
    _issuer(document, problems)
    _subjects(document, problems)
    _dates(document, problems)
    _names(document, "$", problems)
    _typed_parts(document, problems)
    _proofs(document, problems)
    return problems


def presentation_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Every VC DM 2.0 rule ``document`` (a presentation, without its credentials) breaks."""
    problems: list[Problem] = []
    _contexts(document, problems)
    _types(document.get("type"), "$.type", problems, "VerifiablePresentation")
    if "id" in document:
        _id(document["id"], "$.id", problems)
    if "holder" in document:
        holder = document["holder"]
        if isinstance(holder, Mapping):
            _id(holder.get("id"), "$.holder.id", problems)
        else:
            _id(holder, "$.holder", problems)
    raw = document.get("verifiableCredential")
    for index, entry in enumerate(_items(raw) if raw is not None else []):
        if not isinstance(entry, Mapping):
            problems.append(
                Problem(f"$.verifiableCredential[{index}]", "must be a credential object")
            )
    _proofs(document, problems)
    return problems


def enveloped_problems(document: Mapping[str, Any], path: str) -> list[Problem]:
    """The rules of an ``EnvelopedVerifiableCredential`` (a data: URL holding a credential)."""
    problems: list[Problem] = []
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first != VC_V2:
        problems.append(Problem(f"{path}['@context']", f"must start with {VC_V2!r}"))
    value = document.get("id")
    if not isinstance(value, str) or not value.startswith("data:"):
        problems.append(Problem(f"{path}.id", "must be a data: URL"))
    return problems


def is_enveloped(document: Mapping[str, Any]) -> bool:
    return "EnvelopedVerifiableCredential" in _items(document.get("type"))
