"""The operator console: usage, create, suspend, export then delete, impersonate."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.instance.models import Impersonation
from microcred_web.issuing import services as issuing_services
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.verifier import verification

ORG = "/operator/o/acme/"


@pytest.fixture
def ops(client, operator) -> Client:
    client.force_login(operator)
    return client


def test_console_lists_organisations_with_usage(ops, world, issued) -> None:
    page = ops.get("/operator/")
    assert page.status_code == 200
    rows = {u.organisation.slug: u for u in page.context["usage"]}
    assert (rows["acme"].people, rows["acme"].credentials_total) == (5, 1)
    assert rows["acme"].credentials_this_month == 1 and rows["acme"].last_activity is not None
    assert (rows["globex"].people, rows["globex"].credentials_total) == (5, 0)
    assert b"Acme Training" in page.content and b"Globex" in page.content


def test_org_admins_are_refused_the_console(client, world) -> None:
    client.force_login(world.people["admin"])
    assert client.get("/operator/").status_code == 403
    assert client.get(ORG).status_code == 403
    assert client.post(ORG + "suspend/", {"reason": "x"}).status_code == 403
    assert not Organisation.objects.get(slug="acme").is_suspended


def test_operator_creates_an_organisation_from_the_console(ops, world) -> None:
    response = ops.post(
        "/operator/new/",
        {
            "name": "Litware",
            "slug": "litware",
            "admin_email": "boss@litware.example",
            "default_language": "fr",
            "primary_colour": "#123456",
            "accent_colour": "#abcdef",
        },
    )
    assert response.status_code == 302 and response.url == "/operator/o/litware/"
    org = Organisation.objects.get(slug="litware")
    assert Membership.objects.get(organisation=org).user.email == "boss@litware.example"
    assert not Membership.objects.filter(organisation=org, user__is_operator=True).exists()
    again = {"name": "X", "slug": "acme", "admin_email": "x@x.example", "default_language": "en"}
    taken = ops.post(
        "/operator/new/", {**again, "primary_colour": "#123456", "accent_colour": "#abcdef"}
    )
    assert taken.status_code == 400 and "slug" in taken.context["form"].errors


def test_suspension_stops_sign_in_and_issuing_but_not_verification(
    ops, world, issued, settings, password
) -> None:
    settings.MICROCRED_VERIFY_RATE = 1000.0
    settings.MICROCRED_VERIFY_BURST = 1000.0
    verification.caches_clear()
    assert ops.post(ORG + "suspend/", {"reason": "Unpaid invoice"}).status_code == 302
    org = Organisation.objects.get(slug="acme")
    assert org.is_suspended and org.suspension_reason == "Unpaid invoice"
    # members cannot sign in
    member = Client()
    refused = member.post(
        "/accounts/sign-in/", {"email": "issuer@acme.example", "password": password}
    )
    assert refused.status_code == 403 and b"suspended" in refused.content
    assert "_auth_user_id" not in member.session
    # a session opened before sees the banner on every organisation page
    member.force_login(world.people["admin"])
    page = member.get("/o/acme/people/")
    assert page.status_code == 403 and b'id="suspended-banner"' in page.content
    assert b"Unpaid invoice" in page.content
    # issuing is refused whatever the entry point
    with pytest.raises(ApplicationError) as caught:
        issuing_services.credentials_issue(
            organisation=org,
            achievement_version=issued.achievement_version,
            recipients=[RecipientInput(email="new@acme.example")],
            actor=world.people["issuer"],
            source="test",
            deliver=False,
        )
    assert caught.value.code == "organisation_suspended"
    # what it issued keeps verifying
    verdict = Client().post("/verify/api", data=issued.signed_json, content_type="application/json")
    assert verdict.json()["verdict"] == "valid"
    # other organisations are untouched, and lifting it restores sign-in
    assert (
        Client()
        .post("/accounts/sign-in/", {"email": "issuer@globex.example", "password": password})
        .status_code
        == 302
    )
    ops.post(ORG + "unsuspend/")
    assert member.get("/o/acme/").status_code == 200
    actions = set(AuditEvent.objects.filter(organisation=org).values_list("action", flat=True))
    assert {"instance.organisation_suspended", "instance.organisation_unsuspended"} <= actions


def test_export_holds_people_achievements_signed_credentials_and_audit(ops, world, issued):
    response = ops.post(ORG + "export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    read = lambda name: json.loads(archive.read(f"acme/{name}"))  # noqa: E731
    people = {p["email"]: p for p in read("people.json")}
    assert people["manager@acme.example"]["roles"] == ["manager"]
    assert people["learner@acme.example"]["teams"] == ["Depot"]
    assert "issuer@globex.example" not in people
    achievements = read("achievements.json")
    assert [a["fields"]["name"] for a in achievements["achievements"]] == ["Forklift safety"]
    [credential] = read("credentials.json")
    assert credential["signed"] == json.loads(issued.signed_json)  # exactly what was signed
    assert credential["signed"]["proof"]
    audit_actions = {e["action"] for e in read("audit.json")}
    assert "orgs.membership_added" in audit_actions
    assert any(action.startswith("issuing.") for action in audit_actions)
    assert read("organisation.json")["issuer"]["did"].endswith(":o:acme")


def test_delete_needs_an_export_and_the_typed_slug_then_removes_everything(
    ops, world, issued
) -> None:
    org = Organisation.objects.get(slug="acme")
    ops.post(ORG + "delete/", {"confirm_slug": "acme"})
    assert Organisation.objects.filter(slug="acme").exists()  # no export yet
    ops.post(ORG + "export/")
    ops.post(ORG + "delete/", {"confirm_slug": "acm"})
    assert Organisation.objects.filter(slug="acme").exists()  # wrong confirmation
    response = ops.post(ORG + "delete/", {"confirm_slug": "acme"})
    assert response.status_code == 302 and response.url == "/operator/"
    assert not Organisation.objects.filter(pk=org.pk).exists()
    assert not Credential.objects.filter(organisation_id=org.pk).exists()
    assert not Achievement.objects.filter(organisation_id=org.pk).exists()
    assert not Membership.objects.filter(organisation_id=org.pk).exists()
    assert User.objects.filter(email="learner@acme.example").exists()  # accounts stay
    assert Organisation.objects.filter(slug="globex").exists()
    deleted = AuditEvent.objects.get(action="instance.organisation_deleted")
    assert deleted.data["slug"] == "acme" and deleted.data["credentials"] == 1


def test_impersonation_is_audited_bannered_and_stops_back_to_the_operator(
    ops, operator, world
) -> None:
    membership = Membership.objects.get(organisation=world.org, user=world.people["manager"])
    refused = ops.post(ORG + "impersonate/", {"membership": membership.pk, "reason": ""})
    assert refused.status_code == 302 and not Impersonation.objects.exists()
    response = ops.post(
        ORG + "impersonate/", {"membership": membership.pk, "reason": "Ticket 4711: team page"}
    )
    assert response.url == "/o/acme/"
    page = ops.get("/o/acme/", follow=True)
    assert page.context["user"] == world.people["manager"]
    assert b'id="impersonation-banner"' in page.content
    session = Impersonation.objects.get()
    assert (session.operator, session.member) == (operator, world.people["manager"])
    assert (session.reason, session.ended_at) == ("Ticket 4711: team page", None)
    assert ops.get("/operator/").status_code == 403  # the member is no operator
    stopped = ops.post("/operator/impersonation/stop/")
    assert stopped.url == "/operator/"
    session.refresh_from_db()
    assert session.ended_at is not None
    console = ops.get("/operator/")
    assert console.status_code == 200 and console.context["user"] == operator
    assert b'id="impersonation-banner"' not in console.content
    actions = list(
        AuditEvent.objects.filter(action__startswith="instance.impersonation")
        .order_by("id")
        .values_list("action", "actor__email", "data__reason")
    )
    assert actions == [
        ("instance.impersonation_started", "ops@example.org", "Ticket 4711: team page"),
        ("instance.impersonation_ended", "ops@example.org", None),
    ]


def test_stop_without_impersonating_is_404(client, world) -> None:
    client.force_login(world.people["admin"])
    assert client.post("/operator/impersonation/stop/").status_code == 404


def test_operators_cannot_impersonate_other_operators(ops, world) -> None:
    other = User.objects.create_user("ops2@example.org", "x-long-password-9", is_operator=True)
    membership = Membership.objects.create(user=other, organisation=world.org)
    ops.post(ORG + "impersonate/", {"membership": membership.pk, "reason": "curious"})
    assert not Impersonation.objects.exists()


OPERATOR_PAGES = ("/operator/", "/operator/new/", ORG)
OPERATOR_POSTS = ("suspend/", "unsuspend/", "export/", "delete/", "impersonate/")


def test_operators_reach_the_console_but_are_not_members(ops, world) -> None:
    for url in OPERATOR_PAGES:
        assert ops.get(url).status_code == 200, url
    assert ops.get("/operator/o/nowhere/").status_code == 404
    assert ops.get("/o/acme/").status_code == 404  # not a member of any organisation
    assert ops.get("/").url == "/operator/"


@pytest.mark.parametrize("role", ["admin", "issuer", "learner"])
def test_members_are_refused_every_operator_action(client, world, role) -> None:
    client.force_login(world.people[role])
    for url in OPERATOR_PAGES:
        assert client.get(url).status_code == 403, url
    for action in OPERATOR_POSTS:
        assert client.post(ORG + action, {"reason": "x", "confirm_slug": "acme"}).status_code == 403
    assert Organisation.objects.filter(slug="acme", suspended_at__isnull=True).exists()
