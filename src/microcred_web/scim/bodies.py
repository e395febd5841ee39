"""Checking request bodies against the schema table: names are matched without regard to
case and written back canonically; an attribute we do not know is refused (nothing is
silently dropped); read-only attributes are ignored, as RFC 7643 §2.2 says."""

from __future__ import annotations

from typing import Any

from microcred_web.scim.errors import ScimError, invalid_syntax, invalid_value
from microcred_web.scim.schemas import Attribute, Schema

COMMON = {"schemas": "schemas", "id": "id", "externalid": "externalId", "meta": "meta"}
EXTERNAL_ID = Attribute("externalId", case_exact=True, max_length=254)


def _boolean(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # some identity providers send "False"
    raise invalid_value(f"'{where}' must be true or false.")


def _string(value: Any, attribute: Attribute, where: str) -> str:
    if not isinstance(value, str):
        raise invalid_value(f"'{where}' must be a string.")
    if "\x00" in value:
        raise invalid_value(f"'{where}' contains a NUL character.")
    if len(value) > attribute.max_length:
        raise invalid_value(f"'{where}' is longer than {attribute.max_length} characters.")
    return value


def _single(value: Any, attribute: Attribute, where: str) -> Any:
    if attribute.type == "boolean":
        return _boolean(value, where)
    if attribute.type == "complex":
        if isinstance(value, str) and not attribute.multi_valued and attribute.sub("value"):
            value = {"value": value}  # Entra ID sends the manager as a bare id
        if not isinstance(value, dict):
            raise invalid_value(f"'{where}' must be an object.")
        checked: dict[str, Any] = {}
        for key, item in value.items():
            sub = attribute.sub(key)
            if sub is None:
                raise invalid_syntax(f"Unknown attribute '{where}.{key}'.")
            if sub.mutability == "readOnly" or item is None:
                continue
            checked[sub.name] = _single(item, sub, f"{where}.{sub.name}")
        return checked
    return _string(value, attribute, where)


def value_check(value: Any, attribute: Attribute, where: str) -> Any:
    """``value`` checked against ``attribute`` (None means unassigned)."""
    if value is None:
        return None
    if attribute.multi_valued:
        if not isinstance(value, list):
            raise invalid_value(f"'{where}' must be a list.")
        return [_single(item, attribute, where) for item in value if item is not None]
    return _single(value, attribute, where)


def body_check(document: Any, core: Schema, extensions: tuple[Schema, ...] = ()) -> dict[str, Any]:
    """The body as ``{canonical name: value, extension urn: {name: value}}``."""
    if not isinstance(document, dict):
        raise invalid_syntax("The body must be a JSON object.")
    schemas = document.get("schemas")
    if not isinstance(schemas, list) or core.id not in schemas:
        raise invalid_syntax(f"'schemas' must list {core.id}.")
    known = {core.id, *(ext.id for ext in extensions)}
    strange = [s for s in schemas if s not in known]
    if strange:
        raise invalid_syntax(f"Unknown schema {strange[0]!r} in 'schemas'.")
    checked: dict[str, Any] = {}
    by_urn = {ext.id.lower(): ext for ext in extensions}
    for key, value in document.items():
        lowered = key.lower()
        if lowered in COMMON:
            checked[COMMON[lowered]] = value
        elif lowered in by_urn:
            extension = by_urn[lowered]
            if value is None:
                continue
            if not isinstance(value, dict):
                raise invalid_value(f"'{key}' must be an object.")
            checked[extension.id] = _attributes(value, extension, prefix=f"{extension.id}:")
        else:
            checked.update(_attributes({key: value}, core, prefix=""))
    external_id = checked.get("externalId")
    if external_id is not None:
        _string(external_id, EXTERNAL_ID, "externalId")
    return checked


def _attributes(values: dict[str, Any], schema: Schema, *, prefix: str) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for key, value in values.items():
        if prefix and key.lower() == "schemas":  # an extension object naming its schema
            continue
        attribute = schema.attribute(key)
        if attribute is None:
            raise invalid_syntax(f"Unknown attribute '{prefix}{key}'.")
        if attribute.mutability == "readOnly":
            continue
        checked[attribute.name] = value_check(value, attribute, prefix + attribute.name)
    return checked


def required_check(checked: dict[str, Any], schema: Schema) -> None:
    for attribute in schema.attributes:
        if attribute.required and checked.get(attribute.name) in (None, ""):
            raise ScimError(400, f"'{attribute.name}' is required.", "invalidValue")
