"""A pathway's funnel: enrolled → each step done → completed, the median time each step took
and where the learners who have not finished are stuck.

The time a step took is from the moment it could start (enrolment, or its prerequisites done
if later) to the moment it was done; a step done before enrolling took no time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from microcred.pathways.definition import Step
from microcred.pathways.progress import DONE, PathwayProgress


@dataclass(frozen=True, slots=True)
class FunnelStep:
    step: Step
    done: int  # learners who finished this step
    median_time: timedelta | None  # None: nobody finished it
    stuck: int  # unfinished learners whose first unfinished step (in order) is this one


@dataclass(frozen=True, slots=True)
class Funnel:
    enrolled: int
    steps: tuple[FunnelStep, ...]
    completed: int
    median_completion: timedelta | None

    def share(self, count: int) -> float:
        return count / self.enrolled if self.enrolled else 0.0


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=median(v.total_seconds() for v in values))


def funnel(rows: Sequence[tuple[datetime, PathwayProgress]]) -> Funnel:
    """The funnel of learners given as (enrolled at, progress on their version). Every progress
    must be of the same pathway version (the steps are read from the first)."""
    if not rows:
        return Funnel(0, (), 0, None)
    steps = rows[0][1].steps
    done = [0] * len(steps)
    stuck = [0] * len(steps)
    times: list[list[timedelta]] = [[] for _ in steps]
    completion: list[timedelta] = []
    for enrolled_at, progress in rows:
        done_at = {s.step.id: s.done_at for s in progress.steps}
        first_open = None
        for position, state in enumerate(progress.steps):
            if state.state != DONE or state.done_at is None:
                first_open = position if first_open is None else first_open
                continue
            done[position] += 1
            starts = [enrolled_at] + [
                at for r in state.step.requires if (at := done_at.get(r)) is not None
            ]
            times[position].append(max(state.done_at - max(starts), timedelta(0)))
        if progress.completed_at is not None:
            completion.append(max(progress.completed_at - enrolled_at, timedelta(0)))
        elif first_open is not None:
            stuck[first_open] += 1
    return Funnel(
        len(rows),
        tuple(
            FunnelStep(s.step, done[i], _median(times[i]), stuck[i]) for i, s in enumerate(steps)
        ),
        len(completion),
        _median(completion),
    )
