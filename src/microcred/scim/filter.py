"""The SCIM filter language (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).

:func:`filter_parse` turns ``userName eq "ana" and (emails co "@x.example" or active eq true)``
into a small tree; :func:`filter_render` writes a tree back as text (parse∘render is the
identity, which the property tests check); :func:`filter_match` evaluates a tree against a
JSON object (used for ``emails[type eq "work"]`` in PATCH paths). Precedence: ``not`` binds
tighter than ``and``, which binds tighter than ``or``. Attribute names are case-insensitive.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Union

COMPARE_OPS = frozenset({"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"})
MAX_FILTER_LENGTH = 2_000
MAX_DEPTH = 32


class FilterError(ValueError):
    """The text is not a valid filter or path (SCIM ``invalidFilter`` / ``invalidPath``)."""


@dataclass(frozen=True)
class AttrPath:
    """``[urn:...:]name[.sub]``; ``schema`` is the URN prefix if one was written."""

    name: str
    sub: str | None = None
    schema: str | None = None

    def render(self) -> str:
        text = f"{self.schema}:{self.name}" if self.schema else self.name
        return f"{text}.{self.sub}" if self.sub else text


@dataclass(frozen=True)
class Compare:
    attr: AttrPath
    op: str  # one of COMPARE_OPS, or "pr"
    value: Any = None  # str | int | float | bool | None


@dataclass(frozen=True)
class And:
    left: Filter
    right: Filter


@dataclass(frozen=True)
class Or:
    left: Filter
    right: Filter


@dataclass(frozen=True)
class Not:
    inner: Filter


@dataclass(frozen=True)
class ValuePath:
    """``emails[type eq "work"]``: elements of a multi-valued attribute matching ``filter``."""

    attr: AttrPath
    filter: Filter


Filter = Union[Compare, And, Or, Not, ValuePath]  # noqa: UP007 - a runtime alias


@dataclass(frozen=True)
class PatchPath:
    """A PATCH ``path``: ``attr``, ``attr.sub``, ``attr[filter]`` or ``attr[filter].sub``."""

    attr: AttrPath
    value_filter: Filter | None = None
    sub: str | None = None  # after the brackets


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<punct>[()\[\]])
      | (?P<word>[A-Za-z0-9_:.$+\-]+)
    )""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$")
_NAME = re.compile(r"^\$?[A-Za-z][A-Za-z0-9_\-$]*$")


def _tokens(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(f"The filter is longer than {MAX_FILTER_LENGTH} characters.")
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise FilterError(f"Unexpected character at position {position}: {text[position]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def attr_path_parse(text: str) -> AttrPath:
    """``urn:ietf:params:scim:schemas:core:2.0:User:name.givenName`` → parts."""
    schema = None
    rest = text
    if text.lower().startswith("urn:"):
        schema, _sep, rest = text.rpartition(":")
        if not schema or not rest:
            raise FilterError(f"Not an attribute path: {text!r}")
    name, _dot, sub = rest.partition(".")
    if not _NAME.match(name) or (sub and not _NAME.match(sub)):
        raise FilterError(f"Not an attribute path: {text!r}")
    return AttrPath(name=name, sub=sub or None, schema=schema)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FilterError("The filter ends too early.")
        self.position += 1
        return token

    def expect(self, value: str) -> None:
        _kind, text = self.take()
        if text != value:
            raise FilterError(f"Expected {value!r}, found {text!r}.")

    def keyword(self, *words: str) -> str | None:
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() in words:
            self.position += 1
            return token[1].lower()
        return None

    def parse_or(self) -> Filter:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterError("The filter is nested too deeply.")
        node = self.parse_and()
        while self.keyword("or"):
            node = Or(node, self.parse_and())
        self.depth -= 1
        return node

    def parse_and(self) -> Filter:
        node = self.parse_unary()
        while self.keyword("and"):
            node = And(node, self.parse_unary())
        return node

    def parse_unary(self) -> Filter:
        if self.keyword("not"):
            self.expect("(")
            inner = self.parse_or()
            self.expect(")")
            return Not(inner)
        token = self.peek()
        if token == ("punct", "("):
            self.take()
            inner = self.parse_or()
            self.expect(")")
            return inner
        return self.parse_attr_expression()

    def parse_attr_expression(self) -> Filter:
        kind, text = self.take()
        if kind != "word":
            raise FilterError(f"Expected an attribute name, found {text!r}.")
        attr = attr_path_parse(text)
        if self.peek() == ("punct", "["):
            self.take()
            if attr.sub:
                raise FilterError(f"A value filter follows a plain attribute, not {text!r}.")
            inner = self.parse_or()
            self.expect("]")
            return ValuePath(attr, inner)
        operator = self.keyword("pr", *COMPARE_OPS)
        if operator is None:
            found = self.peek()
            raise FilterError(
                f"Expected an operator after {text!r}, found {found[1] if found else 'nothing'!r}."
            )
        if operator == "pr":
            return Compare(attr, "pr")
        return Compare(attr, operator, self.parse_value())

    def parse_value(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            try:
                return json.loads(text)
            except ValueError as exc:
                raise FilterError(f"Not a valid string: {text}") from exc
        lowered = text.lower()
        if kind == "word" and lowered in {"true", "false", "null"}:
            return {"true": True, "false": False, "null": None}[lowered]
        if kind == "word" and _NUMBER.match(text):
            return json.loads(text)
        raise FilterError(
            f"Expected a value (a quoted string, number, true, false or null): {text!r}"
        )


def filter_parse(text: str) -> Filter:
    parser = _Parser(text)
    if not parser.tokens:
        raise FilterError("The filter is empty.")
    node = parser.parse_or()
    if parser.peek() is not None:
        raise FilterError(f"Unexpected {parser.peek()[1]!r} after the filter.")  # type: ignore[index]
    return node


def patch_path_parse(text: str) -> PatchPath:
    """A PATCH operation's ``path`` (RFC 7644 §3.5.2: ``attrPath`` or ``valuePath[.subAttr]``)."""
    text = text.strip()
    if "[" not in text:
        return PatchPath(attr_path_parse(text))
    head, _bracket, rest = text.partition("[")
    inner, close, tail = rest.rpartition("]")
    if not close:
        raise FilterError(f"A '[' without ']' in the path {text!r}.")
    attr = attr_path_parse(head)
    if attr.sub:
        raise FilterError(f"A value filter follows a plain attribute, not {head!r}.")
    sub = None
    if tail:
        if not tail.startswith(".") or not _NAME.match(tail[1:]):
            raise FilterError(f"Unexpected {tail!r} after the value filter.")
        sub = tail[1:]
    return PatchPath(attr, filter_parse(inner), sub)


# --------------------------------------------------------------------------- rendering


def _render_value(value: Any) -> str:
    return json.dumps(value)


def filter_render(node: Filter) -> str:
    """Text that parses back to ``node`` (fully parenthesised where precedence needs it)."""
    if isinstance(node, Compare):
        if node.op == "pr":
            return f"{node.attr.render()} pr"
        return f"{node.attr.render()} {node.op} {_render_value(node.value)}"
    if isinstance(node, ValuePath):
        return f"{node.attr.render()}[{filter_render(node.filter)}]"
    if isinstance(node, Not):
        return f"not ({filter_render(node.inner)})"
    if isinstance(node, And):
        return f"{_operand(node.left, And, left=True)} and {_operand(node.right, And)}"
    return f"{_operand(node.left, Or, left=True)} or {_operand(node.right, Or)}"


def _operand(node: Filter, parent: type, *, left: bool = False) -> str:
    text = filter_render(node)
    if isinstance(node, Or) and parent is And:
        return f"({text})"
    if isinstance(node, parent) and not left:  # keep the tree's left association
        return f"({text})"
    return text


# --------------------------------------------------------------------------- matching


def _get(obj: Any, name: str) -> Any:
    if not isinstance(obj, dict):
        return None
    for key, value in obj.items():
        if key.lower() == name.lower():
            return value
    return None


def _values(obj: dict[str, Any], attr: AttrPath) -> list[Any]:
    value = _get(obj, attr.name)
    items = value if isinstance(value, list) else [value]
    if attr.sub:
        items = [_get(item, attr.sub) for item in items]
    elif any(isinstance(item, dict) for item in items):
        items = [_get(item, "value") for item in items]  # "emails eq x" means emails.value
    return [item for item in items if item is not None]


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if isinstance(actual, str) and isinstance(expected, str):
        actual, expected = actual.lower(), expected.lower()
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if isinstance(actual, str) and isinstance(expected, str):
        if op == "co":
            return expected in actual
        if op == "sw":
            return actual.startswith(expected)
        if op == "ew":
            return actual.endswith(expected)
    if type(actual) is type(expected) and not isinstance(actual, bool | dict | list):
        try:
            return bool(
                {
                    "gt": actual > expected,
                    "ge": actual >= expected,
                    "lt": actual < expected,
                    "le": actual <= expected,
                }.get(op, False)
            )
        except TypeError:
            return False
    return False


def filter_match(node: Filter, obj: dict[str, Any]) -> bool:
    """Whether the JSON object ``obj`` matches (string comparisons ignore case)."""
    if isinstance(node, And):
        return filter_match(node.left, obj) and filter_match(node.right, obj)
    if isinstance(node, Or):
        return filter_match(node.left, obj) or filter_match(node.right, obj)
    if isinstance(node, Not):
        return not filter_match(node.inner, obj)
    if isinstance(node, ValuePath):
        items = _get(obj, node.attr.name)
        return any(
            filter_match(node.filter, item)
            for item in (items if isinstance(items, list) else [items])
            if isinstance(item, dict)
        )
    values = _values(obj, node.attr)
    if node.op == "pr":
        return any(v not in ("", [], {}) for v in values)
    if node.op == "ne":
        return all(_compare(v, "ne", node.value) for v in values)
    return any(_compare(v, node.op, node.value) for v in values)
