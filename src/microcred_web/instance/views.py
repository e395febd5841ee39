"""First-run setup and the operator console."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.http import client_address
from microcred_web.instance import export, selectors, services
from microcred_web.instance.access import operator_view
from microcred_web.instance.context_processors import SESSION_KEY
from microcred_web.instance.forms import (
    DeleteForm,
    ImpersonateForm,
    OrganisationCreateForm,
    SetupForm,
    SuspendForm,
)
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.orgs.selectors import install_is_fresh

BACKEND = settings.AUTHENTICATION_BACKENDS[0]


def _form_error(form: SetupForm | OrganisationCreateForm, error: ApplicationError) -> None:
    field = error.field if error.field in form.fields else None
    if error.field == "password":
        field = "password1" if "password1" in form.fields else None
    form.add_error(field, error.message)


def setup(request: HttpRequest) -> HttpResponse:
    """The first-run page; gone (404) once the site has an organisation or an operator."""
    if not install_is_fresh():
        raise Http404("This site is already set up.")
    form = SetupForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            operator, created = services.instance_setup(
                operator_email=form.cleaned_data["operator_email"],
                operator_name=form.cleaned_data["operator_name"],
                operator_password=form.cleaned_data["password1"],
                spec=form.setup_spec(),
                logo=form.cleaned_data.get("logo"),
                ip=client_address(request),
            )
        except ApplicationError as error:
            if error.code == "setup_done":
                raise Http404("This site is already set up.") from error
            _form_error(form, error)
        else:
            login(request, operator, backend=BACKEND)
            messages.success(request, _("The site is set up. Welcome to the operator console."))
            _link_message(request, created)
            return redirect("instance:console")
    status = 400 if form.errors else 200
    return render(request, "instance/setup.html", {"form": form}, status=status)


def _link_message(request: HttpRequest, created: services.OrganisationCreated) -> None:
    if created.set_password_link:
        messages.info(
            request,
            _("%(email)s can choose a password with this link (also sent by e-mail): %(link)s")
            % {"email": created.admin.email, "link": created.set_password_link},
        )


@operator_view
def console(request: HttpRequest, operator: User) -> HttpResponse:
    context = {
        "usage": selectors.organisation_usage_list(),
        "impersonations": selectors.impersonation_list(),
    }
    return render(request, "instance/console.html", context)


@operator_view
def organisation_new(request: HttpRequest, operator: User) -> HttpResponse:
    form = OrganisationCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.organisation_create(
                spec=form.spec(),
                actor=operator,
                logo=form.cleaned_data.get("logo"),
                ip=client_address(request),
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("%(name)s is created.") % {"name": created.organisation.name}
            )
            _link_message(request, created)
            return redirect("instance:organisation", slug=created.organisation.slug)
    status = 400 if form.errors else 200
    return render(request, "instance/organisation_new.html", {"form": form}, status=status)


def _organisation(slug: str) -> Organisation:
    organisation = selectors.organisation_get(slug=slug)
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


@operator_view
def organisation(request: HttpRequest, operator: User, slug: str) -> HttpResponse:
    org = _organisation(slug)
    usage = next(u for u in selectors.organisation_usage_list() if u.organisation.pk == org.pk)
    search = request.GET.get("q", "")
    context = {
        "org": org,
        "usage": usage,
        "members": selectors.organisation_members(organisation=org, search=search),
        "search": search,
        "last_export": selectors.last_export(organisation=org),
        "suspend_form": SuspendForm(),
        "delete_form": DeleteForm(),
    }
    return render(request, "instance/organisation.html", context)


@require_POST
@operator_view
def organisation_suspend(request: HttpRequest, operator: User, slug: str) -> HttpResponse:
    org = _organisation(slug)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the organisation is suspended."))
    else:
        services.organisation_suspend(
            organisation=org,
            actor=operator,
            reason=form.cleaned_data["reason"],
            ip=client_address(request),
        )
        messages.success(request, _("%(name)s is suspended.") % {"name": org.name})
    return redirect("instance:organisation", slug=slug)


@require_POST
@operator_view
def organisation_unsuspend(request: HttpRequest, operator: User, slug: str) -> HttpResponse:
    org = _organisation(slug)
    services.organisation_unsuspend(organisation=org, actor=operator, ip=client_address(request))
    messages.success(request, _("%(name)s is active again.") % {"name": org.name})
    return redirect("instance:organisation", slug=slug)


@require_POST
@operator_view
def organisation_export(request: HttpRequest, operator: User, slug: str) -> HttpResponse:
    org = _organisation(slug)
    data, record = export.organisation_export(
        organisation=org, actor=operator, ip=client_address(request)
    )
    response = HttpResponse(data, content_type="application/zip")
    stamp = record.created_at.strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{org.slug}-export-{stamp}.zip"'
    return response


@require_POST
@operator_view
def organisation_delete(request: HttpRequest, operator: User, slug: str) -> HttpResponse:
    org = _organisation(slug)
    form = DeleteForm(request.POST)
    confirm = form.data.get("confirm_slug", "")
    try:
        export.organisation_delete(
            organisation=org, actor=operator, confirm_slug=confirm, ip=client_address(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("instance:organisation", slug=slug)
    messages.success(request, _("%(name)s is deleted.") % {"name": org.name})
    return redirect("instance:console")


@require_POST
@operator_view
def impersonate(request: HttpRequest, operator: User, slug: str) -> HttpResponse:
    org = _organisation(slug)
    form = ImpersonateForm(request.POST)
    membership = None
    if form.is_valid():
        membership = Membership.objects.filter(
            organisation=org, pk=form.cleaned_data["membership"]
        ).first()
    if membership is None:
        messages.error(request, _("Choose a member and say why you need to act as them."))
        return redirect("instance:organisation", slug=slug)
    try:
        session = services.impersonation_start(
            operator=operator,
            membership=membership,
            reason=form.cleaned_data["reason"],
            ip=client_address(request),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("instance:organisation", slug=slug)
    login(request, membership.user, backend=BACKEND)  # a new session: the operator's ends
    request.session[SESSION_KEY] = session.pk
    return redirect("orgs:dashboard", slug=org.slug)


@require_POST
def impersonation_stop(request: HttpRequest) -> HttpResponseBase:
    """Stop acting as a member: back to the operator's own session and console."""
    pk = request.session.get(SESSION_KEY)
    session = selectors.impersonation_get(pk=int(pk)) if pk else None
    if session is None or session.member_id != request.user.pk or session.operator is None:
        raise Http404("You are not acting as anyone.")
    services.impersonation_stop(impersonation=session, ip=client_address(request))
    login(request, session.operator, backend=BACKEND)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("You are yourself again."))
    return redirect("instance:console")
