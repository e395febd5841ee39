"""The LTI endpoints platforms call (key set, login, launch), the deep linking picker, and
the organisation administrators' registration pages."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.lti.claims import DEEP_LINKING_REQUEST
from microcred_web.common.errors import ApplicationError
from microcred_web.learning import selectors as learning_selectors
from microcred_web.lti import registration, roster, selectors, services
from microcred_web.lti.keys import published_key_set
from microcred_web.lti.middleware import SESSION_KEY
from microcred_web.lti.models import Platform
from microcred_web.lti.tokens import deep_linking_response
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

_DEEP_LINKING_KEY = "lti_deep_linking"


def _error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    response = render(request, "lti/error.html", {"error": error}, status=error.status)
    response.xframe_options_exempt = True  # shown in the LMS frame
    return response


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(published_key_set())
    response["Cache-Control"] = "public, max-age=300"
    return response


@csrf_exempt  # a cross-site form post from the platform, checked by the id_token instead
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    params = {key: str(value) for key, value in (request.POST or request.GET).items()}
    try:
        url = services.login_start(
            params=params, redirect_uri=request.build_absolute_uri(reverse("lti:launch"))
        )
    except ApplicationError as error:
        return _error(request, error)
    return redirect(url)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@csrf_exempt  # see oidc_login
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    try:
        outcome = services.launch_accept(
            id_token=request.POST.get("id_token", ""), state=request.POST.get("state", "")
        )
    except ApplicationError as error:
        return _error(request, error)
    login(request, outcome.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = _origin(outcome.platform.auth_login_url)
    slug = outcome.platform.organisation.slug
    if outcome.launch.message_type == DEEP_LINKING_REQUEST:
        token = secrets.token_urlsafe(16)
        settings = dict(outcome.launch.deep_linking)
        request.session[_DEEP_LINKING_KEY] = {
            token: {
                "platform": outcome.platform.pk,
                "deployment_id": outcome.launch.deployment_id,
                "return_url": str(settings.get("deep_link_return_url", "")),
                "data": str(settings.get("data") or ""),
            }
        }
        return redirect("lti:deep_link_pick", token=token)
    where, values = outcome.destination
    if where == "unplaced":
        return render(request, "lti/unplaced.html", {"platform": outcome.platform}, status=200)
    url = reverse("learning:player", kwargs={"slug": slug, "enrolment_id": values["enrolment_id"]})
    return redirect(f"{url}?{urlencode({'module': values['module']})}")


def _picked_items(request: HttpRequest, platform: Platform) -> list[dict[str, Any]]:
    choice = request.POST.get("choice", "")
    course_text, _sep, module_key = choice.partition(":")
    course = (
        learning_selectors.published_courses(organisation=platform.organisation)
        .filter(pk=int(course_text) if course_text.isdigit() else 0)
        .first()
    )
    if course is None:
        raise ApplicationError("lti_choice", _("Choose a published course or module."), "choice")
    title = course.title
    if module_key:
        modules = (course.current_version.snapshot if course.current_version else {}).get(
            "modules", []
        )
        module = next((m for m in modules if m.get("key") == module_key), None)
        if module is None:
            raise ApplicationError(
                "lti_choice", _("Choose a published course or module."), "choice"
            )
        title = f"{course.title} – {module.get('title', '')}"
    custom = {"course": str(course.public_id)}
    if module_key:
        custom["module"] = module_key
    return [
        {
            "type": "ltiResourceLink",
            "title": title,
            "url": request.build_absolute_uri(reverse("lti:launch")),
            "custom": custom,
            "lineItem": {"scoreMaximum": 100, "label": title, "resourceId": str(course.public_id)},
        }
    ]


@require_http_methods(["GET", "POST"])
def deep_link_pick(request: HttpRequest, token: str) -> HttpResponse:
    """An instructor picks what to place in the LMS; the signed answer goes back to it."""
    pending = (request.session.get(_DEEP_LINKING_KEY) or {}).get(token)
    if not request.user.is_authenticated or pending is None:
        raise Http404("No deep linking request in progress.")
    platform = Platform.objects.select_related("organisation").get(pk=pending["platform"])
    courses = learning_selectors.published_courses(organisation=platform.organisation)
    error = None
    if request.method == "POST":
        try:
            items = _picked_items(request, platform)
        except ApplicationError as problem:
            error = problem
        else:
            jwt = deep_linking_response(
                platform=platform,
                deployment_id=pending["deployment_id"],
                content_items=items,
                data=pending["data"],
            )
            request.session.pop(_DEEP_LINKING_KEY, None)
            return render(
                request,
                "lti/deep_link_return.html",
                {"return_url": pending["return_url"], "jwt": jwt, "items": items},
            )
    choices = [
        {
            "course": course,
            "modules": (course.current_version.snapshot or {}).get("modules", [])
            if course.current_version
            else [],
        }
        for course in courses
    ]
    return render(
        request,
        "lti/deep_link_pick.html",
        {"platform": platform, "choices": choices, "token": token, "error": error},
        status=400 if error else 200,
    )


# --- administrators -------------------------------------------------------------------------


def _platform(ctx: OrgContext, platform_id: int) -> Platform:
    platform = selectors.platform_get(organisation=ctx.organisation, platform_id=platform_id)
    if platform is None:
        raise Http404("No such platform.")
    return platform


def _tool_urls(request: HttpRequest) -> dict[str, str]:
    return {
        "login": request.build_absolute_uri(reverse("lti:login")),
        "launch": request.build_absolute_uri(reverse("lti:launch")),
        "jwks": request.build_absolute_uri(reverse("lti:jwks")),
    }


@org_view(Role.ADMIN)
def platform_list(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    return render(
        request,
        "lti/platform_list.html",
        {
            "ctx": ctx,
            "platforms": selectors.platform_list(organisation=ctx.organisation),
            "tool": _tool_urls(request),
        },
    )


def _form_values(request: HttpRequest) -> dict[str, Any]:
    fields = ("name", "issuer", "client_id", "deployment_ids", "auth_login_url", "token_url")
    values: dict[str, Any] = {name: request.POST.get(name, "") for name in fields}
    values["jwks_url"] = request.POST.get("jwks_url", "")
    values["enabled"] = request.POST.get("enabled") == "on"
    return values


@org_view(Role.ADMIN)
def platform_new(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    values: dict[str, Any] = {"enabled": True}
    error = None
    if request.method == "POST":
        values = _form_values(request)
        try:
            platform = services.platform_create(
                organisation=ctx.organisation, actor=ctx.user, values=values
            )
        except ApplicationError as problem:
            error = problem
        else:
            messages.success(request, _("The platform is registered."))
            return redirect("lti:platform", slug=ctx.organisation.slug, platform_id=platform.pk)
    return render(
        request,
        "lti/platform_form.html",
        {"ctx": ctx, "values": values, "error": error, "platform": None},
        status=400 if error else 200,
    )


@org_view(Role.ADMIN)
def platform_edit(request: HttpRequest, ctx: OrgContext, platform_id: int) -> HttpResponse:
    platform = _platform(ctx, platform_id)
    values: dict[str, Any] = {
        "name": platform.name,
        "issuer": platform.issuer,
        "client_id": platform.client_id,
        "deployment_ids": "\n".join(platform.deployment_ids),
        "auth_login_url": platform.auth_login_url,
        "token_url": platform.token_url,
        "jwks_url": platform.jwks_url,
        "enabled": platform.enabled,
    }
    error = None
    if request.method == "POST":
        values = _form_values(request)
        values["jwks_static"] = platform.jwks_static
        try:
            services.platform_update(platform=platform, actor=ctx.user, values=values)
        except ApplicationError as problem:
            error = problem
        else:
            messages.success(request, _("The platform is saved."))
            return redirect("lti:platform", slug=ctx.organisation.slug, platform_id=platform.pk)
    return render(
        request,
        "lti/platform_form.html",
        {"ctx": ctx, "values": values, "error": error, "platform": platform},
        status=400 if error else 200,
    )


@org_view(Role.ADMIN)
def platform_detail(request: HttpRequest, ctx: OrgContext, platform_id: int) -> HttpResponse:
    platform = _platform(ctx, platform_id)
    return render(
        request,
        "lti/platform_detail.html",
        {
            "ctx": ctx,
            "platform": platform,
            "links": selectors.link_list(platform=platform),
            "scores": selectors.score_list(platform=platform),
            "tool": _tool_urls(request),
        },
    )


@org_view(Role.ADMIN)
@require_POST
def roster_sync(
    request: HttpRequest, ctx: OrgContext, platform_id: int, link_id: int
) -> HttpResponse:
    platform = _platform(ctx, platform_id)
    link = selectors.link_get(platform=platform, link_id=link_id)
    if link is None:
        raise Http404("No such link.")
    try:
        result = roster.roster_sync(link=link, actor=ctx.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(count)s people are in the team %(team)s.")
            % {"count": result.people, "team": result.team_name},
        )
    return redirect("lti:platform", slug=ctx.organisation.slug, platform_id=platform.pk)


@org_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def dynamic_registration(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """LTI Dynamic Registration: the LMS opens this page; the administrator confirms."""
    source = request.POST if request.method == "POST" else request.GET
    configuration_url = source.get("openid_configuration", "")
    registration_token = source.get("registration_token", "")
    if not configuration_url:
        error = ApplicationError(
            "lti_field_required",
            _("Open this page from your LMS's tool registration."),
            "openid_configuration",
        )
        return _error(request, error)
    if request.method == "POST":
        try:
            platform = registration.platform_register(
                organisation=ctx.organisation,
                actor=ctx.user,
                configuration_url=configuration_url,
                registration_token=registration_token,
                tool=_tool_urls(request),
            )
        except ApplicationError as error:
            return _error(request, error)
        return render(request, "lti/registered.html", {"ctx": ctx, "platform": platform})
    return render(
        request,
        "lti/register.html",
        {
            "ctx": ctx,
            "configuration_url": configuration_url,
            "registration_token": registration_token,
        },
    )
