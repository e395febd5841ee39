"""Evaluate a rule against a person's facts: the decision, its explanation and what is missing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from microcred.rules.conditions import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    CreditTarget,
    Group,
    InOrder,
    Leaf,
    QuizPassed,
    Within,
)
from microcred.rules.facts import Fact
from microcred.rules.index import FactIndex, index_facts
from microcred.rules.text import leaf_done, leaf_todo, number, phrase, window_phrase
from microcred.rules.wording import ENGLISH, Wording

#: progress shown for a rule that is not met never reaches 1
ALMOST = 0.99


@dataclass(frozen=True, slots=True)
class Explanation:
    """One node of the explanation tree: is it met, in plain language, and its children's."""

    met: bool
    text: str
    children: tuple[Explanation, ...] = ()
    missing: tuple[str, ...] = ()
    progress: float = 0.0


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of a rule for one person.

    ``earned_at`` is the earliest moment the facts satisfied the rule, so evaluating again with
    the same (or more) facts gives the same (or an earlier) moment. ``missing`` is empty exactly
    when ``earned``.
    """

    earned: bool
    earned_at: datetime | None
    progress: float
    explanation: Explanation
    missing: list[str] = field(default_factory=list)


def evaluate(
    rule: Condition, facts: Iterable[Fact] | FactIndex, wording: Wording = ENGLISH
) -> Decision:
    """Decide ``rule`` for the person whose facts are ``facts`` (texts worded by ``wording``)."""
    ix = index_facts(facts)
    earned_at = rule.earliest(ix, None, None)
    explanation = explain(rule, ix, None, None, wording)
    return Decision(
        earned=earned_at is not None,
        earned_at=earned_at,
        progress=1.0 if earned_at is not None else min(explanation.progress, ALMOST),
        explanation=explanation,
        missing=list(explanation.missing),
    )


class CompiledRule:
    """A rule prepared for evaluating many people: people with none of its facts are skipped."""

    __slots__ = ("keys", "rule")

    def __init__(self, rule: Condition) -> None:
        self.rule = rule
        self.keys = tuple(rule.keys())

    def earned_at(self, ix: FactIndex) -> datetime | None:
        """When the person met the rule (``None``: not met). The fast path: no explanation."""
        for key in self.keys:
            if ix.facts(key):
                return self.rule.earliest(ix, None, None)
        return None

    def decide(self, ix: FactIndex, wording: Wording = ENGLISH) -> Decision:
        return evaluate(self.rule, ix, wording)


# ----------------------------------------------------------------------------- explanation


def explain(
    node: Condition,
    ix: FactIndex,
    lo: datetime | None,
    hi: datetime | None,
    w: Wording = ENGLISH,
) -> Explanation:
    """Explain ``node`` using only facts in ``[lo, hi]``."""
    if isinstance(node, Leaf):
        return _leaf(node, ix, lo, hi, w)
    if isinstance(node, Within):
        return _within(node, ix, lo, hi, w)
    if isinstance(node, InOrder):
        return _in_order(node, ix, lo, hi, w)
    if isinstance(node, Group):
        return _group(node, ix, lo, hi, w)
    raise TypeError(f"unknown condition {type(node).__name__}")


def _leaf(
    leaf: Leaf, ix: FactIndex, lo: datetime | None, hi: datetime | None, w: Wording
) -> Explanation:
    matching = leaf.matching(ix, lo, hi)
    if matching:
        score = max((f.score for f in matching if f.score is not None), default=None)
        return Explanation(True, leaf_done(leaf, score, w), progress=1.0)
    best: float | None = None
    if isinstance(leaf, QuizPassed):
        tried = [
            f.score for f in ix.facts(leaf.key()) if f.score is not None and _inside(f, lo, hi)
        ]
        best = max(tried, default=None)
    todo = leaf_todo(leaf, best, w)
    return Explanation(False, todo, missing=(todo,))


def _inside(fact: Fact, lo: datetime | None, hi: datetime | None) -> bool:
    return (lo is None or fact.at >= lo) and (hi is None or fact.at <= hi)


def _group(
    node: Group, ix: FactIndex, lo: datetime | None, hi: datetime | None, w: Wording
) -> Explanation:
    kids = tuple(explain(child, ix, lo, hi, w) for child in node.children)
    met = node.earliest(ix, lo, hi) is not None
    done = sum(1 for kid in kids if kid.met)
    total = len(kids)
    open_children = [c for c, kid in zip(node.children, kids, strict=True) if not kid.met]
    open_missing = [item for kid in kids if not kid.met for item in kid.missing]
    missing: list[str] = []
    if isinstance(node, AllOf):
        progress = sum(k.progress for k in kids) / total if total else 0.0
        text = w.say("all_done") if met else w.say("all_open", done=done, total=total)
        missing = open_missing
    elif isinstance(node, AnyOf):
        progress = max((k.progress for k in kids), default=0.0)
        text = w.say("any_done") if met else w.say("any_open")
        if len(open_children) == 1:
            missing = open_missing
        else:
            missing = [w.say("missing_one_of", items=_phrases(open_children, w))]
    elif isinstance(node, AtLeast):
        best = sorted((k.progress for k in kids), reverse=True)[: node.n]
        progress = sum(best) / node.n if node.n > 0 else 0.0
        text = (
            w.say("at_least_done", done=done)
            if met
            else w.say("at_least_open", n=node.n, done=done)
        )
        need = node.n - done
        if need >= len(open_children):
            missing = open_missing
        else:
            missing = [w.say("missing_more_of", need=need, items=_phrases(open_children, w))]
    elif isinstance(node, CreditTarget):
        credited = node._satisfied_credits(ix, lo, hi)
        progress = min(credited / node.target, 1.0) if node.target > 0 else 0.0
        target, got = number(node.target, w), number(credited, w)
        text = (
            w.say("credits_done", credited=got, target=target)
            if met
            else w.say("credits_open", target=target, credited=got)
        )
        remaining = number(max(node.target - credited, 0.0), w)
        if open_children:
            items = _phrases(open_children, w)
            missing = [w.say("credits_missing_from", remaining=remaining, items=items)]
        else:
            missing = [w.say("credits_missing", remaining=remaining)]
    else:  # pragma: no cover - every group type is handled above
        raise TypeError(f"unknown group {type(node).__name__}")
    return _finish(met, text, kids, missing, progress, node, w)


def _phrases(nodes: list[Condition], w: Wording) -> str:
    return ", ".join(phrase(node, w) for node in nodes)


def _in_order(
    node: InOrder, ix: FactIndex, lo: datetime | None, hi: datetime | None, w: Wording
) -> Explanation:
    starts = node.starts(ix, lo, hi)
    kids: list[Explanation] = []
    missing: list[str] = []
    bound = lo
    for position, child in enumerate(node.children):
        if position < len(starts):
            kids.append(explain(child, ix, bound, hi, w))
            bound = starts[position]
            continue
        kid = explain(child, ix, bound, hi, w)
        previous = node.children[position - 1] if position else None
        if previous is not None and child.earliest(ix, lo, hi) is not None:
            # done, but not after the step before it (or that step is not done yet)
            redo = w.say("order_redo", what=phrase(child, w), previous=phrase(previous, w))
            kid = Explanation(False, redo, kid.children, (redo,), kid.progress * 0.5)
        kids.append(kid)
        missing.extend(kid.missing)
    total = len(node.children)
    met = len(starts) == total
    partial = kids[len(starts)].progress if len(starts) < total else 0.0
    progress = (len(starts) + partial) / total if total else 0.0
    text = w.say("order_done") if met else w.say("order_open", done=len(starts), total=total)
    return _finish(met, text, tuple(kids), missing, progress, node, w)


def _within(
    node: Within, ix: FactIndex, lo: datetime | None, hi: datetime | None, w: Wording
) -> Explanation:
    window = window_phrase(node, w)
    bounded_lo, bounded_hi = node.bounds(lo, hi)
    earned = node.earliest(ix, lo, hi)
    if earned is not None:
        best = next(w for w in node.windows(ix, lo, hi) if node.child.earliest(ix, *w) == earned)
        kid = explain(node.child, ix, *best, w)
        return Explanation(True, w.say("window_done", window=window), (kid,), (), 1.0)
    candidates = node.windows(ix, lo, hi) or [(bounded_lo, bounded_hi)]
    kid = max((explain(node.child, ix, *c, w) for c in candidates), key=lambda e: e.progress)
    if node.days is not None and node.child.earliest(ix, bounded_lo, bounded_hi) is not None:
        missing = [w.say("window_late", what=phrase(node.child, w), days=node.days)]
    else:
        missing = [w.say("window_missing", item=item, window=window) for item in kid.missing]
    text = w.say("window_open", window=f"{window[:1].upper()}{window[1:]}")
    return _finish(False, text, (kid,), missing, kid.progress, node, w)


def _finish(
    met: bool,
    text: str,
    kids: tuple[Explanation, ...],
    missing: list[str],
    progress: float,
    node: Condition,
    w: Wording,
) -> Explanation:
    if met:
        return Explanation(True, text, kids, (), 1.0)
    if not missing:  # never say "nothing missing" for a rule that is not met
        missing = [w.say("complete", what=phrase(node, w))]
    return Explanation(False, text, kids, tuple(missing), min(progress, ALMOST))
