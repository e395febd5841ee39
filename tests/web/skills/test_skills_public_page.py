"""A person's public skills page (issue 17 item 3): only skills shown *public*, their level
and verified mark, evidence only from credentials that are themselves public; 404 without a
public wallet profile; a revoked credential takes the skill off."""

from __future__ import annotations

import pytest
from django.urls import reverse
from skills_helpers import case_bytes

from microcred_web.common.errors import ApplicationError
from microcred_web.issuing import services as issuing
from microcred_web.issuing.models import Credential
from microcred_web.skills import endorsements, importing, services
from microcred_web.skills.models import PublicSkillsPage, Skill
from microcred_web.wallet import services as wallet


def _show(org, user, skill, visibility):
    endorsements.visibility_set(organisation=org, user=user, skill=skill, visibility=visibility)


@pytest.fixture
def shown(skills, issue_to):
    """The learner holds forklift (verified credential, level 3) and, self-assessed, stock
    control and two more skills; each shown at a different reach."""
    world, learner = skills.world, skills.world.people["learner"]
    credential = issue_to(skills.achievement, learner)
    Credential.objects.filter(pk=credential.pk).update(recipient_user=learner)  # in her wallet
    credential.refresh_from_db()
    others = [
        services.skill_create(organisation=world.org, actor=world.people["admin"], label=label)
        for label in ("Pallet wrapping", "Night driving")
    ]
    for skill, reach in [(skills.stock, "organisation"), (others[0], "manager"), (others[1], "")]:
        endorsements.self_assess(organisation=world.org, user=learner, skill=skill, level=2)
        if reach:
            _show(world.org, learner, skill, reach)
    _show(world.org, learner, skills.forklift, "public")
    wallet.wallet_profile_update(user=learner, handle="lea-depot")
    page = PublicSkillsPage.objects.get(user=learner)
    return world, learner, credential, page, others


def _url(page, name="skills:public_person"):
    return reverse(name, kwargs={"public_id": page.public_id})


def test_only_public_skills_appear(client, skills, shown):
    _world, learner, credential, page, others = shown
    response = client.get(_url(page))
    assert response.status_code == 200
    body = response.content.decode()
    assert skills.forklift.label in body and "Verified" in body
    for hidden in (skills.stock, *others):  # organisation, manager, private
        assert hidden.label not in body
    assert learner.email not in body
    # the credential is not public yet: no evidence listed, no link to it
    assert str(credential.public_id) not in body and "No public evidence" in body
    data = client.get(_url(page, "skills:public_person_json")).json()
    assert [s["name"] for s in data["skills"]] == [skills.forklift.label]
    assert data["skills"][0]["verified"] and not data["skills"][0]["external"]
    assert data["skills"][0]["evidence"] == [] and learner.email not in str(data)


def test_public_credentials_are_listed_as_evidence(client, skills, shown):
    world, learner, credential, page, _others = shown
    wallet.credential_visibility_set(credential=credential, user=learner, is_public=True)
    body = client.get(_url(page)).content.decode()
    link = reverse("issuing:credential", kwargs={"public_id": credential.public_id})
    assert f'href="{link}"' in body
    (evidence,) = client.get(_url(page, "skills:public_person_json")).json()["skills"][0][
        "evidence"
    ]
    assert evidence["url"].endswith(link) and evidence["issuer"] == world.org.name


def test_no_public_profile_or_withdrawn_is_404(client, skills, shown):
    _world, learner, _credential, page, _others = shown
    wallet.wallet_profile_update(user=learner, handle="")  # withdraws the public profile
    assert client.get(_url(page)).status_code == 404
    assert client.get(_url(page, "skills:public_person_json")).status_code == 404
    wallet.wallet_profile_update(user=learner, handle="lea-depot")
    assert client.get(_url(page)).status_code == 200


def test_wallet_profile_links_the_page_only_with_public_skills(client, skills, shown):
    world, learner, _credential, page, _others = shown
    profile = reverse("wallet:public_profile", kwargs={"handle": "lea-depot"})
    assert f'href="{_url(page)}"' in client.get(profile).content.decode()
    _show(world.org, learner, skills.forklift, "organisation")
    assert _url(page) not in client.get(profile).content.decode()
    # the page keeps its address and says nothing is shown
    body = client.get(_url(page)).content.decode()
    assert skills.forklift.label not in body and "No skills shown publicly yet." in body


def test_revoked_credential_removes_the_skill(
    client, skills, shown, django_capture_on_commit_callbacks
):
    world, learner, credential, page, _others = shown
    with django_capture_on_commit_callbacks(execute=True):  # a credential save queues a sync
        wallet.credential_visibility_set(credential=credential, user=learner, is_public=True)
    assert skills.forklift.label in client.get(_url(page)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        issuing.credential_revoke(
            credential=credential, actor=world.people["admin"], reason="Issued in error"
        )
    body = client.get(_url(page)).content.decode()
    assert skills.forklift.label not in body
    assert str(credential.public_id) not in body


def test_another_organisations_person_has_their_own_page(client, skills, shown):
    """Pages are per person: a Globex learner's public skill is on their page only, and the
    Acme learner's page shows none of Globex's data."""
    world, learner, _credential, page, _others = shown
    other_org, other = world.other, world.others["learner"]
    importing.framework_import_case(
        organisation=other_org, actor=world.others["admin"], content=case_bytes()
    )
    their_skill = Skill.objects.filter(organisation=other_org).order_by("pk").first()
    endorsements.self_assess(organisation=other_org, user=other, skill=their_skill, level=4)
    _show(other_org, other, their_skill, "public")
    with pytest.raises(ApplicationError):  # a skill of another organisation is refused
        _show(world.org, learner, their_skill, "public")
    wallet.wallet_profile_update(user=other, handle="globex-learner")
    theirs = PublicSkillsPage.objects.get(user=other)
    assert theirs.public_id != page.public_id
    their_body = client.get(_url(theirs)).content.decode()
    assert "Globex" in their_body and skills.forklift.label not in their_body
    assert "Globex" not in client.get(_url(page)).content.decode()
