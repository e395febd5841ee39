"""Rules as versioned JSON, read strictly: every refusal names the JSON path of the problem.

{"version": 1, "rule": {"type": "all_of", "children": [
    {"type": "course_completed", "ref": "course:…", "label": "Safe lifting"},
    {"type": "quiz_passed", "ref": "quiz:…", "label": "Forklift quiz", "min_score": 80}]}}
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, NoReturn, TypeGuard

from microcred.errors import InvalidInput, LimitExceeded, Problem
from microcred.rules.conditions import (
    AllOf,
    AnyOf,
    AssessmentAccepted,
    AtLeast,
    Condition,
    CourseCompleted,
    CredentialHeld,
    CreditTarget,
    Group,
    InOrder,
    Leaf,
    QuizPassed,
    Within,
)

VERSION = 1
MAX_DEPTH = 20
MAX_NODES = 500
MAX_TEXT = 300

LEAF_NAMES: dict[str, type[Leaf]] = {
    "course_completed": CourseCompleted,
    "quiz_passed": QuizPassed,
    "credential_held": CredentialHeld,
    "assessment_accepted": AssessmentAccepted,
}
GROUP_NAMES: dict[str, type[Group]] = {
    "all_of": AllOf,
    "any_of": AnyOf,
    "at_least": AtLeast,
    "credit_target": CreditTarget,
    "in_order": InOrder,
}
NODE_TYPES = (*LEAF_NAMES, *GROUP_NAMES, "within")


def _name(node: Condition) -> str:
    for names in (LEAF_NAMES, GROUP_NAMES):
        for name, cls in names.items():
            if type(node) is cls:
                return name
    if isinstance(node, Within):
        return "within"
    raise TypeError(f"unknown condition {type(node).__name__}")


def node_to_json(node: Condition) -> dict[str, Any]:
    """One node (and its subtree) as JSON data."""
    out: dict[str, Any] = {"type": _name(node)}
    if isinstance(node, Leaf):
        out["ref"] = node.ref
        out["label"] = node.label
        if isinstance(node, QuizPassed):
            out["min_score"] = node.min_score
        if isinstance(node, CredentialHeld):
            if node.worth is not None:
                out["worth"] = node.worth
            if node.system:
                out["system"] = node.system
            if node.scope:
                out["scope"] = node.scope
    elif isinstance(node, Within):
        out["days"] = node.days
        out["start"] = node.start.isoformat() if node.start else None
        out["end"] = node.end.isoformat() if node.end else None
        out["child"] = node_to_json(node.child)
    elif isinstance(node, Group):
        if isinstance(node, AtLeast):
            out["n"] = node.n
        if isinstance(node, CreditTarget):
            out["target"] = node.target
        out["children"] = [node_to_json(child) for child in node.children]
    return out


def rule_to_json(rule: Condition) -> dict[str, Any]:
    """``rule`` as versioned JSON data."""
    return {"version": VERSION, "rule": node_to_json(rule)}


def rule_from_json(data: Any) -> Condition:
    """Read versioned JSON data; raise :class:`InvalidInput` naming the path of the problem."""
    if not isinstance(data, dict):
        _refuse("$", "must be an object with “version” and “rule”")
    _only(data, {"version", "rule"}, "$")
    if data.get("version") != VERSION:
        _refuse("$.version", f"must be {VERSION}")
    if "rule" not in data:
        _refuse("$.rule", "is required")
    return _Reader().node(data["rule"], "$.rule", 1)


def _credential_held(ref: str, label: str, data: dict[str, Any], path: str) -> CredentialHeld:
    worth = data.get("worth")
    if worth is not None and (not _is_number(worth) or worth < 0):
        _refuse(f"{path}.worth", "must be a number of credits, 0 or more")
    words = {}
    for name in ("system", "scope"):
        value = data.get(name, "")
        if not isinstance(value, str) or len(value) > 200:
            _refuse(f"{path}.{name}", "must be a text of at most 200 characters")
        words[name] = value
    return CredentialHeld(
        ref, label, None if worth is None else float(worth), words["system"], words["scope"]
    )


class _Reader:
    def __init__(self) -> None:
        self.count = 0

    def node(self, data: Any, path: str, depth: int) -> Condition:
        if depth > MAX_DEPTH:
            raise LimitExceeded(
                "award rule too deep", [Problem(path, f"nesting deeper than {MAX_DEPTH} levels")]
            )
        self.count += 1
        if self.count > MAX_NODES:
            raise LimitExceeded(
                "award rule too large", [Problem(path, f"more than {MAX_NODES} conditions")]
            )
        if not isinstance(data, dict):
            _refuse(path, "must be an object")
        kind = data.get("type")
        if kind in LEAF_NAMES:
            return self.leaf(LEAF_NAMES[kind], data, path)
        if kind in GROUP_NAMES:
            return self.group(kind, data, path, depth)
        if kind == "within":
            return self.within(data, path, depth)
        _refuse(
            f"{path}.type",
            f"unknown condition type {kind!r}; expected one of {', '.join(NODE_TYPES)}",
        )

    def leaf(self, cls: type[Leaf], data: dict[str, Any], path: str) -> Leaf:
        is_quiz = cls is QuizPassed
        allowed = {"type", "ref", "label"}
        if is_quiz:
            allowed.add("min_score")
        if cls is CredentialHeld:
            allowed.update({"worth", "system", "scope"})
        _only(data, allowed, path)
        ref = _text(data.get("ref"), f"{path}.ref")
        label = _text(data.get("label"), f"{path}.label")
        if cls is CredentialHeld:
            return _credential_held(ref, label, data, path)
        if not is_quiz:
            return cls(ref, label)
        score = data.get("min_score")
        if not _is_number(score) or not 0 <= score <= 100:
            _refuse(f"{path}.min_score", "must be a number from 0 to 100")
        return QuizPassed(ref, label, float(score))

    def group(self, kind: str, data: dict[str, Any], path: str, depth: int) -> Group:
        extra = {"at_least": {"n"}, "credit_target": {"target"}}.get(kind, set())
        _only(data, {"type", "children"} | extra, path)
        raw = data.get("children")
        if not isinstance(raw, list) or not raw:
            _refuse(f"{path}.children", "must be a non-empty list of conditions")
        children = [
            self.node(child, f"{path}.children[{i}]", depth + 1) for i, child in enumerate(raw)
        ]
        if kind == "at_least":
            n = data.get("n")
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(children):
                _refuse(f"{path}.n", f"must be a whole number from 1 to {len(children)}")
            return AtLeast(n, children)
        if kind == "credit_target":
            target = data.get("target")
            if not _is_number(target) or target <= 0:
                _refuse(f"{path}.target", "must be a number of credits more than 0")
            return CreditTarget(float(target), children)
        return GROUP_NAMES[kind](tuple(children))

    def within(self, data: dict[str, Any], path: str, depth: int) -> Within:
        _only(data, {"type", "child", "days", "start", "end"}, path)
        days = data.get("days")
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
            _refuse(f"{path}.days", "must be a whole number of days, at least 1, or null")
        start = _moment(data.get("start"), f"{path}.start")
        end = _moment(data.get("end"), f"{path}.end")
        if days is None and start is None and end is None:
            _refuse(path, "needs “days”, “start” or “end”")
        if start is not None and end is not None and start > end:
            _refuse(f"{path}.end", "must not be before start")
        if "child" not in data:
            _refuse(f"{path}.child", "is required")
        return Within(self.node(data["child"], f"{path}.child", depth + 1), days, start, end)


def _refuse(path: str, message: str) -> NoReturn:
    raise InvalidInput("invalid award rule", [Problem(path, message)])


def _only(data: dict[str, Any], allowed: set[str], path: str) -> None:
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
    return str(value)


def _moment(value: Any, path: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        _refuse(path, "must be an ISO 8601 date-time with a time zone, or null")
    return moment
