from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from microcred_web.learning import progress, services
from microcred_web.learning.models import Enrolment
from microcred_web.orgs.models import Membership


def test_admin_assigns_to_a_team_and_the_manager_sees_progress(client, setup) -> None:
    client.force_login(setup.admin)
    due = timezone.localdate() + timedelta(days=7)
    response = client.post(
        "/o/acme/learning/assign/",
        {"course": setup.course.pk, "team": setup.team.pk, "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=setup.learner)
    assert enrolment.due_date == due and enrolment.team == setup.team
    progress.module_complete(
        enrolment=enrolment, module_key=setup.course.current_version.snapshot["modules"][0]["key"]
    )
    client.force_login(setup.manager)
    html = client.get("/o/acme/learning/team/").content.decode()
    assert "Lee Learner" in html and "Safe lifting" in html
    assert 'value="50"' in html  # two of four blocks done
    assert "Overdue" not in html
    Enrolment.objects.filter(pk=enrolment.pk).update(due_date=timezone.localdate() - timedelta(1))
    html = client.get("/o/acme/learning/team/").content.decode()
    assert "is-overdue" in html and "Overdue" in html


def test_managers_assign_only_to_their_own_teams(client, setup, make_member) -> None:
    outsider = make_member(setup.org, "learner", email="out@acme.example", name="Otto Outsider")
    client.force_login(setup.manager)
    page = client.get("/o/acme/learning/assign/").content.decode()
    assert "Lee Learner" in page and "Otto Outsider" not in page
    otto = Membership.objects.get(user=outsider)
    response = client.post(
        "/o/acme/learning/assign/", {"course": setup.course.pk, "people": [otto.pk]}
    )
    assert response.status_code == 400
    assert not Enrolment.objects.filter(user=outsider).exists()


def test_my_learning_and_the_player(client, setup, enrol) -> None:
    enrolment = enrol()
    Enrolment.objects.filter(pk=enrolment.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(setup.learner)
    html = client.get("/o/acme/learning/my/").content.decode()
    assert "Safe lifting" in html and "Overdue" in html and 'value="0"' in html
    page = client.get(f"/o/acme/learning/my/{enrolment.pk}/").content.decode()
    assert "Module 1 of 2" in page and "Mark complete and continue" in page
    key = setup.course.current_version.snapshot["modules"][0]["key"]
    response = client.post(f"/o/acme/learning/my/{enrolment.pk}/modules/{key}/complete/")
    assert response["Location"].endswith("?module=2")
    assert "Start the quiz" in client.get(response["Location"]).content.decode()
    html = client.get("/o/acme/learning/my/").content.decode()
    assert 'value="50"' in html and "Continue" in html


def test_someone_elses_enrolment_is_404(client, setup, enrol, make_member) -> None:
    enrolment = enrol()
    other = make_member(setup.org, "learner", email="other@acme.example")
    client.force_login(other)
    assert client.get(f"/o/acme/learning/my/{enrolment.pk}/").status_code == 404


def test_self_enrolment(client, setup, make_member) -> None:
    walker = make_member(setup.org, "learner", email="walk@acme.example")
    client.force_login(walker)
    assert client.post(f"/o/acme/learning/enrol/{setup.course.pk}/").status_code == 302
    assert not Enrolment.objects.filter(user=walker).exists()  # not open to self-enrolment
    services.course_update(
        course=setup.course,
        actor=setup.admin,
        values={
            "title": "Safe lifting",
            "language": "en",
            "duration_minutes": 24,
            "credits": "2.5",
            "self_enrol": True,
        },
    )
    services.course_publish(course=setup.course, actor=setup.admin)
    assert "Open to you" in client.get("/o/acme/learning/my/").content.decode()
    response = client.post(f"/o/acme/learning/enrol/{setup.course.pk}/")
    assert "/learning/my/" in response["Location"]
    assert Enrolment.objects.get(user=walker).source == "self"
