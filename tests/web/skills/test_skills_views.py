"""Skills pages: the learner's profile and gaps, the manager's matrix, the editors; every
page checks role and organisation."""

from __future__ import annotations

import csv
import io
import json

from django.urls import reverse

from microcred_web.skills import endorsements, services
from microcred_web.skills.models import Alignment, JobRole, PersonRole


def url(name, world, **kwargs):
    return reverse(f"skills:{name}", kwargs={"slug": world.org.slug, **kwargs})


def test_profile_page_shows_level_verified_mark_and_trail(client, skills, issue_to):
    learner = skills.world.people["learner"]
    client.force_login(learner)
    empty = client.get(url("mine", skills.world)).content.decode()
    assert 'id="no-profile"' in empty
    issue_to(skills.achievement, learner)
    html = client.get(url("mine", skills.world)).content.decode()
    assert "Forklift operation" in html and "3 · Competent" in html
    assert "verified-mark" in html and "Signed by Acme Training" in html


def test_profile_is_the_signed_in_members_own(client, skills, issue_to):
    issue_to(skills.achievement, skills.world.people["learner"])
    client.force_login(skills.world.people["manager"])
    assert "Forklift operation" not in client.get(url("mine", skills.world)).content.decode()


def test_team_matrix_for_the_manager_changes_when_a_credential_is_earned(client, skills, issue_to):
    world = skills.world
    lead = services.job_role_save(
        organisation=world.org,
        actor=world.people["admin"],
        name="Operative",
        requirements=[(skills.forklift.pk, 2, 1)],
    )
    services.person_role_set(
        organisation=world.org,
        actor=world.people["admin"],
        user=world.people["learner"],
        current=lead,
    )
    client.force_login(world.people["manager"])
    before = client.get(url("team", world)).content.decode()
    assert 'id="skills-matrix"' in before and "— / 2" in before
    issue_to(skills.achievement, world.people["learner"])
    endorsements.visibility_set(  # the learner shows it to their managers
        organisation=world.org,
        user=world.people["learner"],
        skill=skills.forklift,
        visibility="manager",
    )
    after = client.get(url("team", world)).content.decode()
    assert "3 <span" in after and "/ 2" in after and "— / 2" not in after
    client.force_login(world.people["learner"])
    assert client.get(url("team", world)).status_code == 403


def test_gaps_page_names_the_missing_skill(client, skills):
    world = skills.world
    role = services.job_role_save(
        organisation=world.org,
        actor=world.people["admin"],
        name="Warehouse team lead",
        requirements=[(skills.stock.pk, 2, 1)],
    )
    services.person_role_set(
        organisation=world.org,
        actor=world.people["admin"],
        user=world.people["learner"],
        current=None,
        targets=[role],
    )
    client.force_login(world.people["learner"])
    html = client.get(url("gaps", world)).content.decode()
    assert "Warehouse team lead" in html and "Match: 0.0%" in html and "Stock control" in html


def test_alignment_editor_adds_and_removes(client, skills):
    world = skills.world
    client.force_login(world.people["issuer"])
    page = url("alignments", world, achievement_id=skills.achievement.pk)
    found = client.get(page, {"q": "stock"}).content.decode()
    assert "Stock control" in found
    response = client.post(
        page,
        {
            "skill": [str(skills.forklift.pk), str(skills.stock.pk)],
            f"level-{skills.forklift.pk}": "4",
            f"level-{skills.stock.pk}": "2",
        },
    )
    assert response.status_code == 302
    levels = dict(Alignment.objects.values_list("skill__label", "level"))
    assert levels == {"Forklift operation": 4, "Stock control": 2}
    client.post(
        page,
        {
            "skill": [str(skills.forklift.pk), str(skills.stock.pk)],
            f"level-{skills.forklift.pk}": "4",
            f"level-{skills.stock.pk}": "2",
            f"remove-{skills.forklift.pk}": "on",
        },
    )
    assert list(Alignment.objects.values_list("skill__label", flat=True)) == ["Stock control"]
    bad = client.post(page, {"skill": [str(skills.stock.pk)], f"level-{skills.stock.pk}": "9"})
    assert bad.status_code == 400 and "Choose a level from 1 to 5" in bad.content.decode()


def test_roles_editor_and_people(client, skills):
    world = skills.world
    client.force_login(world.people["admin"])
    created = client.post(url("roles", world), {"name": "Warehouse operative"})
    role = JobRole.objects.get(name="Warehouse operative")
    assert created.status_code == 302
    client.post(
        url("role", world, role_id=role.pk),
        {
            "name": role.name,
            "skill": [str(skills.forklift.pk)],
            f"level-{skills.forklift.pk}": "3",
            f"weight-{skills.forklift.pk}": "2.5",
        },
    )
    requirement = role.requirements.get()
    assert (requirement.level, float(requirement.weight)) == (3, 2.5)
    learner = world.people["learner"]
    client.post(url("person_role", world, user_id=learner.pk), {"current": str(role.pk)})
    assert PersonRole.objects.get(user=learner).current == role


def test_other_organisations_are_refused(client, skills):
    """Globex's admin reaches none of Acme's skills data, by Acme's slug or by Globex's."""
    world = skills.world
    role = services.job_role_save(organisation=world.org, actor=world.people["admin"], name="R")
    client.force_login(world.others["admin"])
    assert client.get(url("roles", world)).status_code == 404
    assert client.get(url("team", world)).status_code == 404
    assert client.get(url("mine", world)).status_code == 404
    theirs = {"slug": world.other.slug}
    assert (
        client.get(reverse("skills:role", kwargs={**theirs, "role_id": role.pk})).status_code == 404
    )
    alignments = reverse(
        "skills:alignments", kwargs={**theirs, "achievement_id": skills.achievement.pk}
    )
    assert client.get(alignments).status_code == 404
    learner = world.people["learner"]
    person = reverse("skills:person_role", kwargs={**theirs, "user_id": learner.pk})
    assert client.post(person, {"current": str(role.pk)}).status_code == 404
    search = client.get(reverse("skills:home", kwargs=theirs), {"q": "forklift"})
    assert "Forklift operation" not in search.content.decode()
    assert not PersonRole.objects.exists()


def test_profile_exports_as_json_and_csv(client, skills, issue_to):
    learner = skills.world.people["learner"]
    issue_to(skills.achievement, learner)
    client.force_login(learner)
    data = json.loads(client.get(url("mine_export", skills.world, fmt="json")).content)
    [skill] = data["skills"]
    assert (skill["label"], skill["level"], skill["verified"]) == ("Forklift operation", 3, True)
    assert skill["evidence"][0]["kind"] == "verified_credential"
    response = client.get(url("mine_export", skills.world, fmt="csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["label"], r["level"], r["verified"]) for r in rows] == [
        ("Forklift operation", "3", "yes")
    ]
    assert client.get(url("mine_export", skills.world, fmt="xml")).status_code == 404


def test_matrix_filters_by_role_and_skill_group(client, skills, issue_to):
    world = skills.world
    admin = world.people["admin"]
    group = services.skill_group_save(
        organisation=world.org, actor=admin, name="Safety", half_life_days=365
    )
    services.skills_group_assign(
        organisation=world.org, actor=admin, group=group, skill_ids=[skills.stock.pk]
    )
    role = services.job_role_save(organisation=world.org, actor=admin, name="Operative")
    issue_to(skills.achievement, world.people["learner"])
    client.force_login(world.people["manager"])
    everything = client.get(url("team", world)).content.decode()
    assert "Forklift operation" in everything and "Test Person" in everything
    in_group = client.get(url("team", world), {"group": group.pk}).content.decode()
    assert "Forklift operation" not in in_group
    by_role = client.get(url("team", world), {"role": role.pk}).content.decode()
    assert 'id="no-matrix"' in by_role  # nobody holds the role yet
