"""Pathways compiled to award rules (:mod:`microcred.rules`): no second rule system.

* a required step is ``all_of`` its achievements (held credentials);
* an elective step "any N of these" is ``at_least(N)``;
* a credit step "X credits in system S" is ``credit_target(X)`` over its achievements, each
  worth its credit in S;
* a milestone is ``all_of`` the steps it follows; the goal is ``all_of`` every step.

Prerequisites (``requires``) order the learner's map (locked / available); they do not make a
credential earned earlier count less (see docs/decisions/0025-pathways-compile-to-rules.md).
"""

from __future__ import annotations

from microcred.pathways.definition import CREDIT, ELECTIVE, Item, Pathway, Step
from microcred.pathways.validation import check
from microcred.rules import AllOf, AtLeast, Condition, CredentialHeld, CreditTarget


def step_scope(pathway: Pathway, step: Step) -> str:
    """Where ``step`` sits, for facts restricted to it (a recognition that counts only in this
    step): the goal names the pathway (it never changes between versions), then the step."""
    return scope_for(pathway.goal.ref, step.id)


def scope_for(goal_ref: str, step_id: str) -> str:
    """The scope of step ``step_id`` of the pathway whose goal is ``goal_ref``."""
    return f"{goal_ref}#{step_id}"


def held(item: Item, system: str | None = None, scope: str = "") -> CredentialHeld:
    """The condition "holds ``item``" (worth its credit in ``system`` when given); ``scope``
    lets facts restricted to the step count here."""
    if system is None:
        return CredentialHeld(item.ref, item.label, scope=scope)
    return CredentialHeld(item.ref, item.label, item.credit_in(system), system, scope)


def step_rule(step: Step, scope: str = "") -> Condition:
    """The award-rule condition that is met exactly when ``step`` is done (``scope``: its
    :func:`step_scope`, so that facts restricted to it count)."""
    if step.kind == ELECTIVE:
        return AtLeast(step.n, tuple(held(item, scope=scope) for item in step.items))
    if step.kind == CREDIT:
        return CreditTarget(
            step.target, tuple(held(item, step.system, scope) for item in step.items)
        )
    if len(step.items) == 1:
        return held(step.items[0], scope=scope)
    return AllOf(tuple(held(item, scope=scope) for item in step.items))


def pathway_step_rule(pathway: Pathway, step: Step) -> Condition:
    """``step``'s rule as the pathway compiles it (scoped to the step)."""
    return step_rule(step, step_scope(pathway, step))


def _all(conditions: list[Condition]) -> Condition:
    return conditions[0] if len(conditions) == 1 else AllOf(tuple(conditions))


def milestone_rules(pathway: Pathway) -> dict[str, Condition]:
    """Milestone id → its rule (every step it follows is done). Checks the pathway first."""
    check(pathway)
    by_id = {step.id: step for step in pathway.steps}
    return {
        milestone.id: _all(
            [pathway_step_rule(pathway, by_id[step_id]) for step_id in milestone.after]
        )
        for milestone in pathway.milestones
    }


def goal_rule(pathway: Pathway) -> Condition:
    """The goal's rule (every step is done). Checks the pathway first."""
    check(pathway)
    return _all([pathway_step_rule(pathway, step) for step in pathway.steps])


def compiled_rules(pathway: Pathway) -> dict[str, Condition]:
    """Achievement ref → the rule that issues it: each milestone's and the goal's."""
    out = {
        milestone.achievement.ref: rule
        for milestone, rule in zip(
            pathway.milestones, milestone_rules(pathway).values(), strict=True
        )
    }
    out[pathway.goal.ref] = goal_rule(pathway)
    return out
