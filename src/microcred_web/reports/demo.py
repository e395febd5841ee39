"""Northwind's report data: three months of views, shares, downloads, LinkedIn adds and
verifications on its demo credentials (so the dashboards and charts show real shapes), and two
saved reports shared with the organisation. Loading it twice changes nothing.

The events are drawn from a seeded generator: the same every time, and realistic in shape
(most credentials viewed a few times, fewer shared, some verified by Contoso's people).
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.analytics.models import CredentialEvent
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Organisation
from microcred_web.reports.models import SavedReport, Schedule, Visibility

DEMO_MARK = "demo-reports"  # the demo events' visitor hash (real ones are 64 hex digits)
SHARE_CHANNELS = ("linkedin", "email", "copy", "link")
DOWNLOAD_FORMATS = ("pdf", "png", "json")

REPORTS = (
    (
        "Credentials issued per month, by achievement",
        {"measure": "issued", "dimensions": ["month", "achievement"], "chart": "stacked"},
        Schedule.MONTHLY,
    ),
    (
        "Verifications by verifying organisation",
        {"measure": "verified", "dimensions": ["verifier"], "chart": "bar"},
        Schedule.NONE,
    ),
)


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug="northwind").first()
    if organisation is None:
        return {}
    if not CredentialEvent.objects.filter(
        organisation=organisation, visitor_hash=DEMO_MARK
    ).exists():
        _events(organisation)
    _reports(organisation)
    return {
        "report events": CredentialEvent.objects.filter(
            organisation=organisation, visitor_hash=DEMO_MARK
        ).count(),
        "saved reports": SavedReport.objects.filter(organisation=organisation).count(),
    }


def _events(organisation: Organisation) -> None:
    seeded = random.Random(2025)  # demo data, not security
    now = timezone.now()
    verifier = Organisation.objects.filter(slug="contoso").first()
    events: list[CredentialEvent] = []
    for credential in Credential.objects.filter(organisation=organisation).order_by("pk"):
        window = min(max((now - credential.issued_at).days, 1), 90)
        for kind, count, channels in (
            ("view", seeded.randint(2, 14), ("",)),
            ("share", seeded.randint(0, 3), SHARE_CHANNELS),
            ("download", seeded.randint(0, 3), DOWNLOAD_FORMATS),
            ("linkedin", seeded.randint(0, 1), ("",)),
            ("verify", seeded.randint(0, 4), ("",)),
        ):
            for _n in range(count):
                event = CredentialEvent(
                    kind=kind,
                    credential=credential,
                    organisation=organisation,
                    channel=seeded.choice(channels),
                    visitor_hash=DEMO_MARK,
                )
                if kind == "verify":
                    event.result = "valid"
                    event.viewer_organisation = verifier if seeded.random() < 0.4 else None
                event.created_at = now - timedelta(
                    days=seeded.randrange(window), minutes=seeded.randrange(1440)
                )
                events.append(event)
    stamps = [event.created_at for event in events]
    created = CredentialEvent.objects.bulk_create(events)
    for event, stamp in zip(created, stamps, strict=True):
        event.created_at = stamp  # auto_now_add set it to now
    CredentialEvent.objects.bulk_update(created, ["created_at"])


def _reports(organisation: Organisation) -> None:
    owner = User.objects.filter(email="admin@northwind.example").first()
    if owner is None:
        return
    today = timezone.now().date()
    for name, choices, schedule in REPORTS:
        definition = {
            **choices,
            "start": (today - timedelta(days=179)).isoformat(),
            "end": today.isoformat(),
            "achievement": None,
            "team": None,
        }
        SavedReport.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "owner": owner,
                "definition": definition,
                "visibility": Visibility.ORGANISATION,
                "schedule": schedule,
            },
        )
