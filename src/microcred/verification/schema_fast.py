"""A compiled yes/no JSON Schema check in front of ``jsonschema`` (the verifier's hot path).

``jsonschema`` spends ~2.5 ms on one OB 3.0 credential, mostly in its generic machinery. Most
credentials a verifier sees are valid, so :func:`validate_document` first runs a checker
compiled once per pinned schema into plain closures; only when it says "not valid" does
``jsonschema`` run, and then every reported problem still comes from ``jsonschema``.

The compiler covers the keywords the pinned 2019-09 OB 3.0 schema uses (``type``, ``enum``
of strings, ``pattern``, ``properties``, ``required``, ``additionalProperties``, ``items``
in both forms with ``additionalItems``, ``minItems``, ``contains``, ``allOf``, ``oneOf``,
local ``$ref``; annotations ignored, ``format`` too since the validators assert no format).
A schema with any other keyword is not compiled, and ``jsonschema`` always runs for it.
The differential tests hold the compiled answer equal to ``jsonschema.is_valid``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from microcred import schema as schemas

__all__ = ["compiled_check", "validate_document"]

Checker = Callable[[Any], bool]

_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default"}
)


class _Unsupported(Exception):
    pass


_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain_json(value: Any) -> bool:
    """Only exact dict (str keys) / list / str / int / float / bool / None all the way down?

    The compiled checks test exact classes; on plain JSON that is exactly ``jsonschema``'s
    ``isinstance`` view (and ``bool`` is never a number), so anything else is left to it.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        cls = item.__class__
        if cls is dict:
            for key, member in item.items():
                if key.__class__ is not str:
                    return False
                if member.__class__ not in _PLAIN_SCALARS:
                    stack.append(member)
        elif cls is list:
            for member in item:
                if member.__class__ not in _PLAIN_SCALARS:
                    stack.append(member)
        elif cls not in _PLAIN_SCALARS:
            return False
    return True


def _is_type(value: Any, name: str) -> bool:
    cls = value.__class__
    if name == "string":
        return cls is str
    if name == "object":
        return cls is dict
    if name == "array":
        return cls is list
    if name == "boolean":
        return cls is bool
    if name == "null":
        return value is None
    if name == "number":
        return cls is int or cls is float
    if name == "integer":
        return cls is int or (cls is float and value.is_integer())
    raise _Unsupported(f"type {name!r}")


class _Compiler:
    """Compiles one 2019-09 schema document; ``$ref`` targets are compiled once, lazily."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Checker] = {}

    def ref(self, target: str) -> Checker:
        if target != "#" and not target.startswith("#/$defs/"):
            raise _Unsupported(f"$ref {target!r}")
        compiled = self.refs.get(target)
        if compiled is None:
            node: Any = self.root
            if target != "#":
                node = self.root["$defs"][target[len("#/$defs/") :]]
            table = self.refs
            table[target] = lambda value: table[target](value)  # while compiling (cycles)
            compiled = self.refs[target] = self.compile(node)
        return compiled

    def compile(self, node: Any) -> Checker:
        if node is True:
            return lambda value: True
        if node is False:
            return lambda value: False
        if not isinstance(node, Mapping):
            raise _Unsupported("schema that is not an object or a boolean")
        checks: list[Checker] = []
        for keyword, argument in node.items():
            if keyword in _ANNOTATIONS or keyword == "format":
                continue
            if keyword in ("properties", "additionalProperties", "required"):
                continue  # compiled together below
            if keyword in ("items", "additionalItems"):
                continue
            checks.append(self.keyword(keyword, argument))
        if any(k in node for k in ("properties", "additionalProperties", "required")):
            checks.append(self.object_checks(node))
        if "items" in node:
            checks.append(self.items(node["items"], node.get("additionalItems", True)))
        if len(checks) == 1:
            return checks[0]
        frozen = tuple(checks)
        return lambda value: all(check(value) for check in frozen)

    def keyword(self, keyword: str, argument: Any) -> Checker:
        if keyword == "$ref":
            return self.ref(argument)
        if keyword == "type":
            names = (argument,) if isinstance(argument, str) else tuple(argument)
            for name in names:
                _is_type(None, name)  # refuse unknown names now
            return lambda value: any(_is_type(value, name) for name in names)
        if keyword == "enum":
            if not all(isinstance(member, str) for member in argument):
                raise _Unsupported("enum with members that are not strings")
            members = frozenset(argument)
            return lambda value: value.__class__ is str and value in members
        if keyword == "pattern":
            search = re.compile(argument).search
            return lambda value: value.__class__ is not str or search(value) is not None
        if keyword == "minItems":
            least = int(argument)
            return lambda value: value.__class__ is not list or len(value) >= least
        if keyword == "contains":
            inner = self.compile(argument)
            return lambda value: value.__class__ is not list or any(inner(i) for i in value)
        if keyword in ("allOf", "oneOf"):
            branches = tuple(self.compile(branch) for branch in argument)
            if keyword == "allOf":
                return lambda value: all(branch(value) for branch in branches)
            return lambda value: sum(1 for branch in branches if branch(value)) == 1
        raise _Unsupported(f"keyword {keyword!r}")

    def object_checks(self, node: Mapping[str, Any]) -> Checker:
        properties = {name: self.compile(sub) for name, sub in node.get("properties", {}).items()}
        required = tuple(node.get("required", ()))
        extra = node.get("additionalProperties", True)
        extra_check = None if extra is True else self.compile(extra)

        def check(value: Any) -> bool:
            if value.__class__ is not dict:
                return True
            for name in required:
                if name not in value:
                    return False
            for name, item in value.items():
                sub = properties.get(name)
                if sub is not None:
                    if not sub(item):
                        return False
                elif extra_check is not None and not extra_check(item):
                    return False
            return True

        return check

    def items(self, items: Any, additional: Any) -> Checker:
        if isinstance(items, list):
            positional = tuple(self.compile(sub) for sub in items)
            rest = self.compile(additional)

            def tuple_form(value: Any) -> bool:
                if value.__class__ is not list:
                    return True
                for index, item in enumerate(value):
                    sub = positional[index] if index < len(positional) else rest
                    if not sub(item):
                        return False
                return True

            return tuple_form
        each = self.compile(items)
        return lambda value: value.__class__ is not list or all(each(item) for item in value)


@cache
def compiled_check(name: str) -> Checker | None:
    """The compiled checker of pinned schema ``name``, or None when it cannot be compiled."""
    if schemas.PINNED[name][1] != "2019-09":
        return None
    if schemas._validator(name).format_checker is not None:
        return None  # formats would be asserted: not covered here
    try:
        return _Compiler(schemas.load_schema(name)).ref("#")
    except (_Unsupported, KeyError, TypeError, ValueError, re.error):
        return None


def validate_document(
    document: Mapping[str, Any], schema: str | None = None
) -> schemas.SchemaResult:
    """:func:`microcred.schema.validate_document`, answering valid documents without
    ``jsonschema`` when the schema compiles (same result, same note)."""
    name, note = (schema, schema) if schema is not None else schemas.schema_for(document)
    if name is not None:
        check = compiled_check(name)
        if check is not None:
            instance = dict(document)
            if isinstance(instance.get("proof"), Mapping):
                instance["proof"] = [instance["proof"]]
            try:
                valid = _plain_json(instance) and check(instance)
            except RecursionError:
                valid = False
            if valid:
                return schemas.SchemaResult(name, (), note)
    return schemas.validate_document(document, schema)
