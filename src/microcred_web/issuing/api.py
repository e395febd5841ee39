"""Machine access to issuing: ``/api/v1/orgs/<slug>/...`` and the W3C VC-API endpoints.

Both authenticate with an organisation API key (``Authorization: Bearer mck_…``); the
``/api/v1`` endpoints also take an OAuth 2.0 access token of an organisation client
(client-credentials grant), limited to its scopes (403 ``insufficient_scope``, RFC 6750). A key
or token only reaches its own organisation: any other organisation's objects are 404.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from microcred.errors import InvalidInput
from microcred.trust.check import report_with_trust
from microcred.verification.report import VerificationReport
from microcred_web.achievements import selectors as achievement_selectors
from microcred_web.common.errors import ApplicationError
from microcred_web.common.json_body import StrictJsonParser
from microcred_web.issuing import selectors, services
from microcred_web.issuing.models import ApiKey, Credential
from microcred_web.issuing.services import RecipientInput, credential_url
from microcred_web.issuing.vc_api import CredentialRefused, submitted_credential_issue
from microcred_web.issuing.verification import (
    credential_verify,
    presentation_verify,
    site_resolver,
)
from microcred_web.oauth.org_clients import OrgCaller, org_caller_for
from microcred_web.oauth.scopes import (
    ORG_ACHIEVEMENTS_READ,
    ORG_CREDENTIALS_ISSUE,
    ORG_CREDENTIALS_MANAGE,
    ORG_CREDENTIALS_READ,
    ORG_DELIVERIES_WRITE,
)
from microcred_web.trustlists.selectors import registries_for


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer <key>``; the request's ``auth`` becomes the :class:`ApiKey`."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return selectors.api_key_authenticate(key=token)


class OrgApiAuth(HttpBearer):
    """An API key, or an organisation client's OAuth access token (an :class:`OrgCaller`)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | OrgCaller | None:
        return selectors.api_key_authenticate(key=token) or org_caller_for(token)


class InsufficientScope(ApplicationError):
    """RFC 6750 §3.1: the token is valid but lacks the scope the endpoint needs."""

    def __init__(self, scope: str) -> None:
        super().__init__(
            "insufficient_scope", f"The access token does not grant the scope {scope}.", status=403
        )
        self.challenge = f'Bearer error="insufficient_scope", scope="{scope}"'


def _key(request: HttpRequest, slug: str | None = None, scope: str = "") -> ApiKey | OrgCaller:
    """The caller, checked: its own organisation only (else 404), and for an OAuth token the
    endpoint's ``scope`` (else 403 insufficient_scope). An API key may do everything."""
    caller = getattr(request, "auth", None)
    if not isinstance(caller, ApiKey | OrgCaller):  # pragma: no cover - ninja authenticates
        raise ApplicationError("unauthenticated", "An API key is required.", status=401)
    if slug is not None and caller.organisation.slug != slug:
        raise ApplicationError("not_found", "Not found.", status=404)
    if isinstance(caller, OrgCaller) and scope not in caller.scopes:
        raise InsufficientScope(scope)
    return caller


# --------------------------------------------------------------------------- /api/v1


class EvidenceIn(Schema):
    id: str | None = None
    narrative: str | None = None
    name: str | None = None


class ResultIn(Schema):
    value: str | None = None
    status: str | None = None


class RecipientIn(Schema):
    email: str | None = None
    did: str | None = None
    name: str | None = None
    evidence: list[EvidenceIn] = []
    result: list[ResultIn] = []
    source_key: str | None = None


class IssueIn(Schema):
    achievement_id: int
    recipients: list[RecipientIn]
    deliver: bool = True


class ReasonIn(Schema):
    reason: str


class CredentialOut(Schema):
    id: str
    url: str
    status: str
    recipient_email: str | None
    recipient_did: str | None
    achievement: str
    achievement_version: int
    issued_at: str
    valid_until: str | None
    source_key: str | None
    revocation_reason: str
    verifiable_credential: dict[str, Any] | None = None


class AchievementOut(Schema):
    id: int
    name: str
    version: int
    achievement: dict[str, Any]


def credential_out(credential: Credential, *, document: bool = False) -> CredentialOut:
    version = credential.achievement_version
    return CredentialOut(
        id=str(credential.public_id),
        url=credential_url(credential.public_id),
        status=credential.status,
        recipient_email=credential.recipient_email,
        recipient_did=credential.recipient_did,
        achievement=version.name,
        achievement_version=version.number,
        issued_at=credential.issued_at.isoformat(),
        valid_until=credential.valid_until.isoformat() if credential.valid_until else None,
        source_key=credential.source_key,
        revocation_reason=credential.revocation_reason,
        verifiable_credential=credential.document if document else None,
    )


router = Router(auth=OrgApiAuth(), tags=["issuing"])


@router.get("/orgs/{slug}/achievements", response=list[AchievementOut])
def achievements(request: HttpRequest, slug: str) -> list[AchievementOut]:
    api_key = _key(request, slug, ORG_ACHIEVEMENTS_READ)
    return [
        AchievementOut(
            id=a.pk,
            name=a.name,
            version=a.current_version.number,  # type: ignore[union-attr]
            achievement=a.current_version.achievement_json,  # type: ignore[union-attr]
        )
        for a in achievement_selectors.achievement_issuable_list(organisation=api_key.organisation)
    ]


@router.post("/orgs/{slug}/credentials", response={201: list[CredentialOut]})
def credentials_issue(request: HttpRequest, slug: str, body: IssueIn) -> Any:
    """Issue one credential per recipient (all or nothing; ``source_key`` makes it idempotent)."""
    api_key = _key(request, slug, ORG_CREDENTIALS_ISSUE)
    version = achievement_selectors.achievement_version_current(
        organisation=api_key.organisation, achievement_id=body.achievement_id
    )
    if version is None:
        raise ApplicationError(
            "not_found", "No such published achievement.", "achievement_id", status=404
        )
    recipients = [
        RecipientInput(
            email=r.email,
            did=r.did,
            name=r.name,
            evidence=[e.dict(exclude_none=True) for e in r.evidence],
            result=[x.dict(exclude_none=True) for x in r.result],
            source_key=r.source_key,
        )
        for r in body.recipients
    ]
    issued = services.credentials_issue(
        organisation=api_key.organisation,
        achievement_version=version,
        recipients=recipients,
        actor=None,
        source=f"api:{api_key.prefix}",
        deliver=body.deliver,
    )
    return Status(201, [credential_out(c, document=True) for c in issued])


def _credential(api_key: ApiKey | OrgCaller, public_id: UUID) -> Credential:
    credential = selectors.credential_get(organisation=api_key.organisation, public_id=public_id)
    if credential is None:
        raise ApplicationError("not_found", "No such credential.", status=404)
    return credential


@router.get("/orgs/{slug}/credentials/{public_id}", response=CredentialOut)
def credential_get(request: HttpRequest, slug: str, public_id: UUID) -> CredentialOut:
    caller = _key(request, slug, ORG_CREDENTIALS_READ)
    return credential_out(_credential(caller, public_id), document=True)


@router.post("/orgs/{slug}/credentials/{public_id}/revoke", response=CredentialOut)
def credential_revoke(
    request: HttpRequest, slug: str, public_id: UUID, body: ReasonIn
) -> CredentialOut:
    credential = _credential(_key(request, slug, ORG_CREDENTIALS_MANAGE), public_id)
    return credential_out(
        services.credential_revoke(credential=credential, actor=None, reason=body.reason)
    )


@router.post("/orgs/{slug}/credentials/{public_id}/suspend", response=CredentialOut)
def credential_suspend(
    request: HttpRequest, slug: str, public_id: UUID, body: ReasonIn
) -> CredentialOut:
    credential = _credential(_key(request, slug, ORG_CREDENTIALS_MANAGE), public_id)
    return credential_out(
        services.credential_suspend(credential=credential, actor=None, reason=body.reason)
    )


@router.post("/orgs/{slug}/credentials/{public_id}/unsuspend", response=CredentialOut)
def credential_unsuspend(
    request: HttpRequest, slug: str, public_id: UUID, body: ReasonIn
) -> CredentialOut:
    credential = _credential(_key(request, slug, ORG_CREDENTIALS_MANAGE), public_id)
    return credential_out(
        services.credential_unsuspend(credential=credential, actor=None, reason=body.reason)
    )


class BounceIn(Schema):
    email: str
    reason: str = ""


class BounceOut(Schema):
    email: str
    credentials_marked: int


@router.post(
    "/deliveries/bounces",
    response={201: BounceOut},
    summary="Record a bounced e-mail (inbound webhook)",
)
def delivery_bounce(request: HttpRequest, body: BounceIn) -> Any:
    """For your mail provider's bounce webhook, with the organisation's API key.

    Body ``{"email": "a@example.org", "reason": "550 no such user"}``. Marks the organisation's
    credentials whose claim e-mail went to that address as *bounced* (issuers see them on the
    credentials page and can re-send to a corrected address) and stops later mail from the
    organisation to it. Other organisations' credentials are not touched. Answers 201 with the
    number of credentials marked (0 is not an error), 400 for a malformed address.
    """
    api_key = _key(request, scope=ORG_DELIVERIES_WRITE)
    count = services.delivery_bounce_record(
        email=body.email, reason=body.reason, organisation=api_key.organisation
    )
    return Status(201, BounceOut(email=body.email.strip().lower(), credentials_marked=count))


# --------------------------------------------------------------------------- VC-API
# /credentials/issue, /credentials/verify and /presentations/verify (two NinjaAPI instances:
# one per mount point, with the same authentication and error bodies).


def _vc_api(namespace: str, title: str) -> NinjaAPI:
    api = NinjaAPI(
        title=title,
        version="1",
        description="W3C VC-API endpoints (API key: Authorization: Bearer).",
        auth=ApiKeyAuth(),
        urls_namespace=namespace,
        docs_url="/docs",
        openapi_url="/openapi.json",
        parser=StrictJsonParser(),  # duplicate keys are refused (400), never silently merged
    )

    def problem(
        request: HttpRequest,
        status: int,
        code: str,
        message: str,
        reasons: list[str] | None = None,
        field: str | None = None,
    ) -> HttpResponse:
        body: dict[str, Any] = {"error": {"code": code, "message": message, "field": field}}
        if reasons:
            body["errors"] = reasons
        return api.create_response(request, body, status=status)

    @api.exception_handler(ApplicationError)
    def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        if isinstance(exc, CredentialRefused):
            reasons = [str(p) for p in exc.problems]
            return problem(request, exc.status, exc.code, exc.message, reasons, exc.field)
        status = 422 if exc.status == 400 else exc.status
        return problem(request, status, exc.code, exc.message, [exc.message], exc.field)

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        reasons = [
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: "
            f"{e.get('msg', 'invalid')}"
            for e in exc.errors
        ]
        return problem(request, 400, "invalid_request", "The request body is not valid.", reasons)

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(request, 401, "unauthenticated", "A valid API key is required.")

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(request, 404, "not_found", "Not found.")

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, InvalidInput):  # the strict JSON reader refused the body
            return problem(request, 400, "invalid_json", str(exc), [str(exc.__cause__)])
        return problem(request, exc.status_code, "http_error", str(exc))

    return api


vc_api = _vc_api("vc-api", "microcred VC-API (credentials)")
vc_api_presentations = _vc_api("vc-api-presentations", "microcred VC-API (presentations)")


class IssueRequest(Schema):
    credential: dict[str, Any]
    options: dict[str, Any] = {}


class VerifyRequest(Schema):
    verifiableCredential: dict[str, Any] | str
    options: dict[str, Any] = {}


class PresentationVerifyRequest(Schema):
    verifiablePresentation: dict[str, Any]
    options: dict[str, Any] = {}


@vc_api.post("/issue", response={201: dict[str, Any]}, summary="Issue a credential")
def vc_issue(request: HttpRequest, body: IssueRequest) -> Any:
    """Issue the submitted VC 2.0 credential as it is (issuer filled in when absent), or
    refuse it with 422 naming each problem's JSON path (docs/verification-api.md)."""
    api_key = _key(request)
    stored, _created = submitted_credential_issue(
        organisation=api_key.organisation,
        credential=body.credential,
        options=body.options,
        source=f"vc-api:{api_key.prefix}",
    )
    return Status(201, {"verifiableCredential": stored.document})


@vc_api.post("/verify", response={200: dict[str, Any], 400: dict[str, Any], 422: dict[str, Any]})
def vc_verify(request: HttpRequest, body: VerifyRequest) -> Any:
    """200 when the credential verifies; 400 when it is not a readable, well-formed
    credential; 422 when it is one but does not verify (revoked, tampered, expired…)."""
    api_key = _key(request)
    result = credential_verify(
        body.verifiableCredential, now=timezone.now(), resolver=site_resolver()
    )
    report = _with_trust(result.report, int(api_key.organisation.pk))
    out = verification_body(report)
    return Status(_verify_status(report), out)


def _with_trust(report: VerificationReport, organisation_id: int) -> VerificationReport:
    """The report with the ``trust`` check for the caller's organisation's registries (and the
    instance's), when any is configured or the policy requires a recognised issuer."""
    required = bool(getattr(settings, "MICROCRED_VERIFIER_REQUIRE_TRUSTED_ISSUER", False))
    registries = registries_for(organisation_id=organisation_id)
    if not registries and not required:
        return report
    copy = dataclasses.replace(report, checks=list(report.checks))
    return report_with_trust(copy, registries, required=required)


@vc_api_presentations.post(
    "/verify", response={200: dict[str, Any], 400: dict[str, Any], 422: dict[str, Any]}
)
def vp_verify(request: HttpRequest, body: PresentationVerifyRequest) -> Any:
    """Verify a presentation (its proof for ``authentication``, ``options.challenge`` and
    ``options.domain``, the holder's key) and every credential it carries."""
    _key(request)
    challenge = body.options.get("challenge")
    domain = body.options.get("domain")
    for name, value in (("challenge", challenge), ("domain", domain)):
        if value is not None and not isinstance(value, str):
            raise HttpError(400, f"options.{name} must be a string.")
    report = presentation_verify(
        body.verifiablePresentation,
        now=timezone.now(),
        challenge=challenge,
        domain=domain,
        resolver=site_resolver(),
    )
    credential_results = [verification_body(r) for r in report.credentials]
    out = {
        "verified": report.ok,
        "checks": sorted({c.name for c in report.checks if c.status == "pass"}),
        "warnings": [_finding(c) for c in report.checks if c.status == "warn"],
        "errors": [_finding(c) for c in report.checks if c.status == "fail"],
        "credentialResults": credential_results,
    }
    status = 200 if report.ok else 400 if report.malformed else 422
    return Status(status, out)


def verification_body(report: VerificationReport) -> dict[str, Any]:
    return {
        "verified": report.ok,
        "verdict": report.verdict,
        "checks": [c.name for c in report.checks if c.status == "pass" and not c.scope],
        "warnings": [_finding(c) for c in report.checks if c.status == "warn"],
        "errors": [_finding(c) for c in report.checks if c.status == "fail"],
    }


_MALFORMED_CHECKS = frozenset({"parse", "structure", "contexts", "types", "terms"})


def _verify_status(report: VerificationReport) -> int:
    if report.ok:
        return 200
    failed = {c.name for c in report.checks if c.status == "fail" and not c.scope}
    return 400 if report.verdict == "malformed" or failed & _MALFORMED_CHECKS else 422


def _finding(check: Any) -> dict[str, str]:
    out = {"check": check.name, "message": check.reason}
    if check.code:
        out["code"] = check.code
    if check.scope:
        out["scope"] = check.scope
    return out
