"""The learner's wallet pages, public profiles and share links."""

from __future__ import annotations

import json
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from microcred.errors import Error as CoreError
from microcred.verify import decode_input
from microcred_web.analytics.selectors import counts_for_credential
from microcred_web.analytics.services import event_record
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.check_words import plain_lines
from microcred_web.issuing.identity import absolute_url
from microcred_web.issuing.models import Credential
from microcred_web.issuing.views_public import credential_page_context, credential_view_event
from microcred_web.issuing.visibility import SHARED_SESSION_KEY, shared_in_session
from microcred_web.wallet import clr, recheck, selectors, services, sharing
from microcred_web.wallet.forms import (
    EmailShareForm,
    ImportFileForm,
    ImportUrlForm,
    ProfileForm,
    ShareLinkForm,
)
from microcred_web.wallet.models import ImportedCredential


def _issued(request: HttpRequest, public_id: UUID) -> Credential:
    credential = selectors.issued_credential_of(user=request.user, public_id=public_id)
    if credential is None:
        raise Http404("No such credential in your wallet.")
    return credential


def _imported(request: HttpRequest, public_id: UUID) -> ImportedCredential:
    imported = selectors.imported_credential_of(user=request.user, public_id=public_id)
    if imported is None:
        raise Http404("No such credential in your wallet.")
    return imported


def _back(credential: Credential) -> HttpResponse:
    return redirect("wallet:credential", public_id=credential.public_id)


# --------------------------------------------------------------------------- wallet


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    skill = request.GET.get("skill", "")[:200]
    issuer = request.GET.get("issuer", "")[:300]
    everything = selectors.wallet_items(user=request.user)
    skills, issuers = selectors.filter_options(everything)
    items = selectors.wallet_items(user=request.user, skill=skill, issuer=issuer)
    return render(
        request,
        "wallet/home.html",
        {
            "items": items,
            "total": len(everything),
            "skills": skills,
            "issuers": issuers,
            "skill": skill,
            "issuer": issuer,
            "profile": selectors.profile_of(user=request.user),
        },
    )


@login_required
@require_GET
def credential(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = _issued(request, public_id)
    page_url = sharing.public_url(item)
    context = credential_page_context(request, item, page_url=page_url)
    hidden = set(item.hidden_evidence)
    context.update(
        {
            "all_evidence": [
                {"index": i, "item": e, "shown": i not in hidden}
                for i, e in enumerate(item.document.get("evidence", []) or [])
            ],
            "skills": selectors.skills_of(item),
            "public_url": page_url,
            "embed": sharing.embed_snippet(item),
            "embed_live": sharing.embed_frame_snippet(item),
            "share_links": selectors.share_links_of(credential=item),
            "counts": counts_for_credential(credential_id=item.pk),
            "email_form": EmailShareForm(),
            "link_form": ShareLinkForm(),
            "new_link": request.session.pop("wallet.new_share_link", ""),
        }
    )
    return render(request, "wallet/credential.html", context)


@login_required
@require_POST
def visibility(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = _issued(request, public_id)
    public = request.POST.get("public") == "1"
    services.credential_visibility_set(credential=item, user=request.user, is_public=public)
    if public:
        messages.success(request, _("Anyone with the link can now see this credential."))
    else:
        messages.success(request, _("This credential is private again."))
    return _back(item)


@login_required
@require_POST
def evidence(request: HttpRequest, public_id: UUID, index: int) -> HttpResponse:
    item = _issued(request, public_id)
    shown = request.POST.get("shown") == "1"
    services.credential_evidence_visibility_set(
        credential=item, user=request.user, index=index, shown=shown
    )
    return _back(item)


@login_required
@require_POST
def email(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = _issued(request, public_id)
    form = EmailShareForm(request.POST)
    if form.is_valid():
        try:
            services.credential_email_share(
                credential=item,
                user=request.user,
                to=form.cleaned_data["to"],
                message=form.cleaned_data["message"],
                request=request,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("E-mail sent."))
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(map(str, errors))}")
    return _back(item)


@login_required
@require_POST
def share_link_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = _issued(request, public_id)
    form = ShareLinkForm(request.POST)
    label = form.cleaned_data["label"] if form.is_valid() else ""
    _link, token = services.share_link_create(
        credential=item, user=request.user, label=label, request=request
    )
    request.session["wallet.new_share_link"] = services.share_link_url(token)
    messages.success(request, _("Share link created: copy it now, it is shown only once."))
    return _back(item)


@login_required
@require_POST
def share_link_revoke(request: HttpRequest, link_id: int) -> HttpResponse:
    link = selectors.share_link_of(user=request.user, link_id=link_id)
    if link is None:
        raise Http404("No such share link.")
    services.share_link_revoke(link=link, user=request.user)
    messages.success(request, _("The link is withdrawn: it no longer shows the credential."))
    return _back(link.credential)


@login_required
@require_GET
def linkedin(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Record the click, then send the holder to LinkedIn's add-to-profile form."""
    item = _issued(request, public_id)
    event_record(
        kind="linkedin",
        credential_id=item.pk,
        organisation_id=item.organisation_id,
        channel="linkedin",
        request=request,
    )
    return redirect(sharing.linkedin_url(item))


@login_required
@require_POST
def shared(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The copy-link and copy-embed buttons report here (an analytics event, 204)."""
    item = _issued(request, public_id)
    services.share_event(
        credential=item, user=request.user, channel=request.POST.get("channel", ""), request=request
    )
    return HttpResponse(status=204)


# --------------------------------------------------------------------------- imports


@login_required
def import_credential(request: HttpRequest) -> HttpResponse:
    file_form = ImportFileForm()
    url_form = ImportUrlForm()
    if request.method == "POST":
        use_url = "url" in request.POST
        form: ImportFileForm | ImportUrlForm
        if use_url:
            form = url_form = ImportUrlForm(request.POST)
        else:
            form = file_form = ImportFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                if use_url:
                    imported = services.credential_import_url(
                        user=request.user, url=form.cleaned_data["url"]
                    )
                else:
                    upload = form.cleaned_data["file"]
                    imported = services.credential_import(user=request.user, data=upload.read())
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("Imported and checked: %(label)s.") % {"label": imported.get_label_display()},
                )
                return redirect("wallet:imported", public_id=imported.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "wallet/import.html",
        {"file_form": file_form, "url_form": url_form},
        status=status,
    )


@login_required
@require_GET
def imported(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = _imported(request, public_id)
    document = item.document
    if document is None:  # a JWT: show its credential claims
        try:
            document = dict(decode_input(item.payload).document)
        except (CoreError, ValueError):
            document = {}
    return render(
        request,
        "wallet/imported.html",
        {
            "item": item,
            "checks": plain_lines(item.checks, document),
            "document_json": json.dumps(document, indent=2, ensure_ascii=False)[:50_000],
        },
    )


@login_required
@require_POST
def imported_visibility(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = _imported(request, public_id)
    services.imported_visibility_set(
        imported=item, user=request.user, is_public=request.POST.get("public") == "1"
    )
    return redirect("wallet:imported", public_id=item.public_id)


@login_required
@require_POST
def imported_recheck(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """ "Check again": verify the import once more at its issuer (revoked since? suspended?)."""
    item = _imported(request, public_id)
    try:
        recheck.imported_recheck(imported=item, holder=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Checked again: %(label)s.") % {"label": item.get_label_display()}
        )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("wallet:imported", public_id=item.public_id)


@login_required
@require_POST
def imported_delete(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = _imported(request, public_id)
    services.imported_delete(imported=item, user=request.user)
    messages.success(request, _("Removed from your wallet."))
    return redirect("wallet:home")


# --------------------------------------------------------------------------- profile


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    current = selectors.profile_of(user=request.user)
    initial = {"handle": current.handle or "", "headline": current.headline} if current else {}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.wallet_profile_update(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("wallet:profile")
    return render(request, "wallet/profile.html", {"form": form, "profile": current})


@require_GET
def public_profile(request: HttpRequest, handle: str) -> HttpResponse:
    found = selectors.profile_by_handle(handle=handle)
    if found is None:
        raise Http404("No such profile.")
    items = selectors.wallet_items(user=found.user, public_only=True)
    return render(
        request,
        "wallet/public_profile.html",
        {
            "profile": found,
            "person": found.user,
            "items": items,
            "page_url": absolute_url(request.path),
        },
    )


@require_GET
def shared_link(request: HttpRequest, token: str) -> HttpResponse:
    """A share link: the credential's page for whoever has the link, until it is withdrawn."""
    link = selectors.share_link_by_token(token=token)
    if link is None:
        raise Http404("No such link.")
    if link.revoked_at is not None:
        return render(request, "wallet/link_withdrawn.html", status=410)
    item = link.credential
    granted = shared_in_session(request)
    if str(item.public_id) not in granted:  # the downloads on the page work for this visitor
        request.session[SHARED_SESSION_KEY] = [*granted, str(item.public_id)][-50:]
    credential_view_event(request, item, channel="share-link")
    context = credential_page_context(request, item, page_url=absolute_url(request.path))
    response = render(request, "issuing/credential_public.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token stays out of other sites' logs
    return response


# --------------------------------------------------------------------------- CLR


@login_required
def clr_export(request: HttpRequest) -> HttpResponse:
    """Choose credentials (issued here, or imported and verified); get one signed CLR 2.0
    ClrCredential bundling them."""
    credentials = list(selectors.issued_credentials_of(user=request.user))
    imported = [
        i for i in selectors.imported_credentials_of(user=request.user) if clr.clr_bundlable(i)
    ]
    error = ""
    if request.method == "POST":
        chosen = set(request.POST.getlist("credential"))
        picked = [c for c in credentials if str(c.public_id) in chosen]
        chosen_imported = set(request.POST.getlist("imported"))
        picked_imported = [i for i in imported if str(i.public_id) in chosen_imported]
        try:
            document = clr.clr_issue(
                user=request.user, credentials=picked, imported=picked_imported
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            for c in picked:
                event_record(
                    kind="download",
                    credential_id=c.pk,
                    organisation_id=c.organisation_id,
                    channel="clr",
                    request=request,
                )
            response = HttpResponse(
                json.dumps(document, indent=2, ensure_ascii=False),
                content_type="application/vc+ld+json",
            )
            response["Content-Disposition"] = 'attachment; filename="clr.json"'
            return response
    return render(
        request,
        "wallet/clr.html",
        {"credentials": credentials, "imported": imported, "error": error},
        status=400 if error else 200,
    )


@require_GET
def platform_did(request: HttpRequest) -> HttpResponse:
    """The DID document of the key that signs CLR exports (did:web:<host>:wallet)."""
    document = clr.platform_did_document()
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/did+json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "max-age=300"
    return response
