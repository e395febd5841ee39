from __future__ import annotations

import json
import uuid

import pytest

from microcred_web.learning import imports, progress, records
from microcred_web.learning.models import Enrolment, ImmutableError, LearningRecord

from .conftest import answers_that_pass


def _learn(setup, enrol) -> Enrolment:
    enrolment = enrol()
    for module in setup.course.current_version.snapshot["modules"]:
        progress.module_complete(enrolment=enrolment, module_key=module["key"])
    attempt = progress.quiz_attempt_start(
        enrolment=enrolment, quiz_public_id=str(setup.quiz.public_id), language="en"
    )
    progress.quiz_attempt_submit(attempt=attempt, answers=answers_that_pass(attempt))
    return enrolment


def test_records_are_append_only(setup, enrol) -> None:
    _learn(setup, enrol)
    record = LearningRecord.objects.first()
    record.verb = records.VERB_FAILED
    with pytest.raises(ImmutableError):
        record.save()
    with pytest.raises(ImmutableError):
        record.delete()
    with pytest.raises(ImmutableError):
        LearningRecord.objects.filter(pk=record.pk).update(verb="x")
    with pytest.raises(ImmutableError):
        LearningRecord.objects.all().delete()
    assert LearningRecord.objects.get(pk=record.pk).verb != records.VERB_FAILED


def test_xapi_export_shape(client, setup, enrol) -> None:
    _learn(setup, enrol)
    client.force_login(setup.admin)
    response = client.get(f"/o/acme/learning/courses/{setup.course.pk}/xapi.json")
    statements = json.loads(response.content)
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]
    assert verbs[0] == "attempted" and "passed" in verbs and verbs[-1] == "completed"
    for statement in statements:
        uuid.UUID(statement["id"])
        assert statement["version"] == "1.0.3"
        assert statement["actor"]["objectType"] == "Agent"
        assert statement["actor"]["mbox_sha1sum"] == records.mbox_sha1("lee@acme.example")
        assert statement["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/")
        assert statement["object"]["objectType"] == "Activity"
        assert statement["object"]["id"].startswith("http://")
        assert statement["timestamp"].endswith("Z") and statement["stored"].endswith("Z")
    passed = next(s for s in statements if s["verb"]["id"].endswith("passed"))
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100}
    assert passed["result"]["success"] is True
    assert passed["object"]["definition"]["type"] == records.TYPE_ASSESSMENT
    membership = setup.learner.memberships.get()
    person = client.get(f"/o/acme/learning/people/{membership.pk}/xapi.json").json()
    assert len(person) == len(statements)


def _csv(rows: list[str]) -> bytes:
    return ("email,activity,verb,timestamp,score\n" + "\n".join(rows) + "\n").encode()


def test_csv_import_counts_completions_and_is_idempotent(setup, make_member) -> None:
    other = make_member(setup.org, "learner", email="kim@acme.example")
    data = _csv(
        [
            f"lee@acme.example,course:{setup.course.public_id},completed,2025-03-01T10:00:00Z,",
            f"kim@acme.example,{records.quiz_iri(setup.quiz.public_id)},passed,2025-03-02 09:00,90",
        ]
    )
    summary = imports.records_import(
        organisation=setup.org, actor=setup.admin, data=data, filename="x.csv"
    )
    assert (summary.imported, summary.completions, summary.skipped) == (2, 1, 0)
    enrolment = Enrolment.objects.get(user=setup.learner, course=setup.course)
    assert enrolment.completed_at.isoformat().startswith("2025-03-01T10:00")
    from microcred_web.learning.selectors import learning_facts

    facts = learning_facts(organisation=setup.org)
    assert facts[setup.learner.pk][0].ref == f"course:{setup.course.public_id}"
    assert facts[other.pk][0].score == 90.0
    again = imports.records_import(
        organisation=setup.org, actor=setup.admin, data=data, filename="x.csv"
    )
    assert (again.imported, again.skipped) == (0, 2)
    assert LearningRecord.objects.count() == 2


def test_csv_import_is_all_or_nothing_with_rows_named(client, setup) -> None:
    data = _csv(
        [
            f"lee@acme.example,course:{setup.course.public_id},completed,2025-03-01T10:00:00Z,",
            f"nobody@acme.example,course:{setup.course.public_id},completed,2025-03-01,",
            f"lee@acme.example,course:{uuid.uuid4()},jumped,yesterday,200",
        ]
    )
    with pytest.raises(imports.ImportRefused) as refused:
        imports.records_import(organisation=setup.org, actor=setup.admin, data=data, filename="x")
    named = [(p.row, p.field) for p in refused.value.problems]
    assert (3, "email") in named
    assert {(4, "activity"), (4, "verb"), (4, "timestamp"), (4, "score")} <= set(named)
    assert not LearningRecord.objects.exists()
    client.force_login(setup.admin)
    upload = __import__("io").BytesIO(data)
    upload.name = "records.csv"
    response = client.post("/o/acme/learning/records/import/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 3, email" in html and "Row 4, verb" in html
    assert not LearningRecord.objects.exists()


def test_xapi_json_import(setup) -> None:
    statement_id = str(uuid.uuid4())
    statements = [
        {
            "id": statement_id,
            "actor": {"mbox": "mailto:lee@acme.example"},
            "verb": {"id": records.VERB_COMPLETED},
            "object": {"id": records.course_iri(setup.course.public_id)},
            "timestamp": "2025-04-01T08:00:00+02:00",
        },
        {
            "id": str(uuid.uuid4()),
            "actor": {"mbox_sha1sum": records.mbox_sha1("lee@acme.example")},
            "verb": {"id": records.VERB_FAILED},
            "object": {"id": records.quiz_iri(setup.quiz.public_id)},
            "result": {"score": {"scaled": 0.5}},
            "timestamp": "2025-04-01T07:00:00Z",
        },
    ]
    data = json.dumps(statements).encode()
    summary = imports.records_import(
        organisation=setup.org, actor=setup.admin, data=data, filename="s.json"
    )
    assert (summary.imported, summary.completions) == (2, 1)
    assert LearningRecord.objects.filter(statement_id=statement_id, imported=True).exists()
    bad = json.dumps([{**statements[0], "id": "nope", "actor": {"mbox": "mailto:x@y.z"}}])
    with pytest.raises(imports.ImportRefused) as refused:
        imports.records_import(
            organisation=setup.org, actor=setup.admin, data=bad.encode(), filename="s.json"
        )
    assert {(p.row, p.field) for p in refused.value.problems} == {(1, "id"), (1, "actor.mbox")}
    assert LearningRecord.objects.count() == 2
