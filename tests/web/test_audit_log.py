"""The audit log in words: readable events and subjects, filters (who, what, when), paging,
CSV export (issue 16, item 8)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred_web.achievements import services as achievement_services
from microcred_web.common.models import AuditEvent
from microcred_web.common.services import audit_record
from microcred_web.issuing import services as issuing
from microcred_web.issuing.services import RecipientInput


@pytest.fixture
def revoked(world):
    admin = world.people["admin"]
    admin.display_name = "Sofia"
    admin.save()
    achievement = achievement_services.achievement_create(
        organisation=world.org,
        actor=admin,
        values={"name": "First aid", "description": "Helps.", "criteria": "Course."},
    )
    achievement_services.achievement_publish(achievement=achievement, actor=admin)
    achievement.refresh_from_db()
    [credential] = issuing.credentials_issue(
        organisation=world.org,
        achievement_version=achievement.current_version,
        recipients=[RecipientInput(email="zoe@acme.example", name="Zoë")],
        actor=admin,
        source="ui",
    )
    issuing.credential_revoke(credential=credential, actor=admin, reason="issued in error")
    return credential


def _url(world, name: str = "orgs:audit") -> str:
    return reverse(name, kwargs={"slug": world.org.slug})


def test_events_read_as_sentences_with_names(client, world, revoked) -> None:
    client.force_login(world.people["admin"])
    html = client.get(_url(world)).content.decode()
    assert "Sofia revoked the credential ‘First aid’ of Zoë" in html
    assert "Sofia issued the credential ‘First aid’ to Zoë" in html
    assert "Credential revoked" in html and "Achievement published" in html
    assert "Sofia invited new@acme.example" in html
    assert "<code>issuing.credential_revoked</code>" not in html
    # another organisation's people and events stay out, in the list and the "who" filter
    assert "globex.example" not in html


def test_an_unknown_action_still_reads_as_words(client, world) -> None:
    audit_record(action="orgs.thing_frobbed", organisation=world.org)
    client.force_login(world.people["admin"])
    html = client.get(_url(world)).content.decode()
    assert "The system: Thing frobbed" in html


def test_filters_who_what_and_when(client, world, revoked) -> None:
    client.force_login(world.people["admin"])
    admin = world.people["admin"]
    by_admin = client.get(_url(world), {"who": admin.pk}).content.decode()
    assert "Sofia revoked" in by_admin
    assert "The system" not in by_admin.split("<tbody>", 1)[1]

    revocations = client.get(_url(world), {"what": "issuing.credential_revoked"}).content.decode()
    body = revocations.split("<tbody>", 1)[1]
    assert "Sofia revoked" in body and "issued the credential" not in body
    assert "1 event" in revocations

    credentials = client.get(_url(world), {"what": "issuing."}).content.decode()
    body = credentials.split("<tbody>", 1)[1]
    assert "Sofia revoked" in body and "Sofia issued" in body and "invited" not in body

    AuditEvent.objects.filter(action="orgs.invitation_created").update(
        created_at=timezone.now() - timedelta(days=10)
    )
    today = timezone.localdate().isoformat()
    recent = client.get(_url(world), {"since": today}).content.decode()
    assert "invited new@acme.example" not in recent and "Sofia revoked" in recent
    earlier = (timezone.localdate() - timedelta(days=5)).isoformat()
    old = client.get(_url(world), {"until": earlier}).content.decode()
    assert "invited new@acme.example" in old and "Sofia revoked" not in old

    wrong = client.get(_url(world), {"since": today, "until": earlier})
    assert wrong.status_code == 400
    assert 'id="id_until_error"' in wrong.content.decode()


def test_paging_keeps_the_filters(client, world) -> None:
    for number in range(55):
        audit_record(
            action="orgs.team_updated",
            organisation=world.org,
            actor=world.people["admin"],
            data={"n": number},
        )
    client.force_login(world.people["admin"])
    first = client.get(_url(world), {"what": "orgs.team_updated"}).content.decode()
    assert "55 events" in first and "Page 1 of 2" in first
    assert "?what=orgs.team_updated&amp;page=2" in first
    second = client.get(_url(world), {"what": "orgs.team_updated", "page": 2}).content.decode()
    assert second.count('data-action="orgs.team_updated"') == 5


def test_csv_export_follows_the_filters(client, world, revoked) -> None:
    sneaky = world.people["issuer"]
    sneaky.display_name = '=HYPERLINK("http://evil")'
    sneaky.save()
    audit_record(action="orgs.team_deleted", organisation=world.org, actor=sneaky, data={})
    client.force_login(world.people["admin"])
    response = client.get(_url(world, "orgs:audit_export"), {"what": "issuing."})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["When", "Who", "E-mail", "Event", "What happened", "Action code", "Subject"]
    actions = [row[5] for row in rows[1:]]
    assert set(actions) == {"issuing.credential_issued", "issuing.credential_revoked"}
    revoked_row = rows[1]
    assert revoked_row[1:6] == [
        "Sofia",
        "admin@acme.example",
        "Credential revoked",
        "Sofia revoked the credential ‘First aid’ of Zoë",
        "issuing.credential_revoked",
    ]
    everything = client.get(_url(world, "orgs:audit_export")).content.decode("utf-8-sig")
    sneaky_rows = [r for r in csv.reader(io.StringIO(everything)) if "orgs.team_deleted" in r]
    assert sneaky_rows[0][1] == '\'=HYPERLINK("http://evil")'  # never run as a formula
    assert sneaky_rows[0][4].startswith("'=")
