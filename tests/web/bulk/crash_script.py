"""Helper run as a subprocess by test_crash.py against its own database (not a test module).

``python crash_script.py setup N``  — an organisation, a published achievement, an N-row CSV
                                      checked and started (a task queued): prints the job id.
``python crash_script.py progress JOB`` — prints ``chunks_done chunk_count state``.
``python crash_script.py check JOB``  — prints a JSON summary of what was issued.
"""

from __future__ import annotations

import io
import json
import sys

import django

django.setup()

from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from microcred_web.achievements import services as achievement_services  # noqa: E402
from microcred_web.bulk import services  # noqa: E402
from microcred_web.bulk.models import BulkJob  # noqa: E402
from microcred_web.issuing.models import Credential  # noqa: E402
from microcred_web.issuing.verification import credential_verify  # noqa: E402
from microcred_web.orgs import services as org_services  # noqa: E402


def setup(rows: int) -> None:
    organisation = org_services.organisation_create(name="Crash Test Ltd", slug="crash")
    achievement = achievement_services.achievement_create(
        organisation=organisation,
        actor=None,
        values={"name": "Resilience", "description": "Survives a crash.", "criteria": "Did."},
    )
    version = achievement_services.achievement_publish(achievement=achievement, actor=None)
    lines = ["email,name"]
    for number in range(rows):
        lines.append(f"person{number}@example.com,Person Ñúmero {number}")
        if number % 97 == 0:
            lines.append("not-an-address,Broken")  # invalid rows are reported, never issued
    data = ("\n".join(lines) + "\n").encode()
    job = services.bulk_upload_create(
        organisation=organisation,
        achievement_version=version,
        source=io.BytesIO(data),
        original_name="crash.csv",
        actor=None,
        deliver=False,
    )
    services.bulk_preview(job=job, mapping=job.mapping, actor=None)
    services.bulk_job_start(job=job, actor=None)
    print(job.pk)


def progress(job_id: int) -> None:
    job = BulkJob.objects.get(pk=job_id)
    print(job.chunks_done, job.chunk_count, job.state)


def check(job_id: int) -> None:
    job = BulkJob.objects.get(pk=job_id)
    issued = Credential.objects.filter(organisation=job.organisation)
    now = timezone.now()
    verdicts: dict[str, int] = {}
    for signed_json in issued.values_list("signed_json", flat=True):
        report = credential_verify(signed_json, now=now).report
        verdict = str(report.verdict)
        if verdict != "valid":
            verdict += (
                ": "
                + "; ".join(f"{c.name} {c.reason}" for c in report.checks if c.status == "fail")[
                    :300
                ]
            )
        verdicts[verdict] = verdicts.get(verdict, 0) + 1

    def max_repeats(*fields: str) -> int:
        counts = issued.values(*fields).annotate(n=Count("id")).order_by("-n")
        return counts[0]["n"] if counts else 0

    print(
        json.dumps(
            {
                "state": job.state,
                "valid_rows": job.valid_count,
                "invalid_rows": job.invalid_count,
                "issued_count": job.issued_count,
                "chunks_done": job.chunks_done,
                "chunk_count": job.chunk_count,
                "high_water_row": job.high_water_row,
                "credentials": issued.count(),
                "distinct_source_keys": issued.values("source_key").distinct().count(),
                "max_per_source_key": max_repeats("source_key"),
                # one status entry per credential (decision 0019): a message-list entry
                "max_per_status_entry": max_repeats("revocation_list", "revocation_status_index"),
                "missing_status": issued.filter(revocation_list__isnull=True).count(),
                "with_suspension_index": issued.filter(suspension_list__isnull=False).count(),
                "without_status_entry": sum(
                    1
                    for text, index in issued.values_list("signed_json", "revocation_status_index")
                    if (entry := json.loads(text).get("credentialStatus", {})).get("type")
                    != "BitstringStatusListEntry"
                    or entry.get("statusPurpose") != "message"
                    or entry.get("statusListIndex") != str(index)
                ),
                "verdicts": verdicts,
                "chunk_attempts_over_1": job.chunks.filter(attempts__gt=1).count(),
            }
        )
    )


if __name__ == "__main__":
    command, argument = sys.argv[1], int(sys.argv[2])
    {"setup": setup, "progress": progress, "check": check}[command](argument)
