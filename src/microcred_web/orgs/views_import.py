"""Bulk people import: upload a CSV, preview the changes row by row, apply."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.common.http import client_address
from microcred_web.orgs import people_import
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import PeopleImport, Role

MAX_BYTES = 5 * 1024 * 1024
PREVIEW_PAGE = 100


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: email, name, role, teams, language. Several roles or teams: separate "
            "them with ;. Teams are created if missing. UTF-8, at most 5 MB."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("Save the file as UTF-8 CSV and try again.")) from exc


@org_view(Role.ADMIN)
def people_import_upload(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = people_import.people_import_create(
                organisation=ctx.organisation,
                actor=ctx.user,
                file_name=str(getattr(request.FILES.get("file"), "name", "") or ""),
                text=form.cleaned_data["file"],
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            return redirect(
                "orgs:people_import_preview", slug=ctx.organisation.slug, import_id=record.pk
            )
    return render(
        request,
        "orgs/people_import.html",
        {
            "ctx": ctx,
            "form": form,
            "example": people_import.example_csv(),
            "roles": Role.choices,
        },
        status=400 if form.errors else 200,
    )


def _import_or_404(ctx: OrgContext, import_id: int) -> PeopleImport:
    record = PeopleImport.objects.filter(organisation=ctx.organisation, pk=import_id).first()
    if record is None:
        raise Http404("No such import.")
    return record


SHOW = {
    "errors": (people_import.Change.ERROR,),
    "changes": (
        people_import.Change.NEW_PERSON,
        people_import.Change.JOINS,
        people_import.Change.UPDATED,
        people_import.Change.ERROR,
    ),
}


@org_view(Role.ADMIN)
def people_import_preview(request: HttpRequest, ctx: OrgContext, import_id: int) -> HttpResponse:
    record = _import_or_404(ctx, import_id)
    plan = people_import.import_plan(organisation=ctx.organisation, text=record.csv_text)
    show = request.GET.get("show", "changes")
    kinds = SHOW.get(show)
    rows = people_import.rows_with(plan, kinds) if kinds else plan.rows
    page = Paginator(rows, PREVIEW_PAGE).get_page(request.GET.get("page"))
    context = {
        "ctx": ctx,
        "record": record,
        "plan": plan,
        "counts": plan.counts(),
        "page": page,
        "show": show,
    }
    return render(request, "orgs/people_import_preview.html", context)


@org_view(Role.ADMIN)
@require_POST
def people_import_apply(request: HttpRequest, ctx: OrgContext, import_id: int) -> HttpResponse:
    record = _import_or_404(ctx, import_id)
    try:
        plan = people_import.people_import_apply(
            people_import=record, actor=ctx.user, ip=client_address(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(
            "orgs:people_import_preview", slug=ctx.organisation.slug, import_id=record.pk
        )
    counts = plan.counts()
    messages.success(
        request,
        _(
            "Imported: %(new)d new people, %(joins)d joined, %(updated)d updated, "
            "%(teams)d teams created. Invitations are on their way."
        )
        % {
            "new": counts["new_person"],
            "joins": counts["joins"],
            "updated": counts["updated"],
            "teams": counts["teams_created"],
        },
    )
    return redirect("orgs:people", slug=ctx.organisation.slug)
