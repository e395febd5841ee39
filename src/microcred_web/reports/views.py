"""The report builder: choose a measure, dimensions and filters; see table and chart; save,
share, schedule, download (CSV, XLSX)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.reports import exports, selectors, services
from microcred_web.reports.charts import report_chart
from microcred_web.reports.measures import (
    CHARTS,
    DIMENSION_LABELS,
    MEASURES,
    ReportSpec,
    report_spec_parse,
)
from microcred_web.reports.models import SavedReport, Schedule, Visibility

READERS = selectors.READERS


def _query(spec: ReportSpec) -> str:
    values = spec.definition
    dimensions = values.pop("dimensions")
    values["dimension"] = dimensions[0]
    values["dimension2"] = dimensions[1] if len(dimensions) > 1 else ""
    return urlencode({k: "" if v is None else v for k, v in values.items()})


def _page(
    request: HttpRequest,
    ctx: OrgContext,
    *,
    spec: ReportSpec | None,
    error: ApplicationError | None = None,
    report: SavedReport | None = None,
    status: int = 200,
) -> HttpResponse:
    result = (
        selectors.report_run(spec=spec, organisation=ctx.organisation) if spec is not None else None
    )
    values: dict[str, Any] = request.GET.dict()
    if spec is not None:
        values = {**spec.definition, "dimension": spec.dimensions[0]}
        values["dimension2"] = spec.dimensions[1] if len(spec.dimensions) > 1 else ""
    slug = ctx.organisation.slug
    return render(
        request,
        "reports/builder.html",
        {
            "ctx": ctx,
            "values": values,
            "error": error,
            "result": result,
            "chart": report_chart(result) if result is not None else "",
            "query": _query(spec) if spec is not None else "",
            "report": report,
            "measures": [(m.key, m.label, " ".join(m.dimensions)) for m in MEASURES.values()],
            "dimensions": list(DIMENSION_LABELS.items()),
            "charts": list(CHARTS.items()),
            "visibilities": Visibility.choices,
            "schedules": Schedule.choices,
            "saved": selectors.saved_reports_visible(ctx=ctx),
            "choices": selectors.filter_choices(organisation=ctx.organisation),
            "download_base": reverse("reports:download", kwargs={"slug": slug, "fmt": "csv"}),
        },
        status=status,
    )


@org_view(*READERS)
def builder(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    try:
        spec = report_spec_parse(request.GET)
    except ApplicationError as error:
        return _page(request, ctx, spec=None, error=error, status=400)
    return _page(request, ctx, spec=spec)


def _saved(ctx: OrgContext, report_id: int) -> SavedReport:
    report = selectors.saved_report_for(ctx=ctx, report_id=report_id)
    if report is None:
        raise Http404("No such report.")
    return report


@org_view(*READERS)
def saved(request: HttpRequest, ctx: OrgContext, report_id: int) -> HttpResponse:
    report = _saved(ctx, report_id)
    try:
        spec = (
            report_spec_parse(request.GET)
            if request.GET
            else selectors.saved_report_spec(report=report)
        )
    except ApplicationError as error:
        return _page(request, ctx, spec=None, error=error, report=report, status=400)
    return _page(request, ctx, spec=spec, report=report)


@org_view(*READERS)
@require_POST
def save(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    report_id = request.POST.get("report_id", "")
    report = _saved(ctx, int(report_id)) if report_id.isdigit() else None
    try:
        spec = report_spec_parse(request.POST)
        report = services.saved_report_save(
            ctx=ctx,
            spec=spec,
            name=request.POST.get("name", ""),
            visibility=request.POST.get("visibility", Visibility.PRIVATE),
            schedule=request.POST.get("schedule", ""),
            report=report,
        )
    except ApplicationError as error:
        try:
            spec_shown: ReportSpec | None = report_spec_parse(request.POST)
        except ApplicationError:
            spec_shown = None
        return _page(request, ctx, spec=spec_shown, error=error, report=report, status=400)
    messages.success(request, _("Report saved."))
    return redirect("reports:saved", slug=ctx.organisation.slug, report_id=report.pk)


@org_view(*READERS)
@require_POST
def delete(request: HttpRequest, ctx: OrgContext, report_id: int) -> HttpResponse:
    report = _saved(ctx, report_id)
    services.saved_report_delete(ctx=ctx, report=report)
    messages.success(request, _("Report deleted."))
    return HttpResponseRedirect(reverse("reports:builder", kwargs={"slug": ctx.organisation.slug}))


def _file(name: str, spec: ReportSpec, ctx: OrgContext, fmt: str) -> HttpResponse:
    result = selectors.report_run(spec=spec, organisation=ctx.organisation)
    if fmt == "xlsx":
        return exports.report_xlsx_response(name, result)
    return exports.report_csv_response(name, result)


@org_view(*READERS)
def download(request: HttpRequest, ctx: OrgContext, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404("No such format.")
    try:
        spec = report_spec_parse(request.GET)
    except ApplicationError as error:
        return HttpResponse(
            f"{error.field}: {error.message}", status=400, content_type="text/plain"
        )
    return _file(str(spec.measure_def.label), spec, ctx, fmt)


@org_view(*READERS)
def saved_download(request: HttpRequest, ctx: OrgContext, report_id: int, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404("No such format.")
    report = _saved(ctx, report_id)
    try:
        spec = selectors.saved_report_spec(report=report)
    except ApplicationError as error:
        return HttpResponse(
            f"{error.field}: {error.message}", status=400, content_type="text/plain"
        )
    return _file(report.name, spec, ctx, fmt)
