"""Our models as SCIM resources (JSON out) and checked bodies as typed data (JSON in)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from microcred_web.orgs.models import Team
from microcred_web.scim.bodies import body_check, required_check
from microcred_web.scim.errors import invalid_value
from microcred_web.scim.models import ScimPerson
from microcred_web.scim.schemas import (
    ENTERPRISE,
    ENTERPRISE_SCHEMA,
    GROUP,
    GROUP_SCHEMA,
    USER,
    USER_SCHEMA,
)

EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


def _when(value: Any) -> str:
    return str(value.isoformat().replace("+00:00", "Z"))


def location(base: str, kind: str, resource_id: str) -> str:
    return base + reverse("scim:resource", kwargs={"kind": kind, "resource_id": resource_id})


def _drop_empty(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in ("", None, [], {})}


def user_json(person: ScimPerson, base: str) -> dict[str, Any]:
    """The person as a SCIM User (with the enterprise extension if any of it is set)."""
    where = location(base, "Users", str(person.public_id))
    document: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(person.public_id),
        "externalId": person.external_id,
        "userName": person.user_name,
        "name": _drop_empty({"givenName": person.given_name, "familyName": person.family_name}),
        "displayName": person.display_name,
        "emails": [
            _drop_empty({"value": e.value, "type": e.type, "primary": e.primary})
            for e in person.emails.all()
        ],
        "active": person.membership.is_active,
    }
    manager = person.manager
    enterprise = _drop_empty(
        {
            "employeeNumber": person.employee_number,
            "department": person.department,
            "manager": (
                {
                    "value": str(manager.public_id),
                    "$ref": location(base, "Users", str(manager.public_id)),
                }
                if manager is not None and manager.deleted_at is None
                else None
            ),
        }
    )
    if enterprise:
        document["schemas"].append(ENTERPRISE_SCHEMA)
        document[ENTERPRISE_SCHEMA] = enterprise
    document = _drop_empty(document)
    document["active"] = person.membership.is_active
    document["meta"] = {
        "resourceType": "User",
        "created": _when(person.created_at),
        "lastModified": _when(person.updated_at),
        "location": where,
        "version": f'W/"{int(person.updated_at.timestamp() * 1_000_000)}"',
    }
    return document


def group_json(team: Team, members: list[ScimPerson], base: str) -> dict[str, Any]:
    scim_group = getattr(team, "scim_group", None)
    modified = scim_group.updated_at if scim_group is not None else team.created_at
    document = _drop_empty(
        {
            "schemas": [GROUP_SCHEMA],
            "id": str(team.pk),
            "externalId": scim_group.external_id if scim_group is not None else "",
            "displayName": team.name,
            "members": [
                {
                    "value": str(p.public_id),
                    "$ref": location(base, "Users", str(p.public_id)),
                    "type": "User",
                }
                for p in members
            ],
        }
    )
    document["meta"] = {
        "resourceType": "Group",
        "created": _when(team.created_at),
        "lastModified": _when(modified),
        "location": location(base, "Groups", str(team.pk)),
        "version": f'W/"{int(modified.timestamp() * 1_000_000)}"',
    }
    return document


@dataclass
class EmailData:
    value: str
    type: str = ""
    primary: bool | None = None


@dataclass
class UserData:
    user_name: str
    external_id: str = ""
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    emails: list[EmailData] = field(default_factory=list)
    active: bool = True
    employee_number: str = ""
    department: str = ""
    manager_id: str = ""

    @property
    def sign_in_email(self) -> str:
        """The primary address, else the first."""
        ordered = sorted(self.emails, key=lambda e: not e.primary)
        return ordered[0].value.strip().lower() if ordered else ""


def user_data(document: Any) -> UserData:
    checked = body_check(document, USER, (ENTERPRISE,))
    required_check(checked, USER)
    name = checked.get("name") or {}
    enterprise = checked.get(ENTERPRISE_SCHEMA) or {}
    emails = [
        EmailData(
            value=_email(item.get("value", "")),
            type=item.get("type", ""),
            primary=item.get("primary"),
        )
        for item in checked.get("emails") or []
    ]
    if sum(bool(e.primary) for e in emails) > 1:
        raise invalid_value("Only one of 'emails' can be primary.")
    manager = enterprise.get("manager") or {}
    data = UserData(
        user_name=checked["userName"].strip(),
        external_id=checked.get("externalId") or "",
        given_name=name.get("givenName", ""),
        family_name=name.get("familyName", ""),
        display_name=checked.get("displayName") or "",
        emails=emails,
        active=checked.get("active", True) is not False,
        employee_number=enterprise.get("employeeNumber", ""),
        department=enterprise.get("department", ""),
        manager_id=manager.get("value", ""),
    )
    if not data.user_name:
        raise invalid_value("'userName' is required.")
    if not data.sign_in_email:
        raise invalid_value("'emails' is required: give at least one address.")
    return data


def _email(value: str) -> str:
    value = value.strip()
    if not EMAIL.match(value):
        raise invalid_value(f"'emails.value' is not an e-mail address: {value!r}.")
    return value


@dataclass
class GroupData:
    display_name: str
    external_id: str = ""
    member_ids: list[str] = field(default_factory=list)


def group_data(document: Any) -> GroupData:
    checked = body_check(document, GROUP)
    required_check(checked, GROUP)
    members = checked.get("members") or []
    if any(not m.get("value") for m in members):
        raise invalid_value("Each of 'members' needs a 'value' (a User's id).")
    if any(m.get("type", "User") != "User" for m in members):
        raise invalid_value("'members' can only hold Users (teams do not nest).")
    return GroupData(
        display_name=checked["displayName"].strip(),
        external_id=checked.get("externalId") or "",
        member_ids=list(dict.fromkeys(str(m["value"]) for m in members)),
    )
