"""Bulk issuance pages under ``/o/<slug>/bulk/``: upload, columns, check, progress, report."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from microcred_web.bulk import config, csvfile, selectors, services
from microcred_web.bulk.mapping import FIELDS, row_recipient
from microcred_web.bulk.models import BulkJob, JobState, RowOutcome
from microcred_web.bulk.rekey import bulk_job_rekey_start, rekey_summary
from microcred_web.common.errors import ApplicationError
from microcred_web.common.htmx import is_htmx
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

ROLES = (Role.ADMIN, Role.ISSUER)
PROBLEMS_SHOWN = 200


class _LimitedUpload(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit (nothing more is stored)."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _job(ctx: OrgContext, job_id: int) -> BulkJob:
    job = selectors.bulk_job_get(organisation=ctx.organisation, job_id=job_id)
    if job is None:
        raise Http404("No such bulk job.")
    return job


def _upload_page(
    request: HttpRequest, ctx: OrgContext, error: ApplicationError | None = None
) -> HttpResponse:
    context = {
        "ctx": ctx,
        "jobs": selectors.bulk_job_list(organisation=ctx.organisation)[:20],
        "versions": selectors.issuable_versions(organisation=ctx.organisation),
        "max_mb": f"{config.max_upload_bytes() / 1024 / 1024:g}",
        "error": error,
    }
    return render(request, "bulk/upload.html", context, status=error.status if error else 200)


@org_view(*ROLES)
@csrf_exempt  # the size check must come before the body is read; CSRF is checked below
def bulk_upload(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request, ctx)
    limit = config.max_upload_bytes()
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > limit + 64 * 1024:  # the form fields and multipart boundaries add a little
        return _upload_page(request, ctx, services.upload_too_large(limit))
    handler = _LimitedUpload(request, limit)
    request.upload_handlers = [handler, *request.upload_handlers]
    return _bulk_upload_post(request, ctx, handler)


@csrf_protect
def _bulk_upload_post(
    request: HttpRequest, ctx: OrgContext, handler: _LimitedUpload
) -> HttpResponse:
    upload = request.FILES.get("file")
    if handler.exceeded:
        return _upload_page(request, ctx, services.upload_too_large(handler.limit))
    if upload is None:
        return _upload_page(
            request, ctx, ApplicationError("file_required", _("Choose a CSV file."), "file")
        )
    version = (
        selectors.issuable_versions(organisation=ctx.organisation)
        .filter(pk=request.POST.get("achievement_version") or 0)
        .first()
    )
    if version is None:
        return _upload_page(
            request,
            ctx,
            ApplicationError(
                "achievement_required", _("Choose a published achievement."), "achievement"
            ),
        )
    try:
        job = services.bulk_upload_create(
            organisation=ctx.organisation,
            achievement_version=version,
            source=upload,
            original_name=upload.name or "upload.csv",
            actor=ctx.user,
            declared_size=upload.size,
            deliver=request.POST.get("deliver") == "on",
        )
    except ApplicationError as exc:
        return _upload_page(request, ctx, exc)
    return redirect("bulk:columns", slug=ctx.organisation.slug, job_id=job.pk)


def _first_rows(job: BulkJob, count: int = 5) -> list[list[str]]:
    layout = csvfile.CsvLayout(job.delimiter, list(job.header), job.data_offset, False)
    rows: list[list[str]] = []
    try:
        with job.file.storage.open(job.file.name, "rb") as handle:
            for row in csvfile.iter_rows(handle, layout):
                rows.append(row.values)
                if len(rows) >= count:
                    break
    except ApplicationError:
        pass  # reported in full when the file is checked
    return rows


@org_view(*ROLES)
def bulk_columns(request: HttpRequest, ctx: OrgContext, job_id: int) -> HttpResponse:
    job = _job(ctx, job_id)
    if job.state not in (JobState.UPLOADED, JobState.PREVIEWED):
        return redirect("bulk:progress", slug=ctx.organisation.slug, job_id=job.pk)
    error: ApplicationError | None = None
    mapping: dict[str, int] = dict(job.mapping)
    if request.method == "POST":
        mapping = {}
        for fname in FIELDS:
            value = request.POST.get(f"col_{fname}", "")
            if value.strip().lstrip("-").isdigit() and int(value) >= 0:
                mapping[fname] = int(value)
        try:
            services.bulk_preview(job=job, mapping=mapping, actor=ctx.user)
            return redirect("bulk:preview", slug=ctx.organisation.slug, job_id=job.pk)
        except ApplicationError as exc:
            error = exc
    context = {
        "ctx": ctx,
        "job": job,
        "fields": [(name, label, mapping.get(name)) for name, label in FIELDS.items()],
        "columns": list(enumerate(job.header)),
        "rows": _first_rows(job),
        "error": error,
        "delimiter_label": {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}.get(
            job.delimiter, job.delimiter
        ),
    }
    return render(request, "bulk/columns.html", context, status=error.status if error else 200)


@org_view(*ROLES)
def bulk_preview(request: HttpRequest, ctx: OrgContext, job_id: int) -> HttpResponse:
    job = _job(ctx, job_id)
    if job.state == JobState.UPLOADED:
        return redirect("bulk:columns", slug=ctx.organisation.slug, job_id=job.pk)
    problems = list(job.problems.all()[:PROBLEMS_SHOWN])
    sample = []
    if job.state == JobState.PREVIEWED:
        problem_rows = {p.row for p in problems}
        layout = csvfile.CsvLayout(job.delimiter, list(job.header), job.data_offset, False)
        with job.file.storage.open(job.file.name, "rb") as handle:
            for row in csvfile.iter_rows(handle, layout):
                if row.number not in problem_rows:
                    sample.append(row_recipient(row.number, row.values, job.mapping))
                if len(sample) >= 10 or row.number > 2000:
                    break
    context = {
        "ctx": ctx,
        "job": job,
        "problems": problems,
        "sample": sample,
        "problems_more": job.problems.count() > PROBLEMS_SHOWN,
    }
    return render(request, "bulk/preview.html", context)


@org_view(*ROLES)
@require_POST
def bulk_start(request: HttpRequest, ctx: OrgContext, job_id: int) -> HttpResponse:
    job = _job(ctx, job_id)
    services.bulk_job_start(job=job, actor=ctx.user)
    return redirect("bulk:progress", slug=ctx.organisation.slug, job_id=job.pk)


@org_view(*ROLES)
def bulk_progress(request: HttpRequest, ctx: OrgContext, job_id: int) -> HttpResponse:
    job = _job(ctx, job_id)
    if job.state in (JobState.UPLOADED, JobState.PREVIEWED):
        return redirect("bulk:preview", slug=ctx.organisation.slug, job_id=job.pk)
    services.bulk_job_resume_if_stale(job=job)
    template = "bulk/partials/_progress.html" if is_htmx(request) else "bulk/progress.html"
    return render(request, template, {"ctx": ctx, "job": job, "rekey": rekey_summary(job=job)})


@org_view(*ROLES)
@require_POST
def bulk_reissue(request: HttpRequest, ctx: OrgContext, job_id: int) -> HttpResponse:
    """Re-issue, with the new key, what a key compromise invalidated (in the background)."""
    job = _job(ctx, job_id)
    try:
        bulk_job_rekey_start(job=job, actor=ctx.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Re-issuing with the new key. Recipients get their new credential.")
        )
    return redirect("bulk:progress", slug=ctx.organisation.slug, job_id=job.pk)


def _report_lines(job: BulkJob) -> Iterator[list[str]]:
    problems = dict(job.problems.values_list("row", "reason"))
    outcomes = selectors.problems_of(job=job)
    issued = selectors.credentials_of_job(job=job)
    yield ["row", "email", "did", "name", "outcome", "reason", "credential_id"]
    layout = csvfile.CsvLayout(job.delimiter, list(job.header), job.data_offset, False)
    with job.file.storage.open(job.file.name, "rb") as handle:
        for row in csvfile.iter_rows(handle, layout):
            recipient = row_recipient(row.number, row.values, job.mapping)
            if row.number in issued:
                outcome, reason, credential = RowOutcome.ISSUED.value, "", issued[row.number]
            elif row.number in outcomes:
                outcome, reason, credential = outcomes[row.number], problems[row.number], ""
            else:
                outcome, reason, credential = "pending", "", ""
            yield [
                str(row.number),
                recipient.email or "",
                recipient.did or "",
                _neutralise(recipient.name or ""),
                outcome,
                reason,
                credential,
            ]


def _neutralise(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


@org_view(*ROLES)
def bulk_report(request: HttpRequest, ctx: OrgContext, job_id: int) -> StreamingHttpResponse:
    job = _job(ctx, job_id)
    if job.state == JobState.UPLOADED:
        raise Http404("Check the file first.")
    writer: Any = csv.writer(_Echo())
    response = StreamingHttpResponse(
        ("\ufeff" if index == 0 else "") + writer.writerow(line)
        for index, line in enumerate(_report_lines(job))
    )
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="bulk-{job.pk}-report.csv"'
    return response
