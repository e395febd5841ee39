"""Public issuing pages: DID documents, issuer profile, status lists, credentials, claims.

Revoked or suspended credentials are never served as if valid: their ``.json`` and ``.jwt``
downloads answer 410 Gone with the status and reason, and the HTML page shows a banner.
"""

from __future__ import annotations

import json
import mimetypes
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from microcred.suites import vc_jwt
from microcred_web.accounts.models import User
from microcred_web.achievements.markdown import render_markdown
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing import selectors, services
from microcred_web.issuing.identity import (
    did_document,
    host_did,
    issuer_profile_json,
)
from microcred_web.issuing.models import Credential, CredentialStatus
from microcred_web.issuing.signing import signing_key_for
from microcred_web.issuing.verification import credential_verify
from microcred_web.orgs.models import Organisation

JSON_LD = "application/ld+json"


def _json(data: Any, *, status: int = 200, content_type: str = "application/json") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), status=status, content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such issuer.")
    return organisation


@require_GET
def host_did_json(request: HttpRequest) -> HttpResponse:
    """The site's own did:web document: it has no keys of its own, it lists its issuers."""
    document = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": host_did(),
    }
    response = _json(document, content_type="application/did+json")
    response["Cache-Control"] = "max-age=300"
    return response


@require_GET
def org_did_json(request: HttpRequest, slug: str) -> HttpResponse:
    document = did_document(_organisation(slug))
    if document is None:
        raise Http404("This organisation has not issued anything yet.")
    response = _json(document, content_type="application/did+json")
    response["Cache-Control"] = "max-age=300"
    return response


@require_GET
def issuer_profile(request: HttpRequest, slug: str) -> HttpResponse:
    return _json(issuer_profile_json(_organisation(slug)), content_type=JSON_LD)


@require_GET
def issuer_logo(request: HttpRequest, slug: str) -> HttpResponseBase:
    organisation = _organisation(slug)
    if not organisation.logo:
        raise Http404("No logo.")
    content_type = mimetypes.guess_type(organisation.logo.name)[0] or "image/png"
    if content_type not in {"image/png", "image/jpeg"}:
        content_type = "image/png"
    response = FileResponse(organisation.logo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def status_list(request: HttpRequest, slug: str, purpose: str, number: int) -> HttpResponse:
    if purpose not in {"revocation", "suspension"}:
        raise Http404("No such status list.")
    organisation = _organisation(slug)
    try:
        listing, document = services.status_list_credential_for(
            organisation=organisation, purpose=purpose, number=number
        )
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    etag = f'"{listing.pk}-{listing.version}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = _json(document, content_type="application/vc+ld+json")
    response["ETag"] = etag
    response["Cache-Control"] = "max-age=60, must-revalidate"
    return response


# --------------------------------------------------------------------------- credentials


def _credential(public_id: UUID) -> Credential:
    credential = selectors.credential_public_get(public_id=public_id)
    if credential is None:
        raise Http404("No such credential.")
    return credential


def _gone(credential: Credential) -> HttpResponse | None:
    state = credential.status
    if state == CredentialStatus.REVOKED:
        reason = credential.revocation_reason
    elif state == CredentialStatus.SUSPENDED:
        reason = credential.suspension_reason
    else:
        return None
    body = {
        "error": {
            "code": f"credential_{state}",
            "message": _("This credential is %(state)s by its issuer.") % {"state": state},
            "field": None,
        },
        "status": state,
        "reason": reason,
    }
    return _json(body, status=410)


#: the checks worth showing a person reading the page: (label, what a pass means)
_SUMMARY_CHECKS = {
    "proof": (
        gettext_lazy("Signature"),
        gettext_lazy("Signed by the issuer and not changed since."),
    ),
    "issuer": (
        gettext_lazy("Issuer"),
        gettext_lazy("The signing key belongs to the issuer named on it."),
    ),
    "valid-from": (gettext_lazy("Issue date"), gettext_lazy("Already in force.")),
    "valid-until": (gettext_lazy("Expiry"), gettext_lazy("Not past its validity date.")),
    "status": (
        gettext_lazy("Revocation and suspension"),
        gettext_lazy("Neither revoked nor suspended by the issuer."),
    ),
}


def _verification_summary(credential: Credential, now: Any) -> list[dict[str, str]]:
    """The signature, issuer, dates and status checks of the verifier, in plain words (with
    the verifier's own wording kept for the technical details)."""
    try:
        report = credential_verify(credential.signed_json, now=now).report
    except Exception:
        return []
    summary = []
    for check in report.checks:
        if check.name not in _SUMMARY_CHECKS or check.scope or check.status == "skip":
            continue
        label, plain = _SUMMARY_CHECKS[check.name]
        summary.append(
            {
                "label": str(label),
                "status": check.status,
                "plain": str(plain) if check.status == "pass" else check.reason,
                "reason": check.reason,
            }
        )
    return summary


def _readable_results(results: Any, achievement: Any) -> list[dict[str, str]]:
    """Each ``result`` as ``{"label", "value"}`` in words: the name of its ResultDescription
    and the achieved rubric level's name (or the value / status)."""
    described: dict[str, str] = {}
    levels: dict[str, str] = {}
    descriptions = achievement.get("resultDescription", []) if isinstance(achievement, dict) else []
    for description in descriptions if isinstance(descriptions, list) else []:
        if not isinstance(description, dict):
            continue
        described[str(description.get("id"))] = str(description.get("name") or "")
        for level in description.get("rubricCriterionLevel") or []:
            if isinstance(level, dict):
                levels[str(level.get("id"))] = str(level.get("name") or level.get("level") or "")
    rows = []
    for result in results if isinstance(results, list) else []:
        if not isinstance(result, dict):
            continue
        value = (
            levels.get(str(result.get("achievedLevel")))
            or result.get("value")
            or result.get("status")
            or ""
        )
        label = described.get(str(result.get("resultDescription")), "")
        rows.append({"label": label, "value": str(value)})
    return rows


@require_GET
def credential_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    credential = _credential(public_id)
    now = timezone.now()
    document = credential.document
    subject = document.get("credentialSubject", {})
    achievement = subject.get("achievement", {})
    criteria = achievement.get("criteria", {}) if isinstance(achievement, dict) else {}
    version = credential.achievement_version
    context = {
        "credential": credential,
        "version": version,
        "organisation": credential.organisation,
        "criteria_html": render_markdown(str(criteria.get("narrative") or "")),
        "checks": _verification_summary(credential, now),
        "status": credential.status_at(now),
        "document": document,
        "achievement": achievement,
        "issuer": document.get("issuer", {}),
        "results": _readable_results(subject.get("result", []), achievement),
        "evidence": document.get("evidence", []),
        "notes": selectors.credential_notes(credential),
        "is_recipient": request.user.is_authenticated
        and credential.recipient_user_id == request.user.pk,
    }
    return render(request, "issuing/credential_public.html", context)


@require_GET
def credential_json(request: HttpRequest, public_id: UUID) -> HttpResponse:
    credential = _credential(public_id)
    gone = _gone(credential)
    if gone is not None:
        return gone
    response = HttpResponse(credential.signed_json, content_type="application/vc+ld+json")
    response["Content-Disposition"] = f'inline; filename="{credential.public_id}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def credential_jwt(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The same credential as a VC-JOSE-COSE JWT (EdDSA), signed by the active key."""
    credential = _credential(public_id)
    gone = _gone(credential)
    if gone is not None:
        return gone
    unsecured = {k: v for k, v in credential.document.items() if k != "proof"}
    _key, pair = signing_key_for(organisation=credential.organisation)
    token = vc_jwt.sign(unsecured, pair)
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{credential.public_id}.jwt"'
    return response


def claim(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail: shows the credential; signed in with the right address, the
    credential is added to the person's collection."""
    credential = selectors.credential_by_claim_token(token=token)
    if credential is None:
        return render(
            request,
            "issuing/claim_problem.html",
            {"message": _("This link is not valid any more. Ask the issuer to send it again.")},
            status=404,
        )
    user = request.user
    if request.method == "POST" and isinstance(user, User):
        try:
            services.credential_claim(credential=credential, user=user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The credential is now in your collection."))
            return redirect("issuing:credential", public_id=credential.public_id)
    matches = (
        isinstance(user, User) and user.email.lower() == (credential.recipient_email or "").lower()
    )
    return render(
        request,
        "issuing/claim.html",
        {
            "credential": credential,
            "token": token,
            "matches": matches,
            "claimed": credential.recipient_user_id is not None,
        },
    )


@login_required
def my_credentials(request: HttpRequest) -> HttpResponse:
    credentials = selectors.credentials_of_user(user=request.user)
    return render(request, "issuing/my_credentials.html", {"credentials": credentials})


def json_error(error: ApplicationError) -> JsonResponse:
    return JsonResponse(error.as_json(), status=error.status)
