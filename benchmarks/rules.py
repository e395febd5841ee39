"""Award-rule benchmark: 1,000,000 learning events, 100,000 learners, 10 achievements.

    .venv/bin/python -m benchmarks.rules                      # the full size (make bench-rules)
    .venv/bin/python -m benchmarks.rules --learners 10000 --events 100000

Phases, each timed with ``time.perf_counter``:

1. generate — the events (learner, kind, ref, time, score, credits), deterministic from ``--seed``;
   not counted in events/s (in production they are rows already in the database);
2. facts — events → ``Fact`` objects → one ``FactIndex`` per learner;
3. evaluate — every learner × every achievement with ``CompiledRule.earned_at``, in stacking
   order: an achievement earned in this run becomes a CREDENTIAL_HELD fact for the rules that
   stack on it;
4. explain — the full ``Decision`` (explanation, missing, progress) on a sample, extrapolated;
5. baseline — the same engine over a naive fact store that scans all the learner's facts for
   each leaf lookup (no index), on a sample of learners, extrapolated to all of them.

The last line is ``events/s: X`` — events divided by the time of phases 2 and 3.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from microcred.rules import (
    COURSE_COMPLETED,
    CREDENTIAL_HELD,
    QUIZ_COMPLETED,
    AllOf,
    AnyOf,
    AtLeast,
    CompiledRule,
    Condition,
    CourseCompleted,
    CredentialHeld,
    CreditTarget,
    Fact,
    FactIndex,
    InOrder,
    QuizPassed,
    Within,
    evaluate,
)
from microcred.rules.index import Key

T0 = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
DEPARTMENTS = 4
COURSES_PER_DEPARTMENT = 10
QUIZZES_PER_DEPARTMENT = 4
PRIOR = ["achievement:prior-0", "achievement:prior-1"]

R = TypeVar("R")
Event = tuple[int, str, str, datetime, float | None, float]


def course(d: int, c: int) -> CourseCompleted:
    return CourseCompleted(f"course:{d}-{c}", f"Course {d}.{c}")


def quiz(d: int, q: int, score: float) -> QuizPassed:
    return QuizPassed(f"quiz:{d}-{q}", f"Quiz {d}.{q}", score)


def achievements() -> list[tuple[str, Condition]]:
    """Ten rules using every combinator, two of them stacking; in an order that lets a rule
    stack on the ones before it."""
    return [
        ("achievement:0", AllOf((course(0, 0), quiz(0, 0, 80)))),
        ("achievement:1", AnyOf((course(0, 1), course(0, 2), course(0, 3)))),
        ("achievement:2", AtLeast(3, tuple(course(1, c) for c in range(6)))),
        ("achievement:3", CreditTarget(20, tuple(course(2, c) for c in range(10)))),
        ("achievement:4", InOrder((course(0, 0), course(0, 4), quiz(0, 1, 70)))),
        (
            "achievement:5",
            Within(AllOf((course(1, 1), course(1, 2), quiz(1, 0, 75))), days=60),
        ),
        (
            "achievement:6",
            AllOf((CredentialHeld(PRIOR[0], "Prior 0"), AnyOf((course(3, 0), course(3, 1))))),
        ),
        (
            "achievement:7",
            Within(
                CreditTarget(15, tuple(course(3, c) for c in range(10))),
                start=T0 + timedelta(days=30),
                end=T0 + timedelta(days=150),
            ),
        ),
        (
            "achievement:8",
            AllOf(
                (
                    AtLeast(2, tuple(quiz(2, q, 60) for q in range(4))),
                    InOrder((course(2, 0), course(2, 1))),
                )
            ),
        ),
        (
            "achievement:9",
            AllOf(
                (
                    CredentialHeld("achievement:1", "Achievement 1"),
                    CredentialHeld("achievement:2", "Achievement 2"),
                )
            ),
        ),
    ]


def generate(learners: int, events: int, seed: int) -> list[Event]:
    """``events`` events spread over ``learners``: each learner works mostly in one department
    (some in two), completing courses and taking quizzes (several attempts, scores around 75)
    over six months; a few hold prior credentials."""
    rng = random.Random(seed)
    hours = [T0 + timedelta(hours=h) for h in range(180 * 24)]
    course_refs = [
        [f"course:{d}-{c}" for c in range(COURSES_PER_DEPARTMENT)] for d in range(DEPARTMENTS)
    ]
    quiz_refs = [
        [f"quiz:{d}-{q}" for q in range(QUIZZES_PER_DEPARTMENT)] for d in range(DEPARTMENTS)
    ]
    credits = {ref: float(1 + i % 5) for refs in course_refs for i, ref in enumerate(refs)}
    out: list[Event] = []
    per_learner = events // learners
    extra = events - per_learner * learners
    for learner in range(learners):
        count = per_learner + (1 if learner < extra else 0)
        departments = [rng.randrange(DEPARTMENTS)]
        if rng.random() < 0.2:
            departments.append(rng.randrange(DEPARTMENTS))
        times = sorted(rng.randrange(len(hours)) for _ in range(count))
        for position in range(count):
            at = hours[times[position]]
            d = departments[position % len(departments)]
            roll = rng.random()
            if roll < 0.02:
                out.append((learner, CREDENTIAL_HELD, rng.choice(PRIOR), at, None, 0.0))
            elif roll < 0.62:
                ref = rng.choice(course_refs[d])
                out.append((learner, COURSE_COMPLETED, ref, at, None, credits[ref]))
            else:
                score = float(max(0, min(100, round(rng.gauss(75, 15)))))
                out.append((learner, QUIZ_COMPLETED, rng.choice(quiz_refs[d]), at, score, 0.0))
    return out


def build_indexes(events: list[Event], learners: int) -> list[FactIndex]:
    per_learner: list[list[Fact]] = [[] for _ in range(learners)]
    for learner, kind, ref, at, score, credits in events:
        per_learner[learner].append(Fact(kind, ref, at, score, credits))
    return [FactIndex(facts) for facts in per_learner]


def evaluate_all(
    indexes: list[FactIndex], rules: list[tuple[str, Condition]]
) -> tuple[list[int], int]:
    """Earned count per achievement, and the number of evaluations."""
    compiled = [(ref, CompiledRule(rule)) for ref, rule in rules]
    earned = [0] * len(rules)
    for ix in indexes:
        for position, (ref, rule) in enumerate(compiled):
            at = rule.earned_at(ix)
            if at is not None:
                earned[position] += 1
                ix.add(Fact(CREDENTIAL_HELD, ref, at))  # a credential for stacking rules
    return earned, len(indexes) * len(rules)


class NaiveIndex(FactIndex):
    """The baseline store: a flat list of the learner's facts, scanned for every lookup."""

    def __init__(self, facts: list[Fact]) -> None:
        self.all = list(facts)

    def facts(self, key: Key) -> list[Fact]:
        return sorted((f for f in self.all if (f.kind, f.ref) == key), key=lambda f: f.at)

    def first_index(self, key: Key, lo: datetime | None) -> int:
        if lo is None:
            return 0
        return sum(1 for f in self.facts(key) if f.at < lo)

    def add(self, fact: Fact) -> None:
        self.all.append(fact)


def timed(label: str, work: Callable[[], R]) -> tuple[R, float]:
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:8.2f} s", flush=True)
    return result, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20251123)
    parser.add_argument("--sample", type=int, default=2_000, help="learners for the baseline")
    args = parser.parse_args(argv)
    rules = achievements()
    print(
        f"award rules: {args.events:,} events, {args.learners:,} learners, {len(rules)} "
        f"achievements — Python {platform.python_version()} on {platform.machine()}"
    )
    events, _ = timed(
        "generate events (not counted)", lambda: generate(args.learners, args.events, args.seed)
    )
    indexes, facts_seconds = timed(
        "facts: build Fact + FactIndex per learner", lambda: build_indexes(events, args.learners)
    )
    (earned, evaluations), eval_seconds = timed(
        f"evaluate: {args.learners:,} × {len(rules)} rules", lambda: evaluate_all(indexes, rules)
    )
    for (ref, _), count in zip(rules, earned, strict=True):
        print(f"  {ref:<16} earned by {count:>7,} learners ({count / args.learners:6.1%})")

    sample = min(args.sample, args.learners)
    picked = indexes[:sample]

    def explain_sample() -> None:
        for ix in picked:
            for _, rule in rules:
                evaluate(rule, ix)

    _, explain_seconds = timed(f"explain: full Decision, {sample:,} learners", explain_sample)

    naive = [
        NaiveIndex(
            [
                f
                for key in ix._by_key
                for f in ix.facts(key)
                if f.kind != CREDENTIAL_HELD or f.ref in PRIOR
            ]
        )
        for ix in picked
    ]
    (naive_earned, _), naive_seconds = timed(
        f"baseline: naive scans, {sample:,} learners", lambda: evaluate_all(naive, rules)
    )
    indexed_sample = build_indexes([e for e in events if e[0] < sample], sample)
    (indexed_earned, _), indexed_seconds = timed(
        f"indexed on the same {sample:,} learners", lambda: evaluate_all(indexed_sample, rules)
    )
    if naive_earned != indexed_earned:
        print(f"MISMATCH: baseline {naive_earned} vs indexed {indexed_earned}")
        return 1
    scale = args.learners / sample
    print(f"explain all (extrapolated ×{scale:g})              {explain_seconds * scale:8.2f} s")
    print(f"baseline all (extrapolated ×{scale:g})             {naive_seconds * scale:8.2f} s")
    ratio = naive_seconds / indexed_seconds
    print(f"evaluation speed-up over the baseline (same sample): ×{ratio:.1f}")
    total = facts_seconds + eval_seconds
    print(f"evaluations/s: {evaluations / eval_seconds:,.0f}")
    print(f"total (facts + evaluate): {total:.2f} s (target ≤ 60 s)")
    print(f"events/s: {args.events / total:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
