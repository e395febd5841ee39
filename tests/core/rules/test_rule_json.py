"""Rules as JSON: the stored shape, and refusals that name the JSON path."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from microcred.errors import InvalidInput, LimitExceeded
from microcred.rules import (
    AllOf,
    AtLeast,
    CourseCompleted,
    QuizPassed,
    Within,
    rule_from_json,
    rule_to_json,
)
from microcred.rules.editing import add, move, node_at, regroup, remove, wrap

A = CourseCompleted("course:a", "A")
B = CourseCompleted("course:b", "B")
Q = QuizPassed("quiz:q", "Q", 80)


def course(ref: str = "course:a") -> dict[str, Any]:
    return {"type": "course_completed", "ref": ref, "label": "A"}


def test_stored_shape_is_versioned_and_readable() -> None:
    rule = Within(AtLeast(1, (A, Q)), days=7, start=datetime(2025, 1, 1, tzinfo=UTC))
    data = rule_to_json(rule)
    assert data == {
        "version": 1,
        "rule": {
            "type": "within",
            "days": 7,
            "start": "2025-01-01T00:00:00+00:00",
            "end": None,
            "child": {
                "type": "at_least",
                "n": 1,
                "children": [
                    {"type": "course_completed", "ref": "course:a", "label": "A"},
                    {"type": "quiz_passed", "ref": "quiz:q", "label": "Q", "min_score": 80},
                ],
            },
        },
    }
    assert rule_from_json(data) == rule


def nested(depth: int) -> dict[str, Any]:
    node = course()
    for _ in range(depth - 1):
        node = {"type": "all_of", "children": [node]}
    return node


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ([], "$"),
        ({"version": 2, "rule": course()}, "$.version"),
        ({"version": 1}, "$.rule"),
        ({"version": 1, "rule": course(), "extra": 1}, "$.extra"),
        ({"version": 1, "rule": {"type": "xor", "children": []}}, "$.rule.type"),
        (
            {"version": 1, "rule": {"type": "at_least", "n": 3, "children": [course(), course()]}},
            "$.rule.n",
        ),
        (
            {"version": 1, "rule": {"type": "at_least", "n": True, "children": [course()]}},
            "$.rule.n",
        ),
        (
            {"version": 1, "rule": {"type": "credit_target", "target": -5, "children": [course()]}},
            "$.rule.target",
        ),
        ({"version": 1, "rule": {"type": "all_of", "children": []}}, "$.rule.children"),
        (
            {"version": 1, "rule": {"type": "all_of", "children": [course(), {"type": "bad"}]}},
            "$.rule.children[1].type",
        ),
        (
            {
                "version": 1,
                "rule": {"type": "quiz_passed", "ref": "q", "label": "Q", "min_score": 101},
            },
            "$.rule.min_score",
        ),
        (
            {"version": 1, "rule": {"type": "course_completed", "ref": "", "label": "A"}},
            "$.rule.ref",
        ),
        ({"version": 1, "rule": {**course(), "score": 3}}, "$.rule.score"),
        ({"version": 1, "rule": {"type": "within", "days": 0, "child": course()}}, "$.rule.days"),
        ({"version": 1, "rule": {"type": "within", "child": course()}}, "$.rule"),
        (
            {"version": 1, "rule": {"type": "within", "start": "2025-01-01", "child": course()}},
            "$.rule.start",
        ),
        (
            {
                "version": 1,
                "rule": {
                    "type": "within",
                    "start": "2025-02-01T00:00:00+00:00",
                    "end": "2025-01-01T00:00:00+00:00",
                    "child": course(),
                },
            },
            "$.rule.end",
        ),
    ],
)
def test_refusals_name_the_path(data: Any, path: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        rule_from_json(data)
    assert caught.value.problems[0].path == path


def test_depth_and_size_limits() -> None:
    assert rule_from_json({"version": 1, "rule": nested(20)})
    with pytest.raises(LimitExceeded) as deep:
        rule_from_json({"version": 1, "rule": nested(21)})
    assert deep.value.problems[0].path.endswith(".children[0]")
    wide = {"type": "any_of", "children": [course(f"course:{i}") for i in range(500)]}
    with pytest.raises(LimitExceeded) as large:
        rule_from_json({"version": 1, "rule": wide})
    assert large.value.problems[0].path == "$.rule.children[499]"


# ----------------------------------------------------------------------------- editing


def test_builder_edits_keep_the_tree_valid() -> None:
    rule = add(None, (), A)
    assert rule == AllOf((A,))
    rule = add(rule, (), B)
    rule = wrap(rule, (1,))
    rule = add(rule, (1,), Q)
    assert node_at(rule, (1, 1)) == Q
    rule = regroup(rule, (1,), "at_least", n=1, days=30)
    assert rule == AllOf((A, Within(AtLeast(1, (B, Q)), days=30)))
    assert rule_from_json(rule_to_json(rule)) == rule
    rule = move(rule, (1,), -1)
    assert node_at(rule, (1,)) == A
    shrunk = remove(rule, (0, 0))
    assert shrunk == AllOf((Within(AtLeast(1, (Q,)), days=30), A))
    assert remove(remove(shrunk, (0,)) or A, (0,)) is None
    with pytest.raises(InvalidInput):
        regroup(rule, (1,), "at_least", n=3)
    with pytest.raises(InvalidInput):
        add(rule, (1,), B)  # (1,) is a course, not a group
