"""Plain-language wording of rules: the one-line summary and the phrase for each node.

Every function takes an optional :class:`~microcred.rules.wording.Wording` (English by default)
so a caller can have the texts in another language.
"""

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
from microcred.rules.wording import ENGLISH, Wording


def quoted(label: str, w: Wording = ENGLISH) -> str:
    return w.say("quote", label=label)


def number(value: float, w: Wording = ENGLISH) -> str:
    """``12`` rather than ``12.0``; at most two decimals."""
    text = f"{round(value, 2):g}"
    return text.replace(".", w.decimal_point) if w.decimal_point != "." else text


def day(moment: datetime, w: Wording = ENGLISH) -> str:
    return w.say("date", day=moment.day, month=w.month(moment.month), year=moment.year)


def join(items: list[str], last: str = "and", w: Wording = ENGLISH) -> str:
    """``a, b and c``; ``last`` is "and" or "or" (the word itself comes from ``w``)."""
    if len(items) <= 1:
        return "".join(items)
    word = w.or_ if last == "or" else w.and_
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def phrase(node: Condition, w: Wording = ENGLISH) -> str:
    """A noun phrase for ``node`` that fits after "Complete " (e.g. "any 2 of: ‘B’, ‘C’")."""
    if isinstance(node, QuizPassed):
        return w.say("quiz_phrase", quiz=quoted(node.label, w), score=number(node.min_score, w))
    if isinstance(node, CredentialHeld):
        held = w.say("credential_phrase", label=quoted(node.label, w))
        if node.worth is None:
            return held
        return w.say("worth", what=held, credits=number(node.worth, w))
    if isinstance(node, AssessmentAccepted):
        return w.say("assessment_phrase", label=quoted(node.label, w))
    if isinstance(node, Leaf):
        return quoted(node.label, w)
    if isinstance(node, Within):
        return f"{phrase(node.child, w)} {window_phrase(node, w)}"
    if isinstance(node, Group):
        parts = _listed(node, w)
        if isinstance(node, AllOf):
            return w.say("all_of", items=join(parts, w=w))
        if isinstance(node, AnyOf):
            return w.say("any_of", items=join(parts, "or", w))
        if isinstance(node, AtLeast):
            return w.say("at_least", n=node.n, items=", ".join(parts))
        if isinstance(node, CreditTarget):
            return w.say("credit_target", target=number(node.target, w), items=", ".join(parts))
        if isinstance(node, InOrder):
            return w.say("in_order", items=w.then.join(parts))
    raise TypeError(f"unknown condition {type(node).__name__}")


def window_phrase(node: Within, w: Wording = ENGLISH) -> str:
    parts = []
    if node.days is not None:
        parts.append(w.say("within_day" if node.days == 1 else "within_days", days=node.days))
    if node.start is not None and node.end is not None:
        parts.append(w.say("between", start=day(node.start, w), end=day(node.end, w)))
    elif node.start is not None:
        parts.append(w.say("since", start=day(node.start, w)))
    elif node.end is not None:
        parts.append(w.say("by", end=day(node.end, w)))
    return ", ".join(parts)


def _listed(group: Group, w: Wording) -> list[str]:
    """Children's phrases; a nested group that is not last gets brackets so the reading is clear."""
    out = []
    last = len(group.children) - 1
    for position, child in enumerate(group.children):
        text = phrase(child, w)
        if isinstance(child, Group | Within) and position != last:
            text = f"({text})"
        out.append(text)
    return out


def summarise(rule: Condition, w: Wording = ENGLISH) -> str:
    """One sentence: "Complete all of: ‘A’ and any 2 of: ‘B’, ‘C’, ‘D’"."""
    if isinstance(rule, CredentialHeld):
        return w.say("hold", what=phrase(rule, w))
    if isinstance(rule, AssessmentAccepted):
        return w.say("have_accepted", what=phrase(rule, w))
    if isinstance(rule, QuizPassed):
        return w.say("score_in", score=number(rule.min_score, w), quiz=quoted(rule.label, w))
    return w.say("complete", what=phrase(rule, w))


def leaf_todo(leaf: Leaf, best_score: float | None = None, w: Wording = ENGLISH) -> str:
    """What a person still has to do for ``leaf``."""
    label = quoted(leaf.label, w)
    if isinstance(leaf, CourseCompleted):
        return w.say("todo_course", label=label)
    if isinstance(leaf, QuizPassed):
        score = number(leaf.min_score, w)
        if best_score is not None:
            return w.say("todo_quiz_tried", score=score, quiz=label, best=number(best_score, w))
        return w.say("score_in", score=score, quiz=label)
    if isinstance(leaf, CredentialHeld):
        return w.say("todo_credential", label=label)
    if isinstance(leaf, AssessmentAccepted):
        return w.say("todo_assessment", label=label)
    return w.say("complete", what=label)


def leaf_done(leaf: Leaf, score: float | None = None, w: Wording = ENGLISH) -> str:
    """What a person did to meet ``leaf``."""
    label = quoted(leaf.label, w)
    if isinstance(leaf, CourseCompleted):
        return w.say("done_course", label=label)
    if isinstance(leaf, QuizPassed):
        needed = number(leaf.min_score, w)
        if score is not None:
            return w.say("done_quiz_scored", best=number(score, w), quiz=label, score=needed)
        return w.say("done_quiz_passed", quiz=label, score=needed)
    if isinstance(leaf, CredentialHeld):
        return w.say("done_credential", label=label)
    if isinstance(leaf, AssessmentAccepted):
        return w.say("done_assessment", label=label)
    return w.say("done_other", label=label)
