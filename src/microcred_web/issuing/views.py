"""Organisation pages for issuing. Every view is wrapped by ``org_view``."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from microcred_web.achievements import selectors as achievement_selectors
from microcred_web.common.errors import ApplicationError
from microcred_web.common.htmx import is_htmx
from microcred_web.issuing import selectors, services
from microcred_web.issuing.forms import (
    ApiKeyForm,
    CorrectedEmailForm,
    IssueForm,
    IssuerProfileForm,
    KeyCompromiseForm,
    OrgClientForm,
    ReasonForm,
)
from microcred_web.issuing.identity import issuer_did
from microcred_web.issuing.models import Credential, CredentialStatus, DeliveryStatus
from microcred_web.issuing.signing import (
    credentials_signed_after,
    issuer_key_mark_compromised,
    issuer_key_rotate,
)
from microcred_web.oauth import org_clients
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

ISSUERS = (Role.ISSUER, Role.ADMIN)
BOUNCED = "bounced"  # a list filter beside the statuses: delivery bounced


def _credential_or_404(ctx: OrgContext, public_id: UUID) -> Credential:
    credential = selectors.credential_get(organisation=ctx.organisation, public_id=public_id)
    if credential is None:
        raise Http404("No such credential.")
    return credential


@org_view(*ISSUERS)
def credential_list(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    if status not in {*CredentialStatus.values, BOUNCED}:
        status = ""
    credentials = selectors.credential_list(
        organisation=ctx.organisation, search=search, status=status
    )
    page = Paginator(credentials, 50).get_page(request.GET.get("page"))
    context = {
        "ctx": ctx,
        "page": page,
        "search": search,
        "status": status,
        "statuses": [*CredentialStatus.choices, (BOUNCED, _("E-mail bounced"))],
        "now": timezone.now(),
        "filtered": bool(search or status),
        "has_any": selectors.credential_list(organisation=ctx.organisation).exists(),
    }
    template = (
        "issuing/partials/_credential_table.html" if is_htmx(request) else "issuing/list.html"
    )
    return render(request, template, context)


@org_view(*ISSUERS)
def credential_issue(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    achievements = achievement_selectors.achievement_issuable_list(organisation=ctx.organisation)
    initial: dict[str, object] = {"deliver": True}
    if request.GET.get("achievement"):
        initial["achievement"] = request.GET["achievement"]
    form = IssueForm(request.POST or None, achievements=achievements, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evidence = []
        if data["evidence_url"] or data["evidence_narrative"]:
            item = {"narrative": data["evidence_narrative"]} if data["evidence_narrative"] else {}
            if data["evidence_url"]:
                item["id"] = data["evidence_url"]
            evidence.append(item)
        result = [{"value": data["result"]}] if data["result"] else []
        recipient = services.RecipientInput(
            email=data["email"] or None,
            did=data["did"] or None,
            name=data["name"] or None,
            evidence=evidence,
            result=result,
            source_key=None,
        )
        try:
            issued = services.credentials_issue(
                organisation=ctx.organisation,
                achievement_version=data["achievement"].current_version,
                recipients=[recipient],
                actor=ctx.user,
                source="ui",
                deliver=bool(data["deliver"]),
            )
        except ApplicationError as error:
            field = (error.field or "").rsplit(".", 1)[-1]
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("Credential issued."))
            return redirect(
                "issuing:detail", slug=ctx.organisation.slug, public_id=issued[0].public_id
            )
    return render(
        request,
        "issuing/issue.html",
        {"ctx": ctx, "form": form, "has_achievements": achievements.exists()},
        status=400 if form.errors else 200,
    )


def _detail(
    request: HttpRequest,
    ctx: OrgContext,
    credential: Credential,
    *,
    form: ReasonForm | None = None,
    reissue_form: CorrectedEmailForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "issuing/detail.html",
        {
            "ctx": ctx,
            "credential": credential,
            "status": credential.status,
            "form": form or ReasonForm(),
            "reissue_form": reissue_form or CorrectedEmailForm(),
            "can_reissue": credential.delivery_status == DeliveryStatus.BOUNCED
            and credential.recipient_user_id is None
            and credential.revoked_at is None,
            "document": credential.signed_json,
            "notes": selectors.credential_notes(credential),
        },
        status=status,
    )


@org_view(*ISSUERS)
def credential_detail(request: HttpRequest, ctx: OrgContext, public_id: UUID) -> HttpResponse:
    return _detail(request, ctx, _credential_or_404(ctx, public_id))


@org_view(*ISSUERS)
@require_POST
def credential_reissue(request: HttpRequest, ctx: OrgContext, public_id: UUID) -> HttpResponse:
    """Re-send a bounced credential to a corrected address (revoke and issue again)."""
    credential = _credential_or_404(ctx, public_id)
    form = CorrectedEmailForm(request.POST)
    if form.is_valid():
        try:
            issued = services.credential_reissue_to_email(
                credential=credential, email=form.cleaned_data["email"], actor=ctx.user
            )
        except ApplicationError as error:
            if error.status == 409:  # claimed or revoked: the form is not shown any more
                messages.error(request, error.message)
            form.add_error("email", error.message)
        else:
            messages.success(
                request,
                _("Sent to %(email)s as a new credential; the old one is revoked.")
                % {"email": issued.recipient_email},
            )
            return redirect(
                "issuing:detail", slug=ctx.organisation.slug, public_id=issued.public_id
            )
    return _detail(request, ctx, credential, reissue_form=form, status=400)


def _apply(action: str, credentials: list[Credential], ctx: OrgContext, reason: str) -> int:
    handlers = {
        "revoke": services.credentials_revoke,
        "suspend": services.credentials_suspend,
        "unsuspend": services.credentials_unsuspend,
    }
    return len(handlers[action](credentials=credentials, actor=ctx.user, reason=reason))


@org_view(*ISSUERS)
@require_POST
def credential_status(request: HttpRequest, ctx: OrgContext, public_id: UUID) -> HttpResponse:
    credential = _credential_or_404(ctx, public_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            changed = _apply(
                form.cleaned_data["action"], [credential], ctx, form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if changed:
                messages.success(request, _("Status updated."))
            else:
                messages.info(request, _("Nothing to change."))
            return redirect("issuing:detail", slug=ctx.organisation.slug, public_id=public_id)
    return _detail(request, ctx, credential, form=form, status=400)


@org_view(*ISSUERS)
@require_POST
def credentials_status(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Bulk revoke / suspend / reinstate of the credentials ticked in the list."""
    form = ReasonForm(request.POST)
    ids = request.POST.getlist("credential")[:5000]
    try:
        public_ids = [UUID(value) for value in ids]
    except ValueError:
        public_ids = []
    if not public_ids:
        messages.error(request, _("Tick at least one credential."))
    elif not form.is_valid():
        messages.error(request, _("Choose an action and give a reason."))
    else:
        credentials = selectors.credentials_by_ids(
            organisation=ctx.organisation, public_ids=public_ids
        )
        try:
            changed = _apply(
                form.cleaned_data["action"], credentials, ctx, form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext("%(n)d credential updated.", "%(n)d credentials updated.", changed)
                % {"n": changed},
            )
    return redirect("issuing:list", slug=ctx.organisation.slug)


@org_view(*ISSUERS)
@require_POST
def credential_resend(request: HttpRequest, ctx: OrgContext, public_id: UUID) -> HttpResponse:
    credential = _credential_or_404(ctx, public_id)
    services.credential_resend(credential=credential, actor=ctx.user)
    messages.success(request, _("The e-mail was sent again with a new link."))
    return redirect("issuing:detail", slug=ctx.organisation.slug, public_id=public_id)


@org_view(Role.ADMIN)
def issuer_settings(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    profile = selectors.issuer_profile_get(organisation=ctx.organisation)
    initial = {
        "name": profile.name if profile else ctx.organisation.name,
        "url": profile.url if profile else "",
        "email": profile.email if profile else "",
        "description": profile.description if profile else "",
        "linkedin_organization_id": profile.linkedin_organization_id if profile else "",
    }
    form = IssuerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.issuer_profile_update(
                organisation=ctx.organisation, actor=ctx.user, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Issuer profile saved."))
            return redirect("issuing:settings", slug=ctx.organisation.slug)
    return render(
        request,
        "issuing/settings.html",
        {
            "ctx": ctx,
            "form": form,
            "did": issuer_did(ctx.organisation),
            "keys": selectors.issuer_key_list(organisation=ctx.organisation),
        },
        status=400 if form.errors else 200,
    )


@org_view(Role.ADMIN)
@require_POST
def key_rotate(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    issuer_key_rotate(organisation=ctx.organisation, actor=ctx.user)
    messages.success(request, _("A new signing key is in use. Older credentials stay valid."))
    return redirect("issuing:settings", slug=ctx.organisation.slug)


@org_view(Role.ADMIN)
def key_compromise(request: HttpRequest, ctx: OrgContext, key_id: int) -> HttpResponse:
    """Mark a signing key compromised: a form, then a confirmation showing what it rejects."""
    key = selectors.issuer_key_get(organisation=ctx.organisation, key_id=key_id)
    if key is None:
        raise Http404("No such key.")
    if key.compromised_after is not None:
        messages.info(request, _("This key is already marked compromised."))
        return redirect("issuing:settings", slug=ctx.organisation.slug)
    initial = {"compromised_after": timezone.localtime().replace(second=0, microsecond=0)}
    form = KeyCompromiseForm(request.POST or None, initial=initial)
    affected: int | None = None
    if request.method == "POST" and form.is_valid():
        moment = form.cleaned_data["compromised_after"]
        if request.POST.get("confirm") == "yes":
            try:
                issuer_key_mark_compromised(
                    key=key,
                    actor=ctx.user,
                    compromised_after=moment,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("The key is marked compromised. A new key signs from now on."),
                )
                return redirect("issuing:settings", slug=ctx.organisation.slug)
        else:
            affected = credentials_signed_after(key=key, moment=moment)
    return render(
        request,
        "issuing/key_compromise.html",
        {"ctx": ctx, "key": key, "form": form, "affected": affected},
        status=400 if form.errors else 200,
    )


@org_view(Role.ADMIN)
def api_keys(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    posted_client = request.method == "POST" and request.POST.get("form") == "client"
    form = ApiKeyForm(request.POST if request.method == "POST" and not posted_client else None)
    client_form = OrgClientForm(request.POST if posted_client else None)
    new_key = None
    new_client: tuple[str, str] | None = None
    if posted_client and client_form.is_valid():
        try:
            client, secret = org_clients.org_client_create(
                organisation=ctx.organisation,
                actor=ctx.user,
                name=client_form.cleaned_data["name"],
                scopes=client_form.cleaned_data["scopes"],
            )
        except ApplicationError as error:
            client_form.add_error(
                error.field if error.field in ("name", "scopes") else None, error.message
            )
        else:
            new_client = (client.application.client_id, secret)
            client_form = OrgClientForm()
    if request.method == "POST" and not posted_client and form.is_valid():
        try:
            _key, new_key = services.api_key_create(
                organisation=ctx.organisation, actor=ctx.user, name=form.cleaned_data["name"]
            )
        except ApplicationError as error:
            form.add_error("name", error.message)
        else:
            form = ApiKeyForm()
    response = render(
        request,
        "issuing/api_keys.html",
        {
            "ctx": ctx,
            "form": form,
            "new_key": new_key,
            "keys": selectors.api_key_list(organisation=ctx.organisation),
            "client_form": client_form,
            "new_client": new_client,
            "clients": org_clients.org_clients_of(organisation=ctx.organisation),
            "token_url": reverse("oauth:token"),
        },
        status=400 if form.errors or client_form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@org_view(Role.ADMIN)
@require_POST
def org_client_delete(request: HttpRequest, ctx: OrgContext, client_id: int) -> HttpResponse:
    try:
        org_clients.org_client_delete(
            organisation=ctx.organisation, actor=ctx.user, client_pk=client_id
        )
    except ApplicationError as error:
        raise Http404(error.message) from error
    messages.success(request, _("OAuth client deleted: its tokens no longer work."))
    return redirect("issuing:api_keys", slug=ctx.organisation.slug)


@org_view(Role.ADMIN)
@require_POST
def api_key_revoke(request: HttpRequest, ctx: OrgContext, api_key_id: int) -> HttpResponse:
    api_key = selectors.api_key_get(organisation=ctx.organisation, api_key_id=api_key_id)
    if api_key is None:
        raise Http404("No such key.")
    services.api_key_revoke(api_key=api_key, actor=ctx.user)
    messages.success(request, _("API key revoked."))
    return redirect("issuing:api_keys", slug=ctx.organisation.slug)
