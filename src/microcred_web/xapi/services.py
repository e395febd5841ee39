"""The LRS writes: store statements (idempotent by id, atomic per request), apply the ones
about this organisation's members and activities to the learning record, void statements."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.learning import progress, records
from microcred_web.learning.models import Enrolment, LearningRecord, RecordFact
from microcred_web.learning.signals import learning_recorded_on_commit
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.xapi.activities import Activity, activity_find, actor_find
from microcred_web.xapi.models import NotApplied, XapiClient, XapiStatement
from microcred_web.xapi.statements import VERB_SCORED, VERB_VOIDED, Statement, parse_uuid

COUNTED_VERBS = {records.VERB_COMPLETED, records.VERB_PASSED, records.VERB_FAILED, VERB_SCORED}


@dataclass
class Lookups:
    """Actors and activities already resolved in this request (batches repeat them)."""

    actors: dict[str, User | None] = field(default_factory=dict)
    activities: dict[str, Activity | None] = field(default_factory=dict)
    #: people whose learning record changed (award rules re-run once per request)
    learned: set[int] = field(default_factory=set)

    def actor(self, organisation: Organisation, actor: dict[str, Any]) -> User | None:
        key = json.dumps(actor, sort_keys=True)
        if key not in self.actors:
            self.actors[key] = actor_find(organisation=organisation, actor=actor)
        return self.actors[key]

    def activity(self, organisation: Organisation, object_id: str) -> Activity | None:
        if object_id not in self.activities:
            self.activities[object_id] = activity_find(
                organisation=organisation, object_id=object_id
            )
        return self.activities[object_id]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _conflict(statement_id: uuid.UUID) -> ApplicationError:
    return ApplicationError(
        "conflict",
        _("Statement %(id)s is already stored with different content.") % {"id": statement_id},
        field="id",
        status=409,
    )


def _score_percent(result: dict[str, Any]) -> float | None:
    score = result.get("score") or {}
    if score.get("scaled") is not None:
        return round(max(0.0, float(score["scaled"])) * 100, 1)
    raw, low, high = score.get("raw"), score.get("min", 0), score.get("max")
    if raw is not None and high is not None and high > low:
        return round(100 * (float(raw) - float(low)) / (float(high) - float(low)), 1)
    return None


def _enrolment(organisation: Organisation, user: User, activity: Activity) -> Enrolment | None:
    enrolment = Enrolment.objects.filter(course=activity.course, user=user).first()
    if enrolment is None and activity.course.is_published:
        membership = Membership.objects.get(organisation=organisation, user=user)
        progress.enrolment_assign(
            organisation=organisation,
            actor=None,
            course=activity.course,
            memberships=[membership],
            due_date=None,
            notify=False,
        )
        enrolment = Enrolment.objects.filter(course=activity.course, user=user).first()
    return enrolment


def _module_in(enrolment: Enrolment, module_key: str) -> bool:
    snapshot = progress.enrolment_snapshot(enrolment)
    return any(module["key"] == module_key for module in snapshot["modules"])


def _apply(
    organisation: Organisation,
    statement: Statement,
    statement_id: uuid.UUID,
    at: datetime,
    lookups: Lookups,
) -> str:
    """Write the learning record for one statement; the reason when it is not applied."""
    if statement.verb == VERB_VOIDED:
        return NotApplied.VOIDING
    user = lookups.actor(organisation, statement.actor)
    if user is None:
        return NotApplied.UNKNOWN_ACTOR
    activity = lookups.activity(organisation, statement.object_id)
    if activity is None:
        return NotApplied.UNKNOWN_ACTIVITY
    if statement.verb not in COUNTED_VERBS:
        return NotApplied.VERB
    fact, result = RecordFact.NONE, dict(statement.result)
    if activity.quiz is not None:
        score = _score_percent(statement.result)
        if score is None:
            return NotApplied.NO_SCORE
        passed = {records.VERB_PASSED: True, records.VERB_FAILED: False}.get(
            statement.verb, statement.result.get("success")
        )
        fact, result = RecordFact.QUIZ_COMPLETED, records.score_result(score=score, passed=passed)
    elif not activity.module_key and statement.verb in (
        records.VERB_COMPLETED,
        records.VERB_PASSED,
    ):
        fact, result = RecordFact.COURSE_COMPLETED, {**result, "completion": True}
    elif activity.module_key and statement.verb != records.VERB_COMPLETED:
        return NotApplied.VERB
    enrolment = None
    if activity.module_key:
        enrolment = _enrolment(organisation, user, activity)
        if enrolment is None or not _module_in(enrolment, activity.module_key):
            return NotApplied.UNKNOWN_ACTIVITY  # a draft module learners cannot take yet
    taken = LearningRecord.objects.filter(statement_id=statement_id).exists()
    records.record_write(
        organisation=organisation,
        user=user,
        verb=statement.verb,
        object_id=statement.object_id,
        object_name=activity.quiz.title if activity.quiz else activity.course.title,
        object_type=records.TYPE_ASSESSMENT if activity.quiz else records.TYPE_COURSE,
        course=activity.course,
        quiz=activity.quiz,
        result=result,
        fact=fact,
        timestamp=statement.timestamp or at,
        statement_id=uuid.uuid4() if taken else statement_id,
        imported=True,
    )
    if fact == RecordFact.COURSE_COMPLETED:
        progress.enrolment_complete_imported(
            organisation=organisation,
            user=user,
            course=activity.course,
            at=statement.timestamp or at,
        )
    elif enrolment is not None:
        progress.module_complete(enrolment=enrolment, module_key=activity.module_key)
    lookups.learned.add(user.pk)
    return NotApplied.APPLIED


def _void(organisation: Organisation, statement: Statement) -> None:
    target_id = parse_uuid(statement.object_id)
    target = (
        XapiStatement.objects.select_for_update()
        .filter(organisation=organisation, statement_id=target_id)
        .first()
        if target_id is not None
        else None
    )
    if target is None or target.verb == VERB_VOIDED:
        raise ApplicationError(
            "void_target",
            _("A voiding statement must target a stored statement that is not itself voiding."),
            field="object.id",
        )
    if not target.voided:
        target.voided = True
        target.save(update_fields=["voided"])


def _stored_body(
    client: XapiClient, statement: Statement, statement_id: uuid.UUID, at: datetime, version: str
) -> dict[str, Any]:
    body = dict(statement.body)
    body["id"] = str(statement_id)
    body.setdefault("timestamp", _iso(at))
    body["stored"] = _iso(at)
    body["version"] = body.get("version") or version
    body["authority"] = {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": str(settings.BASE_URL).rstrip("/"), "name": client.key},
    }
    return body


@transaction.atomic
def statements_store(
    *,
    client: XapiClient,
    statements: list[Statement],
    version: str,
    put_id: uuid.UUID | None = None,
) -> list[uuid.UUID]:
    """Store a request's statements (all or none) and apply them; their ids in order.

    A statement whose id is already stored with the same content is accepted again unchanged;
    with different content the whole request is refused (409).
    """
    organisation = client.organisation
    if put_id is not None and (
        len(statements) != 1 or statements[0].statement_id not in (None, put_id)
    ):
        raise ApplicationError(
            "statement_id", _("The statementId parameter and the statement id differ."), "id"
        )
    wanted = [put_id or s.statement_id or uuid.uuid4() for s in statements]
    existing = {
        row.statement_id: row
        for row in XapiStatement.objects.select_for_update().filter(
            organisation=organisation, statement_id__in=wanted
        )
    }
    for statement, statement_id in zip(statements, wanted, strict=True):
        known = existing.get(statement_id)
        if known is not None and known.digest != statement.digest:
            raise _conflict(statement_id)
    now, lookups = timezone.now(), Lookups()
    pending: list[XapiStatement] = []
    for statement, statement_id in zip(statements, wanted, strict=True):
        if statement_id in existing:
            continue
        if statement.verb == VERB_VOIDED:
            XapiStatement.objects.bulk_create(pending)  # its target may be in this request
            pending = []
            _void(organisation, statement)
        reason = _apply(organisation, statement, statement_id, now, lookups)
        pending.append(
            XapiStatement(
                organisation=organisation,
                client=client,
                statement_id=statement_id,
                body=_stored_body(client, statement, statement_id, now, version),
                digest=statement.digest,
                verb=statement.verb,
                not_applied=reason,
                stored=now,
            )
        )
    XapiStatement.objects.bulk_create(pending)
    learning_recorded_on_commit(organisation=organisation, user_ids=lookups.learned)
    return wanted
