"""Addresses and metadata documents: OpenID4VCI 1.0 §12.2 and RFC 8414, one issuer per organisation.

The credential issuer identifier of an organisation is ``<BASE_URL>/o/<slug>``; its metadata
is at ``/.well-known/openid-credential-issuer/o/<slug>`` and, as the issuer is its own
authorization server (pre-authorized code flow only), the authorization server metadata at
``/.well-known/oauth-authorization-server/o/<slug>`` (the well-known segment goes between the
host and the path, as both specifications say).
"""

from __future__ import annotations

from typing import Any, Final

from django.urls import reverse

from microcred.holder_proof import PROOF_ALGORITHMS
from microcred_web.issuing.identity import absolute_url
from microcred_web.orgs.models import Organisation

PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
LDP_VC: Final = "OpenBadgeCredential_ldp_vc"
JWT_VC_JSON: Final = "OpenBadgeCredential_jwt_vc_json"
CONFIGURATION_FORMATS: Final = {LDP_VC: "ldp_vc", JWT_VC_JSON: "jwt_vc_json"}
VC_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT: Final = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES: Final = ["VerifiableCredential", "OpenBadgeCredential"]


def issuer_identifier(organisation: Organisation) -> str:
    return absolute_url(f"/o/{organisation.slug}")


def endpoint(name: str, organisation: Organisation) -> str:
    return absolute_url(reverse(f"wallet_protocols:{name}", kwargs={"slug": organisation.slug}))


def _configuration(format_name: str, organisation: Organisation) -> dict[str, Any]:
    definition: dict[str, Any] = {"type": CREDENTIAL_TYPES}
    if format_name == "ldp_vc":
        definition["@context"] = [VC_CONTEXT, OB_CONTEXT]
        algorithms: list[str] = ["eddsa-rdfc-2022"]
    else:
        algorithms = ["EdDSA"]
    return {
        "format": format_name,
        "scope": "OpenBadgeCredential",
        "cryptographic_binding_methods_supported": ["did:key", "jwk"],
        "credential_signing_alg_values_supported": algorithms,
        "proof_types_supported": {
            "jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}
        },
        "credential_definition": definition,
        "credential_metadata": {
            "display": [{"name": f"Open Badge from {organisation.name}", "locale": "en"}]
        },
    }


def credential_issuer_metadata(organisation: Organisation) -> dict[str, Any]:
    """The Credential Issuer Metadata (OpenID4VCI 1.0 §12.2.4)."""
    return {
        "credential_issuer": issuer_identifier(organisation),
        "credential_endpoint": endpoint("credential", organisation),
        "nonce_endpoint": endpoint("nonce", organisation),
        "display": [{"name": organisation.name, "locale": "en"}],
        "credential_configurations_supported": {
            configuration_id: _configuration(format_name, organisation)
            for configuration_id, format_name in CONFIGURATION_FORMATS.items()
        },
    }


def authorization_server_metadata(organisation: Organisation) -> dict[str, Any]:
    """RFC 8414 metadata of the issuer acting as its own authorization server."""
    return {
        "issuer": issuer_identifier(organisation),
        "token_endpoint": endpoint("token", organisation),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "response_types_supported": [],  # no authorization endpoint: pre-authorized codes only
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }
