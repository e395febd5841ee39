"""The referee's page (no account): the link from the e-mail, to confirm or decline the
statement of a recognition-of-prior-learning claim."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred_web.assessments import referees
from microcred_web.common.errors import ApplicationError


@require_http_methods(["GET", "POST"])
def referee(request: HttpRequest, token: str) -> HttpResponse:
    found = referees.referee_request_by_token(token=token)
    if found is None:
        return render(
            request,
            "assessments/referee.html",
            {"problem": _("This link is not valid. Ask the person who named you to check it.")},
            status=404,
        )
    context: dict[str, object] = {"referee": found, "statement": found.proposed_statement}
    status = 200
    if request.method == "POST":
        statement = request.POST.get("statement", "")
        context["statement"] = statement
        try:
            found = referees.referee_respond(
                token=token, confirm=request.POST.get("answer") == "confirm", statement=statement
            )
        except ApplicationError as error:
            status = error.status
            context["error"] = error
        else:
            context["referee"] = found
            context["answered_now"] = True
    problem = referees.referee_request_usable(context["referee"])  # type: ignore[arg-type]
    context["closed"] = problem
    if problem == "expired" and status == 200:
        status = 410
    return render(request, "assessments/referee.html", context, status=status)
