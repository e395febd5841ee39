"""The OB 3.0 service description document (OB 3.0 §6.3.1, ServiceDescriptionDocument): an
OpenAPI 3 document naming the OAuth 2.0 endpoints, the registration URL and the scopes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from microcred_web.oauth.scopes import SCOPE_DESCRIPTIONS


def _absolute(path: str) -> str:
    return str(settings.BASE_URL).rstrip("/") + path


def discovery_document() -> dict[str, Any]:
    token_url = _absolute(reverse("oauth:token"))
    return {
        "openapi": "3.0.1",
        "info": {
            "title": "microcred",
            "description": "Open Badges 3.0 API of this microcred instance.",
            "version": "3.0",
            "termsOfService": _absolute("/"),
            "x-imssf-privacyPolicyUrl": _absolute("/"),
        },
        "servers": [{"url": _absolute("/ims/ob/v3p0")}],
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 Authorization Code Grant authorization",
                    "x-imssf-registrationUrl": _absolute(reverse("oauth:register")),
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": _absolute(reverse("oauth:authorize")),
                            "tokenUrl": token_url,
                            "refreshUrl": token_url,
                            "scopes": dict(SCOPE_DESCRIPTIONS),
                        }
                    },
                }
            },
            "schemas": {},
        },
    }
