"""PATCH (RFC 7644 §3.5.2) applied to a resource's JSON document.

The operations change a copy of the current document; the result is then checked exactly
like a PUT body, so a PATCH can never store what a PUT would refuse, and nothing is written
unless every operation succeeded.
"""

from __future__ import annotations

import copy
from typing import Any

from microcred.scim.filter import (
    And,
    Compare,
    Filter,
    FilterError,
    PatchPath,
    filter_match,
    patch_path_parse,
)
from microcred_web.scim.errors import ScimError, invalid_syntax, invalid_value
from microcred_web.scim.schemas import PATCH_SCHEMA

READ_ONLY = frozenset({"id", "meta", "schemas"})
#: a membership is always either active or not: there is no "unassigned"
NOT_REMOVABLE = frozenset({"active"})


def no_target(detail: str) -> ScimError:
    return ScimError(400, detail, "noTarget")


def _find(container: dict[str, Any], name: str) -> str | None:
    return next((key for key in container if key.lower() == name.lower()), None)


def _set(container: dict[str, Any], name: str, value: Any) -> None:
    existing = _find(container, name)
    if existing is not None:
        del container[existing]
    container[name] = value


def _get(container: dict[str, Any], name: str) -> Any:
    key = _find(container, name)
    return container[key] if key is not None else None


def _container(
    document: dict[str, Any], path: PatchPath, extensions: tuple[str, ...]
) -> dict[str, Any]:
    schema = path.attr.schema
    if schema is None or schema.lower() == str(document["schemas"][0]).lower():
        return document
    urn = next((u for u in extensions if u.lower() == schema.lower()), None)
    if urn is None:
        raise invalid_value(f"Unknown schema in the path: {schema}.")
    inner = _get(document, urn)
    if not isinstance(inner, dict):
        inner = {}
        _set(document, urn, inner)
        if urn not in document["schemas"]:
            document["schemas"].append(urn)
    return inner


def _simple_equalities(node: Filter) -> dict[str, Any] | None:
    """``type eq "work" and primary eq true`` → the element it describes (for add)."""
    if isinstance(node, Compare) and node.op == "eq" and not node.attr.sub:
        return {node.attr.name: node.value}
    if isinstance(node, And):
        left, right = _simple_equalities(node.left), _simple_equalities(node.right)
        if left is not None and right is not None:
            return {**left, **right}
    return None


def _merge(target: Any, value: Any) -> Any:
    """``add``: lists grow (without duplicates), objects merge, anything else is replaced."""
    if isinstance(target, list):
        extra = value if isinstance(value, list) else [value]
        return target + [item for item in extra if item not in target]
    if isinstance(target, dict) and isinstance(value, dict):
        merged = dict(target)
        for key, item in value.items():
            _set(merged, key, item)
        return merged
    return value


def _apply_whole(
    document: dict[str, Any], op: str, value: Any, extensions: tuple[str, ...]
) -> None:
    if not isinstance(value, dict):
        raise invalid_value("An operation without 'path' needs an object as 'value'.")
    for key, item in value.items():
        urn = next((u for u in extensions if u.lower() == key.lower()), None)
        if urn is not None and isinstance(item, dict):
            for sub_key, sub_item in item.items():
                _apply_path(document, op, f"{urn}:{sub_key}", sub_item, extensions)
        else:
            _apply_path(document, op, key, item, extensions)


def _apply_path(
    document: dict[str, Any], op: str, text: str, value: Any, extensions: tuple[str, ...]
) -> None:
    try:
        path = patch_path_parse(text)
    except FilterError as exc:
        raise ScimError(400, f"Invalid path {text!r}: {exc}", "invalidPath") from exc
    urn = next((u for u in extensions if u.lower() == text.strip().lower()), None)
    if urn is not None:  # the whole extension object
        if op == "remove":
            key = _find(document, urn)
            if key is not None:
                del document[key]
        elif op == "replace":
            _set(document, urn, value)
            if urn not in document["schemas"]:
                document["schemas"].append(urn)
        else:
            _apply_whole(document, op, {urn: value}, extensions)
        return
    if path.attr.name.lower() in READ_ONLY and path.attr.schema is None:
        raise ScimError(400, f"'{path.attr.name}' cannot be changed.", "mutability")
    if op == "remove" and path.attr.name.lower() in NOT_REMOVABLE and not path.attr.sub:
        raise ScimError(
            400,
            f"'{path.attr.name}' cannot be removed: replace it with true or false.",
            "mutability",
        )
    container = _container(document, path, extensions)
    if path.value_filter is None:
        _plain(container, op, path, value)
    else:
        _filtered(container, op, path, value)


def _plain(container: dict[str, Any], op: str, path: PatchPath, value: Any) -> None:
    name = path.attr.name
    current = _get(container, name)
    if path.attr.sub is None:
        if op == "remove":
            if isinstance(current, list) and isinstance(value, list):  # remove these values
                gone = [_get(v, "value") if isinstance(v, dict) else v for v in value]
                kept = [c for c in current if not (isinstance(c, dict) and c.get("value") in gone)]
                _set(container, name, kept)
            elif current is not None:
                del container[_find(container, name) or name]
            return
        _set(container, name, _merge(current, value) if op == "add" else value)
        return
    if isinstance(current, list):
        raise ScimError(
            400,
            f"Use {name}[filter].{path.attr.sub} to change one of several values.",
            "invalidPath",
        )
    inner = dict(current) if isinstance(current, dict) else {}
    if op == "remove":
        key = _find(inner, path.attr.sub)
        if key is not None:
            del inner[key]
    else:
        _set(
            inner,
            path.attr.sub,
            _merge(_get(inner, path.attr.sub), value) if op == "add" else value,
        )
    _set(container, name, inner)


def _filtered(container: dict[str, Any], op: str, path: PatchPath, value: Any) -> None:
    assert path.value_filter is not None
    name = path.attr.name
    current = _get(container, name)
    items = list(current) if isinstance(current, list) else []
    matches = [
        i
        for i, item in enumerate(items)
        if isinstance(item, dict) and filter_match(path.value_filter, item)
    ]
    if op == "remove":
        if path.sub is None:
            items = [item for i, item in enumerate(items) if i not in matches]
        else:
            for i in matches:
                items[i] = {k: v for k, v in items[i].items() if k.lower() != path.sub.lower()}
        _set(container, name, items)
        return
    if not matches:
        described = _simple_equalities(path.value_filter) if op == "add" else None
        if described is None:
            raise no_target(f"No value of '{name}' matches the filter.")
        items.append(described)
        matches = [len(items) - 1]
    for i in matches:
        if path.sub is None:
            if not isinstance(value, dict):
                raise invalid_value(f"'{name}' values are objects.")
            items[i] = _merge(items[i], value) if op == "add" else value
        else:
            updated = dict(items[i])
            _set(updated, path.sub, value)
            items[i] = updated
    _set(container, name, items)


def patch_apply(
    document: dict[str, Any], body: Any, extensions: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A new document with every operation of the PatchOp ``body`` applied."""
    if not isinstance(body, dict) or PATCH_SCHEMA not in (body.get("schemas") or []):
        raise invalid_syntax(f"A PATCH body lists the schema {PATCH_SCHEMA}.")
    strange = sorted(set(body) - {"schemas", "Operations"})
    if strange:
        raise invalid_syntax(f"Unknown attribute '{strange[0]}' in the PATCH body.")
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise invalid_syntax("'Operations' must be a non-empty list.")
    result = copy.deepcopy(document)
    result["schemas"] = list(result["schemas"])
    for number, operation in enumerate(operations, start=1):
        if not isinstance(operation, dict):
            raise invalid_syntax(f"Operation {number} is not an object.")
        unknown = sorted(set(operation) - {"op", "path", "value"})
        if unknown:
            raise invalid_syntax(f"Unknown attribute '{unknown[0]}' in operation {number}.")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise invalid_syntax(f"Operation {number}: 'op' must be add, replace or remove.")
        path = operation.get("path")
        if path is None:
            if op == "remove":
                raise no_target(f"Operation {number}: remove needs a 'path'.")
            _apply_whole(result, op, operation.get("value"), extensions)
        elif not isinstance(path, str):
            raise ScimError(400, f"Operation {number}: 'path' must be a string.", "invalidPath")
        else:
            if op != "remove" and "value" not in operation:
                raise invalid_value(f"Operation {number}: {op} needs a 'value'.")
            _apply_path(result, op, path, operation.get("value"), extensions)
    return result
