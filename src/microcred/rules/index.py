"""A person's facts indexed by (kind, ref), sorted by time: built once, read by every rule."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from datetime import datetime

from microcred.rules.facts import Fact

Key = tuple[str, str]


class FactIndex:
    """Facts grouped by ``(kind, ref)``, sorted by ``at`` (then score, credits: deterministic)."""

    __slots__ = ("_by_key", "_times")

    def __init__(self, facts: Iterable[Fact]) -> None:
        by_key: dict[Key, list[Fact]] = {}
        for fact in facts:
            bucket = by_key.get((fact.kind, fact.ref))
            if bucket is None:
                by_key[(fact.kind, fact.ref)] = [fact]
            else:
                bucket.append(fact)
        for bucket in by_key.values():
            if len(bucket) > 1:
                bucket.sort(key=_order)
        self._by_key = by_key
        self._times: dict[Key, list[datetime]] = {}

    def facts(self, key: Key) -> list[Fact]:
        """The facts for ``key`` in time order (an empty list when there are none)."""
        return self._by_key.get(key, _EMPTY)

    def first_index(self, key: Key, lo: datetime | None) -> int:
        """Position of the first fact for ``key`` at or after ``lo``."""
        if lo is None:
            return 0
        times = self._times.get(key)
        if times is None:
            times = [f.at for f in self.facts(key)]
            self._times[key] = times
        return bisect_left(times, lo)

    def add(self, fact: Fact) -> None:
        """Add one fact (e.g. a credential just issued, for rules that stack on it)."""
        key = (fact.kind, fact.ref)
        insort(self._by_key.setdefault(key, []), fact, key=_order)
        self._times.pop(key, None)

    def all(self) -> list[Fact]:
        """Every fact, grouped by (kind, ref)."""
        return [fact for bucket in self._by_key.values() for fact in bucket]

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._by_key.values())


_EMPTY: list[Fact] = []


def _order(fact: Fact) -> tuple[datetime, float, float]:
    return (fact.at, -(fact.score if fact.score is not None else -1.0), -fact.credits)


def index_facts(facts: Iterable[Fact] | FactIndex) -> FactIndex:
    """``facts`` as an index (an index is returned unchanged)."""
    return facts if isinstance(facts, FactIndex) else FactIndex(facts)
