"""CASE 1.1 and ESCO CSV readers on the fixtures in tests/vectors/skills (README there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.errors import InvalidInput
from microcred.skills import read_case, read_esco

VECTORS = Path(__file__).parents[2] / "vectors" / "skills"
ESCO = VECTORS / "esco"


def _case() -> dict:
    return json.loads((VECTORS / "warehouse-case.json").read_text())


def test_case_package_reads_items_and_hierarchy() -> None:
    package = read_case((VECTORS / "warehouse-case.json").read_text())
    assert package.document.title == "Warehouse Skills Framework"
    by_code = {item.human_coding: item for item in package.items}
    assert by_code["MH"].parent == ""
    assert by_code["MH.1"].parent == by_code["MH"].identifier
    assert by_code["MH.1"].label == "Forklift operation"
    assert by_code["MH.1"].keywords == ("chariot élévateur", "lift truck")
    assert {a.association_type for a in package.associations} == {"isChildOf", "exactMatchOf"}


@pytest.mark.parametrize(
    ("damage", "path"),
    [
        (lambda d: d["CFDocument"].pop("title"), "$.CFDocument.title"),
        (lambda d: d["CFItems"][1].pop("fullStatement"), "$.CFItems[1].fullStatement"),
        (lambda d: d["CFItems"][2].update(uri=7), "$.CFItems[2].uri"),
        (
            lambda d: d["CFAssociations"][1]["destinationNodeURI"].update(identifier="nope"),
            "$.CFAssociations[1].destinationNodeURI",
        ),
        (lambda d: d.update(CFItems={}), "$.CFItems"),
        (lambda d: d.pop("CFDocument"), "$.CFDocument"),
    ],
)
def test_malformed_case_is_refused_naming_the_field(damage, path) -> None:
    data = _case()
    damage(data)
    with pytest.raises(InvalidInput) as caught:
        read_case(json.dumps(data))
    assert path in [p.path for p in caught.value.problems]


def test_case_cycle_and_duplicates_are_refused() -> None:
    data = _case()
    data["CFAssociations"][0]["destinationNodeURI"]["identifier"] = data["CFItems"][1]["identifier"]
    with pytest.raises(InvalidInput, match="cycle"):
        read_case(data)
    data = _case()
    data["CFItems"].append(dict(data["CFItems"][0]))
    with pytest.raises(InvalidInput, match="repeats"):
        read_case(data)
    with pytest.raises(InvalidInput, match="not JSON"):
        read_case("{not json")


def test_esco_files_read_skills_occupations_relations() -> None:
    data = read_esco(
        (ESCO / "skills_en.csv").read_text(),
        (ESCO / "occupations_en.csv").read_text(),
        (ESCO / "occupationSkillRelations_en.csv").read_text(),
    )
    forklift = next(s for s in data.skills if s.preferred_label == "operate forklift")
    assert forklift.alt_labels == ("use a forklift", "drive lift trucks", "handle forklift")
    assert (forklift.skill_type, forklift.reuse_level) == ("skill/competence", "sector-specific")
    assert [o.isco_group for o in data.occupations] == ["8344", "4321"]
    assert sum(r.relation_type == "essential" for r in data.relations) == 3


def test_esco_problems_name_file_row_and_column() -> None:
    skills = (ESCO / "skills_en.csv").read_text()
    with pytest.raises(InvalidInput) as caught:
        read_esco(skills.replace("preferredLabel", "label", 1))
    assert "skills.csv:1:preferredLabel" in [p.path for p in caught.value.problems]
    relations = (ESCO / "occupationSkillRelations_en.csv").read_text()
    with pytest.raises(InvalidInput) as caught:
        read_esco(
            skills,
            (ESCO / "occupations_en.csv").read_text(),
            relations.replace("essential", "vital", 1),
        )
    assert "relations.csv:2:relationType" in [p.path for p in caught.value.problems]
    with pytest.raises(InvalidInput, match="names no skill"):
        read_esco(
            skills.replace("0000000000f4", "0000000000ff"),
            (ESCO / "occupations_en.csv").read_text(),
            relations,
        )
