"""Self-assessment, manager ratings, peer endorsements and per-skill visibility (issue 17
item 3): weaker evidence in the profile, org-scoped and role-checked pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from microcred.skills import EvidenceKind
from microcred_web.common.errors import ApplicationError
from microcred_web.notifications.models import Notification
from microcred_web.skills import endorsements, selectors
from microcred_web.skills.models import EndorsementRequest, SkillEvidence


def url(name, org, **kwargs):
    return reverse(f"skills:{name}", kwargs={"slug": org.slug, **kwargs})


def state_of(world, user, skill):
    lines = selectors.profile_lines(organisation=world.org, user=user)
    return next(line.state for line in lines if line.skill.pk == skill.pk)


def test_self_assessment_is_weaker_evidence_never_verified(client, skills, issue_to):
    world, learner = skills.world, skills.world.people["learner"]
    client.force_login(learner)
    response = client.post(url("mine_rate", world.org), {"skill": skills.stock.pk, "level": 4})
    assert response.status_code == 302
    state = state_of(world, learner, skills.stock)
    assert (state.level, state.kind, state.verified) == (4, EvidenceKind.SELF_ASSESSMENT, False)
    html = client.get(url("mine", world.org)).content.decode()
    assert "Self-assessment" in html and "not verified" in html
    # a self-rating above the credential's level does not override it
    client.post(url("mine_rate", world.org), {"skill": skills.forklift.pk, "level": 5})
    issue_to(skills.achievement, learner)
    state = state_of(world, learner, skills.forklift)
    assert (state.level, state.verified) == (3, True)


def test_rating_again_replaces_the_rating_and_keeps_the_history(client, skills):
    world, learner = skills.world, skills.world.people["learner"]
    client.force_login(learner)
    client.post(url("mine_rate", world.org), {"skill": skills.stock.pk, "level": 4})
    client.post(url("mine_rate", world.org), {"skill": skills.stock.pk, "level": 2})
    assert state_of(world, learner, skills.stock).level == 2
    assert SkillEvidence.objects.filter(user=learner, skill=skills.stock).count() == 2


def test_self_rating_refuses_levels_off_the_scale_and_other_orgs_skills(client, skills):
    world, learner = skills.world, skills.world.people["learner"]
    client.force_login(learner)
    client.post(url("mine_rate", world.org), {"skill": skills.stock.pk, "level": 9})
    assert not SkillEvidence.objects.filter(user=learner).exists()
    with pytest.raises(ApplicationError):
        endorsements.self_assess(
            organisation=world.other, user=world.others["learner"], skill=skills.stock, level=2
        )


def test_manager_rates_a_team_member_not_others(client, skills):
    world = skills.world
    learner, manager = world.people["learner"], world.people["manager"]
    client.force_login(manager)
    response = client.post(
        url("person_rate", world.org, user_id=learner.pk), {"skill": skills.stock.pk, "level": 3}
    )
    assert response.status_code == 302
    state = state_of(world, learner, skills.stock)
    assert (state.level, state.kind, state.verified) == (3, EvidenceKind.RATING, False)
    # the assessor is in no team the manager manages
    client.post(
        url("person_rate", world.org, user_id=world.people["assessor"].pk),
        {"skill": skills.stock.pk, "level": 3},
    )
    assert not SkillEvidence.objects.filter(user=world.people["assessor"]).exists()
    # a person of another organisation: 404
    other = world.others["learner"]
    assert client.post(url("person_rate", world.org, user_id=other.pk)).status_code == 404
    client.force_login(world.others["manager"])
    response = client.post(
        url("person_rate", world.org, user_id=learner.pk), {"skill": skills.stock.pk, "level": 5}
    )
    assert response.status_code == 404
    assert state_of(world, learner, skills.stock).level == 3


def test_endorsement_request_accept_decline_and_detail(client, skills):
    world = skills.world
    learner, colleague = world.people["learner"], world.people["assessor"]
    client.force_login(learner)
    client.post(
        url("endorsement_ask", world.org),
        {"skill": skills.stock.pk, "level": 2, "endorser": colleague.email, "message": "Depot"},
    )
    request = EndorsementRequest.objects.get(requester=learner)
    assert Notification.objects.filter(user=colleague, organisation=world.org).exists()
    # someone else cannot answer it
    client.force_login(world.people["manager"])
    answer = url("endorsement_answer", world.org, request_id=request.pk)
    assert client.post(answer, {"action": "accept"}).status_code == 404
    client.force_login(colleague)
    assert "Depot" in client.get(url("endorsements", world.org)).content.decode()
    client.post(answer, {"action": "detail", "text": "Which warehouse?"})
    request.refresh_from_db()
    assert (request.status, request.response) == ("detail", "Which warehouse?")
    assert Notification.objects.filter(user=learner, body__contains="Which warehouse?").exists()
    client.post(answer, {"action": "accept", "text": "Saw it daily"})
    state = state_of(world, learner, skills.stock)
    assert (state.level, state.kind, state.verified) == (2, EvidenceKind.PEER_ENDORSEMENT, False)
    assert "Saw it daily" in state.backing[0].note
    # answered: a second answer changes nothing
    client.post(answer, {"action": "decline"})
    request.refresh_from_db()
    assert request.status == "accepted"
    # a declined request adds no evidence
    client.force_login(learner)
    client.post(
        url("endorsement_ask", world.org),
        {"skill": skills.forklift.pk, "level": 2, "endorser": colleague.email},
    )
    second = EndorsementRequest.objects.get(requester=learner, skill=skills.forklift)
    client.force_login(colleague)
    client.post(url("endorsement_answer", world.org, request_id=second.pk), {"action": "decline"})
    second.refresh_from_db()
    assert second.status == "declined"
    assert not SkillEvidence.objects.filter(user=learner, skill=skills.forklift).exists()


def test_endorsers_come_from_the_same_organisation(client, skills):
    world, learner = skills.world, skills.world.people["learner"]
    client.force_login(learner)
    for endorser in (world.others["learner"].email, learner.email, "nobody@example.com"):
        client.post(
            url("endorsement_ask", world.org),
            {"skill": skills.stock.pk, "level": 2, "endorser": endorser},
        )
    assert not EndorsementRequest.objects.exists()
    # a request of one organisation cannot be answered through another
    request = endorsements.endorsement_request(
        organisation=world.org,
        requester=learner,
        endorser=world.people["assessor"],
        skill=skills.stock,
        level=2,
    )
    client.force_login(world.others["assessor"])
    response = client.post(
        url("endorsement_answer", world.other, request_id=request.pk), {"action": "accept"}
    )
    assert response.status_code == 404


def test_visibility_governs_matrix_and_person_page(client, skills, issue_to):
    world = skills.world
    learner, manager, colleague = (world.people[r] for r in ("learner", "manager", "assessor"))
    issue_to(skills.achievement, learner)
    forklift = skills.forklift.label
    person = url("person", world.org, user_id=learner.pk)

    def matrix_level(user):
        html = client.get(url("team", world.org)).content.decode()
        return '<td class="lvl-3' in html

    client.force_login(manager)
    assert not matrix_level(manager)  # private by default
    assert forklift not in client.get(person).content.decode()
    client.force_login(learner)
    client.post(
        url("mine_visibility", world.org), {"skill": skills.forklift.pk, "visibility": "manager"}
    )
    assert 'value="manager" selected' in client.get(url("mine", world.org)).content.decode()
    client.force_login(manager)
    assert matrix_level(manager)
    assert forklift in client.get(person).content.decode()
    client.force_login(colleague)
    assert forklift not in client.get(person).content.decode()
    client.force_login(learner)
    client.post(
        url("mine_visibility", world.org),
        {"skill": skills.forklift.pk, "visibility": "organisation"},
    )
    client.force_login(colleague)
    html = client.get(person).content.decode()
    assert forklift in html and 'id="manager-rating"' not in html
    # other organisations see nothing, whatever the setting
    client.force_login(world.others["admin"])
    assert client.get(url("person", world.other, user_id=learner.pk)).status_code == 404
    # a setting outside the list is refused
    client.force_login(learner)
    client.post(
        url("mine_visibility", world.org), {"skill": skills.forklift.pk, "visibility": "all"}
    )
    assert endorsements.visibilities_of(organisation=world.org, user_ids=[learner.pk]) == {
        (learner.pk, skills.forklift.pk): "organisation"
    }
