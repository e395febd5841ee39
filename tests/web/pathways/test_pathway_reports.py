"""Pathway reports (funnel, CSV), team assignment with due dates, revisions: issuing per pinned
version, and the migration preview and action; every page scoped to its organisation."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pathways_helpers import build_lead, credentials_of, issue, make_achievement

from microcred_web.awards.models import Award
from microcred_web.awards.selectors import goals_for
from microcred_web.orgs import services as org_services
from microcred_web.orgs.models import Membership
from microcred_web.pathways import reports, services
from microcred_web.pathways.models import Enrolment

pytestmark = pytest.mark.django_db


def url(name: str, org: Any, **kwargs: Any) -> str:
    return reverse(f"pathways:{name}", kwargs={"slug": org.slug, **kwargs})


def _published_lead(world: Any) -> Any:
    lead = build_lead(world.org, world.people["admin"])
    services.pathway_publish(pathway=lead.pathway, actor=lead.admin)
    return lead


def test_the_funnel_counts_each_step_and_exports_csv(client, world, make_member) -> None:
    lead = _published_lead(world)
    admin, learner = world.people["admin"], world.people["learner"]
    idle = make_member(world.org, "learner", email="idle@acme.example")
    services.pathway_enrol(pathway=lead.pathway, user=learner)
    services.pathway_enrol(pathway=lead.pathway, user=idle)
    for name in ("forklift", "lifting", "fire"):  # core and options done
        issue(world.org, admin, lead.parts[name], learner)
    client.force_login(world.people["issuer"])
    page = client.get(url("report", world.org, pathway_id=lead.pathway.pk)).content.decode()
    assert '<svg role="img"' in page and "<title id=" in page and "funnel-table" in page
    [report] = reports.pathway_report(pathway=lead.pathway, user_ids=None)
    assert [(b.label, b.count, b.stuck) for b in report.bars] == [
        ("Enrolled", 2, None),
        ("Core", 1, 1),  # the idle learner is stuck at the first step
        ("Options", 1, 0),
        ("Leading people", 0, 1),  # the other finished two steps and stopped here
        ("Completed", 0, None),
    ]
    assert report.bars[1].width == reports.CHART_WIDTH // 2
    assert report.bars[1].median_days == "0.0"  # earned right after enrolling
    exported = client.get(url("report_csv", world.org, pathway_id=lead.pathway.pk))
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0] == ["version", "stage", "learners", "share", "median_days", "stuck_here"]
    assert rows[2] == ["1", "Core", "1", "0.500", "0.0", "1"]


def test_csv_neutralises_formulas(client, world) -> None:
    admin = world.people["admin"]
    part = make_achievement(world.org, admin, "Part")
    goal = make_achievement(world.org, admin, "Goal")
    pathway = services.pathway_create(
        organisation=world.org, actor=admin, name="P", description="", goal=goal
    )
    services.pathway_step_add(
        pathway=pathway, actor=admin, title="=HYPERLINK(1)", kind="required", achievements=[part]
    )
    services.pathway_publish(pathway=pathway, actor=admin)
    services.pathway_enrol(pathway=pathway, user=world.people["learner"])
    client.force_login(admin)
    text = client.get(url("report_csv", world.org, pathway_id=pathway.pk)).content.decode()
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text
    assert reports.csv_cell("@x") == "'@x" and reports.csv_cell("ok") == "ok"


def test_a_manager_assigns_their_team_with_a_due_date_and_sees_only_their_team(
    client, world, make_member
) -> None:
    lead = _published_lead(world)
    learner, manager = world.people["learner"], world.people["manager"]
    outsider = make_member(world.org, "learner", email="outsider@acme.example")
    services.pathway_enrol(pathway=lead.pathway, user=outsider)
    other_team = org_services.team_create(
        organisation=world.org,
        name="Office",
        managers=[],
        members=[Membership.objects.get(organisation=world.org, user=outsider)],
    )
    due = timezone.localdate() + timedelta(days=30)
    client.force_login(manager)
    assigned = client.post(
        url("assign", world.org, pathway_id=lead.pathway.pk),
        {"team": world.team.pk, "due_date": due.isoformat()},
    )
    assert assigned.status_code == 302
    enrolment = Enrolment.objects.get(pathway=lead.pathway, user=learner)
    assert enrolment.due_date == due and enrolment.team == world.team
    assert enrolment.version == lead.pathway.published_version
    page = client.get(url("report", world.org, pathway_id=lead.pathway.pk)).content.decode()
    assert learner.email in page or learner.display_name in page
    shown = date_format(due, "SHORT_DATE_FORMAT")  # "7 Dec 2026": the locale's date form
    assert "outsider@acme.example" not in page and shown in page
    # a team the manager does not manage, and a due date in the past, are refused
    refused = client.post(
        url("assign", world.org, pathway_id=lead.pathway.pk), {"team": other_team.pk}
    )
    assert refused.status_code == 400
    assert not Enrolment.objects.filter(user=outsider, team=other_team).exists()
    past = client.post(
        url("assign", world.org, pathway_id=lead.pathway.pk),
        {"team": world.team.pk, "due_date": "2000-01-01"},
    )
    assert past.status_code == 400
    # the learner sees the due date on their map
    client.force_login(learner)
    map_page = client.get(url("map", world.org, public_id=lead.pathway.public_id)).content.decode()
    assert f"Due by {date_format(due, 'SHORT_DATE_FORMAT')}" in map_page
    # managers do not migrate; learners do not read reports
    assert client.get(url("report", world.org, pathway_id=lead.pathway.pk)).status_code == 403
    client.force_login(manager)
    assert client.get(url("migrate", world.org, pathway_id=lead.pathway.pk)).status_code == 403


def test_reports_of_another_organisation_are_invisible(client, world) -> None:
    lead = _published_lead(world)
    client.force_login(world.others["admin"])
    for name in ("report", "report_csv", "migrate"):
        assert client.get(url(name, world.other, pathway_id=lead.pathway.pk)).status_code == 404
        assert client.get(url(name, world.org, pathway_id=lead.pathway.pk)).status_code == 404
    other_team = org_services.team_create(organisation=world.other, name="Theirs", managers=[])
    assign = url("assign", world.other, pathway_id=lead.pathway.pk)
    assert client.post(assign, {"team": other_team.pk}).status_code == 404
    client.force_login(world.people["admin"])  # our admin cannot assign their team
    ours = client.post(
        url("assign", world.org, pathway_id=lead.pathway.pk), {"team": other_team.pk}
    )
    assert ours.status_code == 400 and not Enrolment.objects.exists()
    page = client.get(url("reports", world.other)).content.decode()
    assert "Warehouse Team Lead" not in page


def _revise_without_options(lead: Any) -> None:
    """Version 2: the options step is removed (the milestone then follows core alone)."""
    services.pathway_step_remove(pathway=lead.pathway, actor=lead.admin, step_id="options")
    services.pathway_publish(pathway=lead.pathway, actor=lead.admin)
    lead.pathway.refresh_from_db()


@pytest.mark.django_db(transaction=True)  # issuing reacts to committed credentials
def test_learners_keep_their_version_and_its_milestone_rule(world, make_member) -> None:
    lead = _published_lead(world)
    admin = lead.admin
    pinned = world.people["learner"]
    services.pathway_enrol(pathway=lead.pathway, user=pinned)  # version 1
    _revise_without_options(lead)
    newcomer = make_member(world.org, "learner", email="new-learner@acme.example")
    assert services.pathway_enrol(pathway=lead.pathway, user=newcomer).version.number == 2
    stranger = make_member(world.org, "learner", email="stranger@acme.example")
    for person in (pinned, newcomer, stranger):
        issue(world.org, admin, lead.parts["forklift"], person)
        issue(world.org, admin, lead.parts["lifting"], person)
    # version 2's milestone follows core: the newcomer and the unenrolled (award rule) earn it
    assert len(credentials_of(world.org, lead.parts["half"], newcomer)) == 1
    assert len(credentials_of(world.org, lead.parts["half"], stranger)) == 1
    # version 1 also asks for an option: the pinned learner has not earned it yet
    assert credentials_of(world.org, lead.parts["half"], pinned) == []
    # and their goals page explains the rule of their version, not the latest one
    [goal] = [
        g
        for g in goals_for(organisation=world.org, user=pinned)
        if g.achievement == lead.parts["half"]
    ]
    assert not goal.decision.earned and "First aid" in goal.summary
    issue(world.org, admin, lead.parts["first-aid"], pinned)
    assert len(credentials_of(world.org, lead.parts["half"], pinned)) == 1


def test_migration_previews_gains_and_losses_then_moves_the_learners(
    client, world, make_member, django_capture_on_commit_callbacks
) -> None:
    lead = _published_lead(world)
    admin = lead.admin
    gainer = world.people["learner"]
    loser = make_member(world.org, "learner", email="loser@acme.example")
    for person in (gainer, loser):
        services.pathway_enrol(pathway=lead.pathway, user=person)
    for name in ("forklift", "lifting"):  # core done: 1 of 3 steps on v1, 1 of 2 on v2
        issue(world.org, admin, lead.parts[name], gainer)
    issue(world.org, admin, lead.parts["fire"], loser)  # options: 1 of 3 on v1, 0 of 2 on v2
    _revise_without_options(lead)
    assert credentials_of(world.org, lead.parts["half"], gainer) == []  # pinned to v1
    client.force_login(admin)
    migrate = url("migrate", world.org, pathway_id=lead.pathway.pk)
    page = client.get(migrate).content.decode()
    assert "1 gain progress, 1 lose progress" in page
    preview = reports.migration_preview(pathway=lead.pathway)
    verdicts = {m.enrolment.user_id: m.change.verdict for m in preview.moves}
    assert verdicts == {gainer.pk: "gains", loser.pk: "loses"}
    assert preview.fingerprint in page
    # a stale or missing preview is refused: nothing moves
    stale = client.post(migrate, {"fingerprint": "0" * 32})
    assert stale.status_code == 409
    assert set(Enrolment.objects.values_list("version__number", flat=True)) == {1}
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(migrate, {"fingerprint": preview.fingerprint})
    assert moved.status_code == 302
    assert set(Enrolment.objects.values_list("version__number", flat=True)) == {2}
    # on version 2 the milestone follows core alone: the evaluation after the move issues it
    assert len(credentials_of(world.org, lead.parts["half"], gainer)) == 1
    assert Award.objects.filter(user=gainer, achievement=lead.parts["half"]).count() == 1
    assert "Every learner is on the published version" in client.get(migrate).content.decode()


def test_managers_find_their_team_pathways_in_the_navigation(client, world) -> None:
    client.force_login(world.people["manager"])
    page = client.get(reverse("orgs:dashboard", kwargs={"slug": world.org.slug})).content.decode()
    assert f'href="{url("reports", world.org)}"' in page
    client.force_login(world.people["learner"])
    page = client.get(reverse("orgs:dashboard", kwargs={"slug": world.org.slug})).content.decode()
    assert f'href="{url("reports", world.org)}"' not in page


def test_the_report_shows_each_published_versions_rules_and_learners(
    client: Any, world: Any, make_member: Any
) -> None:
    """Which rule each learner is judged by: per published version, the learners pinned to it
    and the compiled rule of its milestone and goal; the manager's team matrix agrees."""
    from microcred_web.awards.selectors import team_progress

    lead = _published_lead(world)
    learner = world.people["learner"]  # in the manager's team
    services.pathway_enrol(pathway=lead.pathway, user=learner)  # version 1
    _revise_without_options(lead)
    newcomer = make_member(world.org, "learner", email="new-learner@acme.example")
    services.pathway_enrol(pathway=lead.pathway, user=newcomer)  # version 2
    client.force_login(world.people["admin"])
    page = client.get(url("report", world.org, pathway_id=lead.pathway.pk)).content.decode()
    matrix = page.split('id="version-rules"', 1)[1].split("</section>", 1)[0]
    v2, v1 = matrix.split('id="rules-v2"', 1)[1].split('id="rules-v1"', 1)
    assert "new enrolments get it" in v2 and "new enrolments get it" not in v1
    assert 'data-label="Learners on it">1<' in v1 and 'data-label="Learners on it">1<' in v2
    # version 1's milestone also asks for an option; version 2's follows core alone
    assert "<strong>Team lead: foundations</strong>: Complete all of:" in v1
    assert "First aid" in v1.split("Warehouse Team Lead Certificate")[0]
    assert "First aid" not in v2.split("Warehouse Team Lead Certificate")[0]
    assert "<strong>Warehouse Team Lead Certificate</strong>" in v2
    # a manager counts only the members of their teams
    client.force_login(world.people["manager"])
    page = client.get(url("report", world.org, pathway_id=lead.pathway.pk)).content.decode()
    matrix = page.split('id="version-rules"', 1)[1].split("</section>", 1)[0]
    v2, v1 = matrix.split('id="rules-v2"', 1)[1].split('id="rules-v1"', 1)
    assert 'data-label="Learners on it">1<' in v1 and 'data-label="Learners on it">0<' in v2
    # the team matrix judges the pinned learner by version 1: core alone is not enough
    for part in ("forklift", "lifting"):
        issue(world.org, lead.admin, lead.parts[part], learner)
    achievements, rows = team_progress(organisation=world.org, teams=[world.team])
    column = achievements.index(lead.parts["half"])
    [(person, decisions)] = rows
    assert person == learner and not decisions[column].earned
    issue(world.org, lead.admin, lead.parts["first-aid"], learner)
    [(_person, decisions)] = team_progress(organisation=world.org, teams=[world.team])[1]
    assert decisions[column].earned
