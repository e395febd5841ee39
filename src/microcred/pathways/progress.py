"""One learner's progress on a pathway: each step done / in progress / available / locked,
credit so far in each system, milestones and the goal, and the next step to take.

Built on the same compiled rules that issue the credentials, so the map and the awards agree.
More facts never lower a step's state (locked < available < in progress < done) nor a credit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from microcred.pathways.compilation import (
    goal_rule,
    held,
    milestone_rules,
    pathway_step_rule,
    step_scope,
)
from microcred.pathways.definition import CREDIT, Item, Pathway, Step
from microcred.rules import Fact, FactIndex, Wording, evaluate
from microcred.rules.index import index_facts
from microcred.rules.wording import ENGLISH

LOCKED = "locked"
AVAILABLE = "available"
IN_PROGRESS = "in_progress"
DONE = "done"
#: states in the order progress moves through them
STATES = (LOCKED, AVAILABLE, IN_PROGRESS, DONE)


@dataclass(frozen=True, slots=True)
class StepProgress:
    step: Step
    state: str
    done_at: datetime | None
    held: tuple[str, ...]  # refs of the step's achievements the learner holds
    progress: float  # 0–1, from the rule engine
    missing: tuple[str, ...]  # plain-language "what is left" (the engine's texts)
    credit: float  # credit so far in the step's system (credit steps), else 0
    waiting_for: tuple[str, ...]  # ids of unfinished steps this one requires


@dataclass(frozen=True, slots=True)
class MilestoneProgress:
    id: str
    title: str
    earned_at: datetime | None


@dataclass(frozen=True, slots=True)
class PathwayProgress:
    steps: tuple[StepProgress, ...]
    milestones: tuple[MilestoneProgress, ...]
    credits: tuple[tuple[str, float], ...]  # (system, credit so far), sorted by system
    completed_at: datetime | None
    next_step: str | None  # id of the step to take next (None: nothing left)

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    def state_of(self, step_id: str) -> str:
        return next(s.state for s in self.steps if s.step.id == step_id)


def _held(ix: FactIndex, item: Item, scope: str) -> bool:
    return bool(held(item, scope=scope).matching(ix, None, None))


def item_credit(ix: FactIndex, item: Item, system: str, scope: str = "") -> float:
    """What holding ``item`` counts in ``system`` in the step of ``scope``: its frozen credit,
    or a recognised credential's own value (the best of the facts held, as the compiled rule
    counts it; a fact restricted to another step does not count)."""
    return held(item, system, scope).credits(ix, None, None)


def _pathway_credit(ix: FactIndex, pathway: Pathway, system: str) -> float:
    """Credit in ``system`` over the pathway, each item once at its best: what any fact
    counts, or what a fact restricted to one step counts there (when that step counts in
    ``system`` or is not a credit step)."""
    best = {item.ref: item_credit(ix, item, system) for item in pathway.items()}
    for step in pathway.steps:
        if step.kind == CREDIT and step.system != system:
            continue
        scope = step_scope(pathway, step)
        for item in step.items:
            best[item.ref] = max(best[item.ref], item_credit(ix, item, system, scope))
    return sum(best.values())


def pathway_progress(
    pathway: Pathway, facts: Iterable[Fact] | FactIndex, wording: Wording = ENGLISH
) -> PathwayProgress:
    """Progress of the person whose facts are ``facts`` (the pathway must be valid)."""
    ix = index_facts(facts)
    done: dict[str, datetime | None] = {}
    decisions = {}
    for step in pathway.steps:
        decision = evaluate(pathway_step_rule(pathway, step), ix, wording)
        decisions[step.id] = decision
        done[step.id] = decision.earned_at
    steps = []
    for step in pathway.steps:
        decision = decisions[step.id]
        scope = step_scope(pathway, step)
        holding = tuple(item.ref for item in step.items if _held(ix, item, scope))
        waiting = tuple(r for r in step.requires if done.get(r) is None)
        if decision.earned:
            state = DONE
        elif holding:
            state = IN_PROGRESS
        elif waiting:
            state = LOCKED
        else:
            state = AVAILABLE
        credit = 0.0
        if step.kind == CREDIT:
            credit = sum(item_credit(ix, item, step.system, scope) for item in step.items)
        steps.append(
            StepProgress(
                step,
                state,
                decision.earned_at,
                holding,
                decision.progress,
                tuple(decision.missing),
                credit,
                waiting,
            )
        )
    milestones = []
    for milestone, rule in zip(pathway.milestones, milestone_rules(pathway).values(), strict=True):
        earned_at = rule.earliest(ix, None, None)
        milestones.append(MilestoneProgress(milestone.id, milestone.title, earned_at))
    credits = tuple((system, _pathway_credit(ix, pathway, system)) for system in pathway.systems())
    return PathwayProgress(
        tuple(steps),
        tuple(milestones),
        credits,
        goal_rule(pathway).earliest(ix, None, None),
        _next_step(steps),
    )


def _next_step(steps: list[StepProgress]) -> str | None:
    for wanted in (IN_PROGRESS, AVAILABLE):
        for step in steps:
            if step.state == wanted:
                return step.step.id
    return None
