"""Each event type reaches the outbox in the transaction of the change (one message per event,
one delivery per subscribed endpoint), with the data its payload promises."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred_web.awards.services import award_issue
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput, credential_claim, credentials_issue
from microcred_web.issuing.status_changes import credential_suspend, credential_unsuspend
from microcred_web.orgs import services as org_services
from microcred_web.pathways.models import PathwayVersion
from microcred_web.pathways.services import pathway_create
from microcred_web.webhooks import services
from microcred_web.webhooks.models import Delivery, EventType, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(world, receiver):
    endpoint, _secret = services.endpoint_create(
        organisation=world.org,
        actor=world.people["admin"],
        url=receiver.url,
        event_types=EventType.values,
    )
    return endpoint


def _payloads(event_type: str) -> list[dict]:
    rows = Message.objects.filter(event_type=event_type).order_by("id")
    return [json.loads(m.payload) for m in rows]


def _issue(world, version, email: str = "learner@acme.example"):
    (credential,) = credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email=email, name="Lea")],
        actor=world.people["admin"],
        source="test",
        deliver=False,
    )
    return credential


def test_claim_suspend_and_unsuspend(world, version, subscribed) -> None:
    credential = _issue(world, version)
    credential_claim(credential=credential, user=world.people["learner"])
    credential_suspend(credential=credential, actor=world.people["admin"], reason="Audit")
    credential_unsuspend(credential=credential, actor=world.people["admin"], reason="Done")
    (claimed,) = _payloads("credential.claimed")
    assert claimed["data"]["credential"]["id"] == str(credential.public_id)
    (suspended,) = _payloads("credential.suspended")
    assert suspended["data"]["reason"] == "Audit"
    assert Message.objects.count() == 3  # issued, claimed, suspended (un-suspending: none)
    assert Delivery.objects.filter(endpoint=subscribed).count() == 3


def test_public_page_view_and_verification(client, world, version, subscribed) -> None:
    credential = _issue(world, version)
    Credential.objects.filter(pk=credential.pk).update(is_public=True)  # the holder's choice
    page = client.get(reverse("issuing:credential", kwargs={"public_id": credential.public_id}))
    assert page.status_code == 200
    (viewed,) = _payloads("credential.viewed")
    assert viewed["data"]["credential"]["id"] == str(credential.public_id)

    verify = client.post(
        reverse("verifier:api"), credential.signed_json, content_type="application/json"
    )
    assert verify.status_code == 200, verify.content
    (verified,) = _payloads("credential.verified")
    assert verified["data"]["credential"]["id"] == str(credential.public_id)
    assert verified["data"]["result"]


def test_award_earned_and_the_pathway_it_completes(world, version, subscribed) -> None:
    achievement = version.achievement
    pathway = pathway_create(
        organisation=world.org,
        actor=world.people["admin"],
        name="Warehouse lead",
        description="",
        goal=achievement,
    )
    # published as it stands (the goal alone): what matters here is the goal being awarded
    pathway.published_version = PathwayVersion.objects.get(pathway=pathway)
    pathway.save()
    learner = world.people["learner"]
    award_issue(
        organisation=world.org, achievement=achievement, user=learner, earned_at=timezone.now()
    )
    (earned,) = _payloads("award.earned")
    assert earned["data"]["achievement"]["id"] == str(achievement.public_id)
    assert earned["data"]["recipient"]["email"] == learner.email
    (completed,) = _payloads("pathway.completed")
    assert completed["data"]["pathway"] == {"id": str(pathway.public_id), "name": "Warehouse lead"}
    award_issue(
        organisation=world.org, achievement=achievement, user=learner, earned_at=timezone.now()
    )
    assert len(_payloads("award.earned")) == 1  # awarded once, announced once


def test_person_joined(world, subscribed, make_member) -> None:
    person = make_member(world.org, "learner", email="newcomer@acme.example")
    (joined,) = _payloads("person.joined")
    assert joined["data"]["person"]["email"] == person.email
    assert joined["data"]["roles"] == ["learner"]
    org_services.membership_add(organisation=world.org, user=person, roles=["learner", "manager"])
    assert len(_payloads("person.joined")) == 1  # a role change is not a join


def test_other_organisations_events_stay_out(world, version, subscribed, make_member) -> None:
    make_member(world.other, "learner", email="elsewhere@globex.example")
    assert not Message.objects.filter(event_type="person.joined").exists()


def test_views_of_an_organisation_without_endpoints_make_no_webhook_query(
    client, world, version
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    credential = _issue(world, version)
    Credential.objects.filter(pk=credential.pk).update(is_public=True)
    page = reverse("issuing:credential", kwargs={"public_id": credential.public_id})
    assert client.get(page).status_code == 200  # "no endpoints" is now remembered
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    assert not [q for q in queries.captured_queries if "webhooks_endpoint" in q["sql"]]
    services.endpoint_create(  # created here: the memory is dropped at once
        organisation=world.org,
        actor=world.people["admin"],
        url="https://93.184.215.14/hooks",
        event_types=["credential.viewed"],
    )
    assert client.get(page).status_code == 200
    assert Message.objects.filter(event_type="credential.viewed").count() == 1
