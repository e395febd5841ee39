"""Referees of recognition-of-prior-learning claims confirm or decline their statement
themselves: at submit, each referee named with an e-mail address gets a signed link (a
random token; only its hash is stored) to a page where they confirm — in their own words —
or decline. The assessor sees the answer. One answer per link; links expire."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.assessments.models import (
    Assessment,
    RefereeRequest,
    RefereeStatus,
    RequirementKind,
)
from microcred_web.common.email import email_queue, email_render, language_for
from microcred_web.common.errors import ApplicationError
from microcred_web.common.hashing import token_hash
from microcred_web.common.services import audit_record

REFEREE_LINK_DAYS = 30
MAX_STATEMENT = 20_000


def referee_link(token: str) -> str:
    return reverse("assessments:referee", kwargs={"token": token})


def referee_requests_send(*, assessment: Assessment, now: datetime) -> list[RefereeRequest]:
    """Ask every referee of ``assessment`` who has an e-mail address and was not asked
    before (call inside the submit's transaction; the e-mails leave after commit)."""
    if assessment.requirement.kind != RequirementKind.RPL:
        return []
    asked = {
        email.lower()
        for email in RefereeRequest.objects.filter(assessment=assessment).values_list(
            "email", flat=True
        )
    }
    created = []
    for referee in assessment.referees:
        email = (referee.get("email") or "").strip()
        if not email or email.lower() in asked:
            continue
        asked.add(email.lower())
        token = secrets.token_urlsafe(32)
        request = RefereeRequest.objects.create(
            organisation=assessment.organisation,
            assessment=assessment,
            name=referee.get("name", "")[:200],
            email=email,
            relationship=referee.get("role", "")[:200],
            proposed_statement=referee.get("statement", ""),
            token_hash=token_hash(token),
            expires_at=now + timedelta(days=REFEREE_LINK_DAYS),
        )
        audit_record(
            action="assessments.referee_asked",
            actor=assessment.learner,
            organisation=assessment.organisation,
            target=assessment,
            data={"referee": request.name, "email": email},
        )
        _referee_email(request, token)
        created.append(request)
    return created


def _referee_email(request: RefereeRequest, token: str) -> None:
    assessment = request.assessment
    learner = assessment.learner
    rendered = email_render(
        template="assessments/email/referee_request",
        language=language_for(organisation=assessment.organisation),
        organisation=assessment.organisation,
        greeting_name=request.name,
        button_url=referee_link(token),
        context={
            "learner_name": learner.display_name or learner.email,
            "requirement": assessment.requirement,
            "achievement": assessment.requirement.achievement,
            "expires_at": request.expires_at,
        },
    )
    email_queue(email=rendered, to=[request.email])


def referee_request_by_token(*, token: str) -> RefereeRequest | None:
    if not token or len(token) > 100:
        return None
    return (
        RefereeRequest.objects.select_related(
            "organisation", "assessment__learner", "assessment__requirement__achievement"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


def referee_request_usable(request: RefereeRequest, *, now: datetime | None = None) -> str:
    """ "" when the referee may answer, otherwise why not: "answered" or "expired"."""
    if request.status != RefereeStatus.AWAITING:
        return "answered"
    if request.expires_at <= (now or timezone.now()):
        return "expired"
    return ""


@transaction.atomic
def referee_respond(
    *, token: str, confirm: bool, statement: str, now: datetime | None = None
) -> RefereeRequest:
    """The referee's answer: confirm (with their own words) or decline. Once."""
    now = now or timezone.now()
    found = referee_request_by_token(token=token)
    if found is None:
        raise ApplicationError("not_found", _("This link is not valid."), status=404)
    request = RefereeRequest.objects.select_for_update().get(pk=found.pk)
    problem = referee_request_usable(request, now=now)
    if problem == "answered":
        raise ApplicationError(
            "referee_answered", _("You have already answered this request."), status=409
        )
    if problem == "expired":
        raise ApplicationError("referee_expired", _("This link has expired."), status=410)
    words = statement.strip()[:MAX_STATEMENT]
    if confirm and not words:
        raise ApplicationError(
            "statement_missing", _("Write your statement before confirming it."), "statement"
        )
    request.status = RefereeStatus.CONFIRMED if confirm else RefereeStatus.DECLINED
    request.statement = words
    request.responded_at = now
    request.save(update_fields=["status", "statement", "responded_at"])
    audit_record(
        action="assessments.referee_confirmed" if confirm else "assessments.referee_declined",
        organisation=request.organisation,
        target=found.assessment,
        data={"referee": request.name, "email": request.email},
    )
    return request


def referee_requests_of(assessment: Assessment) -> list[RefereeRequest]:
    return list(RefereeRequest.objects.filter(assessment=assessment))
