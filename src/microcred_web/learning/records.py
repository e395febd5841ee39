"""The learning record: xAPI-shaped statements, written once, exported as xAPI 1.0.3 JSON.

Activity IRIs are stable: ``{BASE_URL}/learning/courses/<uuid>`` for a course (its blocks under
``/blocks/<key>``) and ``{BASE_URL}/learning/quizzes/<uuid>`` for a quiz. Verbs come from the
ADL vocabulary.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.learning.models import Course, LearningRecord, Quiz, RecordFact
from microcred_web.orgs.models import Organisation

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
VERB_ATTEMPTED = ADL_VERBS + "attempted"
VERB_COMPLETED = ADL_VERBS + "completed"
VERB_PASSED = ADL_VERBS + "passed"
VERB_FAILED = ADL_VERBS + "failed"
VERBS = {
    "attempted": VERB_ATTEMPTED,
    "completed": VERB_COMPLETED,
    "passed": VERB_PASSED,
    "failed": VERB_FAILED,
}
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
TYPE_COURSE = ADL_ACTIVITIES + "course"
TYPE_LESSON = ADL_ACTIVITIES + "lesson"
TYPE_ASSESSMENT = ADL_ACTIVITIES + "assessment"
XAPI_VERSION = "1.0.3"


def _base() -> str:
    return str(settings.BASE_URL).rstrip("/")


def course_iri(course_public_id: Any) -> str:
    return f"{_base()}/learning/courses/{course_public_id}"


def block_iri(course_public_id: Any, block_key: str) -> str:
    return f"{course_iri(course_public_id)}/blocks/{block_key}"


def quiz_iri(quiz_public_id: Any) -> str:
    return f"{_base()}/learning/quizzes/{quiz_public_id}"


def mbox_sha1(email: str) -> str:
    """The xAPI ``mbox_sha1sum`` of an e-mail address."""
    return hashlib.sha1(f"mailto:{email.strip().lower()}".encode()).hexdigest()  # noqa: S324 - xAPI defines SHA-1 here


def score_result(*, score: float, passed: bool | None, completion: bool = True) -> dict[str, Any]:
    """An xAPI result for a 0–100 score."""
    result: dict[str, Any] = {
        "score": {"scaled": round(score / 100, 4), "raw": score, "min": 0, "max": 100},
        "completion": completion,
    }
    if passed is not None:
        result["success"] = passed
    return result


def record_write(
    *,
    organisation: Organisation,
    user: User,
    verb: str,
    object_id: str,
    object_name: str = "",
    object_type: str = "",
    course: Course | None = None,
    quiz: Quiz | None = None,
    result: dict[str, Any] | None = None,
    fact: str = RecordFact.NONE,
    timestamp: datetime | None = None,
    statement_id: uuid.UUID | None = None,
    imported: bool = False,
) -> LearningRecord:
    """Append one statement (call inside the transaction of the change it records)."""
    return LearningRecord.objects.create(
        organisation=organisation,
        statement_id=statement_id or uuid.uuid4(),
        user=user,
        actor_mbox_sha1=mbox_sha1(user.email),
        verb=verb,
        object_id=object_id,
        object_name=object_name[:300],
        object_type=object_type,
        course=course,
        quiz=quiz,
        result=result or {},
        fact=fact,
        timestamp=timestamp or timezone.now(),
        imported=imported,
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def statement_json(record: LearningRecord) -> dict[str, Any]:
    """The record as an xAPI 1.0.3 statement."""
    user = record.user
    activity: dict[str, Any] = {"objectType": "Activity", "id": record.object_id}
    definition: dict[str, Any] = {}
    if record.object_name:
        language = record.course.language if record.course is not None else "en"
        definition["name"] = {language: record.object_name}
    if record.object_type:
        definition["type"] = record.object_type
    if definition:
        activity["definition"] = definition
    statement: dict[str, Any] = {
        "id": str(record.statement_id),
        "actor": {
            "objectType": "Agent",
            "name": user.display_name or user.email,
            "mbox_sha1sum": record.actor_mbox_sha1,
        },
        "verb": {"id": record.verb, "display": {"en-US": record.verb.rsplit("/", 1)[-1]}},
        "object": activity,
        "timestamp": _iso(record.timestamp),
        "stored": _iso(record.stored),
        "version": XAPI_VERSION,
    }
    if record.result:
        statement["result"] = record.result
    return statement


def records_for_export(
    *, organisation: Organisation, course: Course | None = None, user_id: int | None = None
) -> QuerySet[LearningRecord]:
    queryset = LearningRecord.objects.filter(organisation=organisation).select_related(
        "user", "course"
    )
    if course is not None:
        queryset = queryset.filter(course=course) | LearningRecord.objects.filter(
            organisation=organisation, quiz__course=course
        ).select_related("user", "course")
    if user_id is not None:
        queryset = queryset.filter(user_id=user_id)
    return queryset.order_by("timestamp", "pk")


def statements_export(
    *, organisation: Organisation, course: Course | None = None, user_id: int | None = None
) -> list[dict[str, Any]]:
    records = records_for_export(organisation=organisation, course=course, user_id=user_id)
    return [statement_json(record) for record in records]
