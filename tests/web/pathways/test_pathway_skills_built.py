""" "Skills built" on the public catalogue and pathway page: the skills the pathway's
achievements (steps, milestones, goal) are aligned to, each linked to its URI."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from pathways_helpers import build_lead, make_achievement

from microcred_web.pathways import services
from microcred_web.pathways.skills_built import skills_built
from microcred_web.skills import services as skills
from microcred_web.skills.models import Skill

ESCO = "http://data.europa.eu/esco/skill/0b1c5c6e-forklift"


def _skill(org: Any, admin: Any, label: str, uri: str = "") -> Skill:
    skill = skills.skill_create(organisation=org, actor=admin, label=label)
    if uri:  # as an imported framework's skill is named (its own URI)
        skill.uri = uri
        skill.save(update_fields=["uri"])
    return skill


def _align(achievement: Any, admin: Any, *skill_list: Skill) -> None:
    skills.alignment_set(achievement=achievement, actor=admin, rows=[(s.pk, 2) for s in skill_list])


def test_the_catalogue_and_page_list_the_skills_built(client, world) -> None:
    admin = world.people["admin"]
    lead = build_lead(world.org, admin)
    services.pathway_publish(pathway=lead.pathway, actor=admin)
    lead.pathway.refresh_from_db()
    forklift = _skill(world.org, admin, "Operate a forklift", ESCO)
    leading = _skill(world.org, admin, "Lead a shift")
    opaque = _skill(world.org, admin, "Plan a rota", "urn:example:rota")
    unrelated = _skill(world.org, admin, "Bake bread")
    _align(lead.parts["forklift"], admin, forklift)
    _align(lead.parts["rota"], admin, opaque, forklift)  # the same skill twice: listed once
    _align(lead.parts["goal"], admin, leading)
    _align(make_achievement(world.org, admin, "Baking"), admin, unrelated)  # not in the pathway
    # another organisation's achievement of the same name, aligned to its own skill
    other_admin = world.others["admin"]
    foreign = _skill(world.other, other_admin, "Secret skill")
    _align(make_achievement(world.other, other_admin, "Forklift"), other_admin, foreign)

    built = skills_built(
        organisation=world.org, definition=lead.pathway.published_version.definition
    )
    assert [s.label for s in built] == ["Lead a shift", "Operate a forklift", "Plan a rota"]
    by_label = {s.label: s for s in built}
    assert by_label["Operate a forklift"].href == ESCO
    assert by_label["Lead a shift"].href == leading.uri and leading.uri.startswith("http")
    # a URI that is not a web address links to the skill's public page instead
    public = reverse("skills:public", kwargs={"public_id": opaque.public_id})
    assert by_label["Plan a rota"].href == public

    slug = world.org.slug
    catalogue = client.get(reverse("pathways:catalogue", kwargs={"slug": slug})).content.decode()
    detail = client.get(
        reverse("pathways:detail", kwargs={"slug": slug, "public_id": lead.pathway.public_id})
    ).content.decode()
    for page in (catalogue, detail):
        assert "Skills built" in page
        assert f'<a href="{ESCO}" title="{ESCO}">Operate a forklift</a>' in page
        assert f'<a href="{public}" title="urn:example:rota">Plan a rota</a>' in page
        assert "Lead a shift" in page
        assert "Bake bread" not in page and "Secret skill" not in page


def test_a_pathway_without_aligned_skills_shows_no_skills_line(client, world) -> None:
    admin = world.people["admin"]
    lead = build_lead(world.org, admin)
    services.pathway_publish(pathway=lead.pathway, actor=admin)
    lead.pathway.refresh_from_db()
    page = client.get(
        reverse(
            "pathways:detail", kwargs={"slug": world.org.slug, "public_id": lead.pathway.public_id}
        )
    ).content.decode()
    assert "Warehouse Team Lead" in page and "Skills built" not in page
