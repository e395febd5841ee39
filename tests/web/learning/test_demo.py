from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from microcred_web.learning.machine.apertium import apertium_mode
from microcred_web.learning.models import (
    Course,
    Enrolment,
    LearningRecord,
    MachineTranslationService,
)
from microcred_web.learning.translation import machine_units

pytestmark = pytest.mark.django_db


def test_demo_course_is_published_assigned_part_way_and_idempotent() -> None:
    call_command("load_demo", stdout=StringIO())
    course = Course.objects.get(organisation__slug="northwind", title="Safe manual handling")
    assert course.is_published and course.duration_minutes == 24
    assert course.current_version.number == 2  # v2 added a video: the versions page has a diff
    videos = [b for m in course.current_version.snapshot["modules"] for b in m["blocks"]]
    assert "https://vimeo.com/76979871" in [b["url"] for b in videos if b["kind"] == "video"]
    enrolments = Enrolment.objects.filter(course=course)
    assert enrolments.count() == 6  # the Warehouse Operations team
    assert enrolments.filter(completed_at__isnull=False).count() == 1
    assert enrolments.exclude(completed_blocks=[]).count() == 2
    service = MachineTranslationService.objects.get(organisation=course.organisation)
    assert service.engine == "apertium" and service.language_pairs == [["en", "es"]]
    if apertium_mode("en", "es") is not None:  # make mtools
        waiting = machine_units(course)["es"]
        assert "course.title" in waiting and course.translations["es"]["title"]
    counts = (Course.objects.count(), Enrolment.objects.count(), LearningRecord.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Course.objects.count(), Enrolment.objects.count(), LearningRecord.objects.count()) == (
        counts
    )
    assert MachineTranslationService.objects.count() == 1
