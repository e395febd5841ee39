"""The one strict JSON reader for credentials: every text or byte input goes through it.

Plain ``json.loads`` keeps the *last* of two equal keys and accepts lone UTF-16 surrogates
(``"\\ud800"``); another reader may keep the first key or refuse the string, so the same
bytes would show two different credentials. :func:`loads_strict` refuses both, naming the
JSON path, as well as ``NaN``/``Infinity`` and invalid UTF-8.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from microcred.errors import AmbiguousJSON, InvalidJSON, Problem

__all__ = ["json_step", "loads_strict"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# a \uD800-\uDFFF escape (maybe half of a valid pair) or a surrogate code point in the text
_SURROGATE_HINT = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}|[\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def json_step(key: str | int) -> str:
    """The JSON-path step for ``key``: ``[0]``, ``.name`` or ``['@context']``."""
    if isinstance(key, int):
        return f"[{key}]"
    return f".{key}" if _IDENT.match(key) else f"[{key!r}]"


class _Duplicated(dict[str, Any]):
    """An object that had a key twice (never leaves this module: the reader raises)."""

    duplicate: str = ""


class _DuplicateKey(Exception):
    pass


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey
    return result


def _mark_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = _Duplicated(result)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.duplicate = key
            break
        seen.add(key)
    return marked


# built once: json.loads with options builds a decoder (and its scanner) on every call
_STRICT = json.JSONDecoder(object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
_MARKING = json.JSONDecoder(object_pairs_hook=_mark_duplicates, parse_constant=_refuse_constant)


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON text, refusing duplicate keys, lone surrogates, NaN/Infinity, bad UTF-8.

    Raises :class:`InvalidJSON` (:class:`AmbiguousJSON` for a duplicate key) with the JSON
    path of the first problem; ``RecursionError`` propagates for the caller's depth policy.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidJSON("not JSON", [Problem("$", f"not UTF-8: {exc.reason}")]) from exc
    try:
        value = _STRICT.decode(text)
    except _DuplicateKey:
        where, key = next(_duplicates(_MARKING.decode(text)))
        raise AmbiguousJSON(
            "ambiguous JSON",
            [Problem(where + json_step(key), f"the key {key!r} appears twice in one object")],
        ) from None
    except ValueError as exc:
        raise InvalidJSON("not JSON", [Problem("$", str(exc)[:200])]) from exc
    if ("\\u" in text or not text.isascii()) and _SURROGATE_HINT.search(text):
        lone = next(_lone_surrogates(value), None)
        if lone is not None:
            raise InvalidJSON(
                "not JSON text", [Problem(lone, "a lone UTF-16 surrogate is not a character")]
            )
    return value


def _walk(value: Any) -> Iterator[tuple[Any, str]]:
    stack: list[tuple[Any, str]] = [(value, "$")]
    while stack:
        item, where = stack.pop()
        yield item, where
        if isinstance(item, dict):
            stack.extend((v, where + json_step(k)) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(item))))


def _duplicates(value: Any) -> Iterator[tuple[str, str]]:
    for item, where in _walk(value):
        if isinstance(item, _Duplicated):
            yield where, item.duplicate


def _lone_surrogates(value: Any) -> Iterator[str]:
    for item, where in _walk(value):
        if isinstance(item, str) and _SURROGATE.search(item):
            yield where
        elif isinstance(item, dict):
            for key in item:
                if _SURROGATE.search(key):
                    yield where + json_step(key)
