"""Bulk people import: preview per row, errors per row, all-or-nothing apply, invitations."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.orgs import people_import
from microcred_web.orgs.models import Membership, PeopleImport, Team
from microcred_web.orgs.people_import import Change

BASE = "/o/acme/people/import/"


def upload(client, text: str, name: str = "people.csv"):
    return client.post(BASE, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.people["admin"])
    return client


def test_preview_says_what_changes_per_row_and_names_errors(admin_client, world) -> None:
    User.objects.create_user("elsewhere@globex.example", "x-long-password-1")
    text = (
        "email,name,role,teams,language\n"
        "new.one@acme.example,New One,learner,Depot;Night shift,fr\n"  # new person, new team
        "elsewhere@globex.example,Else,manager,,\n"  # has an account, joins
        "learner@acme.example,,learner;assessor,Depot;Yard,\n"  # role change + team addition
        "manager@acme.example,,manager,,\n"  # unchanged
        "not-an-email,Bad,learner,,\n"
        "x@acme.example,X,wizard,,\n"
        "NEW.ONE@acme.example,Again,learner,,\n"
        "y@acme.example,Y,learner,,xx\n"
    )
    response = upload(admin_client, text)
    record = PeopleImport.objects.get()
    assert response.url == f"{BASE}{record.pk}/"
    page = admin_client.get(response.url + "?show=all")
    assert page.status_code == 200
    rows = {row.line: row for row in page.context["page"]}
    assert rows[2].change == Change.NEW_PERSON and rows[2].teams_added == ["Depot", "Night shift"]
    assert rows[3].change == Change.JOINS
    assert rows[4].change == Change.UPDATED and rows[4].role_changed
    assert (rows[4].roles_before, rows[4].roles) == (["learner"], ["assessor", "learner"])
    assert rows[4].teams_added == ["Yard"]  # already in Depot
    assert rows[5].change == Change.UNCHANGED
    assert "valid e-mail" in rows[6].errors[0]
    assert "Unknown role: wizard" in rows[7].errors[0]
    assert "line 2" in rows[8].errors[0]  # duplicate, case-insensitive
    assert "Unknown language" in rows[9].errors[0]
    assert page.context["plan"].teams_created == ["Night shift", "Yard"]
    assert b"people-import-apply" not in page.content  # no apply while errors remain
    # nothing was written by the preview
    assert not User.objects.filter(email="new.one@acme.example").exists()
    refused = admin_client.post(response.url + "apply/")
    assert refused.status_code == 302
    assert not User.objects.filter(email="new.one@acme.example").exists()
    assert not Team.objects.filter(name="Yard").exists()


def test_apply_creates_people_roles_teams_and_sends_invitations_on_commit(
    admin_client, world, django_capture_on_commit_callbacks
) -> None:
    text = (
        "email,name,role,teams,language\n"
        "new.one@acme.example,New One,learner,Depot;Night shift,fr\n"
        "learner@acme.example,,learner;assessor,Yard,\n"
    )
    record_url = upload(admin_client, text).url
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(record_url + "apply/")
    assert response.url == "/o/acme/people/"
    new = User.objects.get(email="new.one@acme.example")
    assert (new.display_name, new.preferred_language) == ("New One", "fr")
    assert not new.has_usable_password()
    membership = Membership.objects.get(user=new, organisation=world.org)
    assert membership.role_names == ["learner"]
    assert sorted(t.name for t in membership.teams.all()) == ["Depot", "Night shift"]
    learner = Membership.objects.get(user=world.people["learner"], organisation=world.org)
    assert learner.role_names == ["assessor", "learner"]
    assert sorted(t.name for t in learner.teams.all()) == ["Depot", "Yard"]
    [message] = mail.outbox  # only the person who joined is e-mailed
    assert message.to == ["new.one@acme.example"] and "/accounts/reset/" in message.body
    assert "Acme Training" in message.subject
    assert admin_client.post(record_url + "apply/").status_code == 302  # applied once only
    assert PeopleImport.objects.get().applied_at is not None
    assert User.objects.filter(email="new.one@acme.example").count() == 1


def test_a_row_turning_bad_before_apply_rolls_everything_back(world) -> None:
    """Preview was clean; by the time of apply a row conflicts: nothing at all is applied."""
    record = people_import.people_import_create(
        organisation=world.org,
        actor=world.people["admin"],
        file_name="p.csv",
        text="email,name,role,teams\nfirst@acme.example,F,learner,New team\n"
        "admin@acme.example,,learner,\n",
    )
    plan = people_import.import_plan(organisation=world.org, text=record.csv_text)
    assert plan.error_rows  # the only admin would lose the role
    assert "no administrator left" in plan.error_rows[0].errors[0]
    with pytest.raises(ApplicationError) as caught:
        people_import.people_import_apply(people_import=record, actor=world.people["admin"])
    assert caught.value.code == "import_has_errors"
    assert not User.objects.filter(email="first@acme.example").exists()
    assert not Team.objects.filter(name="New team").exists()


def test_missing_columns_are_an_error_on_the_file(admin_client, world) -> None:
    response = upload(admin_client, "mail,fullname\na@b.example,A\n")
    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert not PeopleImport.objects.exists()


def test_other_organisations_cannot_see_an_import(client, world) -> None:
    record = people_import.people_import_create(
        organisation=world.org, actor=world.people["admin"], file_name="p.csv",
        text="email,role\na@acme.example,learner\n",
    )  # fmt: skip
    client.force_login(world.others["admin"])
    assert client.get(f"/o/globex/people/import/{record.pk}/").status_code == 404
    assert client.get(f"{BASE}{record.pk}/").status_code == 404


def test_ten_thousand_rows_preview_in_few_queries_and_apply(world) -> None:
    lines = ["email,name,role,teams,language"]
    lines += [f"p{i}@bulk.example,Person {i},learner,Team {i % 20},en" for i in range(10_000)]
    lines += ["learner@acme.example,,manager,,"]
    text = "\n".join(lines) + "\n"
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        plan = people_import.import_plan(organisation=world.org, text=text)
    elapsed = time.monotonic() - started
    assert plan.counts()[Change.NEW_PERSON] == 10_000 and not plan.error_rows
    assert len(queries) < 40, len(queries)  # batched: no query per row
    assert elapsed < 10, elapsed
    record = people_import.people_import_create(
        organisation=world.org, actor=world.people["admin"], file_name="big.csv", text=text
    )
    people_import.people_import_apply(people_import=record, actor=world.people["admin"])
    assert Membership.objects.filter(organisation=world.org).count() == 5 + 10_000
    assert Team.objects.get(organisation=world.org, name="Team 7").members.count() == 500
