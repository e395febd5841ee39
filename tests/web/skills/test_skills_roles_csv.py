"""People's roles in bulk (CSV): the preview per row, errors per row, one transaction (a bad
row applies nothing), the export round-trips, other organisations' people are refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.skills import roles_csv, services
from microcred_web.skills.models import PersonRole


def url(name, world, **kwargs):
    return reverse(f"skills:{name}", kwargs={"slug": world.org.slug, **kwargs})


@pytest.fixture
def roles(world):
    admin = world.people["admin"]
    made = {
        name: services.job_role_save(organisation=world.org, actor=admin, name=name)
        for name in ("Warehouse operative", "Team lead", "=Planner")
    }
    services.person_role_set(
        organisation=world.org,
        actor=admin,
        user=world.people["manager"],
        current=made["Team lead"],
    )
    return made


def _roles_of(world, role: str) -> tuple[str, list[str]]:
    person = PersonRole.objects.filter(organisation=world.org, user=world.people[role]).first()
    if person is None:
        return "", []
    return (
        person.current.name if person.current else "",
        sorted(t.name for t in person.targets.all()),
    )


GOOD = (
    "email,current_role,target_roles\n"
    "learner@acme.example,Warehouse operative,Team lead; =Planner\n"
    "MANAGER@acme.example,team lead,\n"
)


def test_the_preview_says_what_changes_per_row(world, roles) -> None:
    plan = roles_csv.roles_csv_plan(organisation=world.org, content=GOOD)
    assert plan.ok and plan.change_count == 1
    learner, manager = plan.rows
    assert learner.changes == [
        "Current role: — → Warehouse operative",
        "Add target roles: Team lead, =Planner",
    ]
    assert manager.changes == []  # already Team lead, no targets
    assert _roles_of(world, "learner") == ("", [])  # a preview changes nothing


def test_errors_are_given_per_row(world, roles) -> None:
    content = (
        "email,current_role,target_roles\n"
        "nobody@acme.example,Team lead,\n"
        "admin@globex.example,Team lead,\n"  # a member of another organisation
        "learner@acme.example,Astronaut,Team lead;Pilot\n"
        "manager@acme.example,Team lead,,extra\n"
        "issuer@acme.example,,\n"
        "Issuer@acme.example,,\n"
    )
    plan = roles_csv.roles_csv_plan(organisation=world.org, content=content)
    errors = {row.line: row.errors for row in plan.rows}
    assert errors[2] == errors[3] == ["No member of this organisation has this e-mail address."]
    assert errors[4] == ["No role named “Astronaut”.", "No role named “Pilot”."]
    assert errors[5] == ["Expected 3 columns: email, current role, target roles."]
    assert errors[6] == []
    assert errors[7] == ["This person is already on line 6."]
    assert not plan.ok and plan.error_count == 5


@pytest.mark.parametrize(
    "content",
    ["", "mail,role\nx@y,z\n", "email,current_role,target_roles\n"],
)
def test_a_file_without_the_header_or_rows_is_refused(world, content) -> None:
    plan = roles_csv.roles_csv_plan(organisation=world.org, content=content)
    assert plan.file_error and not plan.ok
    with pytest.raises(ApplicationError) as error:
        roles_csv.roles_csv_apply(
            organisation=world.org, actor=world.people["admin"], content=content
        )
    assert error.value.field == "file"


def test_one_bad_row_applies_nothing(world, roles) -> None:
    content = GOOD + "learner@globex.example,Team lead,\n"
    with pytest.raises(ApplicationError, match="1 rows have errors: nothing was changed"):
        roles_csv.roles_csv_apply(
            organisation=world.org, actor=world.people["admin"], content=content
        )
    assert _roles_of(world, "learner") == ("", [])
    assert not AuditEvent.objects.filter(action="skills.person_roles_imported").exists()


def test_apply_then_export_round_trips(world, roles) -> None:
    roles_csv.roles_csv_apply(organisation=world.org, actor=world.people["admin"], content=GOOD)
    assert _roles_of(world, "learner") == ("Warehouse operative", ["=Planner", "Team lead"])
    assert AuditEvent.objects.filter(action="skills.person_roles_imported").count() == 1
    assert AuditEvent.objects.filter(action="skills.person_role_set").count() == 2  # + fixture
    exported = roles_csv.roles_csv_export(organisation=world.org)
    lines = exported.splitlines()
    assert lines[0] == "email,current_role,target_roles"
    assert "learner@acme.example,Warehouse operative,'=Planner; Team lead" in lines
    assert "manager@acme.example,Team lead," in lines
    assert not any("globex" in line for line in lines)
    again = roles_csv.roles_csv_plan(organisation=world.org, content=exported)
    assert again.ok and again.change_count == 0  # the same state: nothing to change
    # a row clears roles when its cells are empty
    cleared = "email,current_role,target_roles\nlearner@acme.example,,\n"
    roles_csv.roles_csv_apply(organisation=world.org, actor=world.people["admin"], content=cleared)
    assert _roles_of(world, "learner") == ("", [])
    assert _roles_of(world, "manager") == ("Team lead", [])  # not in the file: kept


def test_the_pages_preview_then_apply(client, world, roles) -> None:
    client.force_login(world.people["admin"])
    upload = SimpleUploadedFile("roles.csv", GOOD.encode(), content_type="text/csv")
    preview = client.post(url("roles_bulk", world), {"file": upload})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Current role: — → Warehouse operative" in html and 'id="apply-form"' in html
    assert _roles_of(world, "learner") == ("", [])
    applied = client.post(url("roles_bulk", world), {"apply": "1", "content": GOOD})
    assert applied.status_code == 302
    assert _roles_of(world, "learner") == ("Warehouse operative", ["=Planner", "Team lead"])
    exported = client.get(url("roles_export", world))
    assert exported["Content-Type"].startswith("text/csv")
    assert b"learner@acme.example,Warehouse operative" in exported.content


def test_the_page_refuses_a_file_with_errors_and_shows_each_row(client, world, roles) -> None:
    client.force_login(world.people["admin"])
    bad = GOOD + "learner@globex.example,Team lead,\n"
    upload = SimpleUploadedFile("roles.csv", bad.encode(), content_type="text/csv")
    html = client.post(url("roles_bulk", world), {"file": upload}).content.decode()
    assert "No member of this organisation has this e-mail address." in html
    assert 'id="apply-form"' not in html
    forced = client.post(url("roles_bulk", world), {"apply": "1", "content": bad})
    assert forced.status_code == 400 and "nothing was changed" in forced.content.decode()
    assert _roles_of(world, "learner") == ("", [])


def test_only_admins_of_the_organisation(client, world, roles) -> None:
    client.force_login(world.people["manager"])
    assert client.get(url("roles_bulk", world)).status_code == 403
    assert client.get(url("roles_export", world)).status_code == 403
    client.force_login(world.others["admin"])
    assert client.get(url("roles_export", world)).status_code in (403, 404)
    assert client.post(url("roles_bulk", world), {"apply": "1", "content": GOOD}).status_code in (
        403,
        404,
    )
    assert _roles_of(world, "learner") == ("", [])
