"""Controller documents for the 1EdTech OB 3.0 fixtures (tests/vectors/ob30).

The fixtures name their keys as ``<issuer URL>#<public Multikey>`` (or embed a ``jwk`` in a
JWT header) and their issuers publish nothing we can fetch. microcred binds a key to an
issuer only through the issuer's controller document (docs/decisions/0017), so the tests
build the document each issuer would publish: every key the fixtures sign with under its
``assertionMethod``. Without these documents the fixtures are ``unknown-issuer``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from microcred.did import controller_document
from microcred.errors import Error
from microcred.keys import PublicKey
from microcred.verification.input import decode_input

OB30 = Path(__file__).resolve().parent / "vectors" / "ob30"


def _credentials(data: bytes) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(credential document, JWT header or None) for a fixture file."""
    try:
        decoded = decode_input(data)
    except Error:
        return
    header = dict(decoded.jwt.header) if decoded.jwt is not None else None
    yield dict(decoded.document), header


def _methods(
    document: dict[str, Any], header: dict[str, Any] | None
) -> Iterator[tuple[str, str, PublicKey]]:
    """(controller, method id, key) that the fixture's issuer would list."""
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if header is not None:
        jwk = header.get("jwk")
        if isinstance(issuer_id, str) and isinstance(jwk, dict):
            yield (
                issuer_id,
                f"{issuer_id}#jwk-{jwk.get('n', jwk.get('x', ''))[:12]}",
                PublicKey.from_jwk(jwk),
            )
        return
    proofs = document.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        vm = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if not isinstance(vm, str) or "#" not in vm or vm.startswith("did:key:"):
            continue
        base, _, fragment = vm.partition("#")
        try:
            public = PublicKey.from_multibase(fragment)
        except Error:
            continue  # a fragment that is no key (a fixture's deliberate error)
        if base.startswith(("https://", "http://", "did:web:")):
            yield base, vm, public


def issuer_documents(paths: Iterable[Path] | None = None) -> dict[str, dict[str, Any]]:
    """{controller URL: controller document} for the fixtures in ``paths`` (default: all)."""
    files = (
        paths
        if paths is not None
        else [
            p
            for p in OB30.rglob("*")
            if p.is_file() and p.name not in ("manifest.json", "README.md")
        ]
    )
    keys: dict[str, dict[str, PublicKey]] = {}
    for path in files:
        for document, header in _credentials(path.read_bytes()):
            for controller, method_id, public in _methods(document, header):
                keys.setdefault(controller, {})[method_id] = public
    return {
        controller: controller_document(controller, sorted(methods.items()))
        for controller, methods in sorted(keys.items())
    }


def fixture_documents(paths: Iterable[Path] | None = None) -> dict[str, Any]:
    """:func:`issuer_documents` as a JSON-ready map (for ``microcred verify --docs``)."""
    return json.loads(json.dumps(issuer_documents(paths)))
