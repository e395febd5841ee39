"""Referees of an RPL claim confirm or decline their statement themselves, through a
single-use, expiring link e-mailed at submit; the assessor sees the answer."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.core import mail
from django.test import Client
from django.utils import timezone

from microcred_web.assessments.models import RefereeRequest, RefereeStatus
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent


def _submit_with_referee(client, world, rpl, capture, email: str = "pat@example.org") -> int:
    learner = world.people["learner"]
    client.force_login(learner)
    start = client.post(f"/o/acme/evidence/start/{rpl.pk}/")
    assessment_id = int(re.search(r"/evidence/(\d+)/", start["Location"]).group(1))
    data = {
        "action": "submit",
        "prior_learning": "Ten years as a rigger; NVQ level 3.",
        "referee-0-name": "Pat Lee",
        "referee-0-role": "Site manager",
        "referee-0-email": email,
        "referee-0-statement": "Lifts safely every day.",
        **{f"reflection-{c.public_id}": "Ten years" for c in rpl.criteria.all()},
    }
    with capture(execute=True):
        response = client.post(f"/o/acme/evidence/{assessment_id}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return assessment_id


def _referee_path(address: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [address]]
    found = re.search(r'id="email-button" href="([^"]+)"', message.alternatives[0][0])
    return urlsplit(found.group(1)).path


def test_referee_confirms_in_their_own_words_and_the_assessor_sees_it(
    client, world, rpl, branded_email, django_capture_on_commit_callbacks
) -> None:
    assessment_id = _submit_with_referee(client, world, rpl, django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if m.to == ["pat@example.org"]]
    branded_email(
        message,
        greeting="Hello Pat Lee,",
        button_path="/referee/",
        organisation=world.org,
        essential=True,
        preferences=False,
    )
    assert message.subject == "Test Person named you as a referee"
    request = RefereeRequest.objects.get(assessment_id=assessment_id)
    path = _referee_path("pat@example.org")
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert request.token_hash != token and token not in request.token_hash  # only a hash kept
    referee = Client(enforce_csrf_checks=False)
    page = referee.get(path)
    assert page.status_code == 200 and "Lifts safely every day." in page.content.decode()
    assert "Ten years as a rigger" in page.content.decode()
    # the assessor sees "awaiting" before the answer
    assessor = Client()
    assessor.force_login(world.people["assessor"])
    before = assessor.get(f"/o/acme/assessments/{assessment_id}/").content.decode()
    assert "Awaiting the referee" in before
    answered = referee.post(
        path, {"answer": "confirm", "statement": "I supervised Lee for 3 years: always safe."}
    )
    assert answered.status_code == 200 and 'id="referee-answer"' in answered.content.decode()
    request.refresh_from_db()
    assert request.status == RefereeStatus.CONFIRMED
    assert request.statement == "I supervised Lee for 3 years: always safe."
    assert AuditEvent.objects.filter(action="assessments.referee_confirmed").exists()
    review = assessor.get(f"/o/acme/assessments/{assessment_id}/").content.decode()
    assert "Confirmed by the referee on" in review
    assert "I supervised Lee for 3 years: always safe." in review
    # single use: a second answer is refused and changes nothing
    again = referee.post(path, {"answer": "decline", "statement": ""})
    assert again.status_code == 409
    request.refresh_from_db()
    assert request.status == RefereeStatus.CONFIRMED
    # the learner sees the answer too; an assessor of another organisation does not
    outsider = Client()
    outsider.force_login(world.others["assessor"])
    assert outsider.get(f"/o/acme/assessments/{assessment_id}/").status_code == 404


def test_referee_declines_and_confirming_needs_words(
    client, world, rpl, django_capture_on_commit_callbacks
) -> None:
    assessment_id = _submit_with_referee(client, world, rpl, django_capture_on_commit_callbacks)
    path = _referee_path("pat@example.org")
    empty = Client().post(path, {"answer": "confirm", "statement": "  "})
    assert empty.status_code == 400 and 'id="referee-error"' in empty.content.decode()
    declined = Client().post(path, {"answer": "decline", "statement": "I never worked with Lee."})
    assert declined.status_code == 200
    assessor = Client()
    assessor.force_login(world.people["assessor"])
    review = assessor.get(f"/o/acme/assessments/{assessment_id}/").content.decode()
    assert "Declined by the referee on" in review and "I never worked with Lee." in review


def test_expired_forged_and_resubmitted_links(
    client, world, rpl, django_capture_on_commit_callbacks
) -> None:
    assessment_id = _submit_with_referee(client, world, rpl, django_capture_on_commit_callbacks)
    path = _referee_path("pat@example.org")
    assert Client().get("/referee/forged-token/").status_code == 404
    RefereeRequest.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert Client().get(path).status_code == 410
    assert Client().post(path, {"answer": "confirm", "statement": "Yes"}).status_code == 410
    assert RefereeRequest.objects.get().status == RefereeStatus.AWAITING
    # a referee is asked once per claim, even when the learner resubmits
    assert RefereeRequest.objects.filter(assessment_id=assessment_id).count() == 1


def test_a_referee_needs_an_e_mail_or_a_statement(world, rpl) -> None:
    from microcred_web.assessments import services

    assessment = services.assessment_start(requirement=rpl, learner=world.people["learner"])
    for referee, field in (
        ({"name": "Pat"}, "referees[0]"),
        ({"name": "Pat", "email": "not-an-address"}, "referees[0]"),
    ):
        try:
            services.assessment_draft_save(
                assessment=assessment,
                actor=world.people["learner"],
                reflections={},
                referees=[referee],
            )
        except ApplicationError as error:
            assert error.field == field
        else:
            raise AssertionError(f"accepted {referee}")


def test_the_demo_shows_a_claim_with_a_confirmed_and_an_awaited_referee(client, db) -> None:
    from io import StringIO

    from django.core.management import call_command

    from microcred_web.accounts.models import User

    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # twice changes nothing
    [claim] = RefereeRequest.objects.filter(status=RefereeStatus.CONFIRMED)
    assert RefereeRequest.objects.filter(assessment=claim.assessment).count() == 2
    client.force_login(User.objects.get(email="assessor@northwind.example"))
    page = client.get(f"/o/northwind/assessments/{claim.assessment_id}/").content.decode()
    assert "Confirmed by the referee on" in page and "Awaiting the referee" in page
