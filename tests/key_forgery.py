"""Forged credentials for the key-binding tests (docs/decisions/0017).

Each forgery is a credential whose ``issuer`` is someone else, signed with an attacker's own
Ed25519 key that the proof names in a way an unwary verifier would accept: the attacker's
multibase key in the issuer's URL fragment, another did:key, a JWT ``jwk`` header or a JWT
``kid``. The signatures are real; only the binding to the issuer is false.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from microcred.keys import KeyPair
from microcred.suites import eddsa_rdfc_2022, vc_jwt

OB30 = Path(__file__).resolve().parent / "vectors" / "ob30"
CREATED = "2024-01-01T00:00:00Z"


def unsigned_credential(issuer_id: str) -> dict[str, Any]:
    """The 1EdTech simple.json credential, without its proof, issued by ``issuer_id``."""
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data["issuer"] = {"id": issuer_id, "type": ["Profile"], "name": "Forged in their name"}
    return data


def fragment_forgery(
    issuer_id: str, attacker: KeyPair | None = None, credential: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Signed by ``attacker`` with verificationMethod = issuer + '#' + attacker multibase."""
    attacker = attacker or KeyPair.generate_ed25519()
    unsigned = copy.deepcopy(dict(credential)) if credential else unsigned_credential(issuer_id)
    method = f"{issuer_id}#{attacker.public.to_multibase()}"
    return eddsa_rdfc_2022.sign(unsigned, attacker, created=CREATED, verification_method=method)


def did_key_forgery(issuer_did_key: str, attacker: KeyPair | None = None) -> dict[str, Any]:
    """Issuer is one did:key; the proof names the attacker's own did:key."""
    attacker = attacker or KeyPair.generate_ed25519()  # its own did:key
    return eddsa_rdfc_2022.sign(unsigned_credential(issuer_did_key), attacker, created=CREATED)


def did_key_fragment_forgery(
    issuer_did_key: str, attacker: KeyPair | None = None
) -> dict[str, Any]:
    """Issuer did:key:A; the method is did:key:A#<attacker key> (the fragment must repeat A)."""
    attacker = attacker or KeyPair.generate_ed25519()
    method = f"{issuer_did_key}#{attacker.public.to_multibase()}"
    return eddsa_rdfc_2022.sign(
        unsigned_credential(issuer_did_key), attacker, created=CREATED, verification_method=method
    )


def jwt_jwk_forgery(issuer_id: str, attacker: KeyPair | None = None) -> str:
    """A VC-JWT for ``issuer_id`` carrying the attacker's key as the header ``jwk`` (no kid)."""
    attacker = attacker or KeyPair.generate_ed25519()
    token = vc_jwt.sign(unsigned_credential(issuer_id), attacker, embed_jwk=True)
    return _without_kid(token, attacker)


def jwt_kid_forgery(issuer_id: str, attacker: KeyPair | None = None) -> str:
    """A VC-JWT for ``issuer_id`` whose kid is issuer + '#' + the attacker's multibase key."""
    attacker = attacker or KeyPair.generate_ed25519()
    kid = f"{issuer_id}#{attacker.public.to_multibase()}"
    return vc_jwt.sign(unsigned_credential(issuer_id), attacker, kid=kid)


def _without_kid(token: str, key: KeyPair) -> str:
    import base64

    head, body, _ = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    header.pop("kid", None)
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    signature = key.sign(f"{encoded}.{body}".encode("ascii"))
    return f"{encoded}.{body}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def remote_documents(documents: Mapping[str, Any]) -> Any:
    """A fetch function for the server's guarded resolver (``GuardedResolver(fetch=…)`` or in
    place of ``safe_fetch``) serving ``documents`` (keyed by URL or did:web) and nothing else:
    the foreign web as the tests see it, without a network."""
    from microcred.did import did_web_to_url
    from microcred_web.common.safe_fetch import FetchedDocument, UnsafeFetch

    served = {
        (did_web_to_url(k) if k.startswith("did:web:") else k): v for k, v in documents.items()
    }

    def fetch(url: str, **_limits: Any) -> FetchedDocument:
        if url not in served:
            raise UnsafeFetch("the server answered with HTTP status 404")
        return FetchedDocument(url, "application/json", json.dumps(served[url]).encode())

    return fetch


ORG = "did:web:microcred.example:o:acme"  # shaped like one of our organisations
NOWHERE = "did:web:nowhere.example"  # publishes nothing
HTTPS = "https://issuer.example/profile"
AUTH_ONLY = "did:web:microcred.example:o:auth-only"  # lists its key under authentication only
SOMEONE = "did:web:someone.example"  # a genuine key, but not the issuer's


def forgery_cases() -> tuple[list[tuple[str, dict[str, Any], str]], dict[str, Any]]:
    """Every data-integrity forgery of decision 0017 beside the genuine credential of each
    method: ``[(name, credential, "valid" | "forged")]`` and the controller documents (by DID
    or URL) a verifier is given, the same for every verifier under test."""
    from microcred.did import controller_document, did_web_document

    genuine = {c: KeyPair.generate_ed25519(controller=c) for c in (ORG, HTTPS)}
    documents: dict[str, Any] = {
        c: controller_document(c, [(k.id, k.public)]) for c, k in genuine.items()
    }
    auth_only = KeyPair.generate_ed25519(controller=AUTH_ONLY)
    documents[AUTH_ONLY] = dict(did_web_document(AUTH_ONLY, [auth_only.public]), assertionMethod=[])
    someone = KeyPair.generate_ed25519(controller=SOMEONE)
    documents[SOMEONE] = controller_document(SOMEONE, [(someone.id, someone.public)])
    did_key = KeyPair.generate_ed25519()
    cases = [
        (f"genuine {c}", eddsa_rdfc_2022.sign(unsigned_credential(c), k, created=CREATED), "valid")
        for c, k in genuine.items()
    ]
    cases.append(
        (
            "genuine did:key",
            eddsa_rdfc_2022.sign(unsigned_credential(did_key.controller), did_key, created=CREATED),
            "valid",
        )
    )
    for issuer in (ORG, NOWHERE, HTTPS):
        cases.append((f"fragment forgery {issuer}", fragment_forgery(issuer), "forged"))
    cases += [
        ("another did:key", did_key_forgery(did_key.controller), "forged"),
        ("did:key fragment", did_key_fragment_forgery(did_key.controller), "forged"),
        (
            "did:key signing for a urn issuer",
            eddsa_rdfc_2022.sign(
                unsigned_credential("urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164"),
                did_key,
                created=CREATED,
            ),
            "forged",
        ),
        (
            "key not under assertionMethod",
            eddsa_rdfc_2022.sign(unsigned_credential(AUTH_ONLY), auth_only, created=CREATED),
            "forged",
        ),
        (
            "another controller's genuine key",
            eddsa_rdfc_2022.sign(unsigned_credential(ORG), someone, created=CREATED),
            "forged",
        ),
    ]
    return cases, documents
