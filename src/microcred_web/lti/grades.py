"""Assignment and Grade Services (AGS 2.0): learners' progress and quiz scores go to the LMS
gradebook of every link they launched, through an outbox the worker drains with retries.

A score is a 0–100 value: the best submitted quiz score of the course if there is one, else
the course progress; ``activityProgress`` is Completed once the course is, and
``gradingProgress`` FullyGraded then (Pending before).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.db import transaction
from django.utils import timezone

from microcred_web.learning import progress
from microcred_web.learning import selectors as learning_selectors
from microcred_web.lti.models import Identity, ResourceLink, ScoreOutbox, ScoreStatus
from microcred_web.lti.platform_http import UnsafeFetch, platform_request
from microcred_web.lti.tokens import ServiceError, access_token

logger = logging.getLogger("microcred.lti")

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_MEDIA_TYPE = "application/vnd.ims.lis.v2.lineitem+json"


def score_payload(link: ResourceLink, identity: Identity, *, now: datetime) -> dict[str, Any]:
    """The AGS Score for ``identity``'s current progress in the link's course."""
    payload: dict[str, Any] = {
        "userId": identity.subject,
        "timestamp": now.isoformat(),
        "scoreMaximum": 100,
        "scoreGiven": 0,
        "activityProgress": "Initialized",
        "gradingProgress": "NotReady",
    }
    if link.course_id is None:
        return payload
    enrolment = (
        learning_selectors.enrolment_list_for_user(
            organisation=link.platform.organisation, user_id=identity.user_id
        )
        .filter(course_id=link.course_id)
        .first()
    )
    if enrolment is None:
        return payload
    quiz_scores = [
        attempt.score
        for attempt in learning_selectors.attempts_for(enrolment=enrolment)
        if attempt.submitted_at is not None and attempt.score is not None
    ]
    completed = enrolment.completed_at is not None
    payload["scoreGiven"] = (
        max(quiz_scores) if quiz_scores else progress.progress_percent(enrolment)
    )
    payload["activityProgress"] = (
        "Completed" if completed else ("InProgress" if enrolment.started_at else "Initialized")
    )
    payload["gradingProgress"] = "FullyGraded" if completed else "Pending"
    return payload


def _gradable(link: ResourceLink) -> bool:
    return SCOPE_SCORE in (link.ags_scopes or []) and bool(link.lineitem_url or link.lineitems_url)


def score_queue(*, link: ResourceLink, identity: Identity, now: datetime | None = None) -> bool:
    """Queue (or refresh) the person's score for this link; False if the link takes none."""
    if not _gradable(link):
        return False
    moment = now or timezone.now()
    ScoreOutbox.objects.update_or_create(
        link=link,
        identity=identity,
        defaults={
            "payload": score_payload(link, identity, now=moment),
            "status": ScoreStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": moment,
            "last_error": "",
        },
    )
    _wake_on_commit()
    return True


def _wake_on_commit(at: datetime | None = None) -> None:
    from microcred_web.lti.tasks import lti_scores_send

    if at is not None:
        if lti_scores_send.get_backend().supports_defer:
            transaction.on_commit(lambda: lti_scores_send.using(run_after=at).enqueue())
        return
    transaction.on_commit(lambda: lti_scores_send.enqueue())


def on_learning_recorded(
    sender: Any, *, organisation: Any, user_ids: Iterable[int], **_: Any
) -> None:
    """The listener of ``learning_recorded``: refresh the scores of these people's links."""
    identities = Identity.objects.filter(
        user_id__in=list(user_ids), platform__organisation=organisation
    )
    rows = ScoreOutbox.objects.filter(identity__in=identities).select_related(
        "link__platform__organisation", "identity"
    )
    with transaction.atomic():
        for row in rows:
            score_queue(link=row.link, identity=row.identity)


def _scores_url(lineitem_url: str) -> str:
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _lineitem_ensure(link: ResourceLink) -> str:
    """The link's line item; created in the platform when the launch named only the
    container (AGS §3.2), then kept."""
    if link.lineitem_url:
        return link.lineitem_url
    if SCOPE_LINEITEM not in (link.ags_scopes or []):
        raise ServiceError("the platform gave no line item and does not let us create one")
    token = access_token(link.platform, [SCOPE_LINEITEM, SCOPE_SCORE])
    title = link.course.title if link.course is not None else link.context_title or "microcred"
    body = json.dumps(
        {"scoreMaximum": 100, "label": title, "resourceLinkId": link.resource_link_id}
    ).encode()
    answer = platform_request(
        "POST",
        link.lineitems_url,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": LINEITEM_MEDIA_TYPE,
            "Accept": LINEITEM_MEDIA_TYPE,
        },
        body=body,
    )
    if not answer.ok:
        raise ServiceError(f"creating the line item answered HTTP {answer.status}")
    created = answer.json()
    url = created.get("id") if isinstance(created, dict) else None
    if not isinstance(url, str) or not url:
        raise ServiceError("the created line item has no id")
    ResourceLink.objects.filter(pk=link.pk).update(lineitem_url=url[:500])
    link.lineitem_url = url
    return url


def _send_one(row: ScoreOutbox) -> None:
    link = row.link
    lineitem = _lineitem_ensure(link)
    scopes = [SCOPE_SCORE] + ([SCOPE_LINEITEM] if SCOPE_LINEITEM in link.ags_scopes else [])
    token = access_token(link.platform, scopes)
    answer = platform_request(
        "POST",
        _scores_url(lineitem),
        headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_MEDIA_TYPE},
        body=json.dumps(row.payload).encode(),
    )
    if not answer.ok:
        raise ServiceError(f"the gradebook answered HTTP {answer.status}")


def scores_send(*, now: datetime | None = None, limit: int = 100) -> int:
    """Send the due scores; a failure is retried later (30 s, 1 min, 2 min, …), given up
    after ``MAX_ATTEMPTS``. Returns how many were attempted."""
    moment = now or timezone.now()
    due = list(
        ScoreOutbox.objects.filter(status=ScoreStatus.PENDING, next_attempt_at__lte=moment)
        .select_related("link__platform__organisation", "link__course", "identity")
        .order_by("next_attempt_at")[:limit]
    )
    for row in due:
        try:
            _send_one(row)
        except (ServiceError, UnsafeFetch) as exc:
            _failed(row, str(exc), moment)
            continue
        ScoreOutbox.objects.filter(pk=row.pk, updated_at=row.updated_at).update(
            status=ScoreStatus.SENT, sent_at=moment, attempts=row.attempts + 1, last_error=""
        )
    return len(due)


def _failed(row: ScoreOutbox, error: str, moment: datetime) -> None:
    attempts = row.attempts + 1
    logger.warning("LTI score for link %s failed (attempt %s): %s", row.link_id, attempts, error)
    if attempts >= MAX_ATTEMPTS:
        status, retry_at = ScoreStatus.FAILED, moment
    else:
        status = ScoreStatus.PENDING
        retry_at = moment + timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))
    with transaction.atomic():
        ScoreOutbox.objects.filter(pk=row.pk, updated_at=row.updated_at).update(
            status=status, attempts=attempts, next_attempt_at=retry_at, last_error=error[:500]
        )
        if status == ScoreStatus.PENDING:
            _wake_on_commit(retry_at)
