"""The demo learner's calendar feed (a documented address, so docs/calendar.md's curl line
runs as written; the learning demo gives them a course due in two weeks). Idempotent."""

from __future__ import annotations

import os

from django.db import transaction

from microcred_web.accounts.models import User
from microcred_web.calendars.models import CalendarFeed
from microcred_web.common.hashing import token_hash
from microcred_web.orgs.models import Organisation

#: demo only, like the demo password; DEMO_CALENDAR_TOKEN overrides it
DEMO_TOKEN = "northwind-demo-learner-calendar"  # noqa: S105 - demo only


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug="northwind").first()
    learner = User.objects.filter(email="learner@northwind.example").first()
    if organisation is None or learner is None:
        return {}
    hashed = token_hash(os.environ.get("DEMO_CALENDAR_TOKEN") or DEMO_TOKEN)
    CalendarFeed.objects.get_or_create(
        token_hash=hashed, defaults={"organisation": organisation, "user": learner}
    )
    return {"calendar feeds": 1}
