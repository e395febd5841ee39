"""Award-rule pages: the rule builder (issuers, admins), people's goals, the team's progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from microcred.errors import InvalidInput
from microcred.rules import (
    AssessmentAccepted,
    Condition,
    CourseCompleted,
    CredentialHeld,
    Leaf,
    QuizPassed,
    editing,
    summarise,
)
from microcred_web.achievements import selectors as achievement_selectors
from microcred_web.achievements.models import Achievement
from microcred_web.awards import selectors, services
from microcred_web.awards.wording import rule_wording
from microcred_web.common.errors import ApplicationError
from microcred_web.common.htmx import is_htmx
from microcred_web.orgs import selectors as org_selectors
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

EDITORS = (Role.ISSUER, Role.ADMIN)
PREVIEW_LIMIT = 100


def _achievement_or_404(ctx: OrgContext, achievement_id: int) -> Achievement:
    achievement = achievement_selectors.achievement_get(
        organisation=ctx.organisation, achievement_id=achievement_id
    )
    if achievement is None:
        raise Http404("No such achievement.")
    return achievement


def _builder_context(ctx: OrgContext, achievement: Achievement, error: str = "") -> dict[str, Any]:
    award_rule = selectors.award_rule_get(organisation=ctx.organisation, achievement=achievement)
    rule = award_rule.rule if award_rule else None
    return {
        "ctx": ctx,
        "achievement": achievement,
        "award_rule": award_rule,
        "tree": selectors.node_views(rule) if rule is not None else None,
        "summary": summarise(rule, rule_wording()) if rule is not None else "",
        "choices": selectors.builder_choices(
            organisation=ctx.organisation, achievement=achievement
        ),
        "group_kinds": [
            ("all_of", _("All of")),
            ("any_of", _("Any one of")),
            ("at_least", _("At least N of")),
            ("credit_target", _("Credit target")),
            ("in_order", _("In order")),
        ],
        "error": error,
    }


@org_view(*EDITORS)
def builder(request: HttpRequest, ctx: OrgContext, achievement_id: int) -> HttpResponse:
    achievement = _achievement_or_404(ctx, achievement_id)
    return render(request, "awards/builder.html", _builder_context(ctx, achievement))


def _path(raw: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in raw.split(".") if part != "")
    except ValueError as error:
        raise ApplicationError("bad_path", _("Choose a condition."), "path") from error


def _number(raw: str, field: str, *, whole: bool = True) -> Any:
    if not raw.strip():
        return None
    try:
        return int(raw) if whole else float(raw)
    except ValueError as error:
        raise ApplicationError("bad_number", _("Enter a number."), field) from error


def _condition(ctx: OrgContext, achievement: Achievement, ref: str, min_score: str) -> Leaf:
    """The condition for a choice from the dropdown (labels come from the server, not the form)."""
    choices = selectors.builder_choices(organisation=ctx.organisation, achievement=achievement)
    for kind, options in choices.items():
        for option in options:
            if option.ref != ref:
                continue
            if kind == "quizzes":
                score = _number(min_score, "min_score", whole=False)
                if score is None or not 0 <= score <= 100:
                    raise ApplicationError(
                        "bad_score", _("Enter a minimum score from 0 to 100."), "min_score"
                    )
                return QuizPassed(ref, option.label, score)
            if kind == "credentials":
                return CredentialHeld(ref, option.label)
            if kind == "assessments":
                return AssessmentAccepted(ref, option.label)
            return CourseCompleted(ref, option.label)
    raise ApplicationError(
        "bad_condition", _("Choose a course, quiz, assessment or credential."), "condition"
    )


def _edited(request: HttpRequest, ctx: OrgContext, achievement: Achievement) -> Condition | None:
    award_rule = selectors.award_rule_get(organisation=ctx.organisation, achievement=achievement)
    rule = award_rule.rule if award_rule else None
    action = request.POST.get("action", "")
    path = _path(request.POST.get("path", ""))
    if action == "add":
        leaf = _condition(
            ctx, achievement, request.POST.get("condition", ""), request.POST.get("min_score", "")
        )
        return editing.add(rule, path, leaf)
    if rule is None:
        raise ApplicationError("no_rule", _("Add a first condition."), "condition")
    if action == "remove":
        return editing.remove(rule, path)
    if action in ("up", "down"):
        return editing.move(rule, path, -1 if action == "up" else 1)
    if action == "wrap":
        return editing.wrap(rule, path)
    if action == "group":
        number = request.POST.get("number", "")
        kind = request.POST.get("kind", "")
        return editing.regroup(
            rule,
            path,
            kind,
            n=_number(number, "number") if kind == "at_least" else None,
            target=_number(number, "number", whole=False) if kind == "credit_target" else None,
            days=_number(request.POST.get("days", ""), "days"),
        )
    raise ApplicationError("bad_action", _("Unknown change."), "action")


@org_view(*EDITORS)
@require_POST
def builder_edit(request: HttpRequest, ctx: OrgContext, achievement_id: int) -> HttpResponse:
    """One change to the rule tree (add, remove, move, put in a sub-group, change a group)."""
    achievement = _achievement_or_404(ctx, achievement_id)
    error = ""
    try:
        rule = _edited(request, ctx, achievement)
        services.award_rule_save(
            organisation=ctx.organisation, achievement=achievement, rule=rule, actor=ctx.user
        )
    except ApplicationError as failure:
        error = failure.message
    except InvalidInput as failure:
        error = "; ".join(p.message for p in failure.problems) or str(failure)
    if is_htmx(request):
        context = _builder_context(ctx, achievement, error)
        return render(
            request, "awards/partials/_builder.html", context, status=400 if error else 200
        )
    if error:
        messages.error(request, error)
    return redirect("awards:builder", slug=ctx.organisation.slug, achievement_id=achievement.pk)


@org_view(*EDITORS)
@require_POST
def builder_enable(request: HttpRequest, ctx: OrgContext, achievement_id: int) -> HttpResponse:
    achievement = _achievement_or_404(ctx, achievement_id)
    award_rule = selectors.award_rule_get(organisation=ctx.organisation, achievement=achievement)
    if award_rule is None or award_rule.rule is None:
        messages.error(request, _("Add a condition first."))
    else:
        enabled = request.POST.get("enabled") == "1"
        services.award_rule_save(
            organisation=ctx.organisation,
            achievement=achievement,
            rule=award_rule.rule,
            actor=ctx.user,
            enabled=enabled,
        )
        messages.success(
            request,
            _("Automatic issuing is on: everyone who qualifies receives the credential.")
            if enabled
            else _("Automatic issuing is off."),
        )
    return redirect("awards:builder", slug=ctx.organisation.slug, achievement_id=achievement.pk)


@org_view(*EDITORS)
@require_GET
def builder_preview(request: HttpRequest, ctx: OrgContext, achievement_id: int) -> HttpResponse:
    """Who would qualify now (everyone's progress), computed with the engine; no issuing."""
    achievement = _achievement_or_404(ctx, achievement_id)
    award_rule = selectors.award_rule_get(organisation=ctx.organisation, achievement=achievement)
    rule = award_rule.rule if award_rule else None
    rows = selectors.progress_for(organisation=ctx.organisation, rule=rule) if rule else []
    context = {
        "ctx": ctx,
        "achievement": achievement,
        "rows": rows[:PREVIEW_LIMIT],
        "total": len(rows),
        "qualified": sum(1 for r in rows if r.decision.earned),
    }
    return render(request, "awards/partials/_preview.html", context)


def _goals_context(ctx: OrgContext) -> dict[str, Any]:
    """The person's goals; credentials earned since they last looked are marked new once."""
    goals = selectors.goals_for(organisation=ctx.organisation, user=ctx.user)
    new_ids = {
        goal.award.pk
        for goal in goals
        if goal.award is not None and goal.award.credential_id and goal.award.seen_at is None
    }
    services.awards_mark_seen(organisation=ctx.organisation, user=ctx.user, award_ids=new_ids)
    return {"ctx": ctx, "goals": goals, "new_ids": new_ids}


@org_view()
def goals_mine(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    return render(request, "awards/goals.html", _goals_context(ctx))


@org_view()
def goals_partial(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """The goals list alone, for ``hx-get`` from the "My learning" page (headings one level
    down, under its "Credentials to earn" section)."""
    return render(request, "awards/partials/_goals.html", {**_goals_context(ctx), "nested": True})


@org_view(Role.MANAGER, Role.ADMIN)
def goals_team(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Managers see the teams they manage; admins see every team."""
    if ctx.has(Role.MANAGER):
        teams = list(org_selectors.teams_managed_by(membership=ctx.membership))
    else:
        teams = list(org_selectors.team_list(organisation=ctx.organisation))
    achievements, rows = selectors.team_progress(organisation=ctx.organisation, teams=teams)
    return render(
        request,
        "awards/team.html",
        {"ctx": ctx, "teams": teams, "achievements": achievements, "rows": rows},
    )
