"""Levels from other scales in imported credentials, converted to the organisation's scale.

An OB 3.0 credential states a level as a ``result`` of a ``resultDescription``: an achieved
``RubricCriterionLevel`` (level *i* of the rubric's *n*) or a numeric ``value`` (a score between
``valueMin`` and ``valueMax``, or a level of a scale the organisation knows). A scale of the
organisation whose ``result_ids`` name the result description is used (with its mapping to
the default scale when an administrator wrote one); otherwise the rubric's or the range's own
levels, mapped proportionally. The evidence note says what was converted and how.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from microcred.errors import InvalidInput
from microcred.skills import Scale, linear_scale, map_level
from microcred.skills.scales import map_score
from microcred_web.orgs.models import Organisation
from microcred_web.skills.models import ProficiencyScale, ScaleMapping


@dataclass(frozen=True)
class ConvertedLevel:
    level: int  # on the organisation's default scale
    note: str  # "level 6 of 8 on SFIA-like, counted as 4 of 5"


@dataclass(frozen=True)
class _Source:
    value: int
    scale: Scale
    name: str
    table: Mapping[int, int] | None


def _urls(rows: Any) -> list[str]:
    return [
        str(row["targetUrl"])
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, Mapping) and isinstance(row.get("targetUrl"), str)
    ]


def _number(raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _ordered_levels(description: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Rubric levels, lowest first: by points when every level has them, else as listed."""
    levels = [
        row for row in description.get("rubricCriterionLevel") or [] if isinstance(row, Mapping)
    ]
    points = [_number(row.get("points")) for row in levels]
    known = [p for p in points if p is not None]
    if levels and len(known) == len(levels):
        order = sorted(range(len(levels)), key=lambda n: known[n])
        return [levels[n] for n in order]
    return levels


class _Scales:
    """The organisation's scales named by result descriptions, and their mappings."""

    def __init__(self, organisation: Organisation, default: ProficiencyScale) -> None:
        self.default = default
        self.by_result: dict[str, ProficiencyScale] = {}
        for scale in ProficiencyScale.objects.filter(organisation=organisation):
            for result_id in scale.result_ids or []:
                self.by_result.setdefault(str(result_id), scale)
        self.tables = {
            m.source_id: m.as_table()
            for m in ScaleMapping.objects.filter(organisation=organisation, target=default)
        }

    def known(self, scale: ProficiencyScale, value: int) -> _Source:
        return _Source(value, scale.as_scale(), scale.name, self.tables.get(scale.pk))


def _rubric_source(
    scales: _Scales, description: Mapping[str, Any], achieved: str
) -> _Source | None:
    levels = _ordered_levels(description)
    ids = [str(row.get("id", "")) for row in levels]
    if achieved not in ids:
        return None
    value = ids.index(achieved) + 1
    known = scales.by_result.get(str(description.get("id", "")))
    if known is not None and len(known.levels) == len(levels):
        return scales.known(known, value)
    labels = tuple(str(row.get("name") or n) for n, row in enumerate(levels, start=1))
    name = str(description.get("name") or "a rubric")
    return _Source(value, linear_scale(name, labels), name, None)


def _score_source(
    scales: _Scales, description: Mapping[str, Any], value: Decimal
) -> _Source | ConvertedLevel | None:
    known = scales.by_result.get(str(description.get("id", "")))
    whole_value = value == value.to_integral_value()
    if known is not None and whole_value and int(value) in [row["value"] for row in known.levels]:
        return scales.known(known, int(value))
    low, high = _number(description.get("valueMin")), _number(description.get("valueMax"))
    if low is None or high is None or high <= low:
        return None
    name = str(description.get("name") or "a score")
    steps = high - low + 1
    whole = all(v == v.to_integral_value() for v in (low, high, value))
    if whole and 2 <= steps <= 10 and low <= value <= high:
        labels = tuple(str(int(low) + n) for n in range(int(steps)))
        return _Source(int(value - low) + 1, linear_scale(name, labels), name, None)
    target = scales.default.as_scale()
    level = map_score(value, low, high, target)
    return ConvertedLevel(
        level,
        f"score {value:f} ({low:f}–{high:f}) on {name}, counted as {level} of {target.highest}",
    )


def _convert(scales: _Scales, source: _Source) -> ConvertedLevel:
    target = scales.default.as_scale()
    level = map_level(source.value, source.scale, target, source.table)
    return ConvertedLevel(
        level,
        f"level {source.value} of {len(source.scale.levels)} on {source.name}, "
        f"counted as {level} of {target.highest}",
    )


def imported_levels(
    *,
    organisation: Organisation,
    achievement: Mapping[str, Any],
    results: Iterable[Any],
    skill_urls: Iterable[str],
) -> dict[str, ConvertedLevel]:
    """{skill URL: level on the default scale} for the skills an imported credential's
    results state a level of. A result applies to the skills its description or achieved level
    is aligned to (the highest result wins); a result aligned to nothing applies to all the
    achievement's skills only when it is the only one (several unaligned results, such as a
    rubric's criteria, say nothing about any one skill)."""
    default = ProficiencyScale.objects.filter(organisation=organisation, is_default=True).first()
    if default is None:
        return {}
    scales = _Scales(organisation, default)
    descriptions = {
        str(row.get("id")): row
        for row in achievement.get("resultDescription") or []
        if isinstance(row, Mapping)
    }
    every = list(skill_urls)
    found: dict[str, ConvertedLevel] = {}
    unaligned: list[ConvertedLevel] = []
    for result in results:
        if not isinstance(result, Mapping):
            continue
        description = descriptions.get(str(result.get("resultDescription", "")))
        if description is None:
            continue
        achieved = str(result.get("achievedLevel") or "")
        converted: _Source | ConvertedLevel | None = None
        try:
            if achieved:
                converted = _rubric_source(scales, description, achieved)
            elif (value := _number(result.get("value"))) is not None:
                converted = _score_source(scales, description, value)
            if isinstance(converted, _Source):
                converted = _convert(scales, converted)
        except InvalidInput:
            continue  # a scale we cannot read states nothing
        if converted is None:
            continue
        levels = {
            str(row.get("id")): row
            for row in description.get("rubricCriterionLevel") or []
            if isinstance(row, Mapping)
        }
        aimed = _urls(description.get("alignment")) + _urls(
            levels.get(achieved, {}).get("alignment")
        )
        if not aimed:
            unaligned.append(converted)
        for url in [u for u in aimed if u in every]:
            if url not in found or converted.level > found[url].level:
                found[url] = converted
    if len(unaligned) == 1:  # one result, aligned to nothing: it is the achievement's level
        for url in every:
            found.setdefault(url, unaligned[0])
    return found
