"""Text that arrives in requests must be Unicode that can be stored and sent back.

JSON allows an escaped lone surrogate (``"\\ud800"``) and Python's JSON reader also accepts the
raw bytes ``ED A0 80``; such a string cannot be encoded as UTF-8, so the database, a hash or a
response would fail on it later. These helpers refuse it at the door with an
:class:`ApplicationError` naming the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError

#: any surrogate code point left in a ``str`` is unpaired (pairs decode to one character)
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
#: a JSON escape of a surrogate, the only way one gets into parsed JSON from valid UTF-8
_SURROGATE_ESCAPE: Final = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def holds_unpaired_surrogate(value: Any) -> bool:
    """Whether any string (key or value) in ``value`` holds an unpaired surrogate (fast: no
    paths; :func:`unpaired_surrogate_at` says where)."""
    if value.__class__ is str:
        return _SURROGATE.search(value) is not None
    search = _SURROGATE.search
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        kind = item.__class__
        if kind is str:
            if search(item) is not None:
                return True
        elif kind is dict or isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
    return False


def unpaired_surrogate_at(value: Any, path: str = "$") -> str | None:
    """The path of the first string (key or value) in ``value`` holding an unpaired surrogate."""
    if value is None or not holds_unpaired_surrogate(value):
        return None
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return where
        elif isinstance(item, Mapping):
            for key, child in item.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    return where
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list | tuple):
            stack.extend((child, f"{where}[{index}]") for index, child in enumerate(item))
    return None


def refuse_unpaired_surrogates(value: Any, field: str, code: str = "text_invalid") -> None:
    """Raise a 400 :class:`ApplicationError` if any string in ``value`` is not valid Unicode."""
    where = unpaired_surrogate_at(value, field)
    if where is not None:
        raise ApplicationError(
            code,
            _("%(where)s holds text that is not valid Unicode (an unpaired surrogate).")
            % {"where": where},
            field,
        )


def may_hold_surrogate_escape(body: bytes) -> bool:
    """False when the JSON ``body`` (valid UTF-8) certainly parses to surrogate-free strings."""
    return b"\\u" in body and _SURROGATE_ESCAPE.search(body) is not None


def refuse_escaped_surrogates(text: str | bytes, field: str, code: str = "text_invalid") -> None:
    """If ``text`` is JSON whose strings hold an escaped unpaired surrogate, a 400 naming
    ``field`` (anything that is not JSON is left to the verifier to explain)."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if not may_hold_surrogate_escape(data):
        return
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return
    refuse_unpaired_surrogates(value, field, code)


def shown(text: str) -> str:
    """``text`` fit to send (an unpaired surrogate becomes U+FFFD, the replacement character)."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def utf8_body(body: bytes, field: str = "body") -> str:
    """``body`` decoded as strict UTF-8 (JSON's encoding, RFC 8259), or a 400 naming ``field``."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            "invalid_json",
            _("The body is not UTF-8 text (byte %(at)d).") % {"at": exc.start},
            field,
        ) from exc


__all__ = [
    "holds_unpaired_surrogate",
    "may_hold_surrogate_escape",
    "refuse_escaped_surrogates",
    "refuse_unpaired_surrogates",
    "shown",
    "unpaired_surrogate_at",
    "utf8_body",
]
