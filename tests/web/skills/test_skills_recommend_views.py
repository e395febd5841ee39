"""Recommendations, dismissals, one-click assign, training needs, career paths and the skills
API: every page checks role and organisation."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.rules import AllOf, CourseCompleted
from microcred_web.awards import services as award_services
from microcred_web.issuing import services as issuing_services
from microcred_web.learning import services as learning_services
from microcred_web.learning.models import Enrolment
from microcred_web.orgs.models import Membership
from microcred_web.skills import endorsements, recommend_services, recommending, services
from microcred_web.skills.models import RecommendationDismissal, RoleLink


def url(name, world, **kwargs):
    return reverse(f"skills:{name}", kwargs={"slug": world.org.slug, **kwargs})


@pytest.fixture
def course(skills):
    """A published course whose completion earns the forklift achievement (an award rule)."""
    world = skills.world
    admin = world.people["admin"]
    course = learning_services.course_create(
        organisation=world.org,
        actor=admin,
        values={"title": "Forklift driving", "language": "en", "duration_minutes": 90},
    )
    module = learning_services.module_create(course=course, actor=admin, title="Driving")
    learning_services.block_create(
        module=module, actor=admin, kind="text", values={"body": "Look both ways."}
    )
    learning_services.course_publish(course=course, actor=admin)
    course.refresh_from_db()
    award_services.award_rule_save(
        organisation=world.org,
        achievement=skills.achievement,
        rule=AllOf((CourseCompleted(f"course:{course.public_id}", course.title),)),
        actor=admin,
        enabled=True,
    )
    return course


@pytest.fixture
def lead_role(skills):
    """The learner aims at a team-lead role needing forklift operation at level 3."""
    world = skills.world
    role = services.job_role_save(
        organisation=world.org,
        actor=world.people["admin"],
        name="Warehouse team lead",
        requirements=[(skills.forklift.pk, 3, 2), (skills.stock.pk, 2, 1)],
    )
    services.person_role_set(
        organisation=world.org,
        actor=world.people["admin"],
        user=world.people["learner"],
        current=None,
        targets=[role],
    )
    return role


def test_learner_sees_course_and_credential_with_reasons_in_words(
    client, skills, course, lead_role
):
    world = skills.world
    client.force_login(world.people["learner"])
    html = client.get(url("recommended", world)).content.decode()
    assert "Forklift driving" in html and "Forklift safety" in html
    assert "Warehouse team lead needs Forklift operation at level 3; you do not hold it" in html
    mine = client.get(url("mine", world)).content.decode()
    assert 'id="recommended-card"' in mine and "Forklift driving" in mine


def test_earning_the_credential_removes_the_recommendation(
    client, skills, course, lead_role, issue_to
):
    world = skills.world
    learner = world.people["learner"]
    before = recommending.recommendations_for(organisation=world.org, user=learner)
    assert {v.key for v in before} == {f"course:{course.pk}", f"credential:{skills.achievement.pk}"}
    issue_to(skills.achievement, learner)
    assert recommending.recommendations_for(organisation=world.org, user=learner) == []


def test_dismiss_with_reason_hides_it_and_restore_brings_it_back(client, skills, course, lead_role):
    world = skills.world
    client.force_login(world.people["learner"])
    item = f"course:{course.pk}"
    response = client.post(
        url("recommendation_dismiss", world),
        {"item": item, "reason": "no_time", "note": "Busy season"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response.content == b""
    row = RecommendationDismissal.objects.get(user=world.people["learner"], item=item)
    assert row.reason == "no_time" and row.note == "Busy season"
    html = client.get(url("recommended", world)).content.decode()
    assert 'id="rec-course' not in html and "Too long for me now" in html
    client.post(url("recommendation_dismiss", world), {"item": item, "restore": "1"})
    assert 'id="rec-course' in client.get(url("recommended", world)).content.decode()
    assert RecommendationDismissal.objects.filter(item=item).count() == 2  # append-only
    with pytest.raises(ValueError):
        row.delete()
    bad = client.post(url("recommendation_dismiss", world), {"item": item, "reason": "meh"})
    assert bad.status_code == 302
    assert RecommendationDismissal.objects.filter(item=item).count() == 2


def test_manager_assigns_a_recommended_course_with_a_due_date(client, skills, course, lead_role):
    world = skills.world
    client.force_login(world.people["manager"])
    page = client.get(url("team_recommended", world)).content.decode()
    assert 'id="person-' in page and "Forklift driving" in page
    member = Membership.objects.get(organisation=world.org, user=world.people["learner"])
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client.post(
        url("recommendation_assign", world),
        {"member": member.pk, "course": course.pk, "due_date": due},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=world.people["learner"], course=course)
    assert (
        enrolment.due_date.isoformat() == due and enrolment.assigned_by == world.people["manager"]
    )
    # the learner's recommendation now carries the due date
    (first, *_rest) = recommending.recommendations_for(
        organisation=world.org, user=world.people["learner"]
    )
    assert first.key == f"course:{course.pk}" and first.rec.offer.due.isoformat() == due


def test_assign_refuses_people_outside_the_managers_teams_and_other_orgs(
    client, skills, course, lead_role
):
    world = skills.world
    client.force_login(world.people["manager"])
    issuer = Membership.objects.get(organisation=world.org, user=world.people["issuer"])
    outsider = Membership.objects.get(organisation=world.other, user=world.others["learner"])
    for member in (issuer, outsider):
        response = client.post(
            url("recommendation_assign", world), {"member": member.pk, "course": course.pk}
        )
        assert response.status_code == 404
    assert not Enrolment.objects.filter(course=course).exists()
    client.force_login(world.people["learner"])
    assert client.post(url("recommendation_assign", world), {}).status_code == 403


def test_training_needs_table_and_csv(client, skills, course, lead_role):
    world = skills.world
    client.force_login(world.people["manager"])
    html = client.get(url("training_needs", world)).content.decode()
    assert 'id="training-needs"' in html and "Forklift driving" in html
    rows = list(
        csv.reader(io.StringIO(client.get(url("training_needs_export", world)).content.decode()))
    )
    assert rows[0][:4] == ["rank", "kind", "title", "people_helped"]
    titles = {row[2]: row for row in rows[1:]}
    assert titles["Forklift driving"][3] == "1" and titles["Forklift driving"][4] == "2.00"


def test_admin_links_roles_and_learner_explores_the_path(client, skills, course, lead_role):
    world = skills.world
    operative = services.job_role_save(
        organisation=world.org,
        actor=world.people["admin"],
        name="Operative",
        requirements=[(skills.forklift.pk, 1, 1)],
    )
    services.person_role_set(
        organisation=world.org,
        actor=world.people["admin"],
        user=world.people["learner"],
        current=operative,
        targets=[lead_role],
    )
    client.force_login(world.people["admin"])
    response = client.post(
        url("role_paths", world), {"source": operative.pk, "target": lead_role.pk}
    )
    assert response.status_code == 302
    link = RoleLink.objects.get(source=operative, target=lead_role)
    assert (
        "Operative → Warehouse team lead" in client.get(url("role_paths", world)).content.decode()
    )
    client.force_login(world.people["learner"])
    html = client.get(url("explore", world)).content.decode()  # the next step is preselected
    assert 'id="career-path"' in html and "Match: 0.0%" in html
    assert 'id="path-steps"' in html and "Forklift driving" in html
    assert "Stock control" in html and 'id="path-uncovered"' in html
    # an admin elsewhere cannot remove it
    client.force_login(world.others["admin"])
    assert client.post(url("role_link_delete", world, link_id=link.pk)).status_code == 404
    other = reverse(
        "skills:role_link_delete", kwargs={"slug": world.other.slug, "link_id": link.pk}
    )
    assert client.post(other).status_code == 404
    assert RoleLink.objects.filter(pk=link.pk).exists()


def test_manager_sees_who_is_closest_to_a_role(client, skills, lead_role, issue_to):
    world = skills.world
    issue_to(skills.achievement, world.people["learner"])
    client.force_login(world.people["manager"])
    html = client.get(url("mobility", world), {"role": lead_role.pk}).content.decode()
    assert 'id="mobility"' in html and "0.0%" in html  # private by default: nothing counts
    endorsements.visibility_set(
        organisation=world.org,
        user=world.people["learner"],
        skill=skills.forklift,
        visibility="manager",
    )
    html = client.get(url("mobility", world), {"role": lead_role.pk}).content.decode()
    assert 'id="mobility"' in html and "66.7%" in html
    client.force_login(world.people["learner"])
    assert client.get(url("mobility", world)).status_code == 403


def test_role_link_refuses_other_organisations_roles(skills, lead_role):
    world = skills.world
    foreign = services.job_role_save(
        organisation=world.other, actor=world.others["admin"], name="Elsewhere"
    )
    from microcred_web.common.errors import ApplicationError

    with pytest.raises(ApplicationError):
        recommend_services.role_link_add(
            organisation=world.org, actor=world.people["admin"], source=lead_role, target=foreign
        )


# --------------------------------------------------------------------------- API


@pytest.fixture
def api_key(world) -> str:
    _key, secret = issuing_services.api_key_create(
        organisation=world.org, actor=world.people["admin"], name="HR"
    )
    return secret


def test_api_reads_profile_gaps_and_recommendations(
    client, skills, course, lead_role, api_key, issue_to
):
    world = skills.world
    member = Membership.objects.get(organisation=world.org, user=world.people["learner"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_key}"}
    base = f"/api/v1/orgs/acme/skills/people/{member.pk}"
    recs = client.get(f"{base}/recommendations", **auth).json()
    # both close the same gap; the course (1.5 h) comes before the credential (effort unknown)
    assert [r["title"] for r in recs["recommendations"]] == ["Forklift driving", "Forklift safety"]
    assert recs["recommendations"][0]["reasons"][0].startswith("Warehouse team lead needs")
    issue_to(skills.achievement, world.people["learner"])
    assert client.get(f"{base}/profile", **auth).json()["skills"] == []  # private by default
    endorsements.visibility_set(
        organisation=world.org,
        user=world.people["learner"],
        skill=skills.forklift,
        visibility="organisation",
    )
    profile = client.get(f"{base}/profile", **auth).json()
    assert (
        profile["skills"][0]["label"] == "Forklift operation" and profile["skills"][0]["verified"]
    )
    gaps = client.get(f"{base}/gaps", **auth).json()
    assert gaps["roles"][0]["role"] == "Warehouse team lead"
    assert gaps["roles"][0]["match_percent"] == 66.7
    assert client.get(f"{base}/profile").status_code == 401
    assert client.post(f"{base}/profile", **auth).status_code == 405


def test_api_refuses_other_organisations(client, skills, api_key):
    world = skills.world
    outsider = Membership.objects.get(organisation=world.other, user=world.others["learner"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_key}"}
    assert (
        client.get(f"/api/v1/orgs/acme/skills/people/{outsider.pk}/profile", **auth).status_code
        == 404
    )
    member = Membership.objects.get(organisation=world.org, user=world.people["learner"])
    for kind in ("profile", "gaps", "recommendations"):
        response = client.get(f"/api/v1/orgs/globex/skills/people/{member.pk}/{kind}", **auth)
        assert response.status_code == 404


def test_training_needs_by_team_and_for_the_whole_organisation(client, skills, course, lead_role):
    world = skills.world
    issuer = world.people["issuer"]
    services.person_role_set(
        organisation=world.org,
        actor=world.people["admin"],
        user=issuer,
        current=None,
        targets=[lead_role],
    )
    client.force_login(world.people["admin"])
    whole = client.get(url("training_needs", world)).content.decode()
    assert "Forklift driving" in whole and "people considered" in whole
    rows = list(
        csv.reader(io.StringIO(client.get(url("training_needs_export", world)).content.decode()))
    )
    assert {row[2]: row[3] for row in rows[1:]}["Forklift driving"] == "2"  # not in a team too
    team = client.get(url("training_needs_export", world), {"team": world.team.pk})
    rows = list(csv.reader(io.StringIO(team.content.decode())))
    assert {row[2]: row[3] for row in rows[1:]}["Forklift driving"] == "1"
    client.force_login(world.people["manager"])  # a manager: only the teams they manage
    rows = list(
        csv.reader(io.StringIO(client.get(url("training_needs_export", world)).content.decode()))
    )
    assert {row[2]: row[3] for row in rows[1:]}["Forklift driving"] == "1"
