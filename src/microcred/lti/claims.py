"""The checks of an LTI 1.3 launch's id_token claims, after its signature was verified.

Implements the message rules of the 1EdTech Security Framework 1.0 §5.1.3 ("Authentication
Response Validation") and LTI Core 1.3 §5.3/§5.4 (required message claims): issuer, audience,
authorized party, expiry and issue time, nonce, deployment id, message type and LTI version.
Each refusal is a :class:`LaunchRefused` naming the claim, so the tool can say what was wrong.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from microcred.errors import Error

CLAIM: Final = "https://purl.imsglobal.org/spec/lti/claim/"
CLAIM_MESSAGE_TYPE: Final = CLAIM + "message_type"
CLAIM_VERSION: Final = CLAIM + "version"
CLAIM_DEPLOYMENT_ID: Final = CLAIM + "deployment_id"
CLAIM_TARGET_LINK_URI: Final = CLAIM + "target_link_uri"
CLAIM_RESOURCE_LINK: Final = CLAIM + "resource_link"
CLAIM_ROLES: Final = CLAIM + "roles"
CLAIM_CONTEXT: Final = CLAIM + "context"
CLAIM_CUSTOM: Final = CLAIM + "custom"
CLAIM_AGS: Final = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CLAIM_NRPS: Final = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
CLAIM_DL_SETTINGS: Final = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
CLAIM_DL_CONTENT_ITEMS: Final = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
CLAIM_DL_DATA: Final = "https://purl.imsglobal.org/spec/lti-dl/claim/data"

RESOURCE_LINK_REQUEST: Final = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST: Final = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE: Final = "LtiDeepLinkingResponse"
MESSAGE_TYPES: Final = frozenset({RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST})

#: clock skew accepted on ``iat`` / ``exp`` (seconds)
LEEWAY_SECONDS: Final = 60
#: an id_token issued longer ago than this is refused even if its ``exp`` is later
MAX_AGE_SECONDS: Final = 600

_ROLE_PREFIXES: Final = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership#",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#",
    "http://purl.imsglobal.org/vocab/lis/v2/system/person#",
)
_TEACHING_ROLES: Final = frozenset(
    {"Instructor", "ContentDeveloper", "TeachingAssistant", "Mentor", "Faculty"}
)
_ADMIN_ROLES: Final = frozenset({"Administrator", "SysAdmin"})


class LaunchRefused(Error):
    """The id_token is not an acceptable launch; ``claim`` names the claim at fault."""

    def __init__(self, claim: str, message: str) -> None:
        super().__init__(message)
        self.claim = claim
        self.message = message


@dataclass(frozen=True, slots=True)
class Launch:
    """What a checked launch says (the parts the tool acts on)."""

    issuer: str
    subject: str
    deployment_id: str
    message_type: str
    roles: tuple[str, ...]
    name: str = ""
    email: str = ""
    resource_link_id: str = ""
    context_id: str = ""
    context_title: str = ""
    target_link_uri: str = ""
    custom: Mapping[str, str] = field(default_factory=dict)
    ags: Mapping[str, Any] = field(default_factory=dict)
    nrps_url: str = ""
    deep_linking: Mapping[str, Any] = field(default_factory=dict)


def _text(claims: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    value = claims.get(name)
    if value is None or value == "":
        if required:
            raise LaunchRefused(name, f"the id_token has no {name} claim")
        return ""
    if not isinstance(value, str):
        raise LaunchRefused(name, f"the {name} claim must be a string")
    return value


def _audience_check(claims: Mapping[str, Any], client_id: str) -> None:
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or client_id not in audiences:
        raise LaunchRefused("aud", "the id_token was not issued to this tool (aud)")
    authorized_party = claims.get("azp")
    if len(audiences) > 1 and authorized_party is None:
        raise LaunchRefused("azp", "an id_token with several audiences needs azp")
    if authorized_party is not None and authorized_party != client_id:
        raise LaunchRefused("azp", "the id_token's authorized party (azp) is another client")


def _times_check(claims: Mapping[str, Any], now: float) -> None:
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        raise LaunchRefused("exp", "the id_token has no expiry (exp)")
    if not isinstance(issued, int | float) or isinstance(issued, bool):
        raise LaunchRefused("iat", "the id_token has no issue time (iat)")
    if now > expires + LEEWAY_SECONDS:
        raise LaunchRefused("exp", "the id_token has expired")
    if issued > now + LEEWAY_SECONDS:
        raise LaunchRefused("iat", "the id_token was issued in the future")
    if now - issued > MAX_AGE_SECONDS + LEEWAY_SECONDS:
        raise LaunchRefused("iat", "the id_token is too old")


def launch_check(
    claims: Mapping[str, Any],
    *,
    issuer: str,
    client_id: str,
    deployment_ids: Collection[str],
    nonce: str,
    now: float,
) -> Launch:
    """Check a signature-verified id_token's claims against the registration and login."""
    if _text(claims, "iss") != issuer:
        raise LaunchRefused("iss", "the id_token comes from another platform (iss)")
    _audience_check(claims, client_id)
    _times_check(claims, now)
    if _text(claims, "nonce") != nonce:
        raise LaunchRefused("nonce", "the id_token's nonce does not match this login")
    subject = _text(claims, "sub")
    deployment_id = _text(claims, CLAIM_DEPLOYMENT_ID)
    if deployment_id not in deployment_ids:
        raise LaunchRefused(CLAIM_DEPLOYMENT_ID, f"the deployment {deployment_id!r} is unknown")
    message_type = _text(claims, CLAIM_MESSAGE_TYPE)
    if message_type not in MESSAGE_TYPES:
        raise LaunchRefused(CLAIM_MESSAGE_TYPE, f"the message type {message_type!r} is unknown")
    if _text(claims, CLAIM_VERSION) != "1.3.0":
        raise LaunchRefused(CLAIM_VERSION, "only LTI version 1.3.0 launches are accepted")
    roles = claims.get(CLAIM_ROLES)
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise LaunchRefused(CLAIM_ROLES, "the roles claim must be a list of strings")
    link = _mapping(claims, CLAIM_RESOURCE_LINK)
    if message_type == RESOURCE_LINK_REQUEST and not link.get("id"):
        raise LaunchRefused(CLAIM_RESOURCE_LINK, "a resource link launch needs resource_link.id")
    deep_linking = _mapping(claims, CLAIM_DL_SETTINGS)
    if message_type == DEEP_LINKING_REQUEST and not deep_linking.get("deep_link_return_url"):
        raise LaunchRefused(CLAIM_DL_SETTINGS, "a deep linking request needs its return URL")
    context = _mapping(claims, CLAIM_CONTEXT)
    custom = _mapping(claims, CLAIM_CUSTOM)
    return Launch(
        issuer=issuer,
        subject=subject,
        deployment_id=deployment_id,
        message_type=message_type,
        roles=tuple(roles),
        name=_text(claims, "name", required=False),
        email=_text(claims, "email", required=False),
        resource_link_id=str(link.get("id") or ""),
        context_id=str(context.get("id") or ""),
        context_title=str(context.get("title") or context.get("label") or ""),
        target_link_uri=_text(claims, CLAIM_TARGET_LINK_URI, required=False),
        custom={str(k): str(v) for k, v in custom.items()},
        ags=_mapping(claims, CLAIM_AGS),
        nrps_url=str(_mapping(claims, CLAIM_NRPS).get("context_memberships_url") or ""),
        deep_linking=deep_linking,
    )


def _mapping(claims: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = claims.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LaunchRefused(name, f"the {name} claim must be an object")
    return value


def _short_role(role: str) -> str:
    for prefix in _ROLE_PREFIXES:
        if role.startswith(prefix):
            return role[len(prefix) :]
    return role.rsplit("#", 1)[-1] if "#" in role else role


def organisation_roles(lti_roles: Iterable[str]) -> list[str]:
    """microcred roles for LTI roles: teaching roles author and assess, everyone learns.

    Instructor-like roles (and platform administrators) → ``issuer`` and ``assessor``;
    anything else (Learner, Member, none) → ``learner``. Administrator of the microcred
    organisation is never granted from an LMS."""
    short = {_short_role(role) for role in lti_roles}
    if short & (_TEACHING_ROLES | _ADMIN_ROLES):
        return ["issuer", "assessor"]
    return ["learner"]
