"""People's roles in bulk (administrators): upload a CSV, see the preview per row, apply it in
one transaction; download the current assignments in the same format."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.skills import roles_csv

MAX_BYTES = 2 * 1024 * 1024


def _uploaded(request: HttpRequest) -> str:
    upload = request.FILES.get("file")
    if upload is None:
        raise ApplicationError("required", _("Choose a CSV file."), "file")
    if (upload.size or 0) > MAX_BYTES:
        raise ApplicationError("file_too_large", _("The file is larger than 2 MB."), "file")
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ApplicationError("encoding", _("Save the file as UTF-8."), "file") from exc


@org_view(Role.ADMIN)
def roles_bulk(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """GET: the upload form. POST a file: the preview. POST ``apply`` with the previewed
    content: every row in one transaction, or nothing."""
    context: dict[str, object] = {"ctx": ctx, "plan": None, "content": "", "error": None}
    if request.method == "POST":
        try:
            if "apply" in request.POST:
                content = request.POST.get("content", "")
                plan = roles_csv.roles_csv_apply(
                    organisation=ctx.organisation, actor=ctx.user, content=content
                )
                messages.success(
                    request,
                    _("Roles updated for %(count)d people.") % {"count": plan.change_count},
                )
                return redirect("skills:roles", slug=ctx.organisation.slug)
            content = _uploaded(request)
        except ApplicationError as error:
            context["error"] = error
            content = request.POST.get("content", "")
        plan = roles_csv.roles_csv_plan(organisation=ctx.organisation, content=content)
        context.update(plan=plan if content else None, content=content)
    status = 400 if context["error"] else 200
    return render(request, "skills/roles_bulk.html", context, status=status)


@org_view(Role.ADMIN)
@require_GET
def roles_export(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    body = roles_csv.roles_csv_export(organisation=ctx.organisation)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roles-{ctx.organisation.slug}.csv"'
    return response
