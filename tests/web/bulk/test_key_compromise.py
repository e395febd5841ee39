"""Fault: marking a key compromised while a bulk job ran invalidated credentials the job had
already signed with it, while the job went on reporting them issued.

Now the job stops, its page names the invalidated credentials, and one button re-issues them
with the new key (in the background, atomically, never twice) and finishes the job.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.web.bulk.test_flow import _upload

from microcred_web.bulk import rekey, services
from microcred_web.bulk.models import BulkJob, JobState
from microcred_web.issuing.models import Credential, IssuerKey
from microcred_web.issuing.signing import active_key, issuer_key_mark_compromised
from microcred_web.issuing.verification import credential_verify

ROWS = 20


@pytest.fixture
def small_chunks(settings):
    settings.MICROCRED_BULK_CHUNK_ROWS = 5


@pytest.fixture
def org_issuer(make_org, make_member, publish):
    org = make_org("rekey-org", "Rekey Training")
    admin = make_member(org, "admin")
    version = publish(org, admin)
    return org, make_member(org, "issuer"), admin, version


def _started_job(client, org, issuer, version) -> BulkJob:
    client.force_login(issuer)
    data = "name,email\n" + "".join(f"Person {i},p{i}@example.com\n" for i in range(ROWS))
    _upload(client, org, version, data.encode())
    job = BulkJob.objects.get(organisation=org)
    services.bulk_preview(job=job, mapping=job.mapping, actor=issuer)
    job.refresh_from_db()
    return services.bulk_job_start(job=job, actor=issuer)


def _verdict(credential: Credential) -> str:
    return credential_verify(credential.signed_json, now=timezone.now()).verdict


def test_compromise_stops_the_job_lists_the_invalidated_and_reissues_them_once(
    client, org_issuer, small_chunks, django_capture_on_commit_callbacks
) -> None:
    org, issuer, admin, version = org_issuer
    started = timezone.now() - timedelta(seconds=5)
    job = _started_job(client, org, issuer, version)
    assert services.bulk_job_work(job_id=job.pk, poll_seconds=0, max_chunks=2) == 2
    old_key = active_key(organisation=org)
    assert old_key is not None
    signed_before = list(Credential.objects.filter(source=f"bulk:{job.pk}"))
    assert len(signed_before) == 10
    assert all(_verdict(c) == "valid" for c in signed_before[:2])

    issuer_key_mark_compromised(key=old_key, actor=admin, compromised_after=started)

    job.refresh_from_db()
    assert job.state == JobState.STOPPED
    assert "compromised" in job.error
    assert services.bulk_job_work(job_id=job.pk, poll_seconds=0) == 0  # it does not go on
    assert _verdict(signed_before[0]) != "valid"
    page = client.get(reverse("bulk:progress", kwargs={"slug": org.slug, "job_id": job.pk}))
    html = page.content.decode()
    assert "10 credentials this job issued no longer verify" in html
    assert "Person 0" in html and 'id="bulk-rekey-button"' in html

    reissue = reverse("bulk:reissue", kwargs={"slug": org.slug, "job_id": job.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reissue).status_code == 302

    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    new_key = active_key(organisation=org)
    assert new_key is not None and new_key.pk != old_key.pk
    live = list(Credential.objects.filter(source=f"bulk:{job.pk}", revoked_at__isnull=True))
    assert len(live) == ROWS
    assert sorted(c.source_key for c in live) == sorted(f"{job.pk}:{row}" for row in range(2, 22))
    assert {c.issuer_key_id for c in live} == {new_key.pk}
    assert all(_verdict(c) == "valid" for c in live[:3])
    replaced = Credential.objects.filter(pk__in=[c.pk for c in signed_before])
    assert all(c.revocation_reason == rekey.REKEY_REASON for c in replaced)
    entries = list(
        Credential.objects.filter(organisation=org).values_list(
            "revocation_list_id", "revocation_status_index"
        )
    )
    assert len(entries) == len(set(entries)) == ROWS + 10  # no status entry reused
    assert rekey.pending_rekey(job=job).count() == 0

    # A second click issues nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reissue)
    assert Credential.objects.filter(organisation=org).count() == ROWS + 10
    assert (
        "No credential of this job needs re-issuing."
        in client.get(
            reverse("bulk:progress", kwargs={"slug": org.slug, "job_id": job.pk})
        ).content.decode()
    )


def test_a_chunk_signed_before_the_compromise_is_not_stored_after_it(
    client, org_issuer, small_chunks, monkeypatch
) -> None:
    """The compromise lands between a chunk's signing and its commit: the chunk is refused
    (and goes back to the queue), so nothing invalid is reported issued."""
    org, issuer, admin, version = org_issuer
    job = _started_job(client, org, issuer, version)
    real_sign = services._chunk_sign

    def sign_then_compromise(*args, **kwargs):
        batches = real_sign(*args, **kwargs)
        key = IssuerKey.objects.get(pk=batches[0].issuer_key.pk)
        issuer_key_mark_compromised(
            key=key, actor=admin, compromised_after=timezone.now() - timedelta(minutes=1)
        )
        return batches

    monkeypatch.setattr(services, "_chunk_sign", sign_then_compromise)
    assert services.bulk_job_work(job_id=job.pk, poll_seconds=0) == 0
    job.refresh_from_db()
    assert job.state == JobState.STOPPED
    assert job.issued_count == 0
    assert not Credential.objects.filter(source=f"bulk:{job.pk}").exists()
    assert job.chunks.filter(state="pending").count() == job.chunk_count
