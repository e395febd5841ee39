"""Scales (descriptors, mapping) and person-vs-role gaps (examples)."""

from __future__ import annotations

import pytest

from microcred.errors import InvalidInput
from microcred.skills import Level, Requirement, Scale, fold, linear_scale, map_level, role_gap

FIVE = linear_scale("five", ("Aware", "Basic", "Competent", "Proficient", "Expert"))
EIGHT = linear_scale("eight", tuple(str(n) for n in range(1, 9)))


def test_map_between_a_five_and_an_eight_level_scale() -> None:
    assert [map_level(v, FIVE, EIGHT) for v in range(1, 6)] == [1, 3, 5, 6, 8]
    assert [map_level(v, EIGHT, FIVE) for v in range(1, 9)] == [1, 2, 2, 3, 3, 4, 4, 5]


def test_an_explicit_table_wins() -> None:
    assert map_level(3, FIVE, EIGHT, table={3: 4}) == 4
    with pytest.raises(InvalidInput):
        map_level(3, FIVE, EIGHT, table={3: 9})


def test_descriptor_per_skill_falls_back_to_the_scale() -> None:
    scale = Scale(
        "s",
        (Level(1, "Basic", "Does it with help"), Level(2, "Able", "Does it alone")),
        {"forklift": {2: "Drives in a busy aisle alone"}},
    )
    assert scale.descriptor(2, "forklift") == "Drives in a busy aisle alone"
    assert scale.descriptor(1, "forklift") == "Does it with help"
    assert scale.descriptor(2) == "Does it alone"


def test_a_scale_refuses_repeated_or_unordered_levels() -> None:
    with pytest.raises(InvalidInput, match="ascend"):
        Scale("bad", (Level(2, "b"), Level(1, "a")))
    with pytest.raises(InvalidInput, match="not on the scale"):
        FIVE.level(6)


def test_role_gap_weights_and_match() -> None:
    needed = [
        Requirement("forklift", 3, weight=2),
        Requirement("stock", 2, weight=1),
        Requirement("lead", 2, weight=1),
    ]
    gap = role_gap({"forklift": 3, "stock": 1}, needed)
    # forklift met (0), stock 1 of 2 missing (0.5), lead not held (1.0): 1.5 of 4
    assert gap.gap_weight == 1.5
    assert gap.match_percent == 62.5
    assert [item.skill for item in gap.missing] == ["lead", "stock"]
    assert gap.items[0].shortfall == 2


def test_requirement_refuses_nonsense() -> None:
    with pytest.raises(InvalidInput):
        Requirement("x", 0)
    with pytest.raises(InvalidInput):
        Requirement("x", 1, weight=0)


def test_fold_is_accent_and_case_insensitive() -> None:
    assert fold("  Chariot  ÉLÉVATEUR ") == "chariot elevateur"
    assert fold("Łódź Straße") == "lodz strasse"
