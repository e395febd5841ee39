"""Proficiency scales: the editor's services (levels, default, deletion only when unused),
mappings between scales, a skill's own descriptors, and levels of imported credentials on
other scales converted to the organisation's (decision 0024, scales slice)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from skills_helpers import FORKLIFT_URI, STOCK_URI

from microcred.keys import KeyPair
from microcred.skills.scales import proposed_table
from microcred.verification.issuing import issue_credential
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.skills import scale_services, selectors, services
from microcred_web.skills.models import ProficiencyScale, ScaleMapping, SkillEvidence
from microcred_web.wallet import services as wallet

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
EIGHT = [(f"Level {n}", f"Does level {n} work") for n in range(1, 9)]


def _eight(world: Any, **kwargs: Any) -> ProficiencyScale:
    return scale_services.scale_save(
        organisation=world.org,
        actor=world.people["admin"],
        name="SFIA-like 1–8",
        levels=EIGHT,
        **kwargs,
    )


def test_a_scale_is_created_edited_and_audited(world) -> None:
    scale = _eight(world, result_ids="urn:example:sfia\n\nurn:example:sfia\n")
    assert [row["value"] for row in scale.levels] == list(range(1, 9))
    assert scale.levels[5] == {"value": 6, "label": "Level 6", "descriptor": "Does level 6 work"}
    assert scale.result_ids == ["urn:example:sfia"]
    edited = scale_services.scale_save(
        organisation=world.org,
        actor=world.people["admin"],
        scale=scale,
        name="SFIA-like",
        levels=[("Follow", "Works under close direction"), ("", ""), ("Assist", "")],
    )
    assert [row["label"] for row in edited.levels] == ["Follow", "Assist"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"skills.scale_created", "skills.scale_saved"} <= actions


@pytest.mark.parametrize(
    ("name", "levels", "field"),
    [
        ("", EIGHT, "name"),
        ("Proficiency 1–5", EIGHT, "name"),  # the default scale's name is taken
        ("Two", [("Only one", "")], "levels"),
        ("Eleven", [(str(n), "") for n in range(11)], "levels"),
        ("Gap", [("One", ""), ("", "a descriptor without a label")], "label-2"),
        ("Long", [("One", "x" * 1001), ("Two", "")], "descriptor-1"),
    ],
)
def test_scale_errors_name_the_field(world, name, levels, field) -> None:
    services.scale_default(organisation=world.org)
    with pytest.raises(ApplicationError) as error:
        scale_services.scale_save(
            organisation=world.org, actor=world.people["admin"], name=name, levels=levels
        )
    assert error.value.field == field


def test_delete_only_when_unused_and_the_error_says_why(world) -> None:
    admin = world.people["admin"]
    default = services.scale_default(organisation=world.org)
    eight = _eight(world)
    scale_services.scale_mapping_save(
        organisation=world.org,
        actor=admin,
        source=eight,
        target=default,
        table={str(k): v for k, v in proposed_table(eight.as_scale(), default.as_scale()).items()},
    )
    with pytest.raises(ApplicationError, match="default scale") as error:
        scale_services.scale_delete(organisation=world.org, actor=admin, scale=default)
    assert error.value.field == "scale"
    with pytest.raises(ApplicationError, match="mapped to Proficiency 1–5"):
        scale_services.scale_delete(organisation=world.org, actor=admin, scale=eight)
    ScaleMapping.objects.all().delete()
    scale_services.scale_delete(organisation=world.org, actor=admin, scale=eight)
    assert not ProficiencyScale.objects.filter(pk=eight.pk).exists()
    assert AuditEvent.objects.filter(action="skills.scale_deleted").exists()


def test_the_default_cannot_move_to_a_scale_too_short_for_levels_in_use(skills) -> None:
    world, admin = skills.world, skills.world.people["admin"]
    three = scale_services.scale_save(
        organisation=world.org,
        actor=admin,
        name="Three",
        levels=[("Low", ""), ("Mid", ""), ("High", "")],
    )
    two = scale_services.scale_save(
        organisation=world.org, actor=admin, name="Two", levels=[("No", ""), ("Yes", "")]
    )
    with pytest.raises(ApplicationError, match="Level 3 is in use") as error:  # aligned at 3
        scale_services.scale_set_default(organisation=world.org, actor=admin, scale=two)
    assert error.value.field == "scale"
    scale_services.scale_set_default(organisation=world.org, actor=admin, scale=three)
    assert selectors.default_scale(organisation=world.org) == three
    assert ProficiencyScale.objects.filter(organisation=world.org, is_default=True).count() == 1
    with pytest.raises(ApplicationError, match="keep at least 3 levels") as error:
        scale_services.scale_save(
            organisation=world.org, actor=admin, scale=three, name="Three", levels=[("a", "")] * 2
        )
    assert error.value.field == "levels"


def test_a_mapping_table_is_checked_and_names_the_level(world) -> None:
    admin, default = world.people["admin"], services.scale_default(organisation=world.org)
    eight = _eight(world)
    table = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3, "6": 2, "7": 4, "8": 5}
    with pytest.raises(ApplicationError, match="never maps lower") as error:
        scale_services.scale_mapping_save(
            organisation=world.org, actor=admin, source=eight, target=default, table=table
        )
    assert error.value.field == "table-6"
    table["6"] = 9
    with pytest.raises(ApplicationError) as error:
        scale_services.scale_mapping_save(
            organisation=world.org, actor=admin, source=eight, target=default, table=table
        )
    assert error.value.field == "table-6"
    table["6"] = 4
    mapping = scale_services.scale_mapping_save(
        organisation=world.org, actor=admin, source=eight, target=default, table=table
    )
    assert mapping.as_table()[6] == 4
    assert AuditEvent.objects.filter(action="skills.scale_mapping_saved").exists()


def test_scales_of_another_organisation_are_refused(world) -> None:
    theirs = scale_services.scale_save(
        organisation=world.other,
        actor=world.others["admin"],
        name="Theirs",
        levels=[("a", ""), ("b", "")],
    )
    ours = services.scale_default(organisation=world.org)
    for call in (
        lambda: scale_services.scale_delete(
            organisation=world.org, actor=world.people["admin"], scale=theirs
        ),
        lambda: scale_services.scale_set_default(
            organisation=world.org, actor=world.people["admin"], scale=theirs
        ),
        lambda: scale_services.scale_mapping_save(
            organisation=world.org,
            actor=world.people["admin"],
            source=theirs,
            target=ours,
            table={"1": 1, "2": 5},
        ),
    ):
        with pytest.raises(ApplicationError) as error:
            call()
        assert error.value.status == 404


def test_a_skills_own_descriptor_wins_over_the_scale(skills) -> None:
    world = skills.world
    scale = services.scale_default(organisation=world.org)
    scale_services.skill_descriptors_set(
        skill=skills.forklift,
        actor=world.people["admin"],
        descriptors={3: "Drives in a busy aisle alone", 4: " "},
        scale=scale,
    )
    skills.forklift.refresh_from_db()
    assert skills.forklift.descriptors == {"3": "Drives in a busy aisle alone"}
    assert selectors.level_descriptor(scale, skills.forklift, 3).startswith("Drives")
    assert selectors.level_descriptor(scale, skills.forklift, 4).startswith("Handles")
    with pytest.raises(ApplicationError) as error:
        scale_services.skill_descriptors_set(
            skill=skills.forklift, actor=world.people["admin"], descriptors={9: "x"}, scale=scale
        )
    assert error.value.field == "levels"


# --------------------------------------------------------------------------- imported levels


def _rubric_credential(level: int, *, result_id: str = "urn:example:sfia") -> dict[str, Any]:
    """A credential from another issuer (did:key) aligned to the forklift and stock items,
    with a result at ``level`` of an 8-level rubric."""
    key = KeyPair.generate_ed25519()
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data["issuer"]["id"] = key.controller
    achievement = data["credentialSubject"]["achievement"]
    achievement["alignment"] = [
        {"type": ["Alignment"], "targetName": "Forklift", "targetUrl": FORKLIFT_URI},
        {"type": ["Alignment"], "targetName": "Stock", "targetUrl": STOCK_URI},
    ]
    achievement["resultDescription"] = [
        {
            "id": result_id,
            "type": ["ResultDescription"],
            "name": "Warehouse practice",
            "resultType": "RubricCriterionLevel",
            "alignment": [
                {"type": ["Alignment"], "targetName": "Forklift", "targetUrl": FORKLIFT_URI}
            ],
            "rubricCriterionLevel": [
                {"id": f"urn:example:l{n}", "type": ["RubricCriterionLevel"], "name": f"L{n}"}
                for n in range(1, 9)
            ],
        }
    ]
    data["credentialSubject"]["result"] = [
        {
            "type": ["Result"],
            "resultDescription": result_id,
            "achievedLevel": f"urn:example:l{level}",
        }
    ]
    signed: dict[str, Any] = issue_credential(data, key, created="2024-01-01T00:00:00Z")
    return signed


def _import(world, credential, capture) -> None:
    with capture(execute=True):
        imported = wallet.credential_import(
            user=world.people["learner"], data=json.dumps(credential).encode()
        )
    assert imported.label == "valid"


def _rows(world, uri: str) -> list[SkillEvidence]:
    return list(
        SkillEvidence.objects.filter(user=world.people["learner"], skill__uri=uri).order_by("id")
    )


def test_an_imported_rubric_level_is_mapped_and_the_trail_says_how(
    skills, django_capture_on_commit_callbacks
) -> None:
    world = skills.world
    _import(world, _rubric_credential(6), django_capture_on_commit_callbacks)
    (forklift,) = _rows(world, FORKLIFT_URI)
    # no scale names the rubric: its own 8 levels, proportionally onto 1–5
    assert forklift.level == 4
    assert "level 6 of 8 on Warehouse practice, counted as 4 of 5" in forklift.note
    (stock,) = _rows(world, STOCK_URI)  # the result is aligned to the forklift only
    assert stock.level == 1 and "counted as" not in stock.note
    state = selectors.profiles_of(organisation=world.org, user_ids=[world.people["learner"].pk])
    assert state[world.people["learner"].pk][skills.forklift.pk].level == 4


def test_an_administrators_mapping_decides_and_a_change_re_levels(
    skills, django_capture_on_commit_callbacks
) -> None:
    world, admin = skills.world, skills.world.people["admin"]
    default = services.scale_default(organisation=world.org)
    eight = _eight(world, result_ids=["urn:example:sfia"])
    table = {"1": 1, "2": 1, "3": 2, "4": 2, "5": 3, "6": 3, "7": 4, "8": 5}
    with django_capture_on_commit_callbacks(execute=True):
        scale_services.scale_mapping_save(
            organisation=world.org, actor=admin, source=eight, target=default, table=table
        )
    _import(world, _rubric_credential(6), django_capture_on_commit_callbacks)
    (row,) = _rows(world, FORKLIFT_URI)
    assert row.level == 3
    assert "level 6 of 8 on SFIA-like 1–8, counted as 3 of 5" in row.note
    table["6"] = 4
    with django_capture_on_commit_callbacks(execute=True):
        scale_services.scale_mapping_save(
            organisation=world.org, actor=admin, source=eight, target=default, table=table
        )
    assert [r.level for r in _rows(world, FORKLIFT_URI)] == [3, 4]


def _score_credential(value: str, low: str, high: str, result_id: str) -> dict[str, Any]:
    key = KeyPair.generate_ed25519()
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data["issuer"]["id"] = key.controller
    achievement = data["credentialSubject"]["achievement"]
    achievement["alignment"] = [
        {"type": ["Alignment"], "targetName": "Forklift", "targetUrl": FORKLIFT_URI}
    ]
    achievement["resultDescription"] = [
        {
            "id": result_id,
            "type": ["ResultDescription"],
            "name": "Practical test",
            "resultType": "ScaledScore",
            "valueMin": low,
            "valueMax": high,
        }
    ]
    data["credentialSubject"]["result"] = [
        {"type": ["Result"], "resultDescription": result_id, "value": value}
    ]
    signed: dict[str, Any] = issue_credential(data, key, created="2024-01-01T00:00:00Z")
    return signed


def test_a_numeric_score_is_converted_by_its_range(
    skills, django_capture_on_commit_callbacks
) -> None:
    world = skills.world
    _import(
        world,
        _score_credential("80", "0", "100", "urn:example:pct"),
        django_capture_on_commit_callbacks,
    )
    (row,) = _rows(world, FORKLIFT_URI)
    assert row.level == 4
    assert "score 80 (0–100) on Practical test, counted as 4 of 5" in row.note


def test_a_score_on_a_known_scale_reads_as_its_level(
    skills, django_capture_on_commit_callbacks
) -> None:
    world = skills.world
    _eight(world, result_ids=["urn:example:grade"])
    _import(
        world,
        _score_credential("6", "1", "8", "urn:example:grade"),
        django_capture_on_commit_callbacks,
    )
    (row,) = _rows(world, FORKLIFT_URI)
    assert row.level == 4  # no mapping saved: proportional
    assert "level 6 of 8 on SFIA-like 1–8, counted as 4 of 5" in row.note


def test_results_aligned_to_nothing_count_only_when_alone(
    skills, django_capture_on_commit_callbacks
) -> None:
    world = skills.world
    credential = _score_credential("80", "0", "100", "urn:example:pct")
    _import(world, credential, django_capture_on_commit_callbacks)
    assert _rows(world, FORKLIFT_URI)[0].level == 4  # one unaligned result: the achievement's
    key = KeyPair.generate_ed25519()
    two = {k: v for k, v in credential.items() if k != "proof"}
    two["issuer"] = {**two["issuer"], "id": key.controller}
    two["id"] = "http://example.com/credentials/two"
    achievement = two["credentialSubject"]["achievement"]
    second = {**achievement["resultDescription"][0], "id": "urn:example:other", "name": "Report"}
    two["credentialSubject"] = {
        **two["credentialSubject"],
        "achievement": {
            **achievement,
            "resultDescription": [*achievement["resultDescription"], second],
        },
        "result": [
            {"type": ["Result"], "resultDescription": "urn:example:pct", "value": "100"},
            {"type": ["Result"], "resultDescription": "urn:example:other", "value": "100"},
        ],
    }
    _import(
        world,
        issue_credential(two, key, created="2024-01-01T00:00:00Z"),
        django_capture_on_commit_callbacks,
    )
    newest = _rows(world, FORKLIFT_URI)[-1]
    assert newest.level == 1 and "counted as" not in newest.note


def test_rubric_levels_are_ordered_by_points_when_all_have_them(
    skills, django_capture_on_commit_callbacks
) -> None:
    """Listed highest first, with points: level "L2" (points 2 of 1..8) is level 2 of 8."""
    world = skills.world
    key = KeyPair.generate_ed25519()
    data = {k: v for k, v in _rubric_credential(2).items() if k != "proof"}
    data["issuer"] = {**data["issuer"], "id": key.controller}
    description = data["credentialSubject"]["achievement"]["resultDescription"][0]
    levels = description["rubricCriterionLevel"]
    for number, level in enumerate(levels, start=1):
        level["points"] = str(number)
    description["rubricCriterionLevel"] = list(reversed(levels))
    _import(
        world,
        issue_credential(data, key, created="2024-01-01T00:00:00Z"),
        django_capture_on_commit_callbacks,
    )
    (row,) = _rows(world, FORKLIFT_URI)
    assert "level 2 of 8 on Warehouse practice, counted as 2 of 5" in row.note
