"""The attributes we serve, as SCIM schema definitions (RFC 7643 §7).

One table drives the ``/Schemas`` documents, the check of every request body (an attribute
not listed here is refused) and the filterable attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"


@dataclass(frozen=True)
class Attribute:
    name: str
    type: str = "string"  # string | boolean | complex | reference
    multi_valued: bool = False
    required: bool = False
    mutability: str = "readWrite"
    uniqueness: str = "none"
    case_exact: bool = False
    description: str = ""
    sub_attributes: tuple[Attribute, ...] = ()
    canonical_values: tuple[str, ...] = ()
    reference_types: tuple[str, ...] = ()
    max_length: int = 150
    returned: str = "default"  # "request": only when asked for (we never send those)

    def sub(self, name: str) -> Attribute | None:
        return next((a for a in self.sub_attributes if a.name.lower() == name.lower()), None)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "multiValued": self.multi_valued,
            "description": self.description,
            "required": self.required,
            "mutability": self.mutability,
            "returned": self.returned,
        }
        if self.type in ("string", "reference"):
            body["caseExact"] = self.case_exact
            body["uniqueness"] = self.uniqueness
        if self.canonical_values:
            body["canonicalValues"] = list(self.canonical_values)
        if self.reference_types:
            body["referenceTypes"] = list(self.reference_types)
        if self.sub_attributes:
            body["subAttributes"] = [a.as_json() for a in self.sub_attributes]
        return body


@dataclass(frozen=True)
class Schema:
    id: str
    name: str
    description: str
    attributes: tuple[Attribute, ...] = field(default_factory=tuple)

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name.lower() == name.lower()), None)

    def as_json(self, location: str) -> dict[str, Any]:
        return {
            "schemas": [SCHEMA_SCHEMA],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": [a.as_json() for a in self.attributes],
            "meta": {"resourceType": "Schema", "location": location},
        }


USER = Schema(
    USER_SCHEMA,
    "User",
    "A person of the organisation (a membership and its account).",
    (
        Attribute(
            "userName",
            required=True,
            uniqueness="server",
            max_length=254,
            description="Unique in the organisation; an e-mail address serves as sign-in.",
        ),
        Attribute(
            "name",
            "complex",
            description="The person's name.",
            sub_attributes=(
                Attribute("givenName", description="Given name."),
                Attribute("familyName", description="Family name."),
            ),
        ),
        Attribute("displayName", description="The name shown in microcred."),
        Attribute(
            "emails",
            "complex",
            multi_valued=True,
            required=True,
            description="E-mail addresses; the primary (or first) one is the sign-in address.",
            sub_attributes=(
                Attribute("value", required=True, max_length=254, description="The address."),
                Attribute(
                    "type",
                    canonical_values=("work", "home", "other"),
                    max_length=20,
                    description="work, home or other.",
                ),
                Attribute("primary", "boolean", description="The sign-in address."),
            ),
        ),
        Attribute("active", "boolean", description="false: cannot sign in; credentials are kept."),
    ),
)

ENTERPRISE = Schema(
    ENTERPRISE_SCHEMA,
    "EnterpriseUser",
    "Enterprise User extension (RFC 7643 §4.3): the parts microcred keeps.",
    (
        Attribute("employeeNumber", max_length=100, description="Employee number."),
        Attribute("department", description="Department."),
        Attribute(
            "manager",
            "complex",
            description="The person's manager (another provisioned person).",
            sub_attributes=(
                Attribute("value", description="The manager's id."),
                Attribute(
                    "$ref", "reference", reference_types=("User",), description="The manager."
                ),
                Attribute(
                    "displayName",
                    mutability="readOnly",
                    returned="request",
                    description="Their name (accepted, not stored).",
                ),
            ),
        ),
    ),
)

GROUP = Schema(
    GROUP_SCHEMA,
    "Group",
    "A team of the organisation.",
    (
        Attribute(
            "displayName",
            required=True,
            uniqueness="server",
            max_length=120,
            description="The team's name, unique in the organisation.",
        ),
        Attribute(
            "members",
            "complex",
            multi_valued=True,
            description="The provisioned people in the team.",
            sub_attributes=(
                Attribute("value", mutability="immutable", description="A User's id."),
                Attribute(
                    "$ref",
                    "reference",
                    mutability="immutable",
                    reference_types=("User",),
                    description="The User.",
                ),
                Attribute(
                    "display",
                    mutability="readOnly",
                    returned="request",
                    description="Their name (accepted, not stored).",
                ),
                Attribute(
                    "type",
                    mutability="immutable",
                    canonical_values=("User",),
                    description="Always User.",
                ),
            ),
        ),
    ),
)

SCHEMAS = {schema.id: schema for schema in (USER, ENTERPRISE, GROUP)}
