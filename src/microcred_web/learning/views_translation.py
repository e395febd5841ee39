"""The translator's review of machine output, and the organisation's translation engine."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.learning import selectors
from microcred_web.learning.forms import MachineServiceForm
from microcred_web.learning.machine.service import pairs_text, service_get, service_save
from microcred_web.learning.models import Course
from microcred_web.learning.translation import unit_review
from microcred_web.learning.xliff import LANGUAGE_CODE, MACHINE, course_units
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

AUTHORS = (Role.ISSUER, Role.ADMIN)


def _course(ctx: OrgContext, course_id: int) -> Course:
    course = selectors.course_get(organisation=ctx.organisation, course_id=course_id)
    if course is None:
        raise Http404("No such course.")
    return course


@org_view(*AUTHORS)
def translation_review(
    request: HttpRequest, ctx: OrgContext, course_id: int, language: str
) -> HttpResponse:
    """Every text of one language with its state; a reviewer accepts or corrects each."""
    course = _course(ctx, course_id)
    if not LANGUAGE_CODE.match(language) or language not in (course.translations or {}):
        raise Http404("No translation in this language.")
    errors: dict[str, str] = {}
    if request.method == "POST":
        unit_id = request.POST.get("unit", "")
        try:
            unit_review(
                course=course,
                actor=ctx.user,
                language=language,
                unit_id=unit_id,
                text=request.POST.get("text", ""),
            )
        except ApplicationError as error:
            errors[unit_id] = error.message
        else:
            messages.success(request, _("“%(unit)s” reviewed.") % {"unit": unit_id})
            url = request.path + ("?machine=1" if request.GET.get("machine") else "")
            return redirect(f"{url}#after-{unit_id}")
    units = course_units(course)
    rows = [
        {
            "unit": unit,
            "target": unit.target(language),
            "state": unit.state(language),
            "error": errors.get(unit.id, ""),
        }
        for unit in units
    ]
    waiting = sum(1 for row in rows if row["state"] == MACHINE and row["target"])
    if request.GET.get("machine"):
        rows = [row for row in rows if row["state"] == MACHINE]
    return render(
        request,
        "learning/translation_review.html",
        {
            "ctx": ctx,
            "course": course,
            "language": language,
            "rows": rows,
            "waiting": waiting,
            "only_machine": bool(request.GET.get("machine")),
        },
        status=400 if errors else 200,
    )


@org_view(Role.ADMIN)
def machine_service(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """The organisation's engine, its address, key (never shown back) and language pairs."""
    service = service_get(ctx.organisation)
    initial = {}
    if service is not None:
        initial = {
            "engine": service.engine,
            "endpoint": service.endpoint,
            "model_name": service.model_name,
            "language_pairs": pairs_text(service.language_pairs),
        }
    form = MachineServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service_save(organisation=ctx.organisation, actor=ctx.user, values=form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The translation service is saved."))
            return redirect("learning:machine_service", slug=ctx.organisation.slug)
    return render(
        request,
        "learning/machine_service.html",
        {"ctx": ctx, "form": form, "service": service},
        status=400 if form.errors else 200,
    )
