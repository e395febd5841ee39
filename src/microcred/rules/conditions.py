"""The condition tree of an award rule, and when (if ever) a person's facts satisfy each node.

Every node answers one question: ``earliest(index, lo, hi)`` — the earliest moment the node is
satisfied using only facts timed in ``[lo, hi]`` (``None`` bounds are open), or ``None``.
The semantics are existential: a node is satisfied when *some* choice of facts satisfies it, so
adding facts can only make ``earliest`` earlier or defined — never undefined (monotonicity).
``credits(index, lo, hi)`` is what a satisfied node carries toward a credit target (0 when not
satisfied); it too only grows when facts are added.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from microcred.rules.facts import (
    ASSESSMENT_ACCEPTED,
    COURSE_COMPLETED,
    CREDENTIAL_HELD,
    QUIZ_COMPLETED,
    Fact,
)
from microcred.rules.index import FactIndex, Key

Window = tuple[datetime | None, datetime | None]


class Condition(ABC):
    """A node of a rule tree."""

    __slots__ = ()

    @abstractmethod
    def earliest(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> datetime | None:
        """The earliest moment this node is satisfied by facts in ``[lo, hi]``, or ``None``."""

    @abstractmethod
    def credits(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> float:
        """Credits this node carries when satisfied in ``[lo, hi]`` (0 when not satisfied)."""

    @abstractmethod
    def keys(self) -> frozenset[Key]:
        """The ``(kind, ref)`` pairs of every leaf below (and including) this node."""

    def times(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> list[datetime]:
        """Sorted distinct times of the facts this node could use within ``[lo, hi]``."""
        found: set[datetime] = set()
        for key in self.keys():
            facts = ix.facts(key)
            for position in range(ix.first_index(key, lo), len(facts)):
                at = facts[position].at
                if hi is not None and at > hi:
                    break
                found.add(at)
        return sorted(found)


# ----------------------------------------------------------------------------- leaves


@dataclass(frozen=True, slots=True)
class Leaf(Condition):
    """A condition met by one fact of ``KIND`` about ``ref``; ``label`` is shown to people."""

    ref: str
    label: str

    KIND = ""

    def key(self) -> Key:
        return (self.KIND, self.ref)

    def keys(self) -> frozenset[Key]:
        return frozenset({self.key()})

    def accepts(self, fact: Fact) -> bool:
        return True

    def earliest(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> datetime | None:
        key = (self.KIND, self.ref)
        facts = ix.facts(key)
        for position in range(ix.first_index(key, lo) if lo is not None else 0, len(facts)):
            fact = facts[position]
            if hi is not None and fact.at > hi:
                return None
            if self.accepts(fact):
                return fact.at
        return None

    def credits(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> float:
        best = 0.0
        found = False
        for fact in self.matching(ix, lo, hi):
            found = True
            best = max(best, fact.credits)
        return best if found else 0.0

    def matching(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> list[Fact]:
        """The facts in ``[lo, hi]`` that meet this condition, in time order."""
        key = (self.KIND, self.ref)
        facts = ix.facts(key)
        out: list[Fact] = []
        for position in range(ix.first_index(key, lo), len(facts)):
            fact = facts[position]
            if hi is not None and fact.at > hi:
                break
            if self.accepts(fact):
                out.append(fact)
        return out


@dataclass(frozen=True, slots=True)
class CourseCompleted(Leaf):
    """The person completed the course ``ref``."""

    KIND = COURSE_COMPLETED


@dataclass(frozen=True, slots=True)
class QuizPassed(Leaf):
    """The person completed the quiz ``ref`` with a score of at least ``min_score`` (0–100)."""

    min_score: float = 0.0

    KIND = QUIZ_COMPLETED

    def accepts(self, fact: Fact) -> bool:
        return fact.score is not None and fact.score >= self.min_score


@dataclass(frozen=True, slots=True)
class CredentialHeld(Leaf):
    """The person holds a credential for the achievement ``ref`` (``"achievement:<uuid>"``).

    ``worth``, when set, is what holding it counts toward a credit target (a pathway's credit
    in one system), in place of the credits the fact itself carries; a fact's own ``worth``
    (a recognised credential) replaces it for that fact. With several facts the best counts,
    so more facts never lower the credit. ``system`` names the credit system ``worth`` counts
    in (a fact's ``worths`` for that system win); ``scope`` names where this condition sits (a
    pathway step): a fact with a scope is accepted only by conditions of the same scope.
    """

    worth: float | None = None
    system: str = ""
    scope: str = ""

    KIND = CREDENTIAL_HELD

    def accepts(self, fact: Fact) -> bool:
        return not fact.scope or fact.scope == self.scope

    def value_of(self, fact: Fact) -> float:
        """What ``fact`` counts here (this condition has a ``worth``)."""
        if self.system:
            for system, value in fact.worths:
                if system == self.system:
                    return value
        if fact.worth is not None:
            return fact.worth
        return self.worth if self.worth is not None else fact.credits

    def credits(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> float:
        if self.worth is None:
            return Leaf.credits(self, ix, lo, hi)
        return max((self.value_of(fact) for fact in self.matching(ix, lo, hi)), default=0.0)


@dataclass(frozen=True, slots=True)
class AssessmentAccepted(Leaf):
    """An assessor accepted the person's assessment ``ref``."""

    KIND = ASSESSMENT_ACCEPTED


# ----------------------------------------------------------------------------- groups


@dataclass(frozen=True, slots=True)
class Group(Condition):
    """A node combining ``children``."""

    children: tuple[Condition, ...]
    _keys: frozenset[Key] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", tuple(self.children))
        keys: frozenset[Key] = frozenset()
        for child in self.children:
            keys |= child.keys()
        object.__setattr__(self, "_keys", keys)

    def keys(self) -> frozenset[Key]:
        return self._keys

    def _satisfied_credits(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> float:
        return sum(child.credits(ix, lo, hi) for child in self.children)


@dataclass(frozen=True, slots=True)
class AllOf(Group):
    """Every child is satisfied."""

    def earliest(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> datetime | None:
        latest: datetime | None = None
        for child in self.children:
            at = child.earliest(ix, lo, hi)
            if at is None:
                return None
            if latest is None or at > latest:
                latest = at
        return latest

    def credits(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> float:
        if self.earliest(ix, lo, hi) is None:
            return 0.0
        return self._satisfied_credits(ix, lo, hi)


@dataclass(frozen=True, slots=True)
class AnyOf(Group):
    """At least one child is satisfied."""

    def earliest(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> datetime | None:
        first: datetime | None = None
        for child in self.children:
            at = child.earliest(ix, lo, hi)
            if at is not None and (first is None or at < first):
                first = at
        return first

    def credits(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> float:
        return self._satisfied_credits(ix, lo, hi)


@dataclass(frozen=True, slots=True, init=False)
class AtLeast(Group):
    """At least ``n`` children are satisfied."""

    n: int

    def __init__(self, n: int, children: tuple[Condition, ...] | list[Condition]) -> None:
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "children", tuple(children))
        Group.__post_init__(self)

    def earliest(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> datetime | None:
        times = [at for child in self.children if (at := child.earliest(ix, lo, hi)) is not None]
        if len(times) < self.n or self.n < 1:
            return None
        times.sort()
        return times[self.n - 1]

    def credits(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> float:
        if self.earliest(ix, lo, hi) is None:
            return 0.0
        return self._satisfied_credits(ix, lo, hi)


@dataclass(frozen=True, slots=True, init=False)
class CreditTarget(Group):
    """The credits of the satisfied children add up to at least ``target``."""

    target: float

    def __init__(self, target: float, children: tuple[Condition, ...] | list[Condition]) -> None:
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "children", tuple(children))
        Group.__post_init__(self)

    def earliest(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> datetime | None:
        if self._satisfied_credits(ix, lo, hi) < self.target or self.target <= 0:
            return None
        # credits grow with the cut-off time: binary search the first cut-off reaching the target
        times = self.times(ix, lo, hi)
        low, high = 0, len(times) - 1
        while low < high:
            middle = (low + high) // 2
            if self._satisfied_credits(ix, lo, times[middle]) >= self.target:
                high = middle
            else:
                low = middle + 1
        return times[low]

    def credits(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> float:
        total = self._satisfied_credits(ix, lo, hi)
        return total if total >= self.target > 0 else 0.0


@dataclass(frozen=True, slots=True)
class InOrder(Group):
    """Every child is satisfied, each no earlier than the one before it (ties allowed).

    Each child may use only facts from the moment the previous child was first satisfied; taking
    the earliest moment each time leaves the widest room for the rest (the best witnesses).
    """

    def starts(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> list[datetime]:
        """When each child in turn was first satisfied (stops at the first that is not)."""
        out: list[datetime] = []
        start = lo
        for child in self.children:
            at = child.earliest(ix, start, hi)
            if at is None:
                break
            out.append(at)
            start = at
        return out

    def earliest(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> datetime | None:
        starts = self.starts(ix, lo, hi)
        return starts[-1] if starts and len(starts) == len(self.children) else None

    def credits(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> float:
        starts = self.starts(ix, lo, hi)
        if len(starts) != len(self.children):
            return 0.0
        bounds = [lo, *starts[:-1]]
        return sum(c.credits(ix, b, hi) for c, b in zip(self.children, bounds, strict=True))


@dataclass(frozen=True, slots=True, init=False)
class Within(Condition):
    """``child`` is satisfied using only facts in ``[start, end]`` spanning at most ``days``."""

    child: Condition
    days: int | None
    start: datetime | None
    end: datetime | None

    def __init__(
        self,
        child: Condition,
        days: int | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> None:
        object.__setattr__(self, "child", child)
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    def keys(self) -> frozenset[Key]:
        return self.child.keys()

    def bounds(self, lo: datetime | None, hi: datetime | None) -> Window:
        """The outer window narrowed to ``[start, end]``."""
        if self.start is not None and (lo is None or self.start > lo):
            lo = self.start
        if self.end is not None and (hi is None or self.end < hi):
            hi = self.end
        return lo, hi

    def windows(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> list[Window]:
        """Candidate windows: one per fact time (a best window can always start at a used fact)."""
        lo, hi = self.bounds(lo, hi)
        if lo is not None and hi is not None and lo > hi:
            return []
        if self.days is None:
            return [(lo, hi)]
        span = timedelta(days=self.days)
        return [
            (at, at + span if hi is None or at + span < hi else hi) for at in self.times(ix, lo, hi)
        ]

    def earliest(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> datetime | None:
        best: datetime | None = None
        for window_lo, window_hi in self.windows(ix, lo, hi):
            if best is not None and window_lo is not None and window_lo >= best:
                break  # later windows cannot finish earlier
            at = self.child.earliest(ix, window_lo, window_hi)
            if at is not None and (best is None or at < best):
                best = at
        return best

    def credits(self, ix: FactIndex, lo: datetime | None, hi: datetime | None) -> float:
        best = 0.0
        for window_lo, window_hi in self.windows(ix, lo, hi):
            if self.child.earliest(ix, window_lo, window_hi) is not None:
                best = max(best, self.child.credits(ix, window_lo, window_hi))
        return best


LEAF_TYPES: tuple[type[Leaf], ...] = (
    CourseCompleted,
    QuizPassed,
    CredentialHeld,
    AssessmentAccepted,
)


def leaves(node: Condition) -> list[Leaf]:
    """Every leaf of ``node`` in reading order."""
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, Within):
        return leaves(node.child)
    if isinstance(node, Group):
        return [leaf for child in node.children for leaf in leaves(child)]
    return []
