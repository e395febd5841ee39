"""Stackable pathways (pure, no Django): a definition, its validation, its compilation to
award rules (:mod:`microcred.rules`), a plain-language summary and one learner's progress."""

from microcred.pathways.compilation import (
    compiled_rules,
    goal_rule,
    milestone_rules,
    pathway_step_rule,
    scope_for,
    step_rule,
    step_scope,
)
from microcred.pathways.definition import (
    CREDIT,
    ELECTIVE,
    REQUIRED,
    STEP_KINDS,
    Item,
    Milestone,
    Pathway,
    Step,
    definition_from_json,
    definition_to_json,
)
from microcred.pathways.fast import FastPathway, FastSummary, RefBits, fast_inputs
from microcred.pathways.funnel import Funnel, FunnelStep, funnel
from microcred.pathways.progress import (
    AVAILABLE,
    DONE,
    IN_PROGRESS,
    LOCKED,
    STATES,
    MilestoneProgress,
    PathwayProgress,
    StepProgress,
    pathway_progress,
)
from microcred.pathways.revision import GAINS, LOSES, SAME, Change, progress_change
from microcred.pathways.text import pathway_summary, step_lines
from microcred.pathways.validation import check, problems

__all__ = [
    "AVAILABLE",
    "CREDIT",
    "DONE",
    "ELECTIVE",
    "GAINS",
    "IN_PROGRESS",
    "LOCKED",
    "LOSES",
    "REQUIRED",
    "SAME",
    "STATES",
    "STEP_KINDS",
    "Change",
    "FastPathway",
    "FastSummary",
    "Funnel",
    "FunnelStep",
    "Item",
    "Milestone",
    "MilestoneProgress",
    "Pathway",
    "PathwayProgress",
    "RefBits",
    "Step",
    "StepProgress",
    "check",
    "compiled_rules",
    "definition_from_json",
    "definition_to_json",
    "fast_inputs",
    "funnel",
    "goal_rule",
    "milestone_rules",
    "pathway_progress",
    "pathway_step_rule",
    "pathway_summary",
    "problems",
    "progress_change",
    "scope_for",
    "step_lines",
    "step_rule",
    "step_scope",
]
