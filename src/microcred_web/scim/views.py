"""The SCIM 2.0 endpoint (RFC 7644) at ``/scim/v2/``. A bearer token picks the organisation;
every read and write stays inside it. Bodies are ``application/scim+json``."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from microcred_web.orgs.models import Organisation
from microcred_web.scim import discovery, selectors, services
from microcred_web.scim.errors import ScimError, invalid_syntax, invalid_value, not_found
from microcred_web.scim.patching import patch_apply
from microcred_web.scim.projection import project
from microcred_web.scim.query import filter_q
from microcred_web.scim.resources import group_data, group_json, user_data, user_json
from microcred_web.scim.schemas import ENTERPRISE_SCHEMA, LIST_SCHEMA, SEARCH_SCHEMA
from microcred_web.scim.tokens import token_authenticate

CONTENT_TYPE = "application/scim+json"
MAX_BODY = 1_000_000
ScimView = Callable[..., HttpResponse]


def scim_response(body: dict[str, Any] | None, status: int = 200) -> HttpResponse:
    if body is None:
        return HttpResponse(status=status)
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    location = (body.get("meta") or {}).get("location") if status in (200, 201) else None
    if status == 201 and location:
        response["Location"] = location
    version = (body.get("meta") or {}).get("version")
    if version:
        response["ETag"] = version
    return response


def scim_endpoint(*methods: str) -> Callable[[ScimView], ScimView]:
    """Authenticate the bearer token and turn ScimError into SCIM error bodies."""

    def decorator(view: ScimView) -> ScimView:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                token = token_authenticate(request.headers.get("Authorization", ""))
                if token is None:
                    error = ScimError(401, "A valid SCIM bearer token is required.")
                    response = scim_response(error.as_json(), 401)
                    response["WWW-Authenticate"] = 'Bearer realm="scim"'
                    return response
                if request.method not in methods:
                    raise ScimError(405, f"{request.method} is not supported here.")
                request.scim_base = request.build_absolute_uri("/").rstrip("/")  # type: ignore[attr-defined]
                return view(request, token.organisation, *args, **kwargs)
            except ScimError as exc:
                return scim_response(exc.as_json(), exc.status)

        return wrapped

    return decorator


def _base(request: HttpRequest) -> str:
    return str(getattr(request, "scim_base", ""))


def _body(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BODY:
        raise ScimError(413, "The body is too large.")
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid_syntax(f"The body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise invalid_syntax("The body is nested too deeply.") from exc


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(str(raw))
    except ValueError as exc:
        raise invalid_value(f"'{name}' must be an integer.") from exc


def _projected(params: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    return project(
        document,
        attributes=str(params.get("attributes") or ""),
        excluded=str(params.get("excludedAttributes") or ""),
    )


@scim_endpoint("GET")
def service_provider_config(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return scim_response(discovery.service_provider_config(_base(request)))


def _listing(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


@scim_endpoint("GET")
def resource_types(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return scim_response(_listing(list(discovery.resource_types(_base(request)).values())))


@scim_endpoint("GET")
def resource_type(request: HttpRequest, organisation: Organisation, name: str) -> HttpResponse:
    found = discovery.resource_types(_base(request)).get(name)
    if found is None:
        raise not_found(f"No resource type {name!r}.")
    return scim_response(found)


@scim_endpoint("GET")
def schemas(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return scim_response(_listing(list(discovery.schemas(_base(request)).values())))


@scim_endpoint("GET")
def schema(request: HttpRequest, organisation: Organisation, schema_id: str) -> HttpResponse:
    found = discovery.schemas(_base(request)).get(schema_id)
    if found is None:
        raise not_found(f"No schema {schema_id!r}.")
    return scim_response(found)


@scim_endpoint("GET", "POST")
def collection(request: HttpRequest, organisation: Organisation, kind: str) -> HttpResponse:
    base = _base(request)
    if request.method == "POST":
        if kind == "Users":
            person = services.user_create(organisation=organisation, data=user_data(_body(request)))
            return scim_response(user_json(_person(organisation, str(person.public_id)), base), 201)
        team = services.group_create(organisation=organisation, data=group_data(_body(request)))
        return scim_response(_group_document(organisation, str(team.pk), base), 201)
    return _list(request, organisation, kind, request.GET.dict())


def _list(
    request: HttpRequest, organisation: Organisation, kind: str, params: dict[str, Any]
) -> HttpResponse:
    base = _base(request)
    start = max(_int_param(params, "startIndex", 1), 1)
    count = min(max(_int_param(params, "count", 100), 0), discovery.MAX_RESULTS)
    text = params.get("filter") or ""
    if not isinstance(text, str):
        raise invalid_value("'filter' must be a string.")
    where = filter_q(text.strip(), kind.lower()) if text.strip() else Q()
    documents: list[dict[str, Any]]
    if kind == "Users":
        total, people = selectors.people_page(
            organisation=organisation, where=where, start=start, count=count
        )
        documents = [user_json(p, base) for p in people]
    else:
        total, teams = selectors.teams_page(
            organisation=organisation, where=where, start=start, count=count
        )
        members = selectors.team_members(team_ids=[t.pk for t in teams])
        documents = [group_json(t, members.get(t.pk, []), base) for t in teams]
    return scim_response(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(documents),
            "Resources": [_projected(params, d) for d in documents],
        }
    )


SEARCH_KEYS = {
    "schemas",
    "attributes",
    "excludedattributes",
    "filter",
    "sortby",
    "sortorder",
    "startindex",
    "count",
}


@scim_endpoint("POST")
def search(request: HttpRequest, organisation: Organisation, kind: str = "") -> HttpResponse:
    """``POST /Users/.search`` (RFC 7644 §3.4.3); searching every type at once is not offered."""
    if not kind:
        raise ScimError(501, "Search /Users/.search or /Groups/.search, one type at a time.")
    body = _body(request)
    if not isinstance(body, dict) or SEARCH_SCHEMA not in (body.get("schemas") or []):
        raise invalid_syntax(f"A search body lists the schema {SEARCH_SCHEMA}.")
    unknown = sorted(k for k in body if k.lower() not in SEARCH_KEYS)
    if unknown:
        raise invalid_syntax(f"Unknown attribute '{unknown[0]}' in the search body.")
    params = {key: body[key] for key in body}
    for key in ("attributes", "excludedAttributes"):
        if isinstance(params.get(key), list):
            params[key] = ",".join(str(v) for v in params[key])
    return _list(request, organisation, kind, params)


def _person(organisation: Organisation, resource_id: str) -> Any:
    person = selectors.person_get(organisation=organisation, public_id=resource_id)
    if person is None:
        raise not_found(f"No User {resource_id!r}.")
    return person


def _team(organisation: Organisation, resource_id: str) -> Any:
    team = selectors.team_get(organisation=organisation, team_id=resource_id)
    if team is None:
        raise not_found(f"No Group {resource_id!r}.")
    return team


def _group_document(organisation: Organisation, resource_id: str, base: str) -> dict[str, Any]:
    team = _team(organisation, resource_id)
    members = selectors.team_members(team_ids=[team.pk]).get(team.pk, [])
    return group_json(team, members, base)


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def resource(
    request: HttpRequest, organisation: Organisation, kind: str, resource_id: str
) -> HttpResponse:
    base = _base(request)
    with transaction.atomic():
        if kind == "Users":
            return _user_resource(request, organisation, resource_id, base)
        return _group_resource(request, organisation, resource_id, base)


def _user_resource(
    request: HttpRequest, organisation: Organisation, resource_id: str, base: str
) -> HttpResponse:
    person = _person(organisation, resource_id)
    if request.method != "GET":  # read again under a row lock: no lost concurrent update
        selectors.person_lock(person_id=person.pk)
        person = _person(organisation, resource_id)
    if request.method == "DELETE":
        services.user_delete(person=person)
        return scim_response(None, 204)
    if request.method == "PUT":
        body = _body(request)
        _same_id(body, resource_id)
        services.user_replace(person=person, data=user_data(body))
    elif request.method == "PATCH":
        changed = patch_apply(user_json(person, base), _body(request), (ENTERPRISE_SCHEMA,))
        services.user_replace(person=person, data=user_data(changed))
    else:
        return scim_response(_projected(request.GET.dict(), user_json(person, base)))
    return scim_response(user_json(_person(organisation, resource_id), base))


def _group_resource(
    request: HttpRequest, organisation: Organisation, resource_id: str, base: str
) -> HttpResponse:
    team = _team(organisation, resource_id)
    if request.method != "GET":
        selectors.team_lock(team_id=team.pk)
        team = _team(organisation, resource_id)
    if request.method == "DELETE":
        services.group_delete(team=team)
        return scim_response(None, 204)
    if request.method == "PUT":
        body = _body(request)
        _same_id(body, resource_id)
        services.group_replace(team=team, data=group_data(body))
    elif request.method == "PATCH":
        current = _group_document(organisation, resource_id, base)
        services.group_replace(team=team, data=group_data(patch_apply(current, _body(request))))
    else:
        document = _group_document(organisation, resource_id, base)
        return scim_response(_projected(request.GET.dict(), document))
    return scim_response(_group_document(organisation, resource_id, base))


def _same_id(body: Any, resource_id: str) -> None:
    if isinstance(body, dict):
        given = next((v for k, v in body.items() if k.lower() == "id"), None)
        if given is not None and str(given) != resource_id:
            raise ScimError(400, "'id' cannot be changed.", "mutability")


@scim_endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown(request: HttpRequest, organisation: Organisation, rest: str) -> HttpResponse:
    raise not_found(f"No SCIM endpoint at {rest!r}.")
