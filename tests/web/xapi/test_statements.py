"""The xAPI statement endpoint over real HTTP, driven by the LRS client in
tests/counterparts/lrs_client.py: version header, Basic auth, idempotent ids, atomic batches,
voiding, cross-organisation isolation, and a completion that earns a credential."""

from __future__ import annotations

import uuid

import pytest
from tests.counterparts.lrs_client import LrsClient, statement
from tests.web.learning.conftest import build_course

from microcred_web.learning import records
from microcred_web.learning.models import Enrolment, LearningRecord, RecordFact
from microcred_web.xapi import clients
from microcred_web.xapi.activities import module_iri
from microcred_web.xapi.models import NotApplied, XapiStatement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lrs(settings, live_server, make_org, make_member):
    settings.BASE_URL = live_server.url
    org = make_org("acme", "Acme Training")
    admin = make_member(org, "admin", "issuer", email="admin@acme.example")
    learner = make_member(org, "learner", email="lee@acme.example")
    course, quiz = build_course(org, admin)
    client, secret = clients.client_create(organisation=org, name="Authoring tool", actor=admin)
    lrs = LrsClient(f"{live_server.url}/xapi/", client.key, secret)
    return type(
        "Lrs",
        (),
        {
            "org": org,
            "admin": admin,
            "learner": learner,
            "course": course,
            "quiz": quiz,
            "client": lrs,
            "url": live_server.url,
            "make_org": make_org,
            "make_member": make_member,
        },
    )


def test_about_answers_without_credentials(lrs) -> None:
    lrs.client.version = None
    reply = lrs.client.about()
    assert reply.status == 200
    assert "1.0.3" in reply.body["version"]


@pytest.mark.parametrize("version", [None, "0.95", "3.0.0", "1.0.x"])
def test_a_missing_or_unsupported_version_header_is_refused(lrs, version) -> None:
    lrs.client.version = version
    reply = lrs.client.post(
        statement(
            email="lee@acme.example",
            verb="completed",
            activity=records.course_iri(lrs.course.public_id),
        )
    )
    assert reply.status == 400
    assert reply.body["field"] == "X-Experience-API-Version"
    assert not XapiStatement.objects.exists()


def test_version_2_is_accepted_and_echoed(lrs) -> None:
    lrs.client.version = "2.0.0"
    reply = lrs.client.post(
        statement(email="lee@acme.example", verb="experienced", activity="https://tool.example/a")
    )
    assert reply.status == 200
    assert reply.headers["X-Experience-API-Version"] == "2.0.0"


def test_wrong_or_revoked_credentials_are_refused(lrs) -> None:
    good = LrsClient(lrs.client.endpoint, lrs.client.key, lrs.client.secret)
    lrs.client.secret = "wrong"
    reply = lrs.client.post(
        statement(
            email="lee@acme.example",
            verb="completed",
            activity=records.course_iri(lrs.course.public_id),
        )
    )
    assert reply.status == 401
    assert "Basic" in reply.headers["WWW-Authenticate"]
    client = clients.client_list(organisation=lrs.org).get()
    clients.client_revoke(client=client, actor=lrs.admin)
    assert good.get(str(uuid.uuid4())).status == 401


def test_a_course_completion_is_stored_applied_and_read_back(lrs) -> None:
    sent = statement(
        email="LEE@acme.example",
        verb="completed",
        activity=records.course_iri(lrs.course.public_id),
    )
    reply = lrs.client.post(sent)
    assert reply.status == 200 and reply.body == [sent["id"]]
    record = LearningRecord.objects.get(statement_id=sent["id"])
    assert record.user == lrs.learner and record.fact == RecordFact.COURSE_COMPLETED
    assert Enrolment.objects.get(user=lrs.learner, course=lrs.course).completed_at is not None
    back = lrs.client.get(sent["id"])
    assert back.status == 200
    assert back.body["actor"] == sent["actor"] and back.body["stored"]
    assert back.body["authority"]["account"]["name"] == lrs.client.key


def test_a_quiz_score_becomes_a_quiz_result(lrs) -> None:
    sent = statement(
        email="lee@acme.example",
        verb="scored",
        activity=records.quiz_iri(lrs.quiz.public_id),
        result={"score": {"raw": 45, "min": 0, "max": 50}, "success": True},
    )
    assert lrs.client.post([sent]).status == 200
    record = LearningRecord.objects.get(statement_id=sent["id"])
    assert record.fact == RecordFact.QUIZ_COMPLETED
    assert record.result["score"]["raw"] == 90.0 and record.result["success"] is True


def test_a_module_completion_moves_the_learner_on(lrs) -> None:
    module = lrs.course.modules.first()
    sent = statement(
        email="lee@acme.example",
        verb="completed",
        activity=module_iri(lrs.course.public_id, module.key),
    )
    assert lrs.client.post(sent).status == 200
    enrolment = Enrolment.objects.get(user=lrs.learner, course=lrs.course)
    assert len(enrolment.completed_blocks) == module.blocks.count()


def test_put_is_idempotent_and_a_different_body_conflicts(lrs) -> None:
    statement_id = str(uuid.uuid4())
    sent = statement(
        email="lee@acme.example",
        verb="completed",
        activity=records.course_iri(lrs.course.public_id),
        statement_id=statement_id,
    )
    assert lrs.client.put(statement_id, sent).status == 204
    assert lrs.client.put(statement_id, sent).status == 204
    assert lrs.client.post(sent).status == 200
    changed = {**sent, "verb": {"id": records.VERB_FAILED}}
    conflict = lrs.client.put(statement_id, changed)
    assert conflict.status == 409
    assert XapiStatement.objects.filter(statement_id=statement_id).count() == 1
    assert LearningRecord.objects.filter(statement_id=statement_id).count() == 1


def test_a_bad_statement_refuses_the_whole_batch_naming_the_field(lrs) -> None:
    good = statement(
        email="lee@acme.example",
        verb="completed",
        activity=records.course_iri(lrs.course.public_id),
    )
    bad = statement(
        email="lee@acme.example",
        verb="scored",
        activity=records.quiz_iri(lrs.quiz.public_id),
        result={"score": {"scaled": 1.5}},
    )
    reply = lrs.client.post([good, bad])
    assert reply.status == 400
    assert {"field": "[1].result.score.scaled", "message": "must be between -1 and 1"} in (
        reply.body["problems"]
    )
    assert not XapiStatement.objects.exists() and not LearningRecord.objects.exists()
    no_actor = lrs.client.post(
        {"verb": {"id": records.VERB_COMPLETED}, "object": {"id": "https://x.example/a"}}
    )
    assert no_actor.status == 400 and no_actor.body["problems"][0]["field"] == "actor"


def test_voiding_hides_the_statement_but_keeps_it_by_voided_id(lrs) -> None:
    sent = statement(
        email="lee@acme.example", verb="experienced", activity="https://tool.example/video/1"
    )
    lrs.client.post(sent)
    assert lrs.client.void(sent["id"], sent["actor"]).status == 200
    assert lrs.client.get(sent["id"]).status == 404
    assert lrs.client.get(sent["id"], voided=True).body["id"] == sent["id"]
    missing = lrs.client.void(str(uuid.uuid4()), sent["actor"])
    assert missing.status == 400 and missing.body["field"] == "object.id"


def test_unknown_people_and_activities_are_stored_not_applied(lrs) -> None:
    other = lrs.make_org("globex", "Globex")
    lrs.make_member(other, "learner", email="gil@globex.example")
    outsider = statement(
        email="gil@globex.example",
        verb="completed",
        activity=records.course_iri(lrs.course.public_id),
    )
    elsewhere = statement(
        email="lee@acme.example", verb="completed", activity="https://tool.example/course/9"
    )
    assert lrs.client.post([outsider, elsewhere]).status == 200
    reasons = dict(XapiStatement.objects.values_list("statement_id", "not_applied"))
    assert reasons[uuid.UUID(outsider["id"])] == NotApplied.UNKNOWN_ACTOR
    assert reasons[uuid.UUID(elsewhere["id"])] == NotApplied.UNKNOWN_ACTIVITY
    assert not LearningRecord.objects.exists()


def test_another_organisations_client_sees_and_touches_nothing_here(lrs) -> None:
    other = lrs.make_org("globex", "Globex")
    admin = lrs.make_member(other, "admin", email="ada@globex.example")
    theirs, secret = clients.client_create(organisation=other, name="Their LMS", actor=admin)
    spy = LrsClient(lrs.client.endpoint, theirs.key, secret)
    sent = statement(
        email="lee@acme.example",
        verb="completed",
        activity=records.course_iri(lrs.course.public_id),
    )
    assert lrs.client.post(sent).status == 200
    assert spy.get(sent["id"]).status == 404
    assert spy.get(sent["id"], voided=True).status == 404
    assert spy.void(sent["id"], sent["actor"]).status == 400
    # their statement naming our learner and course is kept for them, never applied to us
    forged = statement(
        email="lee@acme.example",
        verb="completed",
        activity=records.course_iri(lrs.course.public_id),
    )
    assert spy.post(forged).status == 200
    assert XapiStatement.objects.get(statement_id=forged["id"]).not_applied == (
        NotApplied.UNKNOWN_ACTOR
    )
    assert LearningRecord.objects.filter(organisation=other).count() == 0
    assert spy.get(sent["id"]).status == 404


def test_an_xapi_completion_earns_the_credential_of_the_award_rule(lrs) -> None:
    from microcred.rules import CourseCompleted
    from microcred_web.achievements import services as achievement_services
    from microcred_web.awards import services as award_services
    from microcred_web.issuing.models import Credential

    achievement = achievement_services.achievement_create(
        organisation=lrs.org,
        actor=lrs.admin,
        values={
            "name": "Safe lifter",
            "description": "Lifts safely.",
            "criteria": "Completes **Safe lifting**.",
            "achievement_type": "Badge",
        },
    )
    achievement_services.achievement_publish(achievement=achievement, actor=lrs.admin)
    award_services.award_rule_save(
        organisation=lrs.org,
        achievement=achievement,
        rule=CourseCompleted(f"course:{lrs.course.public_id}", lrs.course.title),
        actor=lrs.admin,
        enabled=True,
    )
    sent = statement(
        email="lee@acme.example",
        verb="completed",
        activity=records.course_iri(lrs.course.public_id),
    )
    assert lrs.client.post(sent).status == 200
    earned = Credential.objects.filter(
        organisation=lrs.org, achievement_version__achievement=achievement
    )
    assert earned.filter(recipient_user=lrs.learner).count() == 1


def test_a_statement_and_its_voiding_in_one_batch(lrs) -> None:
    sent = statement(email="lee@acme.example", verb="experienced", activity="https://t.example/1")
    voiding = {
        "actor": sent["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": sent["id"]},
    }
    reply = lrs.client.post([sent, voiding])
    assert reply.status == 200 and len(reply.body) == 2
    assert lrs.client.get(sent["id"]).status == 404
    assert lrs.client.get(sent["id"], voided=True).status == 200


def test_a_module_not_published_yet_is_stored_not_applied(lrs) -> None:
    from microcred_web.learning import services as learning_services

    draft = learning_services.module_create(course=lrs.course, actor=lrs.admin, title="Draft")
    sent = statement(
        email="lee@acme.example",
        verb="completed",
        activity=module_iri(lrs.course.public_id, draft.key),
    )
    assert lrs.client.post(sent).status == 200
    stored = XapiStatement.objects.get(statement_id=sent["id"])
    assert stored.not_applied == NotApplied.UNKNOWN_ACTIVITY
    assert not LearningRecord.objects.filter(statement_id=sent["id"]).exists()
