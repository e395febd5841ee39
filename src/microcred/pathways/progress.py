"""One learner's progress on a pathway: each step done / in progress / available / locked,
credit so far in each system, milestones and the goal, and the next step to take.

Built on the same compiled rules that issue the credentials, so the map and the awards agree.
More facts never lower a step's state (locked < available < in progress < done) nor a credit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from microcred.pathways.compilation import goal_rule, milestone_rules, step_rule
from microcred.pathways.definition import CREDIT, Item, Pathway, Step
from microcred.rules import CREDENTIAL_HELD, Fact, FactIndex, Wording, evaluate
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


def _held(ix: FactIndex, ref: str) -> bool:
    return bool(ix.facts((CREDENTIAL_HELD, ref)))


def item_credit(ix: FactIndex, item: Item, system: str) -> float:
    """What holding ``item`` counts in ``system``: its frozen credit, or a recognised
    credential's own ``worth`` (the best of the facts held, as the compiled rule counts it)."""
    base = item.credit_in(system)
    facts = ix.facts((CREDENTIAL_HELD, item.ref))
    return max((base if fact.worth is None else fact.worth for fact in facts), default=0.0)


def pathway_progress(
    pathway: Pathway, facts: Iterable[Fact] | FactIndex, wording: Wording = ENGLISH
) -> PathwayProgress:
    """Progress of the person whose facts are ``facts`` (the pathway must be valid)."""
    ix = index_facts(facts)
    done: dict[str, datetime | None] = {}
    decisions = {}
    for step in pathway.steps:
        decision = evaluate(step_rule(step), ix, wording)
        decisions[step.id] = decision
        done[step.id] = decision.earned_at
    steps = []
    for step in pathway.steps:
        decision = decisions[step.id]
        held = tuple(item.ref for item in step.items if _held(ix, item.ref))
        waiting = tuple(r for r in step.requires if done.get(r) is None)
        if decision.earned:
            state = DONE
        elif held:
            state = IN_PROGRESS
        elif waiting:
            state = LOCKED
        else:
            state = AVAILABLE
        credit = 0.0
        if step.kind == CREDIT:
            credit = sum(item_credit(ix, item, step.system) for item in step.items)
        steps.append(
            StepProgress(
                step,
                state,
                decision.earned_at,
                held,
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
    credits = tuple(
        (system, sum(item_credit(ix, item, system) for item in pathway.items()))
        for system in pathway.systems()
    )
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
