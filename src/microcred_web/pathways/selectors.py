"""Reads for pathways. Every query takes the organisation explicitly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from microcred.errors import Problem
from microcred.pathways import Pathway as Definition
from microcred.pathways import PathwayProgress, pathway_progress, problems, step_lines
from microcred.rules import FactIndex
from microcred_web.achievements import selectors as achievement_selectors
from microcred_web.achievements.models import Achievement
from microcred_web.awards.facts import person_indexes
from microcred_web.awards.wording import rule_wording
from microcred_web.orgs.models import Organisation
from microcred_web.pathways.localised import localised_definition
from microcred_web.pathways.models import Enrolment, Pathway, PathwayVersion, VersionStatus
from microcred_web.pathways.skills_built import SkillBuilt


def pathway_list(*, organisation: Organisation) -> QuerySet[Pathway]:
    return Pathway.objects.filter(organisation=organisation).select_related(
        "goal", "published_version"
    )


def pathway_get(*, organisation: Organisation, pathway_id: int) -> Pathway | None:
    return pathway_list(organisation=organisation).filter(pk=pathway_id).first()


def summary_lines(definition: Definition) -> list[str]:
    """The pathway in plain language (the steps in the award-rule words), in the active
    language."""
    titles = {step.id: step.title for step in definition.steps}
    lines = step_lines(definition, rule_wording(), _("{line} (after {steps})"))
    for milestone in definition.milestones:
        after = ", ".join(f"‘{titles.get(s, s)}’" for s in milestone.after)
        lines.append(
            _("Milestone ‘%(name)s’ is issued after %(steps)s")
            % {"name": milestone.achievement.label, "steps": after}
        )
    lines.append(
        _("‘%(name)s’ is issued when every step is done") % {"name": definition.goal.label}
    )
    return lines


def pathway_catalogue(*, organisation: Organisation) -> QuerySet[Pathway]:
    """The organisation's published pathways (what anyone may browse)."""
    return pathway_list(organisation=organisation).filter(published_version__isnull=False)


def pathway_published_get(*, organisation: Organisation, public_id: Any) -> Pathway | None:
    return pathway_catalogue(organisation=organisation).filter(public_id=public_id).first()


def draft_get(*, pathway: Pathway) -> PathwayVersion | None:
    latest = pathway.versions.order_by("-number").first()
    return latest if latest is not None and latest.status == VersionStatus.DRAFT else None


@dataclass(frozen=True)
class Overview:
    """What a catalogue card and a pathway page show about one version."""

    definition: Definition
    summary: list[str]
    credit_targets: list[tuple[str, float]]  # (system, target) of each credit step
    credits_offered: list[tuple[str, float]]  # (system, all the items' credit together)
    workload_hours: float
    skills: list[SkillBuilt] = field(default_factory=list)  # when the page reads them


def overview(definition: Definition) -> Overview:
    definition = localised_definition(definition)  # the public page: the reader's language
    items = definition.items()
    offered = [
        (system, sum(item.credit_in(system) for item in items)) for system in definition.systems()
    ]
    return Overview(
        definition,
        summary_lines(definition),
        [(s.system, s.target) for s in definition.steps if s.kind == "credit"],
        [(system, total) for system, total in offered if system != "workload hours"],
        dict(offered).get("workload hours", 0.0),
    )


@dataclass(frozen=True)
class Editor:
    """The editor's view of a pathway: the draft, what is wrong with it, what can be chosen."""

    pathway: Pathway
    version: PathwayVersion
    definition: Definition
    summary: list[str]
    problems: list[Problem]
    step_problems: dict[int, list[str]]  # step position → reasons
    other_problems: list[str]
    achievements: list[Achievement]

    @property
    def milestone_rows(self) -> list[tuple[Any, str]]:
        """Each milestone with the titles of the steps it follows, joined."""
        titles = {step.id: step.title for step in self.definition.steps}
        return [
            (m, ", ".join(titles.get(s, s) for s in m.after)) for m in self.definition.milestones
        ]


def editor_view(*, pathway: Pathway, version: PathwayVersion) -> Editor:
    definition = version.definition
    found = problems(definition)
    by_step: dict[int, list[str]] = {}
    other: list[str] = []
    for problem in found:
        if problem.path.startswith("$.steps["):
            position = int(problem.path[len("$.steps[") :].split("]", 1)[0])
            by_step.setdefault(position, []).append(problem.message)
        else:
            other.append(problem.message)
    return Editor(
        pathway,
        version,
        definition,
        summary_lines(definition),
        found,
        by_step,
        other,
        list(achievement_selectors.achievement_list(organisation=pathway.organisation)),
    )


def enrolment_get(*, pathway: Pathway, user: Any) -> Enrolment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Enrolment.objects.filter(
            pathway=pathway, user=user, organisation_id=pathway.organisation_id
        )
        .select_related("version", "organisation")
        .first()
    )


def enrolments_of(*, organisation: Organisation, user: Any) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(organisation=organisation, user=user).select_related(
        "pathway", "version"
    )


@dataclass(frozen=True)
class LearnerMap:
    enrolment: Enrolment
    definition: Definition
    progress: PathwayProgress
    titles: dict[str, str]  # step id → title

    @property
    def credit_rows(self) -> list[tuple[str, float, float | None]]:
        """(system, credit so far, target): one row per credit step (what counts toward it),
        then the other systems' totals (target None; workload hours left out)."""
        rows: list[tuple[str, float, float | None]] = [
            (step.step.system, step.credit, step.step.target)
            for step in self.progress.steps
            if step.step.kind == "credit"
        ]
        targeted = {system for system, _credit, _target in rows} | {"workload hours"}
        rows += [(s, credit, None) for s, credit in self.progress.credits if s not in targeted]
        return rows

    @property
    def next_title(self) -> str:
        return self.titles.get(self.progress.next_step or "", "")


def learner_map(*, enrolment: Enrolment) -> LearnerMap:
    """The learner's progress on the version they enrolled in, from their current facts."""
    definition = localised_definition(enrolment.version.definition)
    # a compiled pathway only asks for credentials held (microcred.pathways.compilation)
    facts = person_indexes(
        organisation=enrolment.organisation, user_ids=[enrolment.user_id], credentials_only=True
    ).get(enrolment.user_id, FactIndex(()))
    return LearnerMap(
        enrolment,
        definition,
        pathway_progress(definition, facts, rule_wording()),
        {step.id: step.title for step in definition.steps},
    )


def organisation_public(*, slug: str) -> Organisation | None:
    """The organisation whose public catalogue ``slug`` names."""
    return Organisation.objects.filter(slug=slug).first()
