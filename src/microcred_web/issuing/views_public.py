"""Public issuing pages: DID documents, issuer profile, status lists, credentials, claims.

Revoked or suspended credentials are never served as if valid: their ``.json`` and ``.jwt``
downloads answer 410 Gone with the status and reason, and the HTML page shows a banner.
"""

from __future__ import annotations

import json
import mimetypes
from typing import Any, Final
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from microcred.suites import vc_jwt
from microcred.tlog.verdict import transparency_check
from microcred_web.accounts import services as account_services
from microcred_web.accounts.models import User
from microcred_web.achievements.localised import localised_texts
from microcred_web.achievements.markdown import render_markdown
from microcred_web.analytics.services import event_record
from microcred_web.common.errors import ApplicationError
from microcred_web.common.http import client_address
from microcred_web.common.qr import qr_svg
from microcred_web.issuing import selectors, services
from microcred_web.issuing.check_words import CHECK_TEXT, plain_message
from microcred_web.issuing.eu_words import skill_alignments
from microcred_web.issuing.identity import (
    absolute_url,
    did_document,
    host_did,
    issuer_profile_json,
)
from microcred_web.issuing.models import Credential, CredentialStatus
from microcred_web.issuing.signing import signing_key_for
from microcred_web.issuing.verification import credential_verify
from microcred_web.issuing.visibility import (
    SHARED_SESSION_KEY,
    credential_visible_in,
    shared_in_session,
)
from microcred_web.issuing.webhook_events import credential_seen_emit
from microcred_web.orgs.forms import AcceptNewUserForm, AcceptSignInForm
from microcred_web.orgs.models import Organisation
from microcred_web.transparency.services import credential_inclusion

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
    if purpose not in {"message", "revocation"}:  # suspension lists are not published (0019)
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


def _credential(request: HttpRequest, public_id: UUID) -> Credential:
    """The credential, if this visitor may see it (private ones are 404 to others)."""
    credential = selectors.credential_public_get(public_id=public_id)
    if credential is None or not credential_visible_in(request, credential):
        raise Http404("No such credential.")
    return credential


def _is_holder(request: HttpRequest, credential: Credential) -> bool:
    return request.user.is_authenticated and credential.recipient_user_id == request.user.pk


def download_event(request: HttpRequest, credential: Credential, fmt: str) -> None:
    """Record a download (by anyone but the holder's own wallet previews)."""
    event_record(
        kind="download",
        credential_id=credential.pk,
        organisation_id=credential.organisation_id,
        channel=fmt,
        request=request,
    )


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


#: the checks worth showing a person reading the page
_SUMMARY_CHECKS: Final = ("proof", "issuer", "valid-from", "valid-until", "status")


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
        plain = plain_message(check, report.document)
        given = _issuer_reason(credential) if check.name == "status" else ""
        if check.status == "fail" and given:
            plain = _("%(meaning)s Reason given by the issuer: %(reason)s") % {
                "meaning": plain,
                "reason": given,
            }
        summary.append(
            {
                "label": str(CHECK_TEXT[check.name][0]),
                "status": check.status,
                "plain": plain,
                "reason": check.reason,
            }
        )
    logged = _log_inclusion(credential, report)
    if logged is not None:
        summary.append(logged)
    return summary


def _log_inclusion(credential: Credential, report: Any) -> dict[str, str] | None:
    """The line saying where the credential sits in its issuer's transparency log."""
    bundle = credential_inclusion(
        organisation_id=credential.organisation_id, public_id=credential.public_id
    )
    check = transparency_check(report, bundle)
    if bundle is None or check.status != "pass":
        return None
    return {
        "label": str(CHECK_TEXT["transparency"][0]),
        "status": "pass",
        "plain": _(
            "Entry %(index)s of the issuer's public log, under its signed checkpoint of "
            "%(size)s entries."
        )
        % {"index": bundle["index"], "size": bundle["treeSize"]},
        "reason": check.reason,
        "href": reverse(
            "transparency:proof",
            kwargs={"slug": credential.organisation.slug, "public_id": credential.public_id},
        ),
    }


def _issuer_reason(credential: Credential) -> str:
    """Why the issuer revoked or suspended ``credential`` (empty when it did neither)."""
    if credential.revoked_at is not None:
        return credential.revocation_reason
    if credential.suspended_at is not None:
        return credential.suspension_reason
    return ""


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


def credential_page_context(
    request: HttpRequest, credential: Credential, *, page_url: str
) -> dict[str, Any]:
    """What the public page of ``credential`` shows (also used for share links)."""
    now = timezone.now()
    document = credential.document
    subject = document.get("credentialSubject", {})
    achievement = subject.get("achievement", {})
    version = credential.achievement_version
    hidden = {int(i) for i in credential.hidden_evidence if isinstance(i, int)}
    evidence = [e for i, e in enumerate(document.get("evidence", []) or []) if i not in hidden]
    if version.image:
        image_path = reverse(
            "achievements:public_image",
            kwargs={"public_id": version.achievement.public_id, "number": version.number},
        )
    else:
        image_path = reverse("rendering:badge_png", kwargs={"public_id": credential.public_id})
    texts = localised_texts(
        achievement if isinstance(achievement, dict) else {}, version.achievement.translations
    )
    credential_url = absolute_url(
        reverse("issuing:credential", kwargs={"public_id": credential.public_id})
    )
    return {
        "credential": credential,
        "version": version,
        "organisation": credential.organisation,
        "texts": texts,
        "criteria_html": render_markdown(texts["criteria"]),
        "checks": _verification_summary(credential, now),
        "status": credential.status_at(now),
        "document": document,
        "achievement": achievement,
        "skills": skill_alignments(achievement),
        "eu_rows": texts["eu_rows"],
        "issuer": document.get("issuer", {}),
        "results": _readable_results(subject.get("result", []), achievement),
        "evidence": evidence,
        "notes": selectors.credential_notes(credential),
        "is_recipient": _is_holder(request, credential),
        "page_url": page_url,
        "credential_url": credential_url,
        "qr_svg": mark_safe(qr_svg(credential_url, title=_("QR code of this page's address"))),  # noqa: S308 (segno's SVG)
        "og_image": absolute_url(image_path),
        "og_description": texts["description"][:300],
    }


def credential_view_event(request: HttpRequest, credential: Credential, channel: str = "") -> None:
    """A view of the public page, by anyone but the holder."""
    if not _is_holder(request, credential):
        event_record(
            kind="view",
            credential_id=credential.pk,
            organisation_id=credential.organisation_id,
            channel=channel,
            request=request,
        )
        credential_seen_emit(credential=credential, event_type="credential.viewed", channel=channel)


@require_GET
def credential_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    credential = _credential(request, public_id)
    credential_view_event(request, credential)
    page_url = absolute_url(request.path)
    context = credential_page_context(request, credential, page_url=page_url)
    return render(request, "issuing/credential_public.html", context)


@require_GET
def credential_json(request: HttpRequest, public_id: UUID) -> HttpResponse:
    credential = _credential(request, public_id)
    gone = _gone(credential)
    if gone is not None:
        return gone
    download_event(request, credential, "json")
    response = HttpResponse(credential.signed_json, content_type="application/vc+ld+json")
    response["Content-Disposition"] = f'inline; filename="{credential.public_id}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def credential_jwt(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The same credential as a VC-JOSE-COSE JWT (EdDSA), signed by the active key."""
    credential = _credential(request, public_id)
    gone = _gone(credential)
    if gone is not None:
        return gone
    download_event(request, credential, "jwt")
    unsecured = {k: v for k, v in credential.document.items() if k != "proof"}
    _key, pair = signing_key_for(organisation=credential.organisation)
    token = vc_jwt.sign(unsecured, pair)
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{credential.public_id}.jwt"'
    return response


def claim(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail: shows the credential and lets the recipient keep it.

    Signed in with the recipient address: one button. Not signed in: create an account right
    here (the address is the credential's, the link proves control of it) or, when an account
    with that address exists, sign in with its password; either way the credential is then
    attached to the account.
    """
    credential = selectors.credential_by_claim_token(token=token)
    if credential is None:
        return render(
            request,
            "issuing/claim_problem.html",
            {"message": _("This link is not valid any more. Ask the issuer to send it again.")},
            status=404,
        )
    _grant_view_in_session(request, credential)
    email = (credential.recipient_email or "").lower()
    user = request.user if isinstance(request.user, User) else None
    account_exists = bool(email) and User.objects.filter(email__iexact=email).exists()
    action = request.POST.get("action") if request.method == "POST" else None
    new_form = AcceptNewUserForm(request.POST if action == "create" else None)
    sign_in_form = AcceptSignInForm(request.POST if action == "sign_in" else None)
    status = 200
    if action is not None:
        status = 400
        try:
            claimed = _claim_action(
                request, action, credential, user, account_exists, new_form, sign_in_form
            )
        except ApplicationError as error:
            status = error.status
            target = new_form if action == "create" else sign_in_form
            if action in {"create", "sign_in"}:
                target.add_error(
                    error.field if error.field in target.fields else None, error.message
                )
            else:
                messages.error(request, error.message)
        else:
            if claimed:
                event_record(
                    kind="claim",
                    credential_id=credential.pk,
                    organisation_id=credential.organisation_id,
                    request=request,
                )
                messages.success(request, _("The credential is now in your wallet."))
                return redirect("issuing:credential", public_id=credential.public_id)
    context = {
        "credential": credential,
        "token": token,
        "recipient_email": email,
        "matches": user is not None and bool(email) and user.email.lower() == email,
        "claimed": credential.recipient_user_id is not None,
        "account_exists": account_exists,
        "new_form": new_form,
        "sign_in_form": sign_in_form,
    }
    return render(request, "issuing/claim.html", context, status=status)


def _grant_view_in_session(request: HttpRequest, credential: Credential) -> None:
    """The claim link proves the recipient's address: this browser may view the credential
    (the e-mail says no account is needed to view it), as a share link would allow."""
    granted = shared_in_session(request)
    public_id = str(credential.public_id)
    if public_id not in granted:
        request.session[SHARED_SESSION_KEY] = [*granted, public_id][-50:]


def _claim_action(
    request: HttpRequest,
    action: str,
    credential: Credential,
    user: User | None,
    account_exists: bool,
    new_form: AcceptNewUserForm,
    sign_in_form: AcceptSignInForm,
) -> bool:
    """Carry out one POSTed claim action; True when the credential is now the person's."""
    ip = client_address(request)
    if action == "claim" and user is not None:
        services.credential_claim(credential=credential, user=user)
        return True
    if action == "create" and user is None and not account_exists and new_form.is_valid():
        claimed = services.credential_claim_new_account(
            credential=credential,
            display_name=new_form.cleaned_data["display_name"],
            password=new_form.cleaned_data["password1"],
            ip=ip,
        )
        login(request, claimed.recipient_user, backend="django.contrib.auth.backends.ModelBackend")
        return True
    if action == "sign_in" and user is None and account_exists and sign_in_form.is_valid():
        email = (credential.recipient_email or "").lower()
        account_services.sign_in_throttle_check(email=email, client=ip)
        found = authenticate(request, email=email, password=sign_in_form.cleaned_data["password"])
        if not isinstance(found, User):
            account_services.sign_in_failure_record(email=email, client=ip)
            sign_in_form.add_error("password", _("This password is not right."))
            return False
        login(request, found)
        account_services.sign_in_success_record(user=found, client=ip)
        services.credential_claim(credential=credential, user=found)
        return True
    return False


@login_required
def my_credentials(request: HttpRequest) -> HttpResponse:
    """Kept for old links: the learner's credentials now live in the wallet."""
    return redirect("wallet:home")


def json_error(error: ApplicationError) -> JsonResponse:
    return JsonResponse(error.as_json(), status=error.status)
