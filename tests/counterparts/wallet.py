"""A small holder wallet, written from the specifications, that talks to microcred over HTTP.

Implements, as a wallet app would:

* OpenID for Verifiable Credential Issuance 1.0 (final), pre-authorized code flow:
  §4.1 reading a credential offer by value (``credential_offer``) or by reference
  (``credential_offer_uri``) from an ``openid-credential-offer://`` link; §12.2.2 fetching the
  Credential Issuer Metadata at ``/.well-known/openid-credential-issuer`` inserted before the
  issuer's path; RFC 8414 §3.1 the authorization server metadata the same way; §6.1 the token
  request (``pre-authorized_code`` + ``tx_code``); §7 the nonce endpoint; appendix F.1 the
  ``jwt`` key proof (``typ: openid4vci-proof+jwt``, EdDSA, ``kid`` did:key or ``jwk``,
  ``aud`` = issuer, ``iat``, ``nonce``); §8.2 the credential request with ``proofs``.
* VC-API exchanges as the DCC Learner Credential Wallet runs them: the deep link's
  ``request`` parameter (``protocols.vcapi``), ``POST`` ``{}`` for the
  ``verifiablePresentationRequest``, then a DIDAuthentication presentation signed for
  ``authentication`` with the request's ``challenge`` and ``domain``.

The key is an Ed25519 did:key made here with pyca/cryptography; the proof JWT and the did:key
encoding are built here too. Only the Data Integrity signature of the presentation
(eddsa-rdfc-2022, RDF canonicalization) comes from the microcred core, which no wallet needs
to rewrite to be honest about. Every "bad" switch exists to test one error path.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ed25519

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(header: dict[str, Any], claims: dict[str, Any], sign: Any) -> str:
    head = _b64url(json.dumps(header).encode())
    body = _b64url(json.dumps(claims).encode())
    signature = sign(f"{head}.{body}".encode()) if sign else b""
    return f"{head}.{body}.{_b64url(signature)}"


@dataclass
class Wallet:
    """An Ed25519 did:key holder. ``base_url`` is where the issuer really listens (loopback);
    the issuer's published URLs are rewritten to it only if they point elsewhere."""

    base_url: str
    private_key: ed25519.Ed25519PrivateKey = field(
        default_factory=ed25519.Ed25519PrivateKey.generate
    )
    http: requests.Session = field(default_factory=requests.Session)

    # ---- identity
    @property
    def public_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes_raw()

    @property
    def did(self) -> str:
        return "did:key:z" + _b58(b"\xed\x01" + self.public_bytes)

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"

    def jwk(self) -> dict[str, str]:
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(self.public_bytes)}

    # ---- OpenID4VCI
    def read_offer(self, link: str) -> dict[str, Any]:
        """The offer in an ``openid-credential-offer://`` link (by value or by reference)."""
        query = parse_qs(urlsplit(link).query)
        if "credential_offer" in query:
            return json.loads(query["credential_offer"][0])
        response = self.http.get(query["credential_offer_uri"][0], timeout=10)
        response.raise_for_status()
        return response.json()

    @staticmethod
    def well_known(identifier: str, name: str) -> str:
        parts = urlsplit(identifier)
        return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{parts.path}"

    def issuer_metadata(self, issuer: str) -> dict[str, Any]:
        response = self.http.get(self.well_known(issuer, "openid-credential-issuer"), timeout=10)
        response.raise_for_status()
        return response.json()

    def token(
        self, issuer: str, code: str, tx_code: str | None = None, grant_type: str | None = None
    ) -> requests.Response:
        server = self.http.get(self.well_known(issuer, "oauth-authorization-server"), timeout=10)
        server.raise_for_status()
        form = {
            "grant_type": grant_type or "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": code,
        }
        if tx_code is not None:
            form["tx_code"] = tx_code
        return self.http.post(server.json()["token_endpoint"], data=form, timeout=10)

    def nonce(self, metadata: dict[str, Any]) -> str:
        response = self.http.post(metadata["nonce_endpoint"], timeout=10)
        response.raise_for_status()
        return str(response.json()["c_nonce"])

    def proof(
        self,
        issuer: str,
        nonce: str | None,
        *,
        typ: str = "openid4vci-proof+jwt",
        alg: str = "EdDSA",
        key_by: str = "kid",
        signer: Any = "self",
        iat: int | None = None,
    ) -> str:
        header: dict[str, Any] = {"typ": typ, "alg": alg}
        if key_by == "kid":
            header["kid"] = self.kid
        else:
            header["jwk"] = self.jwk()
        claims: dict[str, Any] = {"aud": issuer, "iat": iat or int(time.time())}
        if nonce is not None:
            claims["nonce"] = nonce
        sign = self.private_key.sign if signer == "self" else signer
        return jws(header, claims, sign)

    def credential_request(
        self, metadata: dict[str, Any], access_token: str, body: dict[str, Any]
    ) -> requests.Response:
        return self.http.post(
            metadata["credential_endpoint"],
            json=body,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=30,
        )

    def receive(
        self, link: str, *, tx_code: str | None, configuration: str, key_by: str = "kid"
    ) -> Any:
        """The whole happy path: offer → metadata → token → nonce → proof → credential."""
        offer = self.read_offer(link)
        issuer = offer["credential_issuer"]
        metadata = self.issuer_metadata(issuer)
        assert configuration in metadata["credential_configurations_supported"]
        grant = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
        token = self.token(issuer, grant["pre-authorized_code"], tx_code)
        assert token.status_code == 200, token.text
        nonce = self.nonce(metadata)
        response = self.credential_request(
            metadata,
            token.json()["access_token"],
            {
                "credential_configuration_id": configuration,
                "proofs": {"jwt": [self.proof(issuer, nonce, key_by=key_by)]},
            },
        )
        assert response.status_code == 200, response.text
        return response.json()["credentials"][0]["credential"]

    # ---- VC-API exchanges (Learner Credential Wallet)
    @staticmethod
    def exchange_url(deep_link: str) -> str:
        request = json.loads(parse_qs(urlsplit(deep_link).query)["request"][0])
        return str(request["protocols"]["vcapi"])

    def did_auth(
        self,
        request: dict[str, Any],
        credentials: list[Any] | None = None,
        *,
        challenge: str | None = None,
    ) -> dict[str, Any]:
        """A presentation signed by this wallet's key for ``authentication``."""
        from microcred.keys import KeyPair
        from microcred.verification.presentation import sign_presentation

        raw = self.private_key.private_bytes_raw()
        pair = KeyPair.from_ed25519_seed(raw, controller=self.did, id=self.kid)
        presentation: dict[str, Any] = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": self.did,
        }
        if credentials:
            presentation["verifiableCredential"] = credentials
        return sign_presentation(
            presentation,
            pair,
            challenge=challenge if challenge is not None else request["challenge"],
            domain=request["domain"],
        )

    def exchange(
        self, deep_link: str, credentials: list[Any] | None = None, *, challenge: str | None = None
    ) -> requests.Response:
        url = self.exchange_url(deep_link)
        first = self.http.post(url, json={}, timeout=10)
        assert first.status_code == 200, first.text
        request = first.json()["verifiablePresentationRequest"]
        assert any(q["type"] == "DIDAuthentication" for q in request["query"])
        presentation = self.did_auth(request, credentials, challenge=challenge)
        return self.http.post(url, json={"verifiablePresentation": presentation}, timeout=30)
