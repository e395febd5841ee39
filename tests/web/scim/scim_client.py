"""A small client speaking application/scim+json through Django's test client."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from microcred_web.orgs.models import Organisation

SCIM = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def scim_type(self) -> str | None:
        return self.body.get("scimType") if isinstance(self.body, dict) else None


@dataclass
class ScimClient:
    client: Any
    token: str
    organisation: Organisation

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Answer:
        url = path if path.startswith("/") else f"/scim/v2/{path}"
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if body is not None:
            kwargs["data"] = body if isinstance(body, str | bytes) else json.dumps(body)
            kwargs["content_type"] = SCIM
        if params:
            response = getattr(self.client, method.lower())(url, params, **kwargs)
        else:
            response = getattr(self.client, method.lower())(url, **kwargs)
        content = json.loads(response.content) if response.content else None
        return Answer(response.status_code, content, dict(response.headers))

    def get(self, path: str, **params: Any) -> Answer:
        return self.call("GET", path, **params)

    def post(self, path: str, body: Any) -> Answer:
        return self.call("POST", path, body)

    def put(self, path: str, body: Any) -> Answer:
        return self.call("PUT", path, body)

    def patch(self, path: str, *operations: dict[str, Any]) -> Answer:
        return self.call("PATCH", path, {"schemas": [PATCH], "Operations": list(operations)})

    def delete(self, path: str) -> Answer:
        return self.call("DELETE", path)


def user_body(user_name: str, email: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemas": [USER],
        "userName": user_name,
        "name": {"givenName": "Ana", "familyName": "Silva"},
        "emails": [{"value": email or user_name, "type": "work", "primary": True}],
        "active": True,
    }
    body.update(extra)
    return body
