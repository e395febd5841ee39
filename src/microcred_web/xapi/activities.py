"""Who and what a statement is about, in one organisation's terms.

Actor: ``mbox`` (``mailto:`` the member's e-mail address), ``mbox_sha1sum`` of it, or an
``account`` whose ``homePage`` is this site's base URL and whose ``name`` is the e-mail
address. Activities use the IRIs of :mod:`microcred_web.learning.records`: a course
``{BASE_URL}/learning/courses/<uuid>``, one of its modules ``…/courses/<uuid>/modules/<key>``,
a quiz ``{BASE_URL}/learning/quizzes/<uuid>``. Anything else is "unknown" (stored, not applied).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from microcred_web.accounts.models import User
from microcred_web.learning import records
from microcred_web.learning.models import Course, Quiz
from microcred_web.orgs.models import Membership, Organisation


def module_iri(course_public_id: Any, module_key: str) -> str:
    return f"{records.course_iri(course_public_id)}/modules/{module_key}"


@dataclass(frozen=True)
class Activity:
    course: Course
    quiz: Quiz | None = None
    module_key: str = ""


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def activity_find(*, organisation: Organisation, object_id: str) -> Activity | None:
    """The course, module or quiz of ``organisation`` the IRI names, or None."""
    base = str(settings.BASE_URL).rstrip("/")
    courses, quizzes = f"{base}/learning/courses/", f"{base}/learning/quizzes/"
    if object_id.startswith(quizzes):
        quiz_id = _uuid(object_id[len(quizzes) :])
        quiz = (
            Quiz.objects.filter(public_id=quiz_id, course__organisation=organisation)
            .select_related("course")
            .first()
            if quiz_id
            else None
        )
        return Activity(course=quiz.course, quiz=quiz) if quiz else None
    if not object_id.startswith(courses):
        return None
    course_part, _slash, rest = object_id[len(courses) :].partition("/")
    course_id = _uuid(course_part)
    course = (
        Course.objects.filter(public_id=course_id, organisation=organisation).first()
        if course_id
        else None
    )
    if course is None:
        return None
    if not rest:
        return Activity(course=course)
    kind, _slash, key = rest.partition("/")
    if kind == "modules" and key and course.modules.filter(key=key).exists():
        return Activity(course=course, module_key=key)
    return None


def actor_find(*, organisation: Organisation, actor: dict[str, Any]) -> User | None:
    """The active member of ``organisation`` the Agent identifies, or None (people of other
    organisations are not found: their statements are stored, never applied)."""
    members = Membership.objects.filter(organisation=organisation, is_active=True)
    email = ""
    if isinstance(actor.get("mbox"), str):
        email = actor["mbox"].removeprefix("mailto:")
    account = actor.get("account")
    if isinstance(account, dict):
        if str(account.get("homePage", "")).rstrip("/") != str(settings.BASE_URL).rstrip("/"):
            return None
        email = str(account.get("name", ""))
    if email:
        found = members.filter(user__email__iexact=email.strip()).select_related("user").first()
        return found.user if found else None
    digest = actor.get("mbox_sha1sum")
    if isinstance(digest, str):
        for membership in members.select_related("user"):
            if records.mbox_sha1(membership.user.email) == digest.lower():
                return membership.user
    return None
