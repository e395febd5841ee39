"""Related ESCO occupations seed suggested career steps (issue 17 item 7): roles sharing
essential skills are suggested, shown apart from administrators' links with their reason; an
administrator accepts one (a real link) or hides one (it stays hidden); other organisations
cannot touch them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from skills_helpers import esco_related_files

from microcred_web.common.models import AuditEvent
from microcred_web.skills import importing, role_suggestions, services
from microcred_web.skills.models import JobRole, RoleLink, SuggestedRoleLink


def _slice() -> dict[str, str]:
    return esco_related_files()


@pytest.fixture
def seeded(world):
    importing.framework_import_esco(organisation=world.org, actor=world.people["admin"], **_slice())
    roles = {r.name: r for r in JobRole.objects.filter(organisation=world.org)}
    return world, roles


def _pairs(org, **kw):
    return {
        (r.source.name, r.target.name, r.shared)
        for r in role_suggestions.suggestions_of(organisation=org, **kw)
    }


def test_import_seeds_steps_between_roles_sharing_essential_skills(seeded):
    world, _roles = seeded
    pairs = _pairs(world.org)
    # forklift operator ∩ supervisor = {1,2,3}: 3 of 6; operator ∩ stock = {2,3,4}: 3 of 5
    assert ("forklift operator", "warehouse supervisor", 3) in pairs
    assert ("forklift operator", "stock controller", 3) in pairs
    assert ("warehouse supervisor", "forklift operator", 3) in pairs
    assert not any("cook" in (a, b) for a, b, _n in pairs)  # shares only an optional skill
    # supervisor ∩ stock = {2,3}: below three shared skills
    assert ("warehouse supervisor", "stock controller", 2) not in pairs
    assert not RoleLink.objects.filter(organisation=world.org).exists()  # suggestions only
    # importing the same data again changes nothing
    before = set(SuggestedRoleLink.objects.values_list("pk", "score"))
    importing.framework_import_esco(organisation=world.org, actor=world.people["admin"], **_slice())
    assert set(SuggestedRoleLink.objects.values_list("pk", "score")) == before


def test_admin_accepts_and_hides_and_hidden_stays_hidden(client, seeded):
    world, roles = seeded
    admin = world.people["admin"]
    client.force_login(admin)
    page = client.get(reverse("skills:role_paths", kwargs={"slug": world.org.slug}))
    body = page.content.decode()
    assert "Seeded from ESCO: shares 3 essential skills" in body
    accept = SuggestedRoleLink.objects.get(
        source=roles["forklift operator"], target=roles["warehouse supervisor"]
    )
    hide = SuggestedRoleLink.objects.get(
        source=roles["forklift operator"], target=roles["stock controller"]
    )
    kwargs = {"slug": world.org.slug}
    url = reverse("skills:role_suggestion_accept", kwargs={**kwargs, "suggestion_id": accept.pk})
    assert client.post(url).status_code == 302
    assert RoleLink.objects.filter(
        source=roles["forklift operator"], target=roles["warehouse supervisor"]
    ).exists()
    assert not SuggestedRoleLink.objects.filter(pk=accept.pk).exists()
    url = reverse("skills:role_suggestion_hide", kwargs={**kwargs, "suggestion_id": hide.pk})
    assert client.post(url).status_code == 302
    shown = _pairs(world.org, source=roles["forklift operator"])
    assert shown == set()  # one accepted (now a link), one hidden
    # seeding again: the linked pair is not suggested, the hidden one stays hidden
    client.post(reverse("skills:role_suggestions_seed", kwargs=kwargs))
    assert _pairs(world.org, source=roles["forklift operator"]) == set()
    assert SuggestedRoleLink.objects.get(pk=hide.pk).hidden
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"skills.role_link_suggestion_accepted", "skills.role_link_suggestion_hidden"} <= actions


def test_learner_sees_suggested_roles_apart_from_admin_links(client, seeded):
    world, roles = seeded
    learner, admin = world.people["learner"], world.people["admin"]
    services.person_role_set(
        organisation=world.org,
        actor=admin,
        user=learner,
        current=roles["forklift operator"],
        targets=[],
    )
    client.force_login(learner)
    url = reverse("skills:explore", kwargs={"slug": world.org.slug})
    body = client.get(url, {"role": roles["forklift operator"].pk}).content.decode()
    assert 'id="related-roles"' in body and "warehouse supervisor" in body
    assert "Seeded from ESCO: shares 3 essential skills" in body


def test_other_organisation_cannot_accept_or_hide(client, seeded):
    world, _roles = seeded
    row = SuggestedRoleLink.objects.filter(organisation=world.org).first()
    client.force_login(world.others["admin"])
    for name in ("skills:role_suggestion_accept", "skills:role_suggestion_hide"):
        url = reverse(name, kwargs={"slug": world.other.slug, "suggestion_id": row.pk})
        assert client.post(url).status_code == 404
        url = reverse(name, kwargs={"slug": world.org.slug, "suggestion_id": row.pk})
        assert client.post(url).status_code in (403, 404)
    row.refresh_from_db()
    assert not row.hidden and not RoleLink.objects.exists()
