"""Plain-language wording of rules: the one-line summary and the phrase for each node."""

from __future__ import annotations

from datetime import datetime

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


def quoted(label: str) -> str:
    return f"‘{label}’"


def number(value: float) -> str:
    """``12`` rather than ``12.0``; at most two decimals."""
    return f"{round(value, 2):g}"


def day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def join(items: list[str], last: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def phrase(node: Condition) -> str:
    """A noun phrase for ``node`` that fits after "Complete " (e.g. "any 2 of: ‘B’, ‘C’")."""
    if isinstance(node, QuizPassed):
        return f"{quoted(node.label)} with at least {number(node.min_score)}%"
    if isinstance(node, CredentialHeld):
        return f"the credential {quoted(node.label)}"
    if isinstance(node, AssessmentAccepted):
        return f"the assessment {quoted(node.label)}"
    if isinstance(node, Leaf):
        return quoted(node.label)
    if isinstance(node, Within):
        return f"{phrase(node.child)} {window_phrase(node)}"
    if isinstance(node, Group):
        parts = _listed(node)
        if isinstance(node, AllOf):
            return f"all of: {join(parts)}"
        if isinstance(node, AnyOf):
            return f"one of: {join(parts, 'or')}"
        if isinstance(node, AtLeast):
            return f"any {node.n} of: {', '.join(parts)}"
        if isinstance(node, CreditTarget):
            return f"{number(node.target)} credits from: {', '.join(parts)}"
        if isinstance(node, InOrder):
            return f"in order: {', then '.join(parts)}"
    raise TypeError(f"unknown condition {type(node).__name__}")


def window_phrase(node: Within) -> str:
    parts = []
    if node.days is not None:
        parts.append(f"within {node.days} day{'s' if node.days != 1 else ''}")
    if node.start is not None and node.end is not None:
        parts.append(f"between {day(node.start)} and {day(node.end)}")
    elif node.start is not None:
        parts.append(f"from {day(node.start)}")
    elif node.end is not None:
        parts.append(f"by {day(node.end)}")
    return ", ".join(parts)


def _listed(group: Group) -> list[str]:
    """Children's phrases; a nested group that is not last gets brackets so the reading is clear."""
    out = []
    last = len(group.children) - 1
    for position, child in enumerate(group.children):
        text = phrase(child)
        if isinstance(child, Group | Within) and position != last:
            text = f"({text})"
        out.append(text)
    return out


def summarise(rule: Condition) -> str:
    """One sentence: "Complete all of: ‘A’ and any 2 of: ‘B’, ‘C’, ‘D’"."""
    if isinstance(rule, CredentialHeld):
        return f"Hold {phrase(rule)}"
    if isinstance(rule, AssessmentAccepted):
        return f"Have {phrase(rule)} accepted"
    if isinstance(rule, QuizPassed):
        return f"Score at least {number(rule.min_score)}% in {quoted(rule.label)}"
    return f"Complete {phrase(rule)}"


def leaf_todo(leaf: Leaf, best_score: float | None = None) -> str:
    """What a person still has to do for ``leaf``."""
    if isinstance(leaf, CourseCompleted):
        return f"Complete the course {quoted(leaf.label)}"
    if isinstance(leaf, QuizPassed):
        text = f"Score at least {number(leaf.min_score)}% in {quoted(leaf.label)}"
        if best_score is not None:
            text += f" (best so far {number(best_score)}%)"
        return text
    if isinstance(leaf, CredentialHeld):
        return f"Earn the credential {quoted(leaf.label)}"
    if isinstance(leaf, AssessmentAccepted):
        return f"Have the assessment {quoted(leaf.label)} accepted"
    return f"Complete {quoted(leaf.label)}"


def leaf_done(leaf: Leaf, score: float | None = None) -> str:
    """What a person did to meet ``leaf``."""
    if isinstance(leaf, CourseCompleted):
        return f"Completed the course {quoted(leaf.label)}"
    if isinstance(leaf, QuizPassed):
        got = f"Scored {number(score)}%" if score is not None else "Passed"
        return f"{got} in {quoted(leaf.label)} (at least {number(leaf.min_score)}% needed)"
    if isinstance(leaf, CredentialHeld):
        return f"Holds the credential {quoted(leaf.label)}"
    if isinstance(leaf, AssessmentAccepted):
        return f"The assessment {quoted(leaf.label)} was accepted"
    return f"Completed {quoted(leaf.label)}"
