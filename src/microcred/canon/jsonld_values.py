"""The canonical xsd:double lexical form JSON-LD → RDF produces (``5.3E0``)."""

from __future__ import annotations

import re

__all__ = ["canonical_double"]

_DOUBLE = re.compile(r"(\d)0*E\+?(-)?0*(\d)")


_DOUBLES: dict[float, str] = {}


def canonical_double(value: float) -> str:
    """Canonical lexical form of an xsd:double as JSON-LD 1.1 produces it (``5.3E0``)."""
    text = _DOUBLES.get(value)
    if text is None or value == 0:
        text = _DOUBLE.sub(r"\1E\2\3", f"{value:1.15E}")
        if len(_DOUBLES) >= 1024:
            _DOUBLES.clear()
        _DOUBLES[value] = text
    return text
