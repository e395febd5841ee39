"""A local LTI 1.3 platform (tests/counterparts/lti_platform.py) registered with an
organisation that has a published course, and helpers that walk a browser through it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import pytest

from counterparts.lti_platform import INSTRUCTOR, LEARNER, LmsUser, LtiPlatform, running_platform
from microcred_web.accounts.models import User
from microcred_web.learning import services as learning_services
from microcred_web.learning.models import Course
from microcred_web.lti import services as lti_services
from microcred_web.lti.models import Platform
from microcred_web.lti.tokens import platform_keys_forget
from microcred_web.orgs.models import Organisation

LAUNCH_URL = "http://testserver/lti/launch/"


def published_course(org: Organisation, author: User, title: str = "Forklift basics") -> Course:
    course = learning_services.course_create(
        organisation=org,
        actor=author,
        values={
            "title": title,
            "summary": "Drive safely.",
            "language": "en",
            "duration_minutes": 15,
        },
    )
    quiz = learning_services.quiz_create(
        course=course,
        actor=author,
        values={"title": "Forklift check", "pass_mark": 50, "questions_per_attempt": 1},
    )
    learning_services.question_create(
        quiz=quiz,
        actor=author,
        kind="true_false",
        values={"prompt": "Seatbelt on?", "answer": "true"},
    )
    one = learning_services.module_create(course=course, actor=author, title="Before driving")
    learning_services.block_create(
        module=one, actor=author, kind="text", values={"body": "Check the forks."}
    )
    two = learning_services.module_create(course=course, actor=author, title="Driving")
    learning_services.block_create(
        module=two, actor=author, kind="text", values={"body": "Slowly."}
    )
    learning_services.block_create(
        module=two, actor=author, kind="quiz", values={"quiz_id": quiz.pk}
    )
    learning_services.course_publish(course=course, actor=author)
    course.refresh_from_db()
    return course


@dataclass
class Place:
    org: Organisation
    admin: User
    course: Course
    lms: LtiPlatform
    registration: Platform


@pytest.fixture(autouse=True)
def _keys_forgotten() -> Iterator[None]:
    platform_keys_forget()
    yield
    platform_keys_forget()


@pytest.fixture
def place(settings, make_org, make_member) -> Iterator[Place]:
    settings.MICROCRED_LTI_ALLOW_PRIVATE = True
    settings.MICROCRED_LTI_ALLOW_HTTP = True
    org = make_org("northwind-lti", "Northwind LTI")
    admin = make_member(org, "admin", "issuer", email="admin@nw-lti.example", name="Ada Admin")
    course = published_course(org, admin)
    with running_platform(redirect_uri=LAUNCH_URL) as lms:
        lms.users = {
            "teacher-1": LmsUser("teacher-1", "Terry Teacher", "terry@lms.example", [INSTRUCTOR]),
            "student-1": LmsUser("student-1", "Sam Student", "sam@lms.example", [LEARNER]),
            "student-2": LmsUser("student-2", "Kim Student", "kim@lms.example", [LEARNER]),
        }
        registration = lti_services.platform_create(
            organisation=org, actor=admin, values=lms.registration()
        )
        yield Place(org, admin, course, lms, registration)


def tool_keys(client: Any) -> dict[str, Any]:
    return json.loads(client.get("/lti/jwks.json").content)


def login_to_platform(client: Any, lms: LtiPlatform, *, sub: str, hint: dict[str, str]) -> str:
    """The platform starts a login; the tool answers with the authentication request URL."""
    response = client.post(
        "/lti/login/",
        {
            "iss": lms.issuer,
            "login_hint": sub,
            "target_link_uri": LAUNCH_URL,
            "lti_message_hint": json.dumps(hint),
            "client_id": lms.client_id,
            "lti_deployment_id": lms.deployment_id,
        },
    )
    assert response.status_code == 302, response.content
    return str(response["Location"])


def state_and_nonce(auth_url: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(auth_url).query)
    return query["state"][0], query["nonce"][0]


def launch_through_platform(
    client: Any, lms: LtiPlatform, *, sub: str, hint: dict[str, str]
) -> Any:
    """Login → the platform's real auth endpoint over HTTP → the form post to the tool."""
    auth_url = login_to_platform(client, lms, sub=sub, hint=hint)
    with urlopen(auth_url, timeout=5) as answer:
        assert answer.status == 200
        page = answer.read().decode()
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', page))
    return client.post("/lti/launch/", fields)
