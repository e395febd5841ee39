"""``attributes`` and ``excludedAttributes`` (RFC 7644 §3.4.2.5) on a resource document."""

from __future__ import annotations

from typing import Any

ALWAYS = frozenset({"schemas", "id"})


def _names(text: str) -> list[tuple[str, str | None]]:
    wanted = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if part.lower().startswith("urn:"):
            part = part.rpartition(":")[2] if ":" in part else part
        name, _dot, sub = part.partition(".")
        wanted.append((name.lower(), sub.lower() or None))
    return wanted


def _pick(value: Any, subs: set[str]) -> Any:
    if isinstance(value, list):
        return [_pick(item, subs) for item in value]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k.lower() in subs}
    return value


def project(document: dict[str, Any], *, attributes: str, excluded: str) -> dict[str, Any]:
    if attributes.strip():
        wanted = _names(attributes)
        result: dict[str, Any] = {}
        for key, value in document.items():
            if key in ALWAYS:
                result[key] = value
                continue
            if isinstance(value, dict) and key.lower().startswith("urn:"):
                kept = project({**value}, attributes=attributes, excluded="")
                if kept:
                    result[key] = kept
                continue
            subs = {sub for name, sub in wanted if name == key.lower()}
            if not subs:
                continue
            result[key] = value if None in subs else _pick(value, {s for s in subs if s})
        return result
    if excluded.strip():
        gone = {name for name, sub in _names(excluded) if sub is None}
        return {k: v for k, v in document.items() if k in ALWAYS or k.lower() not in gone}
    return document
