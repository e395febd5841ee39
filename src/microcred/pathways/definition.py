"""A pathway definition: a goal achievement, steps toward it and milestones on the way.

Stored as versioned JSON (``definition_to_json`` / ``definition_from_json``); reading checks the
shape and names the JSON path of each problem. Whether the pathway makes sense (no cycles, every
step reachable, every target possible) is :func:`microcred.pathways.validate`'s job.

{"version": 1,
 "goal": {"ref": "achievement:…", "label": "Team Lead Certificate"},
 "steps": [
   {"id": "core", "title": "Core safety", "kind": "required", "items": [item, …]},
   {"id": "options", "title": "Options", "kind": "elective", "n": 2, "items": [item, …],
    "requires": ["core"]},
   {"id": "cpd", "title": "CPD", "kind": "credit", "system": "CPD hours", "target": 10,
    "items": [item, …]}],
 "milestones": [{"id": "half", "title": "Halfway", "achievement": {"ref": …, "label": …},
                 "after": ["core"]}]}

An item is ``{"ref": "achievement:<uuid>", "label": "…", "credits": {"ECTS": 2.5}}``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeGuard

from microcred.errors import InvalidInput, LimitExceeded, Problem

VERSION = 1
REQUIRED = "required"
ELECTIVE = "elective"
CREDIT = "credit"
STEP_KINDS = (REQUIRED, ELECTIVE, CREDIT)
MAX_STEPS = 50
MAX_ITEMS = 100
MAX_MILESTONES = 20
MAX_TEXT = 300
_STEP_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True, slots=True)
class Item:
    """An achievement a step counts, with what it is worth in each credit system."""

    ref: str
    label: str
    credits: tuple[tuple[str, float], ...] = ()

    def credit_in(self, system: str) -> float:
        return dict(self.credits).get(system, 0.0)


@dataclass(frozen=True, slots=True)
class Step:
    """One step: every item (required), any ``n`` items (elective), or ``target`` credits in
    ``system`` from the items (credit). ``requires`` names steps to finish first."""

    id: str
    title: str
    kind: str
    items: tuple[Item, ...]
    n: int = 0
    system: str = ""
    target: float = 0.0
    requires: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Milestone:
    """An achievement issued on the way, once every step in ``after`` is done."""

    id: str
    title: str
    achievement: Item
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pathway:
    """The goal achievement (issued when every step is done), the steps and the milestones."""

    goal: Item
    steps: tuple[Step, ...]
    milestones: tuple[Milestone, ...] = field(default=())

    def step(self, step_id: str) -> Step | None:
        return next((step for step in self.steps if step.id == step_id), None)

    def items(self) -> list[Item]:
        """Every distinct item of every step, in reading order (first occurrence wins)."""
        seen: dict[str, Item] = {}
        for step in self.steps:
            for item in step.items:
                seen.setdefault(item.ref, item)
        return list(seen.values())

    def systems(self) -> list[str]:
        """Credit systems named by a credit step or carried by an item, sorted."""
        names = {step.system for step in self.steps if step.kind == CREDIT}
        names.update(system for item in self.items() for system, _ in item.credits)
        return sorted(names)


# ----------------------------------------------------------------------------- JSON


def _item_json(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"ref": item.ref, "label": item.label}
    if item.credits:
        out["credits"] = dict(item.credits)
    return out


def definition_to_json(pathway: Pathway) -> dict[str, Any]:
    """``pathway`` as versioned JSON data (read back by :func:`definition_from_json`)."""
    steps = []
    for step in pathway.steps:
        data: dict[str, Any] = {
            "id": step.id,
            "title": step.title,
            "kind": step.kind,
            "items": [_item_json(item) for item in step.items],
        }
        if step.kind == ELECTIVE:
            data["n"] = step.n
        if step.kind == CREDIT:
            data["system"] = step.system
            data["target"] = step.target
        if step.requires:
            data["requires"] = list(step.requires)
        steps.append(data)
    return {
        "version": VERSION,
        "goal": _item_json(pathway.goal),
        "steps": steps,
        "milestones": [
            {
                "id": milestone.id,
                "title": milestone.title,
                "achievement": _item_json(milestone.achievement),
                "after": list(milestone.after),
            }
            for milestone in pathway.milestones
        ],
    }


def definition_from_json(data: Any) -> Pathway:
    """Read versioned JSON data; raise :class:`InvalidInput` naming the path of the problem."""
    _object(data, "$", {"version", "goal", "steps", "milestones"})
    if data.get("version") != VERSION:
        _refuse("$.version", f"must be {VERSION}")
    goal = _item(data.get("goal"), "$.goal")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list):
        _refuse("$.steps", "must be a list of steps")
    if len(raw_steps) > MAX_STEPS:
        raise LimitExceeded("pathway too large", [Problem("$.steps", f"over {MAX_STEPS} steps")])
    steps = tuple(_step(raw, f"$.steps[{i}]") for i, raw in enumerate(raw_steps))
    raw_milestones = data.get("milestones", [])
    if not isinstance(raw_milestones, list):
        _refuse("$.milestones", "must be a list of milestones")
    if len(raw_milestones) > MAX_MILESTONES:
        raise LimitExceeded(
            "pathway too large", [Problem("$.milestones", f"over {MAX_MILESTONES} milestones")]
        )
    milestones = tuple(
        _milestone(raw, f"$.milestones[{i}]") for i, raw in enumerate(raw_milestones)
    )
    return Pathway(goal, steps, milestones)


def _step(data: Any, path: str) -> Step:
    _object(data, path, {"id", "title", "kind", "items", "n", "system", "target", "requires"})
    step_id = _identifier(data.get("id"), f"{path}.id")
    title = _text(data.get("title"), f"{path}.title")
    kind = data.get("kind")
    if kind not in STEP_KINDS:
        _refuse(f"{path}.kind", f"must be one of {', '.join(STEP_KINDS)}")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        _refuse(f"{path}.items", "must be a list of achievements")
    if len(raw_items) > MAX_ITEMS:
        _refuse(f"{path}.items", f"at most {MAX_ITEMS} achievements")
    items = tuple(_item(raw, f"{path}.items[{i}]") for i, raw in enumerate(raw_items))
    requires = _identifiers(data.get("requires", []), f"{path}.requires")
    n, system, target = 0, "", 0.0
    if kind == ELECTIVE:
        raw_n = data.get("n")
        if isinstance(raw_n, bool) or not isinstance(raw_n, int) or raw_n < 1:
            _refuse(f"{path}.n", "must be a whole number, at least 1")
        n = raw_n
    if kind == CREDIT:
        system = _text(data.get("system"), f"{path}.system")
        raw_target = data.get("target")
        if not _is_number(raw_target) or raw_target <= 0:
            _refuse(f"{path}.target", "must be a number of credits more than 0")
        target = float(raw_target)
    return Step(step_id, title, kind, items, n, system, target, requires)


def _milestone(data: Any, path: str) -> Milestone:
    _object(data, path, {"id", "title", "achievement", "after"})
    return Milestone(
        _identifier(data.get("id"), f"{path}.id"),
        _text(data.get("title"), f"{path}.title"),
        _item(data.get("achievement"), f"{path}.achievement"),
        _identifiers(data.get("after"), f"{path}.after"),
    )


def _item(data: Any, path: str) -> Item:
    _object(data, path, {"ref", "label", "credits"})
    raw = data.get("credits", {})
    if not isinstance(raw, dict):
        _refuse(f"{path}.credits", "must be an object of credit system → points")
    credits: list[tuple[str, float]] = []
    for system, points in sorted(raw.items()):
        where = f"{path}.credits.{system}"
        _text(system, where)
        if not _is_number(points) or points < 0:
            _refuse(where, "must be a number of credits, 0 or more")
        credits.append((system, float(points)))
    return Item(
        _text(data.get("ref"), f"{path}.ref"),
        _text(data.get("label"), f"{path}.label"),
        tuple(credits),
    )


def _refuse(path: str, message: str) -> NoReturn:
    raise InvalidInput("invalid pathway", [Problem(path, message)])


def _object(data: Any, path: str, allowed: set[str]) -> None:
    if not isinstance(data, dict):
        _refuse(path, "must be an object")
    for key in data:
        if key not in allowed:
            _refuse(f"{path}.{key}", "unknown property")


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        _refuse(path, "must be a non-empty string")
    if len(value) > MAX_TEXT:
        _refuse(path, f"must be at most {MAX_TEXT} characters")
    return value


def _identifier(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _STEP_ID.match(value):
        _refuse(path, "must be a short id: lower-case letters, digits, - or _")
    return value


def _identifiers(value: Any, path: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        _refuse(path, "must be a list of step ids")
    return tuple(_identifier(v, f"{path}[{i}]") for i, v in enumerate(value))
