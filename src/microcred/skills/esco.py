"""Read the official ESCO CSV download (any language): skills, occupations and the
occupation→skill relations.

Files and the columns used (others are ignored):

- ``skills_<lang>.csv``: conceptUri, preferredLabel, altLabels, description, skillType,
  reuseLevel (altLabels holds one label per line inside the quoted cell);
- ``occupations_<lang>.csv``: conceptUri, preferredLabel, altLabels, description, iscoGroup, code;
- ``occupationSkillRelations_<lang>.csv``: occupationUri, relationType (essential/optional),
  skillUri.

A missing column, an empty URI or label, a duplicate URI or a relation naming an unknown skill
or occupation refuses the whole set, each problem named by file, row and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from microcred.errors import InvalidInput, Problem

MAX_ROWS = 500_000
RELATION_TYPES = ("essential", "optional")


@dataclass(frozen=True, slots=True)
class EscoSkill:
    uri: str
    preferred_label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    skill_type: str = ""  # "skill/competence" or "knowledge"
    reuse_level: str = ""  # "transversal", "cross-sector", "sector-specific", "occupation-specific"
    parent: str = ""  # URI of the broader concept, when the source gives one


@dataclass(frozen=True, slots=True)
class EscoOccupation:
    uri: str
    preferred_label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    isco_group: str = ""
    code: str = ""


@dataclass(frozen=True, slots=True)
class EscoRelation:
    occupation: str
    skill: str
    relation_type: str  # "essential" or "optional"


@dataclass(frozen=True, slots=True)
class EscoData:
    skills: tuple[EscoSkill, ...]
    occupations: tuple[EscoOccupation, ...] = ()
    relations: tuple[EscoRelation, ...] = ()


def _rows(
    text: str, file: str, needed: Iterable[str], problems: list[Problem]
) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    missing = [name for name in needed if name not in (reader.fieldnames or [])]
    if missing:
        problems.extend(Problem(f"{file}:1:{name}", "column is missing") for name in missing)
        return []
    rows = []
    try:
        for number, row in enumerate(reader, start=2):
            if number > MAX_ROWS:
                problems.append(Problem(f"{file}:{number}", f"more than {MAX_ROWS} rows"))
                break
            rows.append((number, {k: (v or "").strip() for k, v in row.items() if k}))
    except csv.Error as exc:
        problems.append(Problem(file, f"not CSV ({exc})"))
    return rows


def _labels(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(line.strip() for line in cell.splitlines() if line.strip()))


def _required(row: dict[str, str], name: str, where: str, problems: list[Problem]) -> str:
    value = row.get(name, "")
    if not value:
        problems.append(Problem(f"{where}:{name}", "is empty"))
    return value


def _unique(uri: str, seen: set[str], where: str, problems: list[Problem]) -> bool:
    if uri in seen:
        problems.append(Problem(f"{where}:conceptUri", "repeats an earlier row"))
        return False
    seen.add(uri)
    return bool(uri)


def read_esco(
    skills_csv: str,
    occupations_csv: str = "",
    relations_csv: str = "",
    *,
    names: tuple[str, str, str] = ("skills.csv", "occupations.csv", "relations.csv"),
) -> EscoData:
    """Parse the three files (occupations and relations are optional)."""
    problems: list[Problem] = []
    skills: list[EscoSkill] = []
    seen: set[str] = set()
    for number, row in _rows(skills_csv, names[0], ("conceptUri", "preferredLabel"), problems):
        where = f"{names[0]}:{number}"
        uri = _required(row, "conceptUri", where, problems)
        label = _required(row, "preferredLabel", where, problems)
        if _unique(uri, seen, where, problems) and label:
            skills.append(
                EscoSkill(
                    uri=uri,
                    preferred_label=label,
                    alt_labels=_labels(row.get("altLabels", "")),
                    description=row.get("description", ""),
                    skill_type=row.get("skillType", ""),
                    reuse_level=row.get("reuseLevel", ""),
                )
            )
    occupations: list[EscoOccupation] = []
    if occupations_csv.strip():
        seen_occupations: set[str] = set()
        needed = ("conceptUri", "preferredLabel")
        for number, row in _rows(occupations_csv, names[1], needed, problems):
            where = f"{names[1]}:{number}"
            uri = _required(row, "conceptUri", where, problems)
            label = _required(row, "preferredLabel", where, problems)
            if _unique(uri, seen_occupations, where, problems) and label:
                occupations.append(
                    EscoOccupation(
                        uri=uri,
                        preferred_label=label,
                        alt_labels=_labels(row.get("altLabels", "")),
                        description=row.get("description", ""),
                        isco_group=row.get("iscoGroup", ""),
                        code=row.get("code", ""),
                    )
                )
    relations = _relations(relations_csv, names[2], seen, {o.uri for o in occupations}, problems)
    if not skills and not problems:
        problems.append(Problem(names[0], "has no skills"))
    if problems:
        raise InvalidInput("The ESCO files are not valid", problems)
    return EscoData(tuple(skills), tuple(occupations), tuple(relations))


def _relations(
    text: str, file: str, skills: set[str], occupations: set[str], problems: list[Problem]
) -> list[EscoRelation]:
    if not text.strip():
        return []
    relations: list[EscoRelation] = []
    needed = ("occupationUri", "relationType", "skillUri")
    for number, row in _rows(text, file, needed, problems):
        where = f"{file}:{number}"
        occupation = _required(row, "occupationUri", where, problems)
        skill = _required(row, "skillUri", where, problems)
        kind = row.get("relationType", "").lower()
        if kind not in RELATION_TYPES:
            problems.append(Problem(f"{where}:relationType", "must be essential or optional"))
            continue
        if occupation and occupation not in occupations:
            problems.append(Problem(f"{where}:occupationUri", "names no occupation of the files"))
        elif skill and skill not in skills:
            problems.append(Problem(f"{where}:skillUri", "names no skill of the files"))
        elif occupation and skill:
            relations.append(EscoRelation(occupation, skill, kind))
    return relations


__all__ = ["EscoData", "EscoOccupation", "EscoRelation", "EscoSkill", "read_esco"]
