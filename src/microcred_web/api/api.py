"""The JSON API, version 1. Errors always have the shape {"error": {code, message, field}}."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from microcred_web.api.auth import API_AUTH, api_user
from microcred_web.api.schemas import ErrorOut, MemberOut, MeOut, OrganisationRef
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.api import router as issuing_router
from microcred_web.orgs import selectors
from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.models import Role
from microcred_web.reports.api import router as reports_router
from microcred_web.skills.api import router as skills_router

api = NinjaAPI(
    title="microcred API",
    version="1",
    description="Workplace micro-credentials. Session authentication for now; API keys later.",
    auth=API_AUTH,
    urls_namespace="api-v1",
)

api.add_router("/", issuing_router)  # API-key (Bearer) issuing endpoints
api.add_router("/", skills_router)  # API-key (Bearer) skills reads
api.add_router("/", reports_router)  # API-key (Bearer) report reads

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return api.create_response(request, error.as_json(), status=error.status)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    response = _error(request, exc)
    challenge = getattr(exc, "challenge", "")  # RFC 6750 (an OAuth token without the scope)
    if challenge:
        response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", ()) if part not in {"body", "query", "path"}]
    return _error(
        request,
        ApplicationError(
            "invalid", str(first.get("msg", "Invalid request.")), ".".join(location) or None, 422
        ),
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, ApplicationError("unauthenticated", "Sign in to use the API.", status=401)
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, ApplicationError("not_found", "Not found.", status=404))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, ApplicationError("http_error", str(exc), status=exc.status_code))


def api_org(request: HttpRequest, slug: str, *roles: str) -> OrgContext:
    """Membership check for API routes: 404 for non-members, 403 for missing roles."""
    user = api_user(request)
    membership = selectors.membership_for(slug=slug, user=user)
    if membership is None:
        raise ApplicationError("not_found", "Not found.", status=404)
    ctx = OrgContext(
        organisation=membership.organisation,
        membership=membership,
        user=user,
        roles=frozenset(membership.role_names),
    )
    if roles and not ctx.has(*roles):
        raise ApplicationError(
            "forbidden", "Your roles in this organisation do not allow this.", status=403
        )
    return ctx


@api.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in person")
def me(request: HttpRequest) -> MeOut:
    user = api_user(request)
    memberships = selectors.memberships_of_user(user=user)
    return MeOut(
        email=user.email,
        display_name=user.display_name,
        preferred_language=user.preferred_language,
        organisations=[
            OrganisationRef(slug=m.organisation.slug, name=m.organisation.name, roles=m.role_names)
            for m in memberships
        ],
    )


@api.get(
    "/orgs/{slug}/members",
    response={200: list[MemberOut], **ERRORS},
    summary="People in an organisation (administrators)",
)
def members(request: HttpRequest, slug: str, q: str = "", role: str = "") -> list[MemberOut]:
    ctx = api_org(request, slug, Role.ADMIN)
    if role and role not in Role.values:
        raise ApplicationError("role_unknown", f"Unknown role: {role}", "role", 400)
    return [
        MemberOut(
            id=m.pk,
            email=m.user.email,
            display_name=m.user.display_name,
            roles=m.role_names,
            teams=[t.name for t in m.teams.all()],
            is_active=m.is_active,
        )
        for m in selectors.membership_list(organisation=ctx.organisation, search=q, role=role)
    ]
