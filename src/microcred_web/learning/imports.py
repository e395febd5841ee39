"""Import learning done elsewhere: CSV or xAPI JSON statements, all or nothing.

CSV columns (header row required; order free):

``email``
    the person's e-mail address (a member of the organisation)
``activity``
    the course or quiz: its activity IRI (shown on the course page), ``course:<uuid>``,
    ``quiz:<uuid>`` or the course's bare UUID
``verb``
    ``completed``, ``passed``, ``failed``, ``attempted`` or a full ADL verb IRI
``timestamp``
    ISO 8601, e.g. ``2025-03-01T14:30:00Z`` (no offset: UTC)
``score``
    optional, 0–100 (required for ``passed``/``failed`` on a quiz)
``statement_id``
    optional UUID; without one, a stable id is derived from the row, so importing the same
    file twice adds nothing

Every row is checked first; any problem refuses the whole file with messages naming the row
and the field. Statements whose id is already stored are skipped (imports are idempotent).
An imported ``completed`` (or ``passed``) for a course counts as completing it.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.learning import records
from microcred_web.learning.models import Course, CourseStatus, LearningRecord, Quiz, RecordFact
from microcred_web.learning.progress import enrolment_complete_imported
from microcred_web.learning.signals import learning_recorded_on_commit
from microcred_web.orgs.models import Organisation

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
CSV_COLUMNS = ("email", "activity", "verb", "timestamp", "score", "statement_id")
REQUIRED_COLUMNS = ("email", "activity", "verb", "timestamp")
#: namespace for statement ids derived from CSV rows
ROW_NAMESPACE = uuid.UUID("6f1c3f7e-9a55-4d1b-a3f5-6c1e2b7d9a10")


@dataclass
class RowProblem:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d, %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


class ImportRefused(ApplicationError):
    """The file was refused; ``problems`` lists every row problem found."""

    def __init__(self, problems: list[RowProblem]) -> None:
        first = problems[0]
        super().__init__(
            "import_rows",
            ngettext(
                "Nothing was imported: %(count)d problem. %(first)s",
                "Nothing was imported: %(count)d problems. %(first)s",
                len(problems),
            )
            % {"count": len(problems), "first": str(first)},
            field=first.field,
        )
        self.problems = problems


@dataclass
class Parsed:
    row: int
    statement_id: uuid.UUID
    user: User
    verb: str
    course: Course | None
    quiz: Quiz | None
    timestamp: datetime
    score: float | None


@dataclass
class ImportSummary:
    imported: int = 0
    skipped: int = 0
    completions: int = 0
    user_ids: set[int] = field(default_factory=set)


class _Resolver:
    """Looks up people and activities of one organisation (each once)."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.users: dict[str, User | None] = {}
        self.by_sha1: dict[str, User] | None = None
        published = Course.objects.filter(organisation=organisation).exclude(
            status=CourseStatus.DRAFT
        )
        self.courses = {str(c.public_id): c for c in published}
        self.quizzes = {
            str(q.public_id): q
            for q in Quiz.objects.filter(course__in=published).select_related("course")
        }

    def user(self, email: str) -> User | None:
        key = email.strip().lower()
        if key not in self.users:
            self.users[key] = User.objects.filter(
                email=key, memberships__organisation=self.organisation
            ).first()
        return self.users[key]

    def user_by_sha1(self, digest: str) -> User | None:
        if self.by_sha1 is None:
            members = User.objects.filter(memberships__organisation=self.organisation)
            self.by_sha1 = {records.mbox_sha1(u.email): u for u in members}
        return self.by_sha1.get(digest.strip().lower())

    def activity(self, value: str) -> tuple[Course | None, Quiz | None]:
        text = value.strip()
        for prefix, table in (
            ("course:", self.courses),
            (records.course_iri(""), self.courses),
        ):
            if text.startswith(prefix) and text[len(prefix) :] in table:
                return table[text[len(prefix) :]], None
        for prefix in ("quiz:", records.quiz_iri("")):
            if text.startswith(prefix) and text[len(prefix) :] in self.quizzes:
                quiz = self.quizzes[text[len(prefix) :]]
                return quiz.course, quiz
        if text in self.courses:
            return self.courses[text], None
        return None, None


def _verb(value: str) -> str | None:
    text = value.strip()
    if text.lower() in records.VERBS:
        return records.VERBS[text.lower()]
    return text if text in records.VERBS.values() else None


def _timestamp(value: str) -> datetime | None:
    try:
        moment = parse_datetime(value.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_row(
    problems: list[RowProblem],
    row: int,
    *,
    user: User | None,
    user_field: str,
    verb: str | None,
    course: Course | None,
    quiz: Quiz | None,
    timestamp: datetime | None,
    score: float | None,
    score_text: str,
) -> bool:
    before = len(problems)
    if user is None:
        problems.append(
            RowProblem(row, user_field, _("no member of this organisation has this address"))
        )
    if course is None:
        problems.append(
            RowProblem(row, "activity", _("not a published course or quiz of this organisation"))
        )
    if verb is None:
        problems.append(RowProblem(row, "verb", _("use completed, passed, failed or attempted")))
    if timestamp is None:
        problems.append(RowProblem(row, "timestamp", _("not an ISO 8601 date and time")))
    if score_text and (score is None or not 0 <= score <= 100):
        problems.append(RowProblem(row, "score", _("a number from 0 to 100")))
    if (
        quiz is not None
        and verb in (records.VERB_PASSED, records.VERB_FAILED)
        and score is None
        and not score_text
    ):
        problems.append(RowProblem(row, "score", _("a quiz result needs a score")))
    return len(problems) == before


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse_csv(*, organisation: Organisation, data: bytes) -> list[Parsed]:
    if len(data) > MAX_BYTES:
        raise ApplicationError("too_big", _("The file is larger than 5 MB."), field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError("encoding", _("Save the CSV as UTF-8."), field="file") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ApplicationError(
            "columns",
            _("Missing column(s): %(names)s. Expected: %(expected)s.")
            % {"names": ", ".join(missing), "expected": ", ".join(CSV_COLUMNS)},
            field="file",
        )
    resolver = _Resolver(organisation)
    problems: list[RowProblem] = []
    parsed: list[Parsed] = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise ApplicationError(
                "too_many", _("Import at most %(n)d rows at a time.") % {"n": MAX_ROWS}
            )
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        user = resolver.user(row.get("email", ""))
        course, quiz = resolver.activity(row.get("activity", ""))
        verb = _verb(row.get("verb", ""))
        timestamp = _timestamp(row.get("timestamp", ""))
        score_text = row.get("score", "")
        score = _float(score_text) if score_text else None
        statement_text = row.get("statement_id", "")
        statement_id: uuid.UUID | None = None
        if statement_text:
            try:
                statement_id = uuid.UUID(statement_text)
            except ValueError:
                problems.append(RowProblem(number, "statement_id", _("not a UUID")))
        ok = _check_row(
            problems,
            number,
            user=user,
            user_field="email",
            verb=verb,
            course=course,
            quiz=quiz,
            timestamp=timestamp,
            score=score,
            score_text=score_text,
        )
        if ok and user and verb and course and timestamp:
            statement_id = statement_id or uuid.uuid5(
                ROW_NAMESPACE,
                "|".join(
                    [
                        str(organisation.pk),
                        user.email,
                        row["activity"],
                        verb,
                        row["timestamp"],
                        score_text,
                    ]
                ),
            )
            parsed.append(Parsed(number, statement_id, user, verb, course, quiz, timestamp, score))
    if problems:
        raise ImportRefused(problems)
    return parsed


def _score_from_result(result: Any) -> tuple[float | None, bool]:
    """(0–100 score or None, whether the score was malformed)."""
    if not isinstance(result, dict) or "score" not in result:
        return None, False
    score = result["score"]
    if not isinstance(score, dict):
        return None, True
    if isinstance(score.get("scaled"), int | float) and not isinstance(score["scaled"], bool):
        scaled = float(score["scaled"])
        return (scaled * 100, False) if -1 <= scaled <= 1 else (None, True)
    raw, low, high = score.get("raw"), score.get("min", 0), score.get("max", 100)
    if all(isinstance(v, int | float) for v in (raw, low, high)) and high > low:
        return 100 * (float(cast(float, raw)) - low) / (high - low), False
    return None, True


def _actor_user(resolver: _Resolver, actor: Any) -> tuple[User | None, str]:
    if not isinstance(actor, dict):
        return None, "actor"
    if isinstance(actor.get("mbox"), str):
        return resolver.user(actor["mbox"].removeprefix("mailto:")), "actor.mbox"
    if isinstance(actor.get("mbox_sha1sum"), str):
        return resolver.user_by_sha1(actor["mbox_sha1sum"]), "actor.mbox_sha1sum"
    account = actor.get("account")
    if isinstance(account, dict) and isinstance(account.get("name"), str):
        return resolver.user(account["name"]), "actor.account.name"
    return None, "actor"


def parse_xapi(*, organisation: Organisation, data: bytes) -> list[Parsed]:
    if len(data) > MAX_BYTES:
        raise ApplicationError("too_big", _("The file is larger than 5 MB."), field="file")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApplicationError(
            "json", _("This is not a JSON file: %(error)s") % {"error": exc}, field="file"
        ) from exc
    statements = document if isinstance(document, list) else [document]
    if len(statements) > MAX_ROWS:
        raise ApplicationError(
            "too_many", _("Import at most %(n)d statements at a time.") % {"n": MAX_ROWS}
        )
    resolver = _Resolver(organisation)
    problems: list[RowProblem] = []
    parsed: list[Parsed] = []
    for number, statement in enumerate(statements, start=1):
        if not isinstance(statement, dict):
            problems.append(RowProblem(number, "statement", _("not a JSON object")))
            continue
        statement_id: uuid.UUID | None = None
        try:
            statement_id = uuid.UUID(str(statement.get("id")))
        except ValueError:
            problems.append(RowProblem(number, "id", _("a statement needs a UUID id")))
        user, user_field = _actor_user(resolver, statement.get("actor"))
        verb_obj = statement.get("verb")
        verb = _verb(verb_obj.get("id", "")) if isinstance(verb_obj, dict) else None
        obj = statement.get("object")
        object_id = obj.get("id", "") if isinstance(obj, dict) else ""
        course, quiz = resolver.activity(str(object_id))
        timestamp = _timestamp(str(statement.get("timestamp") or ""))
        score, bad_score = _score_from_result(statement.get("result"))
        if bad_score:
            problems.append(RowProblem(number, "result.score", _("not a valid xAPI score")))
        ok = _check_row(
            problems,
            number,
            user=user,
            user_field=user_field,
            verb=verb,
            course=course,
            quiz=quiz,
            timestamp=timestamp,
            score=score,
            score_text="",
        )
        if ok and statement_id and user and verb and course and timestamp and not bad_score:
            parsed.append(Parsed(number, statement_id, user, verb, course, quiz, timestamp, score))
    if problems:
        for problem in problems:
            if problem.field == "activity":
                problem.field = "object.id"
        raise ImportRefused(problems)
    return parsed


@transaction.atomic
def statements_import(
    *, organisation: Organisation, actor: User, parsed: list[Parsed], source: str
) -> ImportSummary:
    """Store parsed statements (skipping ids already stored) and apply completions."""
    summary = ImportSummary()
    ids = [p.statement_id for p in parsed]
    existing = dict(
        LearningRecord.objects.filter(statement_id__in=ids).values_list(
            "statement_id", "organisation_id"
        )
    )
    clashes = [
        RowProblem(p.row, "statement_id", _("this statement id belongs to another record"))
        for p in parsed
        if p.statement_id in existing and existing[p.statement_id] != organisation.pk
    ]
    if clashes:
        raise ImportRefused(clashes)
    seen: set[uuid.UUID] = set()
    for item in parsed:
        if item.statement_id in existing or item.statement_id in seen:
            summary.skipped += 1
            continue
        seen.add(item.statement_id)
        fact = RecordFact.NONE
        result: dict[str, Any] = {}
        passed = item.verb == records.VERB_PASSED
        if item.quiz is not None and item.score is not None:
            fact = RecordFact.QUIZ_COMPLETED
            result = records.score_result(
                score=round(item.score, 1),
                passed=passed if item.verb in (records.VERB_PASSED, records.VERB_FAILED) else None,
            )
        elif item.quiz is None and item.verb in (records.VERB_COMPLETED, records.VERB_PASSED):
            fact = RecordFact.COURSE_COMPLETED
            result = {"completion": True}
        assert item.course is not None
        target_quiz = item.quiz
        records.record_write(
            organisation=organisation,
            user=item.user,
            verb=item.verb,
            object_id=(
                records.quiz_iri(target_quiz.public_id)
                if target_quiz
                else records.course_iri(item.course.public_id)
            ),
            object_name=target_quiz.title if target_quiz else item.course.title,
            object_type=records.TYPE_ASSESSMENT if target_quiz else records.TYPE_COURSE,
            course=item.course,
            quiz=target_quiz,
            result=result,
            fact=fact,
            timestamp=item.timestamp,
            statement_id=item.statement_id,
            imported=True,
        )
        if fact == RecordFact.COURSE_COMPLETED:
            enrolment_complete_imported(
                organisation=organisation, user=item.user, course=item.course, at=item.timestamp
            )
            summary.completions += 1
        summary.imported += 1
        summary.user_ids.add(item.user.pk)
    audit_record(
        action="learning.records_import",
        actor=actor,
        organisation=organisation,
        data={"source": source, "imported": summary.imported, "skipped": summary.skipped},
    )
    learning_recorded_on_commit(organisation=organisation, user_ids=summary.user_ids)
    return summary


def records_import(
    *, organisation: Organisation, actor: User, data: bytes, filename: str
) -> ImportSummary:
    """Import a CSV or xAPI JSON file (chosen by its content)."""
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"[", b"{"):
        parsed = parse_xapi(organisation=organisation, data=data)
        source = "xapi"
    else:
        parsed = parse_csv(organisation=organisation, data=data)
        source = "csv"
    if not parsed:
        raise ApplicationError("empty", _("The file has no statements."), field="file")
    return statements_import(organisation=organisation, actor=actor, parsed=parsed, source=source)
