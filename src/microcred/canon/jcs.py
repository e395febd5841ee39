"""JCS: the JSON Canonicalization Scheme (RFC 8785).

``canonicalize_json(value)`` serializes a JSON value (``dict`` with ``str`` keys, ``list`` or
``tuple``, ``str``, ``int``, ``float``, ``bool``, ``None``) to its canonical UTF-8 bytes:

* no whitespace; object members sorted by their names' UTF-16 code units;
* strings with the minimal escaping of ECMAScript ``JSON.stringify``: ``\\"``, ``\\\\``,
  ``\\b \\t \\n \\f \\r``, other controls below U+0020 as ``\\u00xx`` (lowercase hex); every
  other character as itself in UTF-8;
* numbers as ECMAScript ``Number.prototype.toString`` writes IEEE-754 doubles
  (``1e+21``, ``1e-7``, ``0.000001``, ``-0`` → ``0``).

Decisions:

* Python ``int`` values are exact integers; JSON numbers are IEEE doubles (I-JSON, RFC 7493).
  Integers within ±2**53 are written in full. A larger ``int`` is written as ECMAScript writes
  the nearest double (``29736767672783630``, ``1e+23``) **only if that text denotes exactly
  the same integer**; otherwise (``2**53 + 1``, ``2**60``) it is refused rather than silently
  changed. ``json.loads`` of canonical output therefore always canonicalizes again, to the
  same bytes.
* NaN and ±Infinity, lone surrogates, non-``str`` keys and other Python types are refused with
  :class:`~microcred.errors.InvalidJSON`, whose problem names the JSON path
  (e.g. ``$.credentialSubject.score[2]``).
* Nesting deeper than :data:`MAX_DEPTH` raises :class:`~microcred.errors.LimitExceeded`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from microcred.errors import InvalidJSON, LimitExceeded, Problem

__all__ = ["MAX_DEPTH", "MAX_SAFE_INTEGER", "canonicalize_json"]

MAX_DEPTH = 200
MAX_SAFE_INTEGER = 2**53

_ESCAPE = re.compile(r'[\x00-\x1f"\\]')
_ESCAPES = {chr(c): f"\\u{c:04x}" for c in range(0x20)}
_ESCAPES.update({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"})
_ESCAPES.update({'"': '\\"', "\\": "\\\\"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def _child_path(path: str, key: str) -> str:
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{escaped}']"


def _string(text: str, path: str) -> str:
    if _SURROGATE.search(text) is not None:
        raise InvalidJSON(
            "not canonical JSON", [Problem(path, "string holds a lone surrogate (not Unicode)")]
        )
    if _ESCAPE.search(text) is None:
        return f'"{text}"'
    return '"' + _ESCAPE.sub(lambda m: _ESCAPES[m.group()], text) + '"'


def _number(value: float) -> str:
    """ECMAScript Number::toString for a finite double (ECMA-262 §6.1.6.1.20)."""
    if value == 0:
        return "0"  # also -0
    sign = "-" if value < 0 else ""
    # repr() gives the shortest digits that round-trip, nearest to the value: the same
    # digits ECMAScript chooses. Only the layout differs.
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    if fraction == "0":
        fraction = ""
    digits = (whole + fraction).lstrip("0")
    # value = 0.<digits> * 10**point, i.e. the decimal point sits after `point` digits
    point = len(whole) + (int(exponent) if exponent else 0)
    if whole == "0":  # 0.000ddd: leading zeros of the fraction move the point left
        point -= len(fraction) - len(fraction.lstrip("0")) + 1
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    e = point - 1
    exp = f"e+{e}" if e >= 0 else f"e-{-e}"
    if k == 1:
        return sign + digits + exp
    return sign + digits[0] + "." + digits[1:] + exp


def _large_integer(value: int, path: str) -> str:
    try:
        text = _number(float(value))
    except OverflowError:
        text = ""
    if not text or Decimal(text) != value:
        shown = str(value) if value.bit_length() <= 128 else f"of {value.bit_length()} bits"
        raise InvalidJSON(
            "not canonical JSON",
            [Problem(path, f"integer {shown} would change when written as a JSON number")],
        )
    return text


def _serialize(value: object, path: str, depth: int, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value, path))
    elif isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            out.append(str(int(value)))
        else:
            out.append(_large_integer(value, path))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidJSON(
                "not canonical JSON", [Problem(path, f"{value!r} is not a JSON number")]
            )
        out.append(_number(value))
    elif isinstance(value, dict):
        if depth >= MAX_DEPTH:
            raise LimitExceeded("JSON too deep", [Problem(path, f"nested over {MAX_DEPTH}")])
        for key in value:
            if not isinstance(key, str):
                raise InvalidJSON(
                    "not canonical JSON",
                    [Problem(path, f"object key {key!r} is not a string")],
                )
        out.append("{")
        first = True
        for key in sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass")):
            if not first:
                out.append(",")
            first = False
            child = _child_path(path, key)
            out.append(_string(key, child))
            out.append(":")
            _serialize(value[key], child, depth + 1, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        if depth >= MAX_DEPTH:
            raise LimitExceeded("JSON too deep", [Problem(path, f"nested over {MAX_DEPTH}")])
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _serialize(item, f"{path}[{index}]", depth + 1, out)
        out.append("]")
    else:
        raise InvalidJSON(
            "not canonical JSON",
            [Problem(path, f"a {type(value).__name__} is not a JSON value")],
        )


def canonicalize_json(value: object) -> bytes:
    """The RFC 8785 canonical form of ``value``, as UTF-8 bytes."""
    out: list[str] = []
    _serialize(value, "$", 0, out)
    return "".join(out).encode("utf-8")
