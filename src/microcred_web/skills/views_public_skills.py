"""A person's public skills page and its JSON (no sign-in; 404 without a public profile)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from microcred_web.issuing.identity import absolute_url
from microcred_web.skills import public_skills


def _found(public_id: Any) -> public_skills.PublicSkills:
    found = public_skills.public_skills_of(public_id=public_id)
    if found is None:
        raise Http404("No such page.")
    return found


@require_GET
def public_person(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = _found(public_id)
    return render(
        request,
        "skills/public_person.html",
        {"found": found, "person": found.page.user, "page_url": absolute_url(request.path)},
    )


@require_GET
def public_person_json(request: HttpRequest, public_id: Any) -> HttpResponse:
    data = public_skills.public_skills_json(_found(public_id))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
