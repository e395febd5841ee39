"""Organisation pages. Every view under /o/<slug>/ is wrapped by ``org_view``."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.accounts import services as account_services
from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.htmx import is_htmx
from microcred_web.common.http import client_address
from microcred_web.orgs import selectors, services
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.dashboard import dashboard_cards
from microcred_web.orgs.forms import (
    AcceptNewUserForm,
    AcceptSignInForm,
    InviteForm,
    OrganisationSettingsForm,
    RolesForm,
)
from microcred_web.orgs.models import Membership, Role, Team


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people land in their organisation (or choose one); others sign in.

    A fresh install (no organisation, no operator) goes to the first-run setup; an instance
    operator without an organisation of their own goes to the operator console.
    """
    if selectors.install_is_fresh():
        return redirect("instance:setup")
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    memberships = list(selectors.memberships_of_user(user=request.user))
    if not memberships and getattr(request.user, "is_operator", False):
        return redirect("instance:console")
    if len(memberships) == 1:
        return redirect("orgs:dashboard", slug=memberships[0].organisation.slug)
    return render(request, "orgs/choose.html", {"memberships": memberships})


def _status(form_has_errors: bool) -> int:
    return 400 if form_has_errors else 200


# --- dashboard and role sections -------------------------------------------------------------


@org_view()
def dashboard(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    context: dict[str, object] = {"ctx": ctx}
    if ctx.has(Role.ADMIN):
        context["member_count"] = selectors.member_count(organisation=ctx.organisation)
        context["pending_invitations"] = selectors.invitation_pending_list(
            organisation=ctx.organisation
        ).count()
        context["team_count"] = selectors.team_list(organisation=ctx.organisation).count()
    if ctx.has(Role.MANAGER):
        context["managed_teams"] = list(selectors.teams_managed_by(membership=ctx.membership))
    context["cards"] = dashboard_cards(ctx)
    return render(request, "orgs/dashboard.html", context)


@org_view(Role.LEARNER)
def learning(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Kept for old links: the learner's page lives in the learning app."""
    return redirect("learning:mine", slug=ctx.organisation.slug)


@org_view(Role.ASSESSOR)
def assessments(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    # the assessments app's queue (a higher layer: reached by URL name, not imported)
    return redirect("assessments:queue", slug=ctx.organisation.slug)


@org_view(Role.ISSUER)
def issuing(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Kept for old links: the credentials list of the issuing app."""
    return redirect("issuing:list", slug=ctx.organisation.slug)


@org_view(Role.MANAGER)
def my_team(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Kept for old links: the team's progress lives in the learning app."""
    return redirect("learning:team", slug=ctx.organisation.slug)


@org_view()
def logo(request: HttpRequest, ctx: OrgContext) -> HttpResponseBase:
    if not ctx.organisation.logo:
        raise Http404("No logo.")
    content_type = mimetypes.guess_type(ctx.organisation.logo.name)[0] or "image/png"
    if content_type not in {"image/png", "image/jpeg"}:
        content_type = "image/png"
    response = FileResponse(ctx.organisation.logo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- people ------------------------------------------------------------------------------------


@org_view(Role.ADMIN)
def people(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    memberships = selectors.membership_list(organisation=ctx.organisation, search=search, role=role)
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    context = {
        "ctx": ctx,
        "page": page,
        "search": search,
        "role": role,
        "roles": Role.choices,
        "invitations": selectors.invitation_pending_list(organisation=ctx.organisation),
    }
    if is_htmx(request):
        return render(request, "orgs/partials/_people_table.html", context)
    return render(request, "orgs/people.html", context)


@org_view(Role.ADMIN)
def invite(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    form = InviteForm(request.POST or None, organisation=ctx.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                organisation=ctx.organisation,
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                team=form.cleaned_data["team"],
                actor=ctx.user,
                ip=client_address(request),
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("orgs:people", slug=ctx.organisation.slug)
    return render(
        request, "orgs/invite.html", {"ctx": ctx, "form": form}, status=_status(bool(form.errors))
    )


def _membership_or_404(ctx: OrgContext, membership_id: int) -> Membership:
    membership = selectors.membership_get(
        organisation=ctx.organisation, membership_id=membership_id
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


@org_view(Role.ADMIN)
def person(request: HttpRequest, ctx: OrgContext, membership_id: int) -> HttpResponse:
    membership = _membership_or_404(ctx, membership_id)
    form = RolesForm(request.POST or None, initial={"roles": membership.role_names})
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_roles_set(
                membership=membership,
                roles=form.cleaned_data["roles"],
                actor=ctx.user,
                ip=client_address(request),
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            saved = True
            if not is_htmx(request):
                messages.success(request, _("Roles updated."))
                return redirect(
                    "orgs:person", slug=ctx.organisation.slug, membership_id=membership.pk
                )
            membership = _membership_or_404(ctx, membership_id)
            form = RolesForm(initial={"roles": membership.role_names})
    context = {"ctx": ctx, "membership": membership, "form": form, "saved": saved}
    status = _status(bool(form.errors))
    if is_htmx(request):
        return render(request, "orgs/partials/_roles_form.html", context, status=status)
    return render(request, "orgs/person.html", context, status=status)


@org_view(Role.ADMIN)
@require_POST
def person_deactivate(request: HttpRequest, ctx: OrgContext, membership_id: int) -> HttpResponse:
    membership = _membership_or_404(ctx, membership_id)
    services.membership_deactivate(
        membership=membership, actor=ctx.user, ip=client_address(request)
    )
    messages.success(
        request,
        _("%(name)s can no longer sign in to this organisation.") % {"name": membership.user},
    )
    return redirect("orgs:people", slug=ctx.organisation.slug)


@org_view(Role.ADMIN)
@require_POST
def person_reactivate(request: HttpRequest, ctx: OrgContext, membership_id: int) -> HttpResponse:
    membership = _membership_or_404(ctx, membership_id)
    services.membership_reactivate(
        membership=membership, actor=ctx.user, ip=client_address(request)
    )
    messages.success(request, _("%(name)s is active again.") % {"name": membership.user})
    return redirect("orgs:person", slug=ctx.organisation.slug, membership_id=membership.pk)


@org_view(Role.ADMIN)
@require_POST
def invitation_revoke(request: HttpRequest, ctx: OrgContext, invitation_id: int) -> HttpResponse:
    invitation = selectors.invitation_get(
        organisation=ctx.organisation, invitation_id=invitation_id
    )
    if invitation is None:
        raise Http404("No such invitation.")
    services.invitation_revoke(invitation=invitation, actor=ctx.user, ip=client_address(request))
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("orgs:people", slug=ctx.organisation.slug)


# --- teams -------------------------------------------------------------------------------------


def _team_or_404(ctx: OrgContext, team_id: int) -> Team:
    team = selectors.team_get(organisation=ctx.organisation, team_id=team_id)
    if team is None:
        raise Http404("No such team.")
    return team


@org_view(Role.ADMIN)
@require_POST
def team_delete(request: HttpRequest, ctx: OrgContext, team_id: int) -> HttpResponse:
    team = _team_or_404(ctx, team_id)
    name = team.name
    services.team_delete(team=team, actor=ctx.user, ip=client_address(request))
    messages.success(request, _("Team “%(name)s” deleted.") % {"name": name})
    return redirect("orgs:teams", slug=ctx.organisation.slug)


# --- settings and audit ------------------------------------------------------------------------


@org_view(Role.ADMIN)
def settings_view(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    org = ctx.organisation
    initial = {
        "name": org.name,
        "country": org.country,
        "primary_colour": org.primary_colour,
        "accent_colour": org.accent_colour,
        "default_language": org.default_language,
    }
    form = OrganisationSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_update(
                organisation=org,
                actor=ctx.user,
                name=data["name"],
                country=data["country"],
                primary_colour=data["primary_colour"],
                accent_colour=data["accent_colour"],
                default_language=data["default_language"],
                logo=data["logo"] or None,
                remove_logo=data["logo"] is False,
                ip=client_address(request),
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Organisation settings saved."))
            return redirect("orgs:settings", slug=org.slug)
    return render(
        request, "orgs/settings.html", {"ctx": ctx, "form": form}, status=_status(bool(form.errors))
    )


# --- invitations (public link) -----------------------------------------------------------------


def invitation_accept(request: HttpRequest, link_token: str) -> HttpResponse:
    try:
        invitation = selectors.invitation_from_link(link_token=link_token)
    except ApplicationError as error:
        return render(
            request, "orgs/invitation_problem.html", {"error": error}, status=error.status
        )
    user = request.user if isinstance(request.user, User) else None
    account_exists = User.objects.filter(email__iexact=invitation.email).exists()
    new_form = AcceptNewUserForm(request.POST if request.POST.get("action") == "create" else None)
    sign_in_form = AcceptSignInForm(
        request.POST if request.POST.get("action") == "sign_in" else None
    )
    ip = client_address(request)
    status = 200
    try:
        if request.method == "POST":
            action = request.POST.get("action")
            membership: Membership | None = None
            if action == "join" and user is not None:
                membership = services.invitation_accept_existing_user(
                    link_token=link_token, user=user, ip=ip
                )
            elif action == "create" and user is None and not account_exists and new_form.is_valid():
                membership = services.invitation_accept_new_user(
                    link_token=link_token,
                    display_name=new_form.cleaned_data["display_name"],
                    password=new_form.cleaned_data["password1"],
                    ip=ip,
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            elif (
                action == "sign_in" and user is None and account_exists and sign_in_form.is_valid()
            ):
                account_services.sign_in_throttle_check(email=invitation.email, client=ip)
                found = authenticate(
                    request, email=invitation.email, password=sign_in_form.cleaned_data["password"]
                )
                if isinstance(found, User):
                    login(request, found)
                    account_services.sign_in_success_record(user=found, client=ip)
                    membership = services.invitation_accept_existing_user(
                        link_token=link_token, user=found, ip=ip
                    )
                else:
                    account_services.sign_in_failure_record(email=invitation.email, client=ip)
                    sign_in_form.add_error("password", _("This password is not right."))
            if membership is not None:
                messages.success(
                    request, _("Welcome to %(name)s!") % {"name": membership.organisation.name}
                )
                return redirect("orgs:dashboard", slug=membership.organisation.slug)
            status = 400
    except ApplicationError as error:
        if error.code.startswith("invitation_") and error.code != "invitation_other_email":
            return render(
                request, "orgs/invitation_problem.html", {"error": error}, status=error.status
            )
        target = new_form if request.POST.get("action") == "create" else sign_in_form
        field = error.field if error.field in target.fields else None
        if request.POST.get("action") == "join":
            messages.error(request, error.message)
        else:
            target.add_error(field, error.message)
        status = error.status
    context = {
        "invitation": invitation,
        "roles": [Role(r).label for r in invitation.roles],
        "account_exists": account_exists,
        "new_form": new_form,
        "sign_in_form": sign_in_form,
        "email_matches": user is not None and user.email.lower() == invitation.email.lower(),
    }
    return render(request, "orgs/invitation_accept.html", context, status=status)
