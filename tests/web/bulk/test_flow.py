"""The bulk issuance journey through the pages: upload, columns, check, issue, report."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from microcred_web.bulk import services
from microcred_web.bulk.models import BulkJob, JobState, RowOutcome
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput, credentials_issue
from microcred_web.issuing.verification import credential_verify

CSV = (
    "Name,E-mail,Score,Evidence\n"
    "Zoë Łukasiewicz,zoe@example.com,91,https://example.com/e/1\n"  # 2 ok
    "Björn Bergström,bjorn@example.com,,\n"  # 3 ok
    "No Address,,,\n"  # 4 missing recipient
    "Bad Mail,not-an-address,,\n"  # 5 bad e-mail
    "Zoë again,ZOE@example.com,88,\n"  # 6 duplicate of row 2
    "Holder,holder@example.com,,\n"  # 7 already holds it
    "Bad score,score@example.com,high,\n"  # 8 bad score
    "Chen Wei,chen@example.com,77.5,\n"  # 9 ok
)


@pytest.fixture
def org_issuer(make_org, make_member, publish, png_bytes):
    # With a logo: the issuer Profile then carries an Image, which must pass the OB 3.0 schema.
    org = make_org("bulk-org", "Bulk Training")
    org.logo.save("logo.png", ContentFile(png_bytes))
    issuer = make_member(org, "issuer")
    version = publish(org, make_member(org, "admin"))
    return org, issuer, version


def _upload(client, org, version, data: bytes, name: str = "people.csv"):
    return client.post(
        reverse("bulk:upload", kwargs={"slug": org.slug}),
        {"achievement_version": version.pk, "file": SimpleUploadedFile(name, data), "deliver": ""},
    )


def test_full_journey(client, org_issuer, django_capture_on_commit_callbacks) -> None:
    org, issuer, version = org_issuer
    credentials_issue(
        organisation=org,
        achievement_version=version,
        actor=issuer,
        source="ui",
        recipients=[RecipientInput(email="holder@example.com")],
        deliver=False,
    )
    client.force_login(issuer)
    response = _upload(client, org, version, CSV.encode("utf-8"))
    assert response.status_code == 302
    job = BulkJob.objects.get(organisation=org)
    assert job.mapping == {"name": 0, "email": 1, "score": 2, "evidence_url": 3}

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Zoë Łukasiewicz" in page.content.decode()

    response = client.post(
        reverse("bulk:columns", kwargs={"slug": org.slug, "job_id": job.pk}),
        {"col_name": "0", "col_email": "1", "col_score": "2", "col_evidence_url": "3"},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.row_count, job.valid_count, job.invalid_count) == (8, 3, 3)
    assert (job.duplicate_count, job.already_issued_count) == (1, 1)
    preview = client.get(response["Location"]).content.decode()
    assert "Same recipient as row 2." in preview
    assert "is not a valid e-mail address" in preview

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bulk:start", kwargs={"slug": org.slug, "job_id": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert (job.issued_count, job.skipped_count, job.failed_count) == (3, 2, 3)
    issued = Credential.objects.filter(source_key__startswith=f"{job.pk}:")
    assert sorted(issued.values_list("source_key", flat=True)) == [
        f"{job.pk}:2",
        f"{job.pk}:3",
        f"{job.pk}:9",
    ]
    zoe = issued.get(source_key=f"{job.pk}:2")
    assert zoe.recipient_name == "Zoë Łukasiewicz"
    document = zoe.document
    assert document["credentialSubject"]["result"][0]["value"] == "91"
    assert document["evidence"][0]["id"] == "https://example.com/e/1"
    assert credential_verify(zoe.signed_json, now=timezone.now()).verdict == "valid"

    progress = client.get(response["Location"]).content.decode()
    assert 'value="100"' in progress and "hx-trigger" not in progress

    report = client.get(reverse("bulk:report", kwargs={"slug": org.slug, "job_id": job.pk}))
    assert report["Content-Type"].startswith("text/csv")
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    rows = {int(r["row"]): r for r in csv.DictReader(io.StringIO(text))}
    assert rows[2]["outcome"] == "issued" and rows[2]["credential_id"] == str(zoe.public_id)
    assert rows[4]["outcome"] == "error" and "No recipient" in rows[4]["reason"]
    assert rows[5]["outcome"] == "error"
    assert rows[6]["outcome"] == RowOutcome.DUPLICATE
    assert rows[7]["outcome"] == RowOutcome.ALREADY_ISSUED
    assert rows[8]["outcome"] == "error" and "not a number" in rows[8]["reason"]
    assert rows[9]["outcome"] == "issued"


def test_a_job_starts_once(client, org_issuer, django_capture_on_commit_callbacks) -> None:
    org, issuer, version = org_issuer
    client.force_login(issuer)
    _upload(client, org, version, b"email\na@example.com\n")
    job = BulkJob.objects.get(organisation=org)
    services.bulk_preview(job=job, mapping=job.mapping, actor=issuer)
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_job_start(job=job, actor=issuer)
    with pytest.raises(ApplicationError):
        services.bulk_job_start(job=job, actor=issuer)
    assert Credential.objects.filter(organisation=org).count() == 1


def test_latin1_file_is_refused_naming_the_line(client, org_issuer) -> None:
    org, issuer, version = org_issuer
    client.force_login(issuer)
    _upload(client, org, version, "email,name\na@example.com,Zoë\n".encode("latin-1"))
    job = BulkJob.objects.get(organisation=org)
    response = client.post(
        reverse("bulk:columns", kwargs={"slug": org.slug, "job_id": job.pk}),
        {"col_email": "0", "col_name": "1"},
    )
    assert response.status_code == 400
    assert "Line 2 is not valid UTF-8" in response.content.decode()
    job.refresh_from_db()
    assert job.state == JobState.UPLOADED
    assert not Credential.objects.filter(organisation=org).exists()


def test_missing_recipient_column_is_refused(client, org_issuer) -> None:
    org, issuer, version = org_issuer
    client.force_login(issuer)
    _upload(client, org, version, b"Full name,Team\nAnn,Depot\n")
    job = BulkJob.objects.get(organisation=org)
    assert "email" not in job.mapping
    response = client.post(
        reverse("bulk:columns", kwargs={"slug": org.slug, "job_id": job.pk}), {"col_name": "0"}
    )
    assert response.status_code == 400
    assert "e-mail address or the DID" in response.content.decode()


def test_oversized_upload_is_refused_before_it_is_read(client, org_issuer, settings) -> None:
    org, issuer, version = org_issuer
    settings.MICROCRED_BULK_MAX_UPLOAD_BYTES = 100
    client.force_login(issuer)
    data = b"email\n" + b"someone@example.com\n" * 5000  # ~100 KB: past the 64 KB allowance
    response = _upload(client, org, version, data)
    assert response.status_code == 413
    assert "larger than the limit" in response.content.decode()
    assert not BulkJob.objects.exists()


def test_oversized_upload_is_stopped_while_streaming(client, org_issuer, settings) -> None:
    org, issuer, version = org_issuer
    settings.MICROCRED_BULK_MAX_UPLOAD_BYTES = 1000
    client.force_login(issuer)
    data = b"email\n" + b"someone@example.com\n" * 100  # 2 KB: within the header allowance
    response = _upload(client, org, version, data)
    assert response.status_code == 413
    assert not BulkJob.objects.exists()


def test_service_copy_stops_at_the_limit(org_issuer, settings) -> None:
    org, issuer, version = org_issuer
    settings.MICROCRED_BULK_MAX_UPLOAD_BYTES = 1000

    class Endless:
        """A stream that would never end: only the limit stops the copy."""

        read_calls = 0

        def read(self, size: int = -1) -> bytes:
            Endless.read_calls += 1
            return b"x" * (size if size > 0 else 4096)

    with pytest.raises(ApplicationError) as caught:
        services.bulk_upload_create(
            organisation=org,
            achievement_version=version,
            source=Endless(),
            original_name="endless.csv",
            actor=issuer,
        )
    assert caught.value.status == 413
    assert Endless.read_calls < 10
    assert not BulkJob.objects.exists()
    media = settings.MEDIA_ROOT / "bulk"
    assert not media.exists() or not any(media.iterdir())


def test_other_roles_and_organisations_cannot_see_jobs(
    client, org_issuer, make_org, make_member
) -> None:
    org, issuer, version = org_issuer
    client.force_login(issuer)
    _upload(client, org, version, b"email\na@example.com\n")
    job = BulkJob.objects.get(organisation=org)
    client.force_login(make_member(org, "learner"))
    assert client.get(reverse("bulk:upload", kwargs={"slug": org.slug})).status_code == 403
    other = make_org("other-org")
    client.force_login(make_member(other, "admin"))
    url = reverse("bulk:progress", kwargs={"slug": other.slug, "job_id": job.pk})
    assert client.get(url).status_code == 404


def test_a_job_another_worker_is_finishing_is_not_marked_failed(
    client, org_issuer, monkeypatch
) -> None:
    """Regression: the last chunk finishing between two checks made a done job look failed."""
    from datetime import timedelta

    from microcred_web.bulk import config
    from microcred_web.bulk.models import BulkChunk, ChunkState

    org, issuer, version = org_issuer
    client.force_login(issuer)
    _upload(client, org, version, b"email\na@example.com\n")
    job = BulkJob.objects.get(organisation=org)
    services.bulk_preview(job=job, mapping=job.mapping, actor=issuer)
    BulkJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    # Another worker holds the only chunk, on its last allowed attempt, and is about to finish.
    BulkChunk.objects.filter(job=job).update(
        state=ChunkState.RUNNING,
        lease_owner="elsewhere:1:x",
        lease_expires_at=timezone.now() + timedelta(minutes=5),
        attempts=config.MAX_CHUNK_ATTEMPTS,
    )

    def other_worker_finishes(_seconds: float) -> None:
        BulkChunk.objects.filter(job=job).update(state=ChunkState.DONE)

    monkeypatch.setattr(services.time, "sleep", other_worker_finishes)
    services.bulk_job_work(job_id=job.pk, poll_seconds=0)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error


def _started_job(client, org_issuer, rows: int) -> BulkJob:
    org, issuer, version = org_issuer
    client.force_login(issuer)
    data = "email\n" + "".join(f"p{i}@example.com\n" for i in range(rows))
    _upload(client, org, version, data.encode())
    job = BulkJob.objects.get(organisation=org)
    services.bulk_preview(job=job, mapping=job.mapping, actor=issuer)
    job.refresh_from_db()
    return services.bulk_job_start(job=job, actor=issuer)


def test_a_first_attempt_skips_the_key_lookup_and_still_stores_each_row_once(
    client, org_issuer
) -> None:
    """A chunk's keys cannot be stored before its first attempt, so it does not look them up;
    should one be there anyway (here: issued through the API under the same key), the insert
    skips it instead of issuing the row twice."""
    org, issuer, version = org_issuer
    job = _started_job(client, org_issuer, 5)
    credentials_issue(
        organisation=org,
        achievement_version=version,
        actor=issuer,
        source="api",
        recipients=[RecipientInput(email="p2@example.com", source_key=f"{job.pk}:4")],
        deliver=False,
    )
    with CaptureQueriesContext(connection) as queries:
        assert services.bulk_job_work(job_id=job.pk, poll_seconds=0) == 1
    lookups = [q["sql"] for q in queries if '"source_key" IN' in q["sql"]]
    assert lookups == []
    job.refresh_from_db()
    assert job.state == JobState.DONE
    keys = list(
        Credential.objects.filter(organisation=org, source_key__startswith=f"{job.pk}:")
        .order_by("source_key")
        .values_list("source_key", "source")
    )
    assert keys == [
        (f"{job.pk}:{row}", "api" if row == 4 else f"bulk:{job.pk}") for row in range(2, 7)
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_already_holding_lookups_use_the_e_mail_index_without_statistics(org_issuer) -> None:
    """Without statistics PostgreSQL reads the whole table for ``IN (500 values)``; every
    chunk of a bulk job did, and a 300,000-row job slowed to a crawl."""
    from microcred_web.issuing import holders

    emails = [f"p{i}@example.com" for i in range(500)]
    query = Credential.objects.filter(recipient_email__in=emails).order_by()
    with holders.index_lookups():
        plan = query.explain()
    assert "Seq Scan" not in plan
    assert "issuing_cre_recipie" in plan
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_worker_commits_asynchronously_and_resets_the_session(
    client, org_issuer, monkeypatch
) -> None:
    seen: list[str] = []
    original = services._chunk_process

    def spy(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            seen.append(cursor.fetchone()[0])
        return original(**kwargs)

    job = _started_job(client, org_issuer, 3)
    monkeypatch.setattr(services, "_chunk_process", spy)
    services.bulk_job_work(job_id=job.pk, poll_seconds=0)
    assert seen == ["off"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


def test_a_row_whose_document_would_not_be_signed_as_shown_is_that_rows_error(
    client, org_issuer, django_capture_on_commit_callbacks
) -> None:
    """The signed-content pass (decision 0018) runs on each bulk document before signing: a
    refused document is its row's error naming the JSON path, and nothing is issued for it."""
    org, issuer, version = org_issuer
    # A version stored before the pass existed, whose achievement lists a tag twice: RDF keeps
    # one, so the second would be shown but not signed.
    version.achievement_json = {**version.achievement_json, "tag": ["forklift", "forklift"]}
    version.save(update_fields=["achievement_json"])
    client.force_login(issuer)
    _upload(client, org, version, b"email\na@example.com\nb@example.com\n")
    job = BulkJob.objects.get(organisation=org)
    services.bulk_preview(job=job, mapping=job.mapping, actor=issuer)
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_job_start(job=job, actor=issuer)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert (job.issued_count, job.failed_count) == (0, 2)
    assert not Credential.objects.filter(organisation=org).exists()
    problems = {p.row: p for p in job.problems.all()}
    assert sorted(problems) == [2, 3]
    for problem in problems.values():
        assert problem.outcome == RowOutcome.ERROR
        reason = problem.reason
        assert "$.credentialSubject.achievement.tag[1]" in reason, reason
        assert "recipients[" not in reason  # a row, not a position in an internal batch
    report = client.get(reverse("bulk:report", kwargs={"slug": org.slug, "job_id": job.pk}))
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    rows = {int(r["row"]): r for r in csv.DictReader(io.StringIO(text))}
    assert rows[2]["outcome"] == "error" and "tag[1]" in rows[2]["reason"]
