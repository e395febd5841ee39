"""The discovery documents (RFC 7644 §4): ServiceProviderConfig, ResourceTypes, Schemas."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from microcred_web.scim.schemas import (
    ENTERPRISE_SCHEMA,
    GROUP_SCHEMA,
    RESOURCE_TYPE_SCHEMA,
    SCHEMAS,
    SPC_SCHEMA,
    USER_SCHEMA,
)

MAX_RESULTS = 200
DOCS = "https://github.com/microcred/microcred/blob/main/docs/scim.md"


def service_provider_config(base: str) -> dict[str, Any]:
    return {
        "schemas": [SPC_SCHEMA],
        "documentationUri": DOCS,
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A SCIM token created by an organisation administrator.",
                "specUri": "https://www.rfc-editor.org/rfc/rfc6750",
                "documentationUri": DOCS,
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": base + reverse("scim:service_provider_config"),
        },
    }


def resource_types(base: str) -> dict[str, dict[str, Any]]:
    def one(name: str, endpoint: str, schema: str, extensions: list[str]) -> dict[str, Any]:
        return {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": name,
            "name": name,
            "endpoint": f"/{endpoint}",
            "description": f"{name}s of the organisation the token belongs to.",
            "schema": schema,
            "schemaExtensions": [{"schema": urn, "required": False} for urn in extensions],
            "meta": {
                "resourceType": "ResourceType",
                "location": base + reverse("scim:resource_type", kwargs={"name": name}),
            },
        }

    return {
        "User": one("User", "Users", USER_SCHEMA, [ENTERPRISE_SCHEMA]),
        "Group": one("Group", "Groups", GROUP_SCHEMA, []),
    }


def schemas(base: str) -> dict[str, dict[str, Any]]:
    return {
        urn: schema.as_json(base + reverse("scim:schema", kwargs={"schema_id": urn}))
        for urn, schema in SCHEMAS.items()
    }
