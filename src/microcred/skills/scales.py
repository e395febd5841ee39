"""Proficiency scales: ordered levels with descriptors, and mapping a level between scales."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from microcred.errors import InvalidInput, Problem


@dataclass(frozen=True, slots=True)
class Level:
    """One step of a scale: its number, short label and what a holder can do at it."""

    value: int
    label: str
    descriptor: str = ""


@dataclass(frozen=True, slots=True)
class Scale:
    """An ordered proficiency scale (e.g. 1–5). ``levels`` ascend with no duplicate values."""

    key: str
    levels: tuple[Level, ...]
    #: descriptors specific to one skill: {skill URI: {level value: descriptor}}
    skill_descriptors: Mapping[str, Mapping[int, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        values = [level.value for level in self.levels]
        problems = []
        if not values:
            problems.append(Problem("$.levels", "a scale needs at least one level"))
        if values != sorted(set(values)):
            problems.append(Problem("$.levels", "level values must ascend without repeats"))
        if any(value < 1 for value in values):
            problems.append(Problem("$.levels", "level values start at 1"))
        if problems:
            raise InvalidInput(f"Scale {self.key!r} is not usable", problems)

    @property
    def lowest(self) -> int:
        return self.levels[0].value

    @property
    def highest(self) -> int:
        return self.levels[-1].value

    def level(self, value: int) -> Level:
        for level in self.levels:
            if level.value == value:
                return level
        raise InvalidInput(
            f"Scale {self.key!r} has no level {value}", [Problem("$.level", "not on the scale")]
        )

    def descriptor(self, value: int, skill: str = "") -> str:
        """The skill's own descriptor for ``value`` when it has one, else the scale's."""
        own = self.skill_descriptors.get(skill, {}).get(value, "") if skill else ""
        return own or self.level(value).descriptor


def map_level(
    value: int,
    source: Scale,
    target: Scale,
    table: Mapping[int, int] | None = None,
) -> int:
    """``value`` on ``source`` expressed on ``target``.

    An explicit ``table`` (source value → target value, written by an administrator) wins.
    Otherwise the level keeps its relative position: the lowest maps to the lowest, the highest
    to the highest, and values between to the nearest target level (a tie goes to the higher). The
    mapping never decreases when ``value`` increases.
    """
    source.level(value)
    if table is not None and value in table:
        return target.level(table[value]).value
    if source.highest == source.lowest:
        return target.highest
    position = Decimal(value - source.lowest) / Decimal(source.highest - source.lowest)
    wanted = Decimal(target.lowest) + position * (target.highest - target.lowest)
    best = target.levels[0].value
    for level in target.levels:
        if abs(Decimal(level.value) - wanted) <= abs(Decimal(best) - wanted):
            best = level.value
    return best


def proposed_table(source: Scale, target: Scale) -> dict[int, int]:
    """The proportional mapping as a table (what the editor proposes before anyone edits it)."""
    return {level.value: map_level(level.value, source, target) for level in source.levels}


def table_problems(table: Mapping[int, int], source: Scale, target: Scale) -> list[Problem]:
    """What keeps ``table`` from being a usable mapping: a source level without a target, a
    target that is not on ``target``, or a higher source level mapped lower than a lower one.
    Paths name the source level (``$.table.6``)."""
    problems = []
    targets = {level.value for level in target.levels}
    previous: tuple[int, int] | None = None
    for level in source.levels:
        path = f"$.table.{level.value}"
        mapped = table.get(level.value)
        if mapped is None:
            problems.append(Problem(path, "choose a level"))
            continue
        if mapped not in targets:
            problems.append(Problem(path, "not on the target scale"))
            continue
        if previous is not None and mapped < previous[1]:
            problems.append(
                Problem(
                    path, f"maps lower than level {previous[0]} (a higher level never maps lower)"
                )
            )
        previous = (level.value, mapped)
    return problems


def map_score(value: Decimal, minimum: Decimal, maximum: Decimal, target: Scale) -> int:
    """A numeric score between ``minimum`` and ``maximum`` as a level of ``target``: its relative
    position, to the nearest level (ties upward); outside the range it is clamped. The
    minimum maps to the lowest level, the maximum to the highest; a higher score never maps
    lower."""
    if maximum <= minimum:
        raise InvalidInput("A score range is empty", [Problem("$.valueMax", "not above valueMin")])
    position = min(max((value - minimum) / (maximum - minimum), Decimal(0)), Decimal(1))
    wanted = Decimal(target.lowest) + position * (target.highest - target.lowest)
    best = target.levels[0].value
    for level in target.levels:
        if abs(Decimal(level.value) - wanted) <= abs(Decimal(best) - wanted):
            best = level.value
    return best


def linear_scale(key: str, labels: tuple[str, ...], descriptors: tuple[str, ...] = ()) -> Scale:
    """A 1..N scale from its labels (and optional descriptors in the same order)."""
    return Scale(
        key,
        tuple(
            Level(number, label, descriptors[number - 1] if number <= len(descriptors) else "")
            for number, label in enumerate(labels, start=1)
        ),
    )


__all__ = [
    "Level",
    "Scale",
    "linear_scale",
    "map_level",
    "map_score",
    "proposed_table",
    "table_problems",
]
