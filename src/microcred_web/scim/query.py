"""SCIM filters as database queries: one Q object per filter, so paging and counting stay in
the database. Multi-valued attributes (``emails``, ``members``) become sub-queries, so
``emails[type eq "work" and value sw "ana"]`` means one address matching both."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from microcred.scim.filter import (
    And,
    AttrPath,
    Filter,
    FilterError,
    Not,
    Or,
    ValuePath,
    filter_parse,
)
from microcred_web.scim.errors import ScimError
from microcred_web.scim.models import ScimEmail
from microcred_web.scim.schemas import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA

LOOKUPS = {"eq": "iexact", "co": "icontains", "sw": "istartswith", "ew": "iendswith"}
ORDER = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}


def invalid_filter(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidFilter")


@dataclass(frozen=True)
class Field:
    """How one attribute is stored: ``kind`` is text, exact (case-sensitive text), boolean,
    datetime or id (converted by ``convert``; a value that cannot be converted matches no row)."""

    lookup: str
    kind: str = "text"
    convert: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class MultiValued:
    """A multi-valued attribute kept in another table: ``fields`` by sub-attribute, the model
    queried and the column (``link``) pointing back at the resource."""

    queryset: Callable[[], QuerySet[Any]]
    link: str
    fields: dict[str, Field]
    default_sub: str = "value"


def _uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(str(value))


def _int(value: Any) -> int:
    return int(str(value))


USER_FIELDS: dict[str, Field | MultiValued] = {
    "id": Field("public_id", "id", _uuid),
    "externalid": Field("external_id", "exact"),
    "username": Field("user_name"),
    "displayname": Field("display_name"),
    "name.givenname": Field("given_name"),
    "name.familyname": Field("family_name"),
    "active": Field("membership__is_active", "boolean"),
    "employeenumber": Field("employee_number"),
    "department": Field("department"),
    "manager": Field("manager__public_id", "id", _uuid),
    "manager.value": Field("manager__public_id", "id", _uuid),
    "meta.created": Field("created_at", "datetime"),
    "meta.lastmodified": Field("updated_at", "datetime"),
    "emails": MultiValued(
        lambda: ScimEmail.objects.all(),
        "person_id",
        {
            "value": Field("value"),
            "type": Field("type"),
            "primary": Field("primary", "boolean"),
        },
    ),
}


def _members() -> QuerySet[Any]:
    from microcred_web.orgs.models import Team

    return Team.members.through.objects.filter(
        membership__scim_person__isnull=False, membership__scim_person__deleted_at__isnull=True
    )


GROUP_FIELDS: dict[str, Field | MultiValued] = {
    "id": Field("pk", "id", _int),
    "externalid": Field("scim_group__external_id", "exact"),
    "displayname": Field("name"),
    "meta.created": Field("created_at", "datetime"),
    "members": MultiValued(
        _members,
        "team_id",
        {
            "value": Field("membership__scim_person__public_id", "id", _uuid),
            "display": Field("membership__scim_person__display_name"),
        },
    ),
}

SCHEMA_PREFIXES = {
    "users": (USER_SCHEMA.lower(), ENTERPRISE_SCHEMA.lower()),
    "groups": (GROUP_SCHEMA.lower(),),
}


def _key(attr: AttrPath, allowed_schemas: tuple[str, ...]) -> tuple[str, str | None]:
    if attr.schema is not None and attr.schema.lower() not in allowed_schemas:
        raise invalid_filter(f"Unknown schema in the filter: {attr.schema}.")
    return attr.name.lower(), attr.sub.lower() if attr.sub else None


def _compare_q(spec: Field, op: str, value: Any, where: str) -> Q:
    column = spec.lookup
    if op == "pr":
        if spec.kind in ("boolean", "datetime"):
            return Q(**{f"{column}__isnull": False})
        return Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})
    if op == "ne":
        return ~_compare_q(spec, "eq", value, where) | (
            Q(**{f"{column}__isnull": True}) if spec.kind != "boolean" else Q(pk__in=[])
        )
    if spec.kind == "boolean":
        if op != "eq" or not isinstance(value, bool):
            raise invalid_filter(f"'{where}' is compared with eq true or eq false.")
        return Q(**{column: value})
    if spec.kind == "datetime":
        try:
            when = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well-formed but impossible, e.g. month 13
            when = None
        if when is None or (op not in ORDER and op != "eq"):
            raise invalid_filter(f"'{where}' takes a date-time and eq, gt, ge, lt or le.")
        return Q(**{f"{column}__{ORDER.get(op, 'exact')}": _aware(when)})
    if spec.kind == "id":
        if op != "eq":
            raise invalid_filter(f"'{where}' is compared with eq only.")
        try:
            return Q(**{column: spec.convert(value) if spec.convert else value})
        except (ValueError, TypeError):
            return Q(pk__in=[])
    if not isinstance(value, str):
        raise invalid_filter(f"'{where}' is compared with a quoted string.")
    if op in ORDER:
        return Q(**{f"{column}__{ORDER[op]}": value})
    lookup = "exact" if spec.kind == "exact" and op == "eq" else LOOKUPS[op]
    if spec.kind == "exact" and op != "eq":
        lookup = LOOKUPS[op].removeprefix("i")
    return Q(**{f"{column}__{lookup}": value})


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _resolve(node: Filter, fields: dict[str, Field | MultiValued], schemas: tuple[str, ...]) -> Q:
    if isinstance(node, And):
        return _resolve(node.left, fields, schemas) & _resolve(node.right, fields, schemas)
    if isinstance(node, Or):
        return _resolve(node.left, fields, schemas) | _resolve(node.right, fields, schemas)
    if isinstance(node, Not):
        return ~_resolve(node.inner, fields, schemas)
    if isinstance(node, ValuePath):
        name, _sub = _key(node.attr, schemas)
        multi = fields.get(name)
        if not isinstance(multi, MultiValued):
            raise invalid_filter(f"'{node.attr.render()}' is not a multi-valued attribute.")
        inner = _resolve(node.filter, dict(multi.fields), ())
        return Q(pk__in=multi.queryset().filter(inner).values(multi.link))
    name, sub = _key(node.attr, schemas)
    plain = fields.get(f"{name}.{sub}" if sub else name)
    if isinstance(plain, Field):
        return _compare_q(plain, node.op, node.value, node.attr.render())
    multi = fields.get(name)
    if isinstance(multi, MultiValued):
        spec = multi.fields.get(sub or multi.default_sub)
        if spec is not None:
            inner = _compare_q(spec, node.op, node.value, node.attr.render())
            return Q(pk__in=multi.queryset().filter(inner).values(multi.link))
    raise invalid_filter(f"Cannot filter on '{node.attr.render()}'.")


def filter_q(text: str, kind: str) -> Q:
    """The filter ``text`` for ``kind`` ("users" or "groups") as a Q (400 invalidFilter)."""
    if "\x00" in text:
        raise invalid_filter("The filter contains a NUL character.")
    try:
        tree = filter_parse(text)
    except FilterError as exc:
        raise invalid_filter(str(exc)) from exc
    fields = USER_FIELDS if kind == "users" else GROUP_FIELDS
    return _resolve(tree, fields, SCHEMA_PREFIXES[kind])
