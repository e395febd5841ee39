"""OB 3.0 API errors: the ``Imsx_StatusInfo`` payload (OB 3.0 §B.2, the imsx_statusinfo schema)
and the ``WWW-Authenticate`` challenges of RFC 6750 §3."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

#: HTTP status → the imsx_codeMinorFieldValue the spec's vocabulary gives it
MINOR_FOR_STATUS = {
    400: "invalid_data",
    401: "unauthorizedrequest",
    403: "forbidden",
    404: "unknown",
    405: "not_allowed",
    406: "not_acceptable",
    413: "invalid_data",
    415: "invalid_data",
    500: "internal_server_error",
}


class Ob3Error(Exception):
    """An API failure answered with an Imsx_StatusInfo body."""

    def __init__(self, status: int, description: str, minor: str = "", challenge: str = "") -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.minor = minor or MINOR_FOR_STATUS.get(status, "unknown")
        self.challenge = challenge


def status_info(description: str, minor: str) -> dict[str, Any]:
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }


def error_response(error: Ob3Error) -> JsonResponse:
    response = JsonResponse(status_info(error.description, error.minor), status=error.status)
    if error.challenge:
        response["WWW-Authenticate"] = error.challenge
    return response


def token_missing() -> Ob3Error:
    return Ob3Error(401, "An access token is required.", challenge='Bearer realm="microcred"')


def token_invalid() -> Ob3Error:
    return Ob3Error(
        401,
        "The access token is invalid, expired or revoked.",
        challenge='Bearer realm="microcred", error="invalid_token", '
        'error_description="The access token is invalid, expired or revoked."',
    )


def scope_insufficient(scope: str) -> Ob3Error:
    return Ob3Error(
        403,
        f"The access token does not grant the scope {scope}.",
        challenge=f'Bearer realm="microcred", error="insufficient_scope", scope="{scope}"',
    )
