"""The scale pages: the editor (create, edit, default, delete only when unused), the mapping
table (proposed, then saved), a skill's own descriptors shown on profile, gaps and role pages;
other organisations' scales and skills are 404."""

from __future__ import annotations

from django.urls import reverse

from microcred_web.skills import services
from microcred_web.skills.models import ProficiencyScale, ScaleMapping


def url(name, world, **kwargs):
    return reverse(f"skills:{name}", kwargs={"slug": world.org.slug, **kwargs})


def _levels(labels: list[str]) -> dict[str, str]:
    data = {}
    for number, label in enumerate(labels, start=1):
        data[f"label-{number}"] = label
        data[f"descriptor-{number}"] = f"What {label} means"
    return data


def test_admin_creates_edits_maps_and_deletes_a_scale(client, world) -> None:
    client.force_login(world.people["admin"])
    listed = client.get(url("scales", world)).content.decode()
    assert "Proficiency 1–5" in listed and "Default" in listed
    response = client.post(
        url("scales", world), {"name": "Eight", **_levels([f"E{n}" for n in range(1, 9)])}
    )
    eight = ProficiencyScale.objects.get(organisation=world.org, name="Eight")
    assert response.status_code == 302 and len(eight.levels) == 8
    page = client.get(url("scale", world, scale_id=eight.pk)).content.decode()
    assert 'value="E8"' in page and "Map to Proficiency 1–5" in page
    default = ProficiencyScale.objects.get(organisation=world.org, is_default=True)
    mapping_url = url("scale_mapping", world, scale_id=eight.pk, target_id=default.pk)
    proposed = client.get(mapping_url).content.decode()
    assert "Proposed" in proposed
    # level 6 of 8 is proposed as 4 of 5
    assert '<select id="table-6" name="table-6"><option value="1">' in proposed
    assert (
        'value="4" selected>4 · Proficient'
        in proposed.split('id="table-6"')[1].split("</select>")[0]
    )
    bad = {f"table-{n}": v for n, v in zip(range(1, 9), [1, 2, 2, 3, 3, 2, 4, 5], strict=True)}
    refused = client.post(mapping_url, bad)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "never maps lower" in text
    assert 'id="table-6" name="table-6" aria-invalid="true"' in text
    good = {**bad, "table-6": "4"}
    assert client.post(mapping_url, good).status_code == 302
    assert ScaleMapping.objects.get(source=eight, target=default).as_table()[6] == 4
    # in use by its mapping: refused with the reason; once unmapped it goes
    follow = client.post(url("scale_delete", world, scale_id=eight.pk), follow=True)
    assert "cannot be deleted: it is mapped to Proficiency 1–5" in follow.content.decode()
    ScaleMapping.objects.all().delete()
    client.post(url("scale_delete", world, scale_id=eight.pk))
    assert not ProficiencyScale.objects.filter(pk=eight.pk).exists()


def test_editor_errors_name_the_field_and_keep_what_was_typed(client, world) -> None:
    client.force_login(world.people["admin"])
    response = client.post(
        url("scales", world), {"name": "Half", "label-1": "One", "descriptor-2": "no label"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give this level a label." in html
    assert (
        'id="label-2" name="label-2" value="" maxlength="80" size="14" aria-invalid="true"' in html
    )
    assert "no label</textarea>" in html
    assert not ProficiencyScale.objects.filter(name="Half").exists()


def test_setting_the_default_from_the_list(client, world) -> None:
    client.force_login(world.people["admin"])
    services.scale_default(organisation=world.org)
    client.post(url("scales", world), {"name": "Three", **_levels(["Low", "Mid", "High"])})
    three = ProficiencyScale.objects.get(name="Three")
    client.post(url("scale_default", world, scale_id=three.pk))
    three.refresh_from_db()
    assert three.is_default
    assert ProficiencyScale.objects.filter(organisation=world.org, is_default=True).count() == 1


def test_other_organisations_scales_and_skills_are_not_found(client, world, skills) -> None:
    theirs = services.scale_default(organisation=world.other)
    client.force_login(world.people["admin"])
    for name, kwargs in (
        ("scale", {"scale_id": theirs.pk}),
        ("scale_default", {"scale_id": theirs.pk}),
        ("scale_delete", {"scale_id": theirs.pk}),
    ):
        assert client.post(url(name, world, **kwargs)).status_code == 404
    ours = services.scale_default(organisation=world.org)
    assert (
        client.get(url("scale_mapping", world, scale_id=ours.pk, target_id=theirs.pk)).status_code
        == 404
    )
    client.force_login(world.others["admin"])
    other_url = reverse(
        "skills:skill_levels", kwargs={"slug": world.other.slug, "skill_id": skills.forklift.pk}
    )
    assert client.get(other_url).status_code == 404
    assert theirs.is_default and ProficiencyScale.objects.filter(pk=theirs.pk).exists()


def test_a_skills_own_descriptor_shows_on_profile_gaps_and_role(client, skills, issue_to) -> None:
    world = skills.world
    client.force_login(world.people["admin"])
    page = client.get(url("skill_levels", world, skill_id=skills.forklift.pk)).content.decode()
    assert 'placeholder="Does it alone, to standard, in normal conditions."' in page
    client.post(
        url("skill_levels", world, skill_id=skills.forklift.pk),
        {"descriptor-3": "Drives a counterbalance truck in a busy aisle alone"},
    )
    role = services.job_role_save(
        organisation=world.org,
        actor=world.people["admin"],
        name="Operative",
        requirements=[(skills.forklift.pk, 3, 1), (skills.stock.pk, 2, 1)],
    )
    services.person_role_set(
        organisation=world.org,
        actor=world.people["admin"],
        user=world.people["learner"],
        current=role,
    )
    role_page = client.get(url("role", world, role_id=role.pk)).content.decode()
    assert "At level 3: Drives a counterbalance truck" in role_page
    assert "At level 2: Does routine tasks with some supervision." in role_page  # the scale's
    issue_to(skills.achievement, world.people["learner"])
    client.force_login(world.people["learner"])
    assert "Drives a counterbalance truck" in client.get(url("mine", world)).content.decode()
    gaps = client.get(url("gaps", world)).content.decode()
    assert "Drives a counterbalance truck" in gaps and "Does routine tasks" in gaps


def test_the_public_skill_page_says_what_each_level_means(client, world) -> None:
    from microcred_web.skills import scale_services

    skill = services.skill_create(
        organisation=world.org, actor=world.people["admin"], label="Stock control"
    )
    scale_services.skill_descriptors_set(
        skill=skill,
        actor=world.people["admin"],
        descriptors={3: "Runs the weekly cycle count"},
        scale=services.scale_default(organisation=world.org),
    )
    html = client.get(reverse("skills:public", kwargs={"public_id": skill.public_id})).content
    text = html.decode()
    assert "3 · Competent</dt><dd>Runs the weekly cycle count</dd>" in text
    assert "4 · Proficient</dt><dd>Handles unusual cases and helps others.</dd>" in text
