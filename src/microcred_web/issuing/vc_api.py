"""The VC-API issuer (``POST /credentials/issue``): issue what is submitted, or refuse it.

The submitted credential is signed as it is, after the VC Data Model 2.0 rules
(:mod:`microcred.verification.vcdm`), with one addition: the ``issuer`` is the organisation's
did:web, filled in when absent (an Open Badges credential gets the organisation's Profile, as
on every badge we issue) or when an issuer object has no ``id``; any other issuer is refused.
Nothing submitted is replaced or dropped: a credential we cannot issue faithfully is refused
with 422 and the JSON path of each problem (``credential.validUntil``); so is one that already
carries a proof (we would sign beside a proof nobody vouches for). After signing, the result
goes through our own verifier; a credential it would reject is refused too, so whatever we
issue verifies (dates aside: a credential may be issued before it takes effect or after it
expired). See docs/decisions/0021-vc-api-and-plain-vc.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from microcred.contexts import default_registry
from microcred.errors import Error as CoreError
from microcred.errors import Problem, UndefinedTerm
from microcred.suites import eddsa_rdfc_2022
from microcred.verification.common import types_of
from microcred.verification.profile import is_profiled
from microcred.verification.vcdm import credential_problems
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.issuing.identity import issuer_did, issuer_profile_dict
from microcred_web.issuing.models import SubmittedCredential
from microcred_web.issuing.signing import signing_key_for
from microcred_web.orgs.models import Organisation

#: the request options understood (anything else is refused, not ignored)
KNOWN_OPTIONS = frozenset({"sourceKey", "idempotencyKey"})
#: checks whose failure does not stop issuing (a credential may be issued ahead or late)
_DATE_CHECKS = frozenset({"valid-from", "valid-until"})


class CredentialRefused(ApplicationError):
    """A submitted credential we do not issue; ``problems`` name each cause by JSON path."""

    def __init__(self, problems: list[Problem], status: int = 422) -> None:
        self.problems = [Problem(api_path(p.path), p.message) for p in problems]
        first = self.problems[0]
        super().__init__(
            "credential_invalid",
            "; ".join(str(p) for p in self.problems[:10]),
            first.path,
            status=status,
        )


def api_path(path: str) -> str:
    """``$.issuer.id`` → ``credential.issuer.id`` (the path inside the request body)."""
    return "credential" + path[1:] if path.startswith("$") else f"credential.{path}"


def _plain_json(value: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the submitted JSON; refused when it is not Unicode text or nests too deep."""
    try:
        text = json.dumps(value, ensure_ascii=False)
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CredentialRefused([Problem("$", "holds a lone surrogate: not Unicode text")]) from exc
    except (RecursionError, ValueError) as exc:
        raise CredentialRefused([Problem("$", "is nested too deeply")]) from exc
    copied: dict[str, Any] = json.loads(text)
    return copied


def _fill_issuer(document: dict[str, Any], organisation: Organisation) -> None:
    ours = issuer_did(organisation)
    if "issuer" not in document:
        # an Open Badges credential names its issuer with a Profile: ours, as on every badge
        document["issuer"] = issuer_profile_dict(organisation) if is_profiled(document) else ours
        return
    issuer = document["issuer"]
    if isinstance(issuer, dict) and "id" not in issuer:
        document["issuer"] = {"id": ours, **issuer}
        return
    given = issuer.get("id") if isinstance(issuer, dict) else issuer
    if isinstance(given, str) and given != ours:
        raise CredentialRefused(
            [Problem("$.issuer", f"must be this organisation's issuer {ours} (or left out)")]
        )


def _unknown_contexts(document: Mapping[str, Any]) -> list[Problem]:
    contexts = document.get("@context")
    registry = default_registry()
    return [
        Problem(f"$['@context'][{index}]", f"{url} is not a known context (none is fetched)")
        for index, url in enumerate(contexts if isinstance(contexts, list) else [contexts])
        if isinstance(url, str) and url not in registry
    ]


def _foreign_id(document: Mapping[str, Any]) -> list[Problem]:
    """An id on this site would pass the credential off as one of ours (its record, its
    holder's name, its status): addresses here are ours to give."""
    value = document.get("id")
    base = str(settings.BASE_URL).rstrip("/")
    if isinstance(value, str) and (value == base or value.startswith(base + "/")):
        return [Problem("$.id", f"addresses on {base} are given by this site; use another id")]
    return []


def _verify_issued(signed: Mapping[str, Any], now: datetime) -> list[Problem]:
    from microcred_web.issuing.verification import credential_verify

    report = credential_verify(signed, now=now).report
    return [
        Problem(f"$ ({check.name} check)", check.reason)
        for check in report.checks
        if check.status == "fail" and check.name not in _DATE_CHECKS
    ]


def submitted_credential_issue(
    *,
    organisation: Organisation,
    credential: Mapping[str, Any],
    options: Mapping[str, Any],
    source: str,
    now: datetime | None = None,
) -> tuple[SubmittedCredential, bool]:
    """Sign and store ``credential`` as submitted, or raise :class:`CredentialRefused`.

    ``options.sourceKey`` (or ``idempotencyKey``) makes a retry return the credential stored
    the first time. Returns (the stored credential, whether it was created now)."""
    unknown = sorted(set(options) - KNOWN_OPTIONS)
    if unknown:  # an option we would ignore is refused, so nobody relies on it by mistake
        raise ApplicationError(
            "option_unsupported",
            f"options.{unknown[0]} is not supported (only {', '.join(sorted(KNOWN_OPTIONS))})",
            f"options.{unknown[0]}",
            status=422,
        )
    source_key = options.get("sourceKey") or options.get("idempotencyKey")
    key_text = str(source_key)[:200] if source_key else None
    if key_text is not None:
        existing = SubmittedCredential.objects.filter(
            organisation=organisation, source_key=key_text
        ).first()
        if existing is not None:
            return existing, False
    moment = (now or timezone.now()).replace(microsecond=0)
    document = _plain_json(credential)
    _fill_issuer(document, organisation)
    problems = credential_problems(document) or _unknown_contexts(document) or _foreign_id(document)
    if not problems and "proof" in document:
        problems = [Problem("$.proof", "a credential to issue carries no proof: we add ours")]
    if problems:
        raise CredentialRefused(problems)
    issuer_key, pair = signing_key_for(organisation=organisation)
    try:
        signed = eddsa_rdfc_2022.sign(document, pair, created=moment)
    except UndefinedTerm as exc:
        raise CredentialRefused(
            [Problem(exc.path, f"{exc.term!r} is not defined by the credential's contexts")]
        ) from exc
    except CoreError as exc:
        raise CredentialRefused([Problem("$", f"cannot be signed: {exc}")]) from exc
    refused = _verify_issued(signed, moment)
    if refused:
        raise CredentialRefused(refused)
    stored = SubmittedCredential(
        organisation=organisation,
        credential_id=str(document.get("id", ""))[:500],
        types=" ".join(types_of(document))[:500],
        signed_json=json.dumps(signed, ensure_ascii=False, separators=(",", ":")),
        issuer_key=issuer_key,
        issued_at=moment,
        source=source[:80],
        source_key=key_text,
    )
    try:
        with transaction.atomic():
            stored.save()
            audit_record(
                action="issuing.submitted_credential_issued",
                actor=None,
                organisation=organisation,
                target=stored,
                data={"types": stored.types, "source": stored.source},
            )
    except IntegrityError:  # the same source key stored meanwhile (a retry racing)
        existing = SubmittedCredential.objects.filter(
            organisation=organisation, source_key=key_text
        ).first()
        if existing is None:  # pragma: no cover - the constraint named another row
            raise
        return existing, False
    return stored, True
