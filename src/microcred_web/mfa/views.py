from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from microcred_web.accounts import services as account_services
from microcred_web.accounts.models import User
from microcred_web.accounts.views import safe_next
from microcred_web.common.errors import ApplicationError
from microcred_web.common.http import client_address
from microcred_web.mfa import selectors, services, totp
from microcred_web.mfa.devices import device_name
from microcred_web.mfa.forms import CodeForm, EnrolForm, OrganisationPolicyForm
from microcred_web.mfa.signals import PASSED_KEY
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

FRESH_CODES_KEY = "mfa.fresh_codes"  # recovery codes to show once, then forget
ISSUER_LABEL = "microcred"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _passed(request: HttpRequest, user: User) -> None:
    """The second step is done: a new session key, and the session is let through."""
    request.session.cycle_key()
    request.session[PASSED_KEY] = user.pk


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "mfa/overview.html",
        {
            "device": selectors.device_confirmed(user=user),
            "codes_left": selectors.recovery_codes_left(user=user),
            "required": selectors.mfa_required_for(user=user),
        },
    )


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if selectors.device_confirmed(user=user) is not None:
        return redirect("mfa:overview")
    secret = services.enrolment_secret(user=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.enrolment_confirm(
                user=user, code=form.cleaned_data["code"], ip=client_address(request)
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            _passed(request, user)
            request.session[FRESH_CODES_KEY] = codes
            next_url = safe_next(request, "")
            target = redirect("mfa:recovery_codes")
            if next_url:
                target = HttpResponseRedirect(f"{target.url}?{urlencode({'next': next_url})}")
            return target
    uri = totp.provisioning_uri(secret, account=user.email, issuer=ISSUER_LABEL)
    return render(
        request,
        "mfa/enrol.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code")),
            "required": selectors.mfa_required_for(user=user),
            "next": safe_next(request, ""),
        },
        status=400 if form.errors else 200,
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(FRESH_CODES_KEY, None)
    if not codes:
        return redirect("mfa:overview")
    return render(
        request, "mfa/recovery_codes.html", {"codes": codes, "next": safe_next(request, "/")}
    )


@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.recovery_codes_regenerate(user=_user(request), ip=client_address(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("mfa:overview")
    request.session[FRESH_CODES_KEY] = codes
    return redirect("mfa:recovery_codes")


@login_required
@require_POST
def authenticator_remove(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    client = client_address(request)
    form = CodeForm(request.POST)
    try:
        account_services.sign_in_throttle_check(email=f"mfa:{user.email}", client="*")
        if not form.is_valid():
            raise ApplicationError("mfa_code_wrong", _("Enter a code."), "code")
        services.authenticator_remove(user=user, code=form.cleaned_data["code"], ip=client)
    except ApplicationError as error:
        if error.code == "mfa_code_wrong":
            account_services.sign_in_failure_record(email=f"mfa:{user.email}", client="*")
        messages.error(request, error.message)
        return redirect("mfa:overview")
    messages.success(request, _("The authenticator app is removed."))
    return redirect("mfa:overview")


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the authenticator app or a recovery code."""
    user = _user(request)
    if request.session.get(PASSED_KEY) == user.pk or selectors.device_confirmed(user=user) is None:
        return redirect(safe_next(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        client = client_address(request)
        # per account, whatever the address: a second factor is not sprayed across accounts
        throttle_key = f"mfa:{user.email}"
        try:
            account_services.sign_in_throttle_check(email=throttle_key, client="*")
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if services.second_factor_check(user=user, code=form.cleaned_data["code"], ip=client):
                account_services.sign_in_success_record(user=user, client=client)
                _passed(request, user)
                return HttpResponseRedirect(safe_next(request))
            account_services.sign_in_failure_record(email=throttle_key, client="*")
            form.add_error("code", _("This code is not right, or it was used already."))
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "mfa/verify.html",
        {"form": form, "next": safe_next(request, "")},
        status=status,
    )


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    services.sessions_prune(user=user)
    current = request.session.session_key or ""
    rows = [
        {
            "record": record,
            "device": device_name(record.user_agent) or _("Unknown device"),
            "current": record.session_key == current,
        }
        for record in selectors.sessions_for(user=user)
    ]
    return render(request, "mfa/sessions.html", {"rows": rows})


@login_required
@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    services.session_end(
        user=_user(request),
        record_id=pk,
        current_key=request.session.session_key or "",
        ip=client_address(request),
    )
    messages.success(request, _("That session is signed out."))
    return redirect("mfa:sessions")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = services.sessions_end_others(
        user=_user(request),
        current_key=request.session.session_key or "",
        ip=client_address(request),
    )
    messages.success(
        request,
        ngettext(
            "%(count)d other session is signed out.",
            "%(count)d other sessions are signed out.",
            count,
        )
        % {"count": count},
    )
    return redirect("mfa:sessions")


@org_view(Role.ADMIN)
def organisation_policy(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    organisation = ctx.organisation
    form = OrganisationPolicyForm(
        request.POST if request.method == "POST" else None,
        initial={"required": selectors.organisation_requires(organisation=organisation)},
    )
    if request.method == "POST" and form.is_valid():
        services.organisation_policy_set(
            organisation=organisation,
            required=form.cleaned_data["required"],
            actor=ctx.user,
            ip=client_address(request),
        )
        messages.success(request, _("Sign-in security settings saved."))
        return redirect("mfa:org_policy", slug=organisation.slug)
    people, enrolled = selectors.organisation_coverage(organisation=organisation)
    return render(
        request,
        "mfa/org_policy.html",
        {"ctx": ctx, "form": form, "people": people, "enrolled": enrolled},
    )
