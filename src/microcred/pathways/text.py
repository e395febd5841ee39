"""A pathway in plain language: one line per step, then the milestones and the goal.

The step lines are the award-rule summaries of the compiled rules (the same words the rule
builder shows), so what an editor reads is what will be applied.
"""

from __future__ import annotations

from microcred.pathways.compilation import step_rule
from microcred.pathways.definition import Pathway
from microcred.rules import summarise
from microcred.rules.wording import ENGLISH, Wording


def step_lines(
    pathway: Pathway, w: Wording = ENGLISH, after: str = "{line} (after {steps})"
) -> list[str]:
    """Each step as "Core safety: Complete all of: …", with the steps it waits for (``after``
    is the template for a step with prerequisites)."""
    titles = {step.id: step.title for step in pathway.steps}
    lines = []
    for step in pathway.steps:
        line = f"{step.title}: {summarise(step_rule(step), w)}" if step.items else step.title
        if step.requires:
            steps = ", ".join(f"‘{titles.get(r, r)}’" for r in step.requires)
            line = after.format(line=line, steps=steps)
        lines.append(line)
    return lines


def pathway_summary(pathway: Pathway, w: Wording = ENGLISH) -> list[str]:
    """Every line a reader needs: the steps, each milestone and the goal."""
    titles = {step.id: step.title for step in pathway.steps}
    lines = step_lines(pathway, w)
    for milestone in pathway.milestones:
        after = ", ".join(f"‘{titles.get(s, s)}’" for s in milestone.after)
        lines.append(f"Milestone ‘{milestone.achievement.label}’ is issued after {after}")
    lines.append(f"‘{pathway.goal.label}’ is issued when every step is done")
    return lines
