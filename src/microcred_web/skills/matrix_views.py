"""What the team matrix page shows beyond the cells: sort links (with ``aria-sort``), the
heatmap classes, the coverage lines and the bench-strength chart's geometry (an SVG drawn by
the template, with the same numbers in the table beside it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from microcred_web.skills.matrix import Coverage, single_holders
from microcred_web.skills.selectors import Matrix as TeamMatrix

CHART_WIDTH = 320  # px of the longest bar
BAR_HEIGHT = 18
BAR_GAP = 8
LABEL_WIDTH = 200
MAX_CHART_SKILLS = 40


@dataclass(frozen=True)
class Column:
    key: str  # "person", "gaps" or a skill id
    label: str
    skill: Any
    link: str  # the query string sorting by this column (toggled when already sorted by it)
    aria_sort: str  # "ascending", "descending" or "none"


@dataclass(frozen=True)
class Bar:
    label: str
    holders: int
    bench: int
    y: int
    holders_width: int
    bench_width: int
    text_y: int


def _query(params: dict[str, str], **changes: str) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v}
    return "?" + urlencode(merged)


def columns(
    matrix: TeamMatrix, params: dict[str, str], sort: str, descending: bool
) -> list[Column]:
    keys: list[tuple[str, str, Any]] = [("person", "Person", None), ("gaps", "Gaps", None)]
    keys += [(str(s.pk), s.label, s) for s in matrix.skills]
    out = []
    for key, label, skill in keys:
        current = key == sort
        # a first click sorts names A→Z and levels / gaps highest first; a second reverses
        first = "asc" if key == "person" else "desc"
        order = ("asc" if descending else "desc") if current else first
        aria = ("descending" if descending else "ascending") if current else "none"
        out.append(Column(key, label, skill, _query(params, sort=key, order=order), aria))
    return out


def chart(matrix: TeamMatrix, coverage: dict[int, Coverage], level: int) -> dict[str, Any]:
    """Horizontal bars per skill: holders at any level (light) and at ``level`` or above."""
    people = max(len(matrix.rows), 1)
    skills = sorted(matrix.skills, key=lambda s: (-coverage[s.pk].bench(level), s.label.casefold()))
    bars = []
    for i, skill in enumerate(skills[:MAX_CHART_SKILLS]):
        line = coverage[skill.pk]
        y = i * (BAR_HEIGHT + BAR_GAP)
        bars.append(
            Bar(
                label=skill.label if len(skill.label) <= 32 else skill.label[:31] + "…",
                holders=line.holders,
                bench=line.bench(level),
                y=y,
                holders_width=round(CHART_WIDTH * line.holders / people),
                bench_width=round(CHART_WIDTH * line.bench(level) / people),
                text_y=y + BAR_HEIGHT - 5,
            )
        )
    return {
        "bars": bars,
        "height": max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
        "width": LABEL_WIDTH + CHART_WIDTH + 60,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "people": len(matrix.rows),
        "truncated": len(skills) > MAX_CHART_SKILLS,
    }


def team_page(data: dict[str, Any]) -> dict[str, Any]:
    matrix: TeamMatrix = data["matrix"]
    coverage: dict[int, Coverage] = data["coverage"]
    params = {
        "team": data["chosen"],
        "role": data["chosen_role"],
        "group": data["chosen_group"],
        "skill": data["skill_query"],
        "level": str(data["level"]),
    }
    lonely = set(single_holders({s.pk: coverage[s.pk] for s in matrix.skills}))
    return {
        "columns": columns(matrix, params, data["sort"], data["descending"]),
        "rows": [
            (user, cells, sum(c.required > c.level for c in cells)) for user, cells in matrix.rows
        ],
        "coverage_lines": [
            (s, coverage[s.pk], s.pk in lonely, coverage[s.pk].bench(data["level"]))
            for s in matrix.skills
        ],
        "single_holder_skills": [s for s in matrix.skills if s.pk in lonely],
        "chart": chart(matrix, coverage, data["level"]),
        "export_query": _query(params, sort=data["sort"]),
    }
