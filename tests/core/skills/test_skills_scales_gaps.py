"""Scales (descriptors, mapping) and person-vs-role gaps (examples)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from microcred.errors import InvalidInput
from microcred.skills import Level, Requirement, Scale, fold, linear_scale, map_level, role_gap
from microcred.skills.scales import map_score, proposed_table, table_problems

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


def test_a_table_that_maps_a_higher_level_lower_is_refused_naming_the_level() -> None:
    table = proposed_table(EIGHT, FIVE)
    assert table == {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 4, 8: 5}
    table[6] = 2
    assert [str(p) for p in table_problems(table, EIGHT, FIVE)] == [
        "$.table.6: maps lower than level 5 (a higher level never maps lower)"
    ]
    del table[8]
    table[7] = 9
    paths = [p.path for p in table_problems(table, EIGHT, FIVE)]
    assert paths == ["$.table.6", "$.table.7", "$.table.8"]


def test_a_percent_score_maps_to_the_nearest_level() -> None:
    assert [
        map_score(Decimal(v), Decimal(0), Decimal(100), FIVE) for v in (0, 12, 13, 60, 100)
    ] == [
        1,
        1,
        2,
        3,
        5,
    ]
    assert map_score(Decimal(140), Decimal(0), Decimal(100), FIVE) == 5
