"""Fixtures for the award tests (helpers live in ``awards_helpers``)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from awards_helpers import make_course, make_quiz, publish_course

from microcred_web.accounts.models import User
from microcred_web.learning.models import Course, Quiz
from microcred_web.orgs.models import Organisation


@dataclass
class Place:
    org: Organisation
    admin: User
    learner: User
    manager: User
    course: Course
    quiz: Quiz


@pytest.fixture
def place(world) -> Place:
    admin = world.people["admin"]
    course = make_course(world.org, admin, "Safe lifting")
    quiz = make_quiz(course, admin, "Forklift quiz")
    publish_course(course, admin)
    return Place(world.org, admin, world.people["learner"], world.people["manager"], course, quiz)
