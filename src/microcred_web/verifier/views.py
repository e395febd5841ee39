"""The public verification page ``/verify/`` and its JSON twin ``POST /verify/api``.

Anyone may use them, signed in or not. Input is refused before parsing when it is too large
or unsafe (see :mod:`microcred_web.verifier.inputs`); every verdict is recorded as a
``verify`` analytics event (no raw IP; the viewer's organisation only when signed in).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from microcred.errors import AmbiguousJSON
from microcred.errors import Error as CoreError
from microcred.verification.input import parse_json_text
from microcred_web.achievements.markdown import render_markdown
from microcred_web.common.errors import ApplicationError
from microcred_web.common.htmx import is_htmx
from microcred_web.common.http import client_address
from microcred_web.common.text_input import (
    may_hold_surrogate_escape,
    refuse_unpaired_surrogates,
    utf8_body,
)
from microcred_web.issuing import selectors
from microcred_web.issuing.visibility import credential_visible_in
from microcred_web.issuing.webhook_events import credential_seen_emit
from microcred_web.trustlists.selectors import registries_for
from microcred_web.verifier import inputs
from microcred_web.verifier.inputs import MAX_INPUT_BYTES, Submission
from microcred_web.verifier.ratelimit import verify_buckets
from microcred_web.verifier.verification import (
    Outcome,
    as_moment,
    outcome_json,
    verify_submission,
    whole_bodies,
)

try:  # the analytics app records the events; verification works without it
    from microcred_web.analytics.services import event_record
except ImportError:  # pragma: no cover - only while the analytics app is absent
    event_record = None  # type: ignore[assignment]

#: multipart framing around a file of the maximum size
_ENVELOPE = 64 * 1024


def _viewer_organisation_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    from microcred_web.orgs.selectors import memberships_of_user

    membership = memberships_of_user(user=user).first()
    return membership.organisation_id if membership is not None else None


def _record(request: HttpRequest, outcome: Outcome) -> None:
    credential = outcome.credential
    if credential is not None:
        credential_seen_emit(
            credential=credential, event_type="credential.verified", result=outcome.verdict
        )
    if event_record is None:
        return
    event_record(
        kind="verify",
        credential_id=credential.pk if credential is not None else None,
        organisation_id=credential.organisation_id if credential is not None else None,
        result=outcome.verdict,
        viewer_organisation_id=_viewer_organisation_id(request),
        request=request,
    )


def _declared_too_large(request: HttpRequest, field: str) -> ApplicationError | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return inputs.too_large(field) if length > MAX_INPUT_BYTES + _ENVELOPE else None


def _visible_submission(request: HttpRequest, submission: Submission) -> Submission:
    """A URL of one of our credentials is verified only if this visitor may see it."""
    if submission.public_id:
        credential = selectors.credential_public_get(public_id=submission.public_id)
        if credential is None or not credential_visible_in(request, credential):
            raise ApplicationError(
                "credential_private",
                _(
                    "No credential is shared at this address: it is private or does not "
                    "exist. Ask its holder to share it, or upload the file they gave you."
                ),
                "url",
                status=404,
            )
    return submission


def _verify(request: HttpRequest, submission: Submission) -> Outcome:
    """Verify, hide what a private credential's holder has not shared, record the event."""
    registries = registries_for(organisation_id=_viewer_organisation_id(request))
    outcome = verify_submission(_visible_submission(request, submission), registries=registries)
    credential = outcome.credential
    if credential is not None and not credential_visible_in(request, credential):
        outcome.summary["recipient"] = ""  # the file names no one; our records stay private
    _record(request, outcome)
    return outcome


def _rate_limited(request: HttpRequest) -> bool:
    return not verify_buckets().allow(client_address(request))


def _from_form(request: HttpRequest) -> Submission | None:
    """The submission in a form POST or ``?url=`` (None for an empty page)."""
    if request.method == "GET":
        url = request.GET.get("url", "")
        return inputs.from_url(url) if url.strip() else None
    too_large = _declared_too_large(request, "file" if request.FILES else "credential")
    if too_large is not None:
        raise too_large
    try:
        upload = request.FILES.get("file")
        text = request.POST.get("credential", "")
        url = request.POST.get("url", "")
    except RequestDataTooBig as exc:
        raise inputs.too_large("credential") from exc
    if upload is not None:
        if upload.size is not None and upload.size > MAX_INPUT_BYTES:
            raise inputs.too_large("file")
        return inputs.from_upload(upload.read(MAX_INPUT_BYTES + 1))
    if url.strip():
        return inputs.from_url(url)
    return inputs.from_text(text)


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "url_value": request.GET.get("url", "") if request.method == "GET" else "",
        "text_value": "",
        "error": None,
        "outcome": None,
    }
    status = 200
    try:
        wants = request.method == "POST" or bool(request.GET.get("url", "").strip())
        if wants and _rate_limited(request):
            raise ApplicationError(
                "rate_limited",
                _("Too many verifications: wait a moment and try again."),
                status=429,
            )
        submission = _from_form(request)
        if submission is not None:
            outcome = _verify(request, submission)
            context["outcome"] = outcome
            context["display"] = _display(outcome)
    except ApplicationError as error:
        context["error"] = error
        status = error.status
    if request.method == "POST":
        context["url_value"] = request.POST.get("url", "")[:2000]
        context["text_value"] = request.POST.get("credential", "")[:20000]
    template = "verifier/_verdict.html" if is_htmx(request) else "verifier/page.html"
    # HTMX swaps 4xx bodies too (base.html's responseHandling), so the message shows in place
    return render(request, template, context, status=status)


def _display(outcome: Outcome) -> dict[str, Any]:
    """The parts of the summary that need formatting for people (dates, sanitised criteria)."""
    summary = outcome.summary
    return {
        "valid_from": as_moment(summary.get("valid_from", "")),
        "valid_until": as_moment(summary.get("valid_until", "")),
        "criteria_html": render_markdown(summary.get("criteria", "")),
    }


def _api_error(error: ApplicationError) -> JsonResponse:
    return JsonResponse(error.as_json(), status=error.status)


#: SHA-256 of JSON bodies that were read before and were the credential itself: the same bytes
#: parse the same way, so they are not parsed again (the verification cache has their verdict)
_whole_bodies = whole_bodies


def _from_json_body(request: HttpRequest) -> Submission:
    body = request.read(MAX_INPUT_BYTES + 1)
    if len(body) > MAX_INPUT_BYTES:
        raise inputs.too_large("body")
    digest = hashlib.sha256(body).digest()
    text = utf8_body(body)
    if _whole_bodies.get(digest):
        return Submission(text, "json")
    try:
        value = parse_json_text(text)
    except AmbiguousJSON:
        # well-formed JSON with a key twice: the engine's verdict (malformed) names the path
        return Submission(text, "json")
    except CoreError as exc:
        raise ApplicationError(
            "invalid_json", _("The body is not acceptable JSON: %(why)s") % {"why": exc}, "body"
        ) from exc
    if not isinstance(value, Mapping):
        raise ApplicationError("invalid_json", _("The body must be a JSON object."), "body")
    if may_hold_surrogate_escape(body):
        refuse_unpaired_surrogates(value, "body", code="invalid_json")
    if "url" in value and len(value) == 1:
        if not isinstance(value["url"], str):
            raise ApplicationError("url_invalid", _("url must be a string."), "url")
        return inputs.from_url(value["url"])
    if "jwt" in value and len(value) == 1:
        if not isinstance(value["jwt"], str):
            raise ApplicationError("jwt_invalid", _("jwt must be a string."), "jwt")
        return inputs.from_text(value["jwt"], field="jwt")
    credential = value.get("verifiableCredential", value)
    if isinstance(credential, str):
        return inputs.from_text(credential, field="verifiableCredential")
    if not isinstance(credential, Mapping):
        raise ApplicationError("invalid_json", _("Send a credential object."), "body")
    if credential is value:
        _whole_bodies.put(digest, True)
        return Submission(text, "json")
    return Submission(json.dumps(credential), "json")


@csrf_exempt
@require_http_methods(["POST"])
def api(request: HttpRequest) -> HttpResponse:
    """Verify one credential: a JSON credential, ``{"jwt": …}``, ``{"url": …}`` or a file."""
    if _rate_limited(request):
        response = _api_error(
            ApplicationError("rate_limited", _("Too many verifications: slow down."), status=429)
        )
        response["Retry-After"] = str(verify_buckets().retry_after())
        return response
    try:
        too_large = _declared_too_large(request, "body")
        if too_large is not None:
            raise too_large
        if request.content_type == "multipart/form-data":
            submission = _from_form(request)
            if submission is None:  # pragma: no cover - POST always yields one or raises
                raise ApplicationError("empty", _("Send a credential."), "file")
        else:
            submission = _from_json_body(request)
        outcome = _verify(request, submission)
    except ApplicationError as error:
        return _api_error(error)
    # the same bytes JsonResponse(outcome.to_json(), ensure_ascii=False) would send
    return HttpResponse(outcome_json(outcome), content_type="application/json")
