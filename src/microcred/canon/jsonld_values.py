"""Value helpers shared by both JSON-LD paths: the canonical xsd:double lexical form JSON-LD →
RDF produces (``5.3E0``), and the test for values that differ only in ``@direction``."""

from __future__ import annotations

import re

__all__ = ["DIRECTION_MERGE", "canonical_double", "direction_merge"]

DIRECTION_MERGE = (
    "values that differ only in @direction: JSON-LD processors (jsonld.js, pyld) keep the first"
    " and drop the others, so they would not be signed"
)

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


def direction_merge(values: list[object]) -> bool:
    """True when two of a property's ``values`` differ only in ``@direction``.

    jsonld.js and pyld compare values by ``@value``, ``@type``, ``@language`` (and ``@index``)
    when they build the node map, so ``"a"`` and ``{"@value": "a", "@direction": "ltr"}``
    become one value there: what the second says would not be in the signed data."""
    directed = nested = False
    for item in values:  # one pass: this runs on the hot path for every multi-valued property
        cls = item.__class__
        if cls is dict:
            directed = directed or "@direction" in item  # type: ignore[operator]
        elif cls is list:
            nested = True
    if nested:
        values = _flat(values)
        directed = any(isinstance(v, dict) and "@direction" in v for v in values)
    if not directed:
        return False
    seen: dict[tuple[object, object, object], object] = {}
    for value in values:
        if value.__class__ is str:
            key: tuple[object, object, object] = (value, None, None)
            direction: object = None
        elif isinstance(value, dict) and "@value" in value:
            raw, language = value["@value"], value.get("@language")
            if not isinstance(raw, str | int | float | bool):
                continue
            lowered = language.lower() if isinstance(language, str) else language
            key, direction = (raw, value.get("@type"), lowered), value.get("@direction")
        else:
            continue
        try:
            previous = seen.setdefault(key, direction)
        except TypeError:  # an unhashable @type or @language: not a value JSON-LD accepts
            continue
        if previous != direction:
            return True
    return False


def _flat(values: list[object]) -> list[object]:
    out: list[object] = []
    for value in values:
        if isinstance(value, list):
            out.extend(_flat(value))
        else:
            out.append(value)
    return out
