"""Per-skill visibility on every surface (issue 17 item 3): the manager's team
recommendations, the team matrix and the organisation's API read only what each person shows
that far; the person always sees everything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from microcred.skills.visibility import Viewer
from microcred_web.issuing import services as issuing_services
from microcred_web.learning import services as learning_services
from microcred_web.orgs.models import Membership
from microcred_web.skills import (
    endorsements,
    learning_alignments,
    matrix,
    recommending,
    selectors,
    services,
)


@pytest.fixture
def setting(skills, issue_to):
    """The learner holds forklift operation (verified, level 3); her role needs it at 3; a
    published course aligned to forklift level 3 is on offer."""
    world, learner = skills.world, skills.world.people["learner"]
    admin = world.people["admin"]
    role = services.job_role_save(
        organisation=world.org,
        actor=admin,
        name="Driver",
        requirements=[(skills.forklift.pk, 3, 1)],
    )
    services.person_role_set(
        organisation=world.org, actor=admin, user=learner, current=role, targets=[]
    )
    course = learning_services.course_create(
        organisation=world.org,
        actor=admin,
        values={"title": "Forklift refresher", "language": "en", "duration_minutes": 30},
    )
    module = learning_services.module_create(course=course, actor=admin, title="One")
    learning_services.block_create(module=module, actor=admin, kind="text", values={"body": "x"})
    learning_services.course_publish(course=course, actor=admin)
    target = learning_alignments.target_get(
        organisation=world.org, kind="course", object_id=course.pk
    )
    learning_alignments.learning_alignment_set(
        organisation=world.org, actor=admin, target=target, rows=[(skills.forklift.pk, 3)]
    )
    issue_to(skills.achievement, learner)
    return world, learner, course


def _show(world, learner, skill, visibility):
    endorsements.visibility_set(
        organisation=world.org, user=learner, skill=skill, visibility=visibility
    )


def test_selectors_mask_by_reach(skills, setting):
    world, learner, _course = setting
    ids = [learner.pk]
    assert (
        skills.forklift.pk
        in selectors.profiles_of(organisation=world.org, user_ids=ids)[learner.pk]
    )
    for reach in (Viewer.MANAGER, Viewer.COLLEAGUE, Viewer.ANYONE):
        masked = selectors.profiles_of(organisation=world.org, user_ids=ids, reach=reach)
        assert masked[learner.pk] == {}  # private by default
    _show(world, learner, skills.forklift, "manager")
    seen = {
        reach: skills.forklift.pk
        in selectors.profiles_of(organisation=world.org, user_ids=ids, reach=reach)[learner.pk]
        for reach in Viewer
    }
    assert seen == {
        Viewer.SELF: True,
        Viewer.MANAGER: True,
        Viewer.COLLEAGUE: False,
        Viewer.ANYONE: False,
    }
    _show(world, learner, skills.forklift, "public")
    assert all(
        skills.forklift.pk
        in selectors.profiles_of(organisation=world.org, user_ids=ids, reach=reach)[learner.pk]
        for reach in Viewer
    )


def test_team_recommendations_page_counts_only_skills_shown_to_managers(client, skills, setting):
    world, learner, _course = setting
    # the learner holds forklift at 3: nothing to recommend to her, on her own page
    mine = recommending.recommendations_for(organisation=world.org, user=learner)
    assert mine == []
    client.force_login(world.people["manager"])
    page = reverse("skills:team_recommended", kwargs={"slug": world.org.slug})
    html = client.get(page).content.decode()
    assert "Forklift refresher" in html  # kept private: the manager sees a gap
    _show(world, learner, skills.forklift, "manager")
    assert "Forklift refresher" not in client.get(page).content.decode()


def test_team_matrix_shows_a_private_skill_as_not_held(client, skills, setting):
    world, learner, _course = setting
    client.force_login(world.people["manager"])
    page = reverse("skills:team", kwargs={"slug": world.org.slug})
    before = client.get(page).content.decode()
    _show(world, learner, skills.forklift, "manager")
    after = client.get(page).content.decode()
    assert before.count("verified") < after.count("verified")


def test_api_reads_only_organisation_visible_skills(client, skills, setting):
    world, learner, _course = setting
    _key, secret = issuing_services.api_key_create(
        organisation=world.org, actor=world.people["admin"], name="HR"
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    member = Membership.objects.get(organisation=world.org, user=learner)
    base = f"/api/v1/orgs/{world.org.slug}/skills/people/{member.pk}"

    def read():
        profile = client.get(f"{base}/profile", **auth).json()["skills"]
        gap = client.get(f"{base}/gaps", **auth).json()["roles"][0]["match_percent"]
        recs = client.get(f"{base}/recommendations", **auth).json()["recommendations"]
        return [s["label"] for s in profile], gap, [r["title"] for r in recs]

    # private: the key sees a gap, and offers that close it
    hidden = ([], 0.0, ["Forklift refresher", "Forklift safety"])
    assert read() == hidden
    _show(world, learner, skills.forklift, "manager")
    assert read() == hidden  # managers only: not the API
    _show(world, learner, skills.forklift, "organisation")
    assert read() == (["Forklift operation"], 100.0, [])


def test_training_needs_count_only_skills_shown_to_managers(client, skills, setting):
    world, learner, _course = setting
    client.force_login(world.people["manager"])
    page = reverse("skills:training_needs", kwargs={"slug": world.org.slug})
    assert "Forklift refresher" in client.get(page).content.decode()  # private: a need
    _show(world, learner, skills.forklift, "manager")
    assert "Forklift refresher" not in client.get(page).content.decode()


def test_organisation_matrix_masks_by_reach(skills, setting):
    """The whole-organisation read (benchmark, org-wide coverage) applies each person's
    visibility like the team matrix: a private skill is not held for an administrator, counts
    as missing in the gap and in no coverage; the viewer's own row stays whole."""
    world, learner, _course = setting
    forklift = skills.forklift.pk

    def read(reach, **kwargs):
        return matrix.organisation_matrix(organisation=world.org, reach=reach, **kwargs)

    assert read(Viewer.SELF).profiles[learner.pk][forklift].held
    admin_view = read(Viewer.MANAGER)
    assert forklift not in admin_view.profiles[learner.pk]
    assert admin_view.gaps[learner.pk].match_percent == 0
    assert admin_view.coverage[forklift].holders == 0
    assert admin_view.coverage[forklift].short == 1
    own = read(Viewer.MANAGER, viewer_id=learner.pk)
    assert own.profiles[learner.pk][forklift].held
    _show(world, learner, skills.forklift, "manager")
    admin_view = read(Viewer.MANAGER)
    assert admin_view.profiles[learner.pk][forklift].held
    assert admin_view.gaps[learner.pk].match_percent == 100
    assert admin_view.coverage[forklift].holders == 1
    assert forklift not in read(Viewer.COLLEAGUE).profiles[learner.pk]  # the API's reach
    # a manager's teams only: people outside them are not read at all
    others = read(Viewer.MANAGER, user_ids=[world.people["admin"].pk])
    assert learner.pk not in others.profiles and learner.pk not in others.gaps
    _show(world, learner, skills.forklift, "organisation")
    assert read(Viewer.COLLEAGUE).profiles[learner.pk][forklift].held
