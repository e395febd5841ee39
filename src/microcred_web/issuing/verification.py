"""Verifying credentials on this server: the core verifier with our own documents.

:class:`LocalResolver` answers for this site's DIDs and status lists from the database (never
the network). For credentials we issued, facts the credential cannot carry are added: key
compromise cut-offs (``retired_keys``), the issuer's reasons for a revocation or suspension,
and, for credentials issued before decision 0019 (whose one ``credentialStatus`` entry is a
one-bit revocation entry), their suspension, known from our records only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.conf import settings

from microcred.did import Resolver
from microcred.errors import ResolutionError
from microcred.verification.presentation import PresentationReport, verify_presentation
from microcred.verify import Check, VerificationReport, verify_credential
from microcred_web.issuing.identity import host_did, issuer_did
from microcred_web.issuing.models import Credential
from microcred_web.issuing.signing import retired_keys_for
from microcred_web.issuing.status_lists import status_list_credential_for
from microcred_web.orgs.models import Organisation

_STATUS_PATH = re.compile(r"^/o/([-\w]+)/status/(message|revocation)/(\d+)$")
_CREDENTIAL_PATH = re.compile(r"^/credentials/([0-9a-f-]{36})$")


_LOCAL_DID_DOCUMENTS: dict[str, Callable[[], Mapping[str, Any] | None]] = {}


def local_did_document_register(
    name: str, provider: Callable[[], Mapping[str, Any] | None]
) -> None:
    """Publish ``did:web:<host>:<name>`` to our own verifier (apps above this one, e.g. the
    wallet's CLR signing key, call this from ``ready()``); ``provider`` returns the document,
    or None when there is none."""
    _LOCAL_DID_DOCUMENTS[name] = provider


class LocalResolver:
    """Resolves this site's did:web documents and status lists from the database."""

    def resolve(self, url: str) -> Mapping[str, Any]:
        from microcred_web.issuing.identity import did_document

        registered = _LOCAL_DID_DOCUMENTS.get(url[len(host_did()) + 1 :])
        if url.startswith(host_did() + ":") and registered is not None:
            found = registered()
            if found is None:
                raise ResolutionError(f"{url}: no such DID document here")
            return found
        prefix = host_did() + ":o:"
        if url.startswith(prefix):
            slug = url[len(prefix) :]
            organisation = Organisation.objects.filter(slug=slug).first()
            document = did_document(organisation) if organisation else None
            if document is None:
                raise ResolutionError(f"{url}: no such issuer here")
            return document
        base = str(settings.BASE_URL).rstrip("/")
        if url.startswith(base + "/"):
            match = _STATUS_PATH.match(url[len(base) :])
            if match:
                organisation = Organisation.objects.filter(slug=match[1]).first()
                if organisation is not None:
                    try:
                        _list, document = status_list_credential_for(
                            organisation=organisation, purpose=match[2], number=int(match[3])
                        )
                    except Exception as exc:
                        raise ResolutionError(f"{url}: no such status list") from exc
                    return document
        raise ResolutionError(f"{url}: not a document of this site (nothing is fetched)")


def site_resolver() -> Resolver:
    """Our documents from the database, anyone else's only through the guarded fetcher: a key
    binds to a foreign issuer only through the controller document that issuer publishes."""
    from microcred_web.common.safe_fetch import GuardedResolver

    base = str(settings.BASE_URL).rstrip("/")
    return GuardedResolver(local=LocalResolver(), local_prefixes=(host_did() + ":", base + "/"))


@dataclass(frozen=True)
class LocalVerification:
    report: VerificationReport
    credential: Credential | None

    @property
    def verdict(self) -> str:
        return str(self.report.verdict)


def _ours(document: Mapping[str, Any] | None) -> Credential | None:
    if not isinstance(document, Mapping):
        return None
    credential_id = document.get("id")
    base = str(settings.BASE_URL).rstrip("/")
    if not isinstance(credential_id, str) or not credential_id.startswith(base + "/"):
        return None
    match = _CREDENTIAL_PATH.match(credential_id[len(base) :])
    if match is None:
        return None
    return Credential.objects.select_related("organisation").filter(public_id=match[1]).first()


def credential_verify(
    data: str | bytes | Mapping[str, Any],
    *,
    now: datetime,
    resolver: Resolver | None = None,
    retired_keys: Mapping[str, datetime] | None = None,
) -> LocalVerification:
    """Verify ``data`` (JSON, JWT or baked image) with our resolver and key cut-offs.

    ``resolver`` replaces :class:`LocalResolver` (the public verifier passes one that also
    fetches foreign documents through the guarded fetcher); ``retired_keys`` replaces the
    cut-offs looked up here (a caller that caches them passes its own)."""
    if retired_keys is None:
        retired: dict[str, datetime] = {}
        for organisation in _issuers_named(data):
            retired.update(retired_keys_for(organisation=organisation))
    else:
        retired = dict(retired_keys)
    report = verify_credential(
        data, now=now, resolver=resolver or LocalResolver(), retired_keys=retired
    )
    credential = _ours(report.document)
    if credential is not None:
        _add_reasons(report, credential)
    return LocalVerification(report, credential)


def _add_reasons(report: VerificationReport, credential: Credential) -> None:
    """The status list says only *that* a credential is revoked or suspended; we also know
    why. An older credential (one-bit revocation entry) that we suspended: its status check
    passed on the revocation bit, so it is replaced by the suspension from our records."""
    for position, check in enumerate(report.checks):
        if check.name != "status" or check.scope:
            continue
        if check.code == "revoked" and credential.revoked_at is not None:
            day = credential.revoked_at.date().isoformat()
            reason = f"revoked by its issuer on {day}: {credential.revocation_reason}"
        elif check.code == "suspended" and credential.suspended_at is not None:
            reason = f"suspended by its issuer: {credential.suspension_reason}"
        elif (
            check.status == "pass"
            and credential.suspended_at is not None
            and credential.suspension_list_id is not None
        ):
            report.checks[position] = Check(
                "status",
                "fail",
                f"suspended by its issuer: {credential.suspension_reason} (from the issuer's "
                f"records: this credential's status entry carries revocation only)",
                code="suspended",
            )
            continue
        else:
            continue
        report.checks[position] = replace(check, reason=f"{reason} ({check.reason})")


def _issuers_named(data: str | bytes | Mapping[str, Any]) -> list[Organisation]:
    """Our organisations whose DID appears in ``data`` (to look up their key cut-offs)."""
    text = (
        data if isinstance(data, str) else str(data)[:200_000] if isinstance(data, Mapping) else ""
    )
    prefix = host_did() + ":o:"
    slugs = set(re.findall(re.escape(prefix) + r"([-\w]+)", text))
    if isinstance(data, str) and not slugs and data.count(".") == 2:
        from microcred.suites.vc_jwt import decode_unverified

        try:
            _header, claims = decode_unverified(data)
        except Exception:
            claims = {}
        slugs = set(re.findall(re.escape(prefix) + r"([-\w]+)", str(claims)))
    found = list(Organisation.objects.filter(slug__in=slugs))
    return [o for o in found if issuer_did(o).startswith(prefix)]


def presentation_verify(
    document: Mapping[str, Any],
    *,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
    resolver: Resolver | None = None,
) -> PresentationReport:
    """Verify a presentation with our resolver; each credential in it goes through
    :func:`credential_verify` (our key cut-offs and suspension facts included)."""
    chosen = resolver or LocalResolver()

    def one(data: Any) -> VerificationReport:
        return credential_verify(data, now=now, resolver=chosen).report

    return verify_presentation(
        document, verify=one, resolver=chosen, challenge=challenge, domain=domain
    )
