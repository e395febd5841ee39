"""A person's skills profile as JSON and CSV (their own export)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from microcred_web.skills.selectors import ProfileLine

CSV_COLUMNS = (
    "uri",
    "label",
    "framework",
    "level",
    "level_label",
    "standing",
    "verified",
    "external",
    "backed_by",
    "freshness",
)


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def profile_json(lines: list[ProfileLine], *, person: str, organisation: str) -> dict[str, Any]:
    return {
        "person": person,
        "organisation": organisation,
        "skills": [
            {
                "uri": line.skill.uri,
                "label": line.skill.label,
                "framework": line.skill.framework.name,
                "level": line.state.level,
                "levelLabel": line.level_label,
                "standing": str(line.state.standing),
                "verified": line.state.verified,
                "external": line.state.external,
                "backedBy": line.state.kind.name.lower(),
                "freshness": round(line.state.freshness, 3),
                "evidence": [
                    {
                        "source": row.source,
                        "kind": row.kind.name.lower(),
                        "level": row.level,
                        "state": str(row.state),
                        "observedAt": _stamp(row.observed_at),
                        "validUntil": _stamp(row.valid_until),
                        "note": row.note,
                    }
                    for row in line.state.trail
                ],
            }
            for line in lines
        ],
    }


def _neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading quote."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def profile_csv(lines: list[ProfileLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        state = line.state
        writer.writerow(
            _neutralise(v)
            for v in (
                line.skill.uri,
                line.skill.label,
                line.skill.framework.name,
                state.level,
                line.level_label,
                state.standing,
                "yes" if state.verified else "no",
                "yes" if state.external else "no",
                state.kind.name.lower(),
                f"{state.freshness:.3f}",
            )
        )
    return "\ufeff" + out.getvalue()
