"""Reports through the organisation API: a saved report shared with the organisation, or any
report given by its choices, as JSON (``Authorization: Bearer mck_…``, the organisation's key).

A key reaches only its organisation's reports shared with the organisation; private reports
and other organisations' are 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.api import ApiKeyAuth, _key
from microcred_web.reports.measures import report_spec_parse
from microcred_web.reports.models import SavedReport, Visibility
from microcred_web.reports.selectors import ReportResult, report_run, saved_report_spec

router = Router(auth=ApiKeyAuth(), tags=["reports"])


def _json(result: ReportResult, name: str = "") -> dict[str, Any]:
    spec = result.spec
    return {
        "name": name,
        "definition": spec.definition,
        "header": result.header,
        "rows": [
            {
                "dimensions": dict(zip(spec.dimensions, row.labels, strict=True)),
                "value": row.value,
            }
            for row in result.rows
        ],
        "total": result.total,
    }


@router.get("/orgs/{slug}/reports/run", response=dict[str, Any], url_name="reports_run")
def run(request: HttpRequest, slug: str) -> dict[str, Any]:
    api_key = _key(request, slug)
    spec = report_spec_parse(request.GET)
    return _json(report_run(spec=spec, organisation=api_key.organisation))


@router.get("/orgs/{slug}/reports/{report_id}", response=dict[str, Any], url_name="reports_saved")
def saved(request: HttpRequest, slug: str, report_id: int) -> dict[str, Any]:
    api_key = _key(request, slug)
    report = SavedReport.objects.filter(
        organisation=api_key.organisation, pk=report_id, visibility=Visibility.ORGANISATION
    ).first()
    if report is None:
        raise ApplicationError("not_found", "Not found.", status=404)
    result = report_run(spec=saved_report_spec(report=report), organisation=report.organisation)
    return _json(result, report.name)
