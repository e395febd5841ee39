"""The small declarative machinery behind every wire model.

Each model is a frozen dataclass that lists its JSON properties as :class:`F` entries (JSON
name, attribute name, kind, required). :class:`Model` turns that list into ``from_json`` —
which collects EVERY problem with its JSON path instead of stopping at the first — and
``to_json``, which emits the properties in the listed order and keeps unknown properties
(``extra``) untouched so nothing is lost on a round trip.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar, Self

from microcred.errors import InvalidCredential, LimitExceeded, Problem

MAX_DOCUMENT_BYTES = 1_000_000
MAX_DEPTH = 64
MAX_ITEMS = 100_000

_DATETIME = re.compile(
    r"^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"
)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def child(path: str, key: str | int) -> str:
    """The JSON path of ``key`` below ``path``: ``$.a.b``, ``$.a[0]``, ``$['@context']``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return f"{path}.{key}"
    return f"{path}[{key!r}]"


def is_uri(value: object) -> bool:
    """True for an absolute URI (a scheme, then no whitespace or forbidden characters)."""
    return isinstance(value, str) and len(value) < 8192 and bool(_URI.match(value))


def parse_datetime(value: str) -> datetime:
    """Parse an XML Schema ``dateTime``; a value without a time zone is read as UTC.

    Raises ``ValueError`` for anything else (including out-of-range fields).
    """
    match = _DATETIME.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not an XML Schema dateTime (e.g. 2024-01-01T00:00:00Z)")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if year.startswith("-") or len(year) > 4:
        raise ValueError(f"{value!r}: year {year} is outside 0001-9999")
    tz: timezone = UTC
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 14 or minutes > 59:
            raise ValueError(f"{value!r}: time zone offset {zone} is out of range")
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    hour_value = int(hour)
    extra_day = hour_value == 24 and minute == "00" and second == "00" and not micro
    if extra_day:
        hour_value = 0
    parsed = datetime(
        int(year), int(month), int(day), hour_value, int(minute), int(second), micro, tzinfo=tz
    )
    return parsed + timedelta(days=1) if extra_day else parsed


def check_limits(obj: object, *, max_depth: int = MAX_DEPTH, max_items: int = MAX_ITEMS) -> None:
    """Refuse documents nested deeper than ``max_depth`` or holding more than ``max_items`` values.

    Iterative, so hostile nesting cannot exhaust the Python stack.
    """
    if _plain_within_limits(obj, max_depth, max_items):
        return
    stack: list[tuple[object, int]] = [(obj, 1)]
    seen = 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if seen > max_items:
            raise LimitExceeded(
                "document refused", [Problem("$", f"more than {max_items} JSON values")]
            )
        if depth > max_depth:
            raise LimitExceeded(
                "document refused", [Problem("$", f"nested deeper than {max_depth} levels")]
            )
        if isinstance(value, Mapping):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list | tuple):
            stack.extend((item, depth + 1) for item in value)


_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain_within_limits(obj: object, max_depth: int, max_items: int) -> bool:
    """True when ``obj`` is plain JSON data (exact dict / list / scalars) within the limits:
    the common case, walked level by level without the general loop's bookkeeping. False
    means "let the general loop decide" (it raises, or accepts other containers)."""
    if max_depth < 1 or max_items < 1:
        return False
    seen = 1
    depth = 1
    level: list[Any] = [obj]
    scalars = _PLAIN_SCALARS
    while level:
        below: list[Any] = []
        for value in level:
            cls = value.__class__
            if cls is dict:
                items: Any = value.values()
            elif cls is list:
                items = value
            elif cls in scalars:
                continue
            else:
                return False
            if items:
                if depth >= max_depth:
                    return False
                seen += len(items)
                below.extend(items)
        if seen > max_items:
            return False
        level = below
        depth += 1
    return True


# --------------------------------------------------------------------------------------------
# Field kinds: parse(value, path, problems) -> python value, emit(python value) -> JSON value
# --------------------------------------------------------------------------------------------


class Kind(ABC):
    """How one property is read from JSON and written back."""

    __slots__ = ()

    @abstractmethod
    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        """Return the Python value, appending a Problem for anything wrong."""

    def emit(self, value: Any) -> Any:
        return value


class _Str(Kind):
    __slots__ = ()

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, str):
            problems.append(Problem(path, f"must be a string, not {_json_kind(value)}"))
            return None
        return value


class _Uri(Kind):
    __slots__ = ()

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, str):
            problems.append(Problem(path, f"must be a URI string, not {_json_kind(value)}"))
            return None
        if not is_uri(value):
            problems.append(Problem(path, f"{_short(value)} is not an absolute URI"))
            return None
        return value


class _DateTime(Kind):
    __slots__ = ()

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, str):
            problems.append(Problem(path, f"must be a dateTime string, not {_json_kind(value)}"))
            return None
        try:
            parse_datetime(value)
        except ValueError as exc:
            problems.append(Problem(path, str(exc)))
            return None
        return value


class _Number(Kind):
    __slots__ = ("integer", "maximum", "minimum")

    def __init__(
        self, *, integer: bool = False, minimum: float | None = None, maximum: float | None = None
    ) -> None:
        self.integer = integer
        self.minimum = minimum
        self.maximum = maximum

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        wanted = (int,) if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, wanted):
            what = "an integer" if self.integer else "a number"
            problems.append(Problem(path, f"must be {what}, not {_json_kind(value)}"))
            return None
        if self.minimum is not None and value < self.minimum:
            problems.append(Problem(path, f"must be at least {self.minimum:g}"))
            return None
        if self.maximum is not None and value > self.maximum:
            problems.append(Problem(path, f"must be at most {self.maximum:g}"))
            return None
        return value


class _Bool(Kind):
    __slots__ = ()

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, bool):
            problems.append(Problem(path, f"must be true or false, not {_json_kind(value)}"))
            return None
        return value


class _Raw(Kind):
    """Any JSON value, kept as given (used for properties the model does not interpret)."""

    __slots__ = ()

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        return value


@dataclass(frozen=True, slots=True)
class LangText:
    """A multilingual string as VC DM 2.0 allows it: a plain string, a language map
    ``{"en": ..., "de": ...}``, a language value object ``{"@value": ..., "@language": "ar",
    "@direction": "rtl"}``, or an array of strings and value objects.

    ``to_json`` emits whichever form was given.
    """

    value: str | Mapping[str, Any] | list[Any]

    def _items(self) -> list[tuple[str | None, str, str | None]]:
        """(language, text, direction) of each text, in the given order."""
        value = self.value
        if isinstance(value, str):
            return [(None, value, None)]
        if isinstance(value, Mapping) and "@value" in value:
            return [_value_object_item(value)]
        if isinstance(value, Mapping):
            return [(lang, text, None) for lang, text in value.items()]
        return [(None, v, None) if isinstance(v, str) else _value_object_item(v) for v in value]

    def _pick(self, language: str | None) -> tuple[str | None, str, str | None]:
        items = self._items()
        for wanted in (language, "en"):
            if wanted:
                for item in items:
                    if item[0] is not None and item[0].lower() == wanted.lower():
                        return item
        return items[0] if items else (None, "", None)

    def text(self, language: str | None = None) -> str:
        """The text in ``language`` (falling back to English, then to the first given)."""
        return self._pick(language)[1]

    def direction(self, language: str | None = None) -> str | None:
        """The base direction (``ltr`` / ``rtl``) of :meth:`text`, when one is given."""
        return self._pick(language)[2]

    def __str__(self) -> str:
        return self.text()


_VALUE_OBJECT_KEYS = frozenset({"@value", "@language", "@direction"})


def _value_object_item(value: Mapping[str, Any]) -> tuple[str | None, str, str | None]:
    return (value.get("@language"), value["@value"], value.get("@direction"))


def _value_object_problems(value: Mapping[str, Any], path: str) -> list[Problem]:
    problems: list[Problem] = []
    extra = sorted(str(k) for k in value if k not in _VALUE_OBJECT_KEYS)
    if extra:
        problems.append(Problem(path, f"a language value object cannot have {', '.join(extra)}"))
    if not isinstance(value.get("@value"), str):
        problems.append(Problem(child(path, "@value"), "must be a string"))
    language = value.get("@language")
    if "@language" in value and (not isinstance(language, str) or not _LANG.match(language)):
        problems.append(
            Problem(child(path, "@language"), f"{_short(language)} is not a language tag")
        )
    if "@direction" in value and value["@direction"] not in ("ltr", "rtl"):
        problems.append(
            Problem(
                child(path, "@direction"),
                f"must be 'ltr' or 'rtl', not {_short(value['@direction'])}",
            )
        )
    return problems


class _Lang(Kind):
    __slots__ = ()

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if isinstance(value, str):
            return LangText(value)
        if isinstance(value, Mapping) and "@value" in value:
            found = _value_object_problems(value, path)
            problems.extend(found)
            return None if found else LangText(dict(value))
        if isinstance(value, list) and value:
            found = []
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    found.extend(_value_object_problems(item, child(path, index)))
                elif not isinstance(item, str):
                    found.append(
                        Problem(
                            child(path, index),
                            f"must be a string or a language value object, not {_json_kind(item)}",
                        )
                    )
            problems.extend(found)
            return (
                None if found else LangText([v if isinstance(v, str) else dict(v) for v in value])
            )
        if isinstance(value, Mapping) and value:
            ok = True
            for lang, text in value.items():
                if not isinstance(lang, str) or not _LANG.match(lang):
                    problems.append(Problem(path, f"{_short(lang)} is not a language tag"))
                    ok = False
                elif not isinstance(text, str):
                    problems.append(Problem(child(path, lang), "must be a string"))
                    ok = False
            return LangText(dict(value)) if ok else None
        problems.append(
            Problem(
                path,
                "must be a string, a language value object, an array of them or a language map,"
                f" not {_json_kind(value)}",
            )
        )
        return None

    def emit(self, value: Any) -> Any:
        if isinstance(value.value, Mapping):
            return dict(value.value)
        if isinstance(value.value, list):
            return [v if isinstance(v, str) else dict(v) for v in value.value]
        return value.value


class Types(Kind):
    """A ``type`` value: a string or an array of strings that must include one of ``accepted``.

    Emitted as an array.
    """

    __slots__ = ("accepted", "also", "single")

    def __init__(self, *accepted: str, also: str | None = None, single: bool = False) -> None:
        self.accepted = accepted
        self.also = also
        self.single = single  # the schema wants one string here (IdentityObject)

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(t, str) for t in items):
            problems.append(Problem(path, "must be a type name or a non-empty array of them"))
            return None
        if self.accepted and not any(t in self.accepted for t in items):
            wanted = " or ".join(repr(a) for a in self.accepted)
            problems.append(Problem(path, f"{_short(value)} does not include {wanted}"))
            return None
        if self.also and self.also not in items:
            problems.append(Problem(path, f"{_short(value)} does not include {self.also!r}"))
            return None
        return tuple(items)

    def emit(self, value: Any) -> Any:
        return value[0] if self.single and len(value) == 1 else list(value)


class Obj(Kind):
    """An embedded model object."""

    __slots__ = ("model",)

    def __init__(self, model: type[Model]) -> None:
        self.model = model

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, Mapping):
            problems.append(Problem(path, f"must be an object, not {_json_kind(value)}"))
            return None
        return self.model.parse(value, path, problems)

    def emit(self, value: Any) -> Any:
        return value.to_json()


class UriOr(Kind):
    """Either a URI string (kept as ``str``) or an embedded model object."""

    __slots__ = ("model",)

    def __init__(self, model: type[Model]) -> None:
        self.model = model

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if isinstance(value, str):
            return URI.parse(value, path, problems)
        if isinstance(value, Mapping):
            return self.model.parse(value, path, problems)
        problems.append(Problem(path, f"must be a URI or an object, not {_json_kind(value)}"))
        return None

    def emit(self, value: Any) -> Any:
        return value if isinstance(value, str) else value.to_json()


class Many(Kind):
    """One value or an array of values of ``inner``; parsed to a tuple, emitted as an array."""

    __slots__ = ("inner",)

    def __init__(self, inner: Kind) -> None:
        self.inner = inner

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        if not isinstance(value, list):
            parsed = self.inner.parse(value, path, problems)
            return None if parsed is None else (parsed,)
        out = []
        for index, item in enumerate(value):
            parsed = self.inner.parse(item, child(path, index), problems)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    def emit(self, value: Any) -> Any:
        return [self.inner.emit(item) for item in value]


STR: Kind = _Str()
URI: Kind = _Uri()
DATETIME: Kind = _DateTime()
LANG: Kind = _Lang()
NUMBER: Kind = _Number()
INTEGER: Kind = _Number(integer=True)
BOOL: Kind = _Bool()
RAW: Kind = _Raw()


def number(
    *, integer: bool = False, minimum: float | None = None, maximum: float | None = None
) -> Kind:
    return _Number(integer=integer, minimum=minimum, maximum=maximum)


@dataclass(frozen=True, slots=True)
class F:
    """One JSON property of a model."""

    json: str
    attr: str
    kind: Kind
    required: bool = False


# --------------------------------------------------------------------------------------------


class Model:
    """Base of every wire model (a frozen, slotted dataclass with a ``FIELDS`` spec)."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[F, ...]] = ()
    #: extra whole-object checks, run after the fields parsed: (obj, path, problems) -> None
    CHECKS: ClassVar[tuple[Callable[[Mapping[str, Any], str, list[Problem]], None], ...]] = ()

    @classmethod
    def from_json(cls, obj: object, path: str = "$") -> Self:
        """Validate ``obj`` and build the model; raise :class:`InvalidCredential` listing
        every problem with its JSON path, or :class:`LimitExceeded` for hostile sizes."""
        check_limits(obj)
        return cls._from_checked_json(obj, path)

    @classmethod
    def _from_checked_json(cls, obj: object, path: str = "$") -> Self:
        """:meth:`from_json` for an ``obj`` that already passed :func:`check_limits`."""
        problems: list[Problem] = []
        if not isinstance(obj, Mapping):
            problems.append(Problem(path, f"must be a JSON object, not {_json_kind(obj)}"))
            raise InvalidCredential(f"not a valid {cls.__name__}", problems)
        model = cls.parse(obj, path, problems)
        if problems or model is None:
            raise InvalidCredential(f"not a valid {cls.__name__}", problems)
        return model

    @classmethod
    def parse(cls, obj: Mapping[str, Any], path: str, problems: list[Problem]) -> Self | None:
        """Parse into the model, appending problems; None when a required part is unusable."""
        values: dict[str, Any] = {}
        known = set()
        before = len(problems)
        for spec in cls.FIELDS:
            known.add(spec.json)
            if spec.json not in obj or obj[spec.json] is None:
                if spec.required:
                    problems.append(Problem(child(path, spec.json), "is required"))
                continue
            parsed = spec.kind.parse(obj[spec.json], child(path, spec.json), problems)
            if parsed is not None:
                values[spec.attr] = parsed
        for check in cls.CHECKS:
            check(obj, path, problems)
        values["extra"] = {k: v for k, v in obj.items() if k not in known}
        if len(problems) > before:
            return None
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """The JSON object, properties in spec order, unknown properties kept at the end."""
        out: dict[str, Any] = {}
        for spec in self.FIELDS:
            value = getattr(self, spec.attr)
            if value is None or value == ():
                continue
            out[spec.json] = spec.kind.emit(value)
        extra: Mapping[str, Any] = getattr(self, "extra", {})
        for key, value in extra.items():
            out.setdefault(key, value)
        return out


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "an array"
    return type(value).__name__


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
