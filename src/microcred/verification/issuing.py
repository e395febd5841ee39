"""``issue_credential``: sign only what verifiers will accept."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from microcred.contexts import ContextRegistry, default_registry
from microcred.errors import Error, InvalidCredential, Problem, SigningError, UnknownContext
from microcred.keys import KeyPair
from microcred.model import VC_V2, check_limits, parse_credential
from microcred.suites.data_integrity import format_created
from microcred.verification.common import issuer_of
from microcred.verification.contexts import canonicalize
from microcred.verification.schema_fast import validate_document
from microcred.verification.signed_content import check_signed_content

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt")


def issue_credential(
    credential: Mapping[str, Any],
    key_pair: KeyPair,
    *,
    suite: str = "eddsa-rdfc-2022",
    created: datetime | str | None = None,
    registry: ContextRegistry | None = None,
) -> dict[str, Any] | str:
    """Sign ``credential`` the safe way: validate first, refuse what verifiers would reject.

    Before signing: JSON that the signature would not cover (nulls, empty arrays, JSON-LD
    keywords, inline contexts other than term maps, repeated members: see
    :mod:`microcred.verification.signed_content`), the model (every problem, with its JSON
    path), the OB 3.0 JSON Schema, pinned contexts in the right order, strict JSON-LD terms
    (no undefined property or type), and the key binding (the key's controller must be the
    issuer). Returns the signed credential (a dict), or the compact JWT (a str) for
    ``suite="vc-jwt"``.

    Raises InvalidCredential, LimitExceeded, UnknownContext, UndefinedTerm or SigningError.
    """
    reg = registry or default_registry()
    unsigned = _check_for_issue(credential, key_pair, suite, reg)
    return _sign(credential, unsigned, key_pair, suite, created, reg)


def issue_credentials(
    credentials: Sequence[Mapping[str, Any]],
    key_pair: KeyPair,
    *,
    suite: str = "eddsa-rdfc-2022",
    created: datetime | str | None = None,
    registry: ContextRegistry | None = None,
) -> list[dict[str, Any] | str | Error]:
    """:func:`issue_credential` for a batch: one result per credential, in order — the
    signed credential (or JWT), or the :class:`~microcred.errors.Error` that
    :func:`issue_credential` raises for it. With ``eddsa-rdfc-2022`` the valid credentials
    are signed together (``sign_many``: subtrees they share are canonicalized once), and
    ``created`` is resolved once for the batch."""
    reg = registry or default_registry()
    results: list[dict[str, Any] | str | Error] = []
    valid: list[int] = []
    for index, credential in enumerate(credentials):
        try:
            _check_for_issue(credential, key_pair, suite, reg)
        except Error as exc:
            results.append(exc)
            continue
        results.append("")  # filled in below
        valid.append(index)
    if suite == "eddsa-rdfc-2022" and len(valid) > 1:
        from microcred.suites import eddsa_rdfc_2022

        stamp = format_created(created)
        try:
            signed = eddsa_rdfc_2022.sign_many(
                [credentials[i] for i in valid], key_pair, created=stamp, registry=reg
            )
        except Error:
            created = stamp  # one of them is refused: sign one by one to tell which
        else:
            for index, document in zip(valid, signed, strict=True):
                results[index] = document
            return results
    for index in valid:
        credential = credentials[index]
        unsigned = {k: v for k, v in credential.items() if k != "proof"}
        try:
            results[index] = _sign(credential, unsigned, key_pair, suite, created, reg)
        except Error as exc:
            results[index] = exc
    return results


def _check_for_issue(
    credential: Mapping[str, Any], key_pair: KeyPair, suite: str, reg: ContextRegistry
) -> dict[str, Any]:
    """Every check of :func:`issue_credential` before signing; returns the credential
    without its proof."""
    check_limits(credential)
    if suite not in SUITES:
        raise SigningError(f"unknown suite {suite!r}; choose one of {', '.join(SUITES)}")
    check_signed_content(credential, reg)  # InvalidCredential naming each path
    parse_credential(credential)
    result = validate_document(credential)
    if result.problems:
        raise InvalidCredential("does not match the OB 3.0 JSON Schema", list(result.problems))
    contexts = credential.get("@context")
    assert isinstance(contexts, list)  # the model guarantees it
    if contexts[0] != VC_V2:
        raise InvalidCredential(
            "refusing to sign", [Problem("$['@context'][0]", f"new credentials use {VC_V2}")]
        )
    for url in contexts:
        if isinstance(url, str) and url not in reg:
            raise UnknownContext(url)
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    canonicalize(credential if suite != "vc-jwt" else unsigned, reg)  # UndefinedTerm
    issuer_id = issuer_of(credential)
    if key_pair.controller != issuer_id:
        raise SigningError(
            f"the key's controller {key_pair.controller} is not the issuer {issuer_id}: "
            "verifiers would reject the credential"
        )
    return unsigned


def _sign(
    credential: Mapping[str, Any],
    unsigned: dict[str, Any],
    key_pair: KeyPair,
    suite: str,
    created: datetime | str | None,
    reg: ContextRegistry,
) -> dict[str, Any] | str:
    if suite == "vc-jwt":
        vc_jwt: Any = importlib.import_module("microcred.suites.vc_jwt")
        token = vc_jwt.sign(unsigned, key_pair)
        return str(token)
    module: Any = importlib.import_module("microcred.suites." + suite.replace("-", "_"))
    signed = module.sign(credential, key_pair, created=created, registry=reg)
    return dict(signed)
