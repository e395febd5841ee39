"""Team progress exports to CSV: the same rows the manager's "My team" page shows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.utils import timezone

from microcred_web.learning import progress
from microcred_web.learning.models import Enrolment
from microcred_web.orgs.models import Membership


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_manager_downloads_the_team_progress(client, setup) -> None:
    due = timezone.localdate() + timedelta(days=7)
    progress.enrolment_assign(
        organisation=setup.org,
        actor=setup.admin,
        course=setup.course,
        memberships=[Membership.objects.get(organisation=setup.org, user=setup.learner)],
        due_date=due,
        team=setup.team,
    )
    enrolment = Enrolment.objects.get(user=setup.learner)
    progress.module_complete(
        enrolment=enrolment, module_key=setup.course.current_version.snapshot["modules"][0]["key"]
    )
    client.force_login(setup.manager)
    page = client.get("/o/acme/learning/team/").content.decode()
    assert 'href="/o/acme/learning/team/progress.csv"' in page
    response = client.get("/o/acme/learning/team/progress.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "team-progress-acme-" in response["Content-Disposition"]
    header, *rows = _rows(response)
    assert header == [
        "Team",
        "Person",
        "E-mail",
        "Course",
        "Version",
        "Status",
        "Progress (%)",
        "Due date",
        "Completed on",
    ]
    assert rows == [
        [
            "Warehouse",
            "Lee Learner",
            "lee@acme.example",
            "Safe lifting",
            "1",
            "In progress",
            "50",
            due.isoformat(),
            "",
        ]
    ]


def test_only_managers_and_admins_of_the_organisation_export(client, setup, make_org, make_member):
    client.force_login(setup.learner)
    assert client.get("/o/acme/learning/team/progress.csv").status_code == 403
    outsider = make_member(make_org("globex"), "manager")
    client.force_login(outsider)
    assert client.get("/o/acme/learning/team/progress.csv").status_code == 404
