"""Imports verified again on a schedule (issue 18): a recognised credential that its issuer
revokes or suspends after the import stops counting; a suspension lifted makes it count again
and the award evaluation runs by itself; nothing already issued is revoked."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pathways_helpers import Lead, build_lead, credentials_of, issue, make_achievement

from microcred_web.common import scheduling
from microcred_web.common.models import AuditEvent
from microcred_web.issuing import services as issuing
from microcred_web.issuing.identity import issuer_did
from microcred_web.issuing.models import Credential
from microcred_web.pathways import import_checks, recognition, services
from microcred_web.wallet import recheck
from microcred_web.wallet import services as wallet
from microcred_web.wallet.models import ImportedCredential

pytestmark = pytest.mark.django_db(transaction=True)


def _lead(world: Any) -> Lead:
    lead = build_lead(world.org, world.people["admin"])
    services.pathway_publish(pathway=lead.pathway, actor=world.people["admin"])
    lead.pathway.refresh_from_db()
    return lead


def _elsewhere(world: Any, learner: Any, name: str = "Emergency First Aid at Work") -> Credential:
    admin = world.others["admin"]
    return issue(world.other, admin, make_achievement(world.other, admin, name), learner)


def _recognise(world: Any, lead: Lead, external: Credential) -> None:
    published = lead.pathway.published_version
    assert published is not None
    recognition.recognition_add(
        pathway=lead.pathway,
        definition=published.definition,
        actor=world.people["admin"],
        step_id="options",
        counts_as=f"achievement:{lead.parts['first-aid'].public_id}",
        issuer_id=issuer_did(world.other),
        achievement_id=external.document["credentialSubject"]["achievement"]["id"],
    )


def _import(learner: Any, external: Credential) -> ImportedCredential:
    return wallet.credential_import(user=learner, data=json.dumps(external.document).encode())


def _map(client: Any, world: Any, lead: Lead) -> str:
    client.force_login(world.people["learner"])
    target = reverse(
        "pathways:map", kwargs={"slug": world.org.slug, "public_id": lead.pathway.public_id}
    )
    return str(client.get(target).content.decode())


def test_the_daily_job_is_registered() -> None:
    jobs = {job.name: job for job in scheduling.daily_jobs()}
    assert jobs["imports_recheck"].run is import_checks.imports_recheck_job


def test_a_revocation_after_the_import_stops_it_counting(client: Any, world: Any) -> None:
    lead = _lead(world)
    learner, admin = world.people["learner"], world.people["admin"]
    external = _elsewhere(world, learner)
    _recognise(world, lead, external)
    imported = _import(learner, external)
    services.pathway_enrol(pathway=lead.pathway, user=learner)
    for part in ("forklift", "lifting"):
        issue(world.org, admin, lead.parts[part], learner)
    [milestone] = credentials_of(world.org, lead.parts["half"], learner)  # core + options
    assert 'id="step-options" data-state="done"' in _map(client, world, lead)

    issuing.credential_revoke(credential=external, actor=world.others["admin"], reason="Error")
    # checked less than 20 hours ago: the job leaves it for now
    assert import_checks.imports_recheck_job(timezone.now()) == {"checked": 0, "changed": 0}
    tomorrow = timezone.now() + timedelta(days=1)
    runs = {run.job: run for run in scheduling.daily_jobs_run(now=tomorrow)}
    assert (runs["imports_recheck"].outcome, runs["imports_recheck"].detail) == (
        "done",
        "checked: 1, changed: 1",
    )
    imported.refresh_from_db()
    assert (imported.label, imported.checked_at, imported.label_since) == (
        "revoked",
        tomorrow,
        tomorrow,
    )
    assert recognition.recognised_facts(world.org, [learner.pk]) == {}
    page = _map(client, world, lead)
    assert 'id="step-options" data-state="available"' in page
    assert 'data-counts="no"' in page and 'data-counts="yes"' not in page
    assert "does not count toward “Options”: its issuer revoked it (found on" in page
    # the policy of decision 0026: the milestone already issued stays issued
    milestone.refresh_from_db()
    assert milestone.revoked_at is None
    assert credentials_of(world.org, lead.parts["half"], learner) == [milestone]
    # a second run the same day changes nothing (and the scheduler does not run it twice)
    again = import_checks.imports_recheck_job(tomorrow + timedelta(hours=1))
    assert again == {"checked": 0, "changed": 0}
    assert "imports_recheck" not in {r.job for r in scheduling.daily_jobs_run(now=tomorrow)}
    # forced a day later: checked again, still revoked, nothing changes
    later = tomorrow + timedelta(days=1)
    assert import_checks.imports_recheck_job(later) == {"checked": 1, "changed": 0}
    imported.refresh_from_db()
    assert (imported.label, imported.checked_at, imported.label_since) == (
        "revoked",
        later,
        tomorrow,
    )


def test_a_lifted_suspension_counts_again_and_issues_by_itself(world: Any) -> None:
    lead = _lead(world)
    learner, admin = world.people["learner"], world.people["admin"]
    external = _elsewhere(world, learner)
    _recognise(world, lead, external)
    issuing.credential_suspend(credential=external, actor=world.others["admin"], reason="Audit")
    imported = _import(learner, external)
    assert imported.label == "suspended"
    for part in ("forklift", "lifting"):
        issue(world.org, admin, lead.parts[part], learner)
    assert credentials_of(world.org, lead.parts["half"], learner) == []
    issuing.credential_unsuspend(credential=external, actor=world.others["admin"], reason="OK")
    result = import_checks.imports_recheck_job(timezone.now() + timedelta(days=1))
    assert result == {"checked": 1, "changed": 1}
    # the re-check queued the owner's evaluation: the milestone issued, once
    assert len(credentials_of(world.org, lead.parts["half"], learner)) == 1
    import_checks.imports_recheck_job(timezone.now() + timedelta(days=2))
    assert len(credentials_of(world.org, lead.parts["half"], learner)) == 1


def test_recognised_imports_are_checked_first_oldest_first(world: Any) -> None:
    lead = _lead(world)
    learner = world.people["learner"]
    recognised = _elsewhere(world, learner)
    _recognise(world, lead, recognised)
    other_org_badges = [_elsewhere(world, learner, f"Badge {n}") for n in range(3)]
    [old, older, oldest] = [_import(learner, c) for c in other_org_badges]
    mine = _import(learner, recognised)
    now = timezone.now()
    for days, item in ((3, old), (4, older), (5, oldest)):
        ImportedCredential.objects.filter(pk=item.pk).update(checked_at=now - timedelta(days=days))
    ImportedCredential.objects.filter(pk=mine.pk).update(checked_at=now - timedelta(days=1))
    # the recognition names the issuer of every Globex badge: all four are "maybe recognised"
    assert set(import_checks.recognised_imports().values_list("pk", flat=True)) == {
        mine.pk,
        old.pk,
        older.pk,
        oldest.pk,
    }
    due = recheck.imports_due(now=now, first=ImportedCredential.objects.filter(pk=mine.pk))
    assert [i.pk for i in due] == [mine.pk, oldest.pk, older.pk, old.pk]
    assert [i.pk for i in recheck.imports_due(now=now, limit=2)] == [oldest.pk, older.pk]
    result = recheck.imports_recheck_run(now=now, limit=2)
    assert result.as_result() == {"checked": 2, "changed": 0}
    assert [i.pk for i in recheck.imports_due(now=now)] == [old.pk, mine.pk]


def test_the_learner_checks_again_from_the_map(client: Any, world: Any) -> None:
    lead = _lead(world)
    learner = world.people["learner"]
    external = _elsewhere(world, learner)
    _recognise(world, lead, external)
    imported = _import(learner, external)
    services.pathway_enrol(pathway=lead.pathway, user=learner)
    issuing.credential_revoke(credential=external, actor=world.others["admin"], reason="Error")
    target = reverse("wallet:imported_recheck", kwargs={"public_id": imported.public_id})
    map_url = reverse(
        "pathways:map", kwargs={"slug": world.org.slug, "public_id": lead.pathway.public_id}
    )
    assert target in _map(client, world, lead)  # the "check again" button
    # checked a moment ago (at import): refused, nothing changes
    response = client.post(target, {"next": map_url}, follow=True)
    assert "less than a minute ago" in response.content.decode()
    imported.refresh_from_db()
    assert imported.label == "valid"
    ImportedCredential.objects.filter(pk=imported.pk).update(
        checked_at=timezone.now() - timedelta(minutes=2)
    )
    response = client.post(target, {"next": map_url})
    assert response.status_code == 302 and response["Location"] == map_url
    imported.refresh_from_db()
    assert imported.label == "revoked" and imported.label_since is not None
    assert AuditEvent.objects.filter(
        action="wallet.import_rechecked", actor=learner, data__label="revoked"
    ).exists()
    page = client.get(map_url).content.decode()
    assert 'id="step-options" data-state="available"' in page
    assert "its issuer revoked it (found on" in page
    # the wallet page says when the status changed, and offers the same button
    wallet_page = client.get(
        reverse("wallet:imported", kwargs={"public_id": imported.public_id})
    ).content.decode()
    assert 'id="check-again"' in wallet_page and "status changed on" in wallet_page
    assert 'id="import-label">Revoked<' in wallet_page
    # an outside address is not followed; another person cannot check it
    ImportedCredential.objects.filter(pk=imported.pk).update(
        checked_at=timezone.now() - timedelta(minutes=2)
    )
    away = client.post(target, {"next": "https://evil.example/"})
    assert away["Location"] == reverse("wallet:imported", kwargs={"public_id": imported.public_id})
    client.force_login(world.others["learner"])
    assert client.post(target).status_code == 404
