"""The demo organisation's xAPI client (a documented key and secret, so the curl lines of
docs/xapi.md run as written) and two statements its authoring tool sent. Loading it twice
changes nothing."""

from __future__ import annotations

import os
import uuid

from django.db import transaction

from microcred_web.common.hashing import token_hash
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.xapi import services
from microcred_web.xapi.models import XapiClient, XapiStatement
from microcred_web.xapi.statements import statements_check

DEMO_CLIENT_NAME = "Articulate Rise (demo)"
DEMO_KEY = "mcxapi_northwind_demo"
#: demo only, like the demo password; DEMO_XAPI_SECRET overrides it
DEMO_SECRET = "northwind-demo-xapi-secret"  # noqa: S105 - demo only
_NAMESPACE = uuid.UUID("6f1d3c52-1b7e-4f55-9a36-0c1f0b1f7a11")


def _statements() -> list[dict[str, object]]:
    learner = {"objectType": "Agent", "mbox": "mailto:learner@northwind.example"}
    return [
        {
            "id": str(uuid.uuid5(_NAMESPACE, "video")),
            "actor": learner,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": "https://rise.example/northwind/forklift-walkaround-video"},
            "timestamp": "2026-11-30T08:15:00Z",
        },
        {
            "id": str(uuid.uuid5(_NAMESPACE, "scorm-course")),
            "actor": learner,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": "https://rise.example/northwind/ladder-safety"},
            "result": {"completion": True, "duration": "PT12M"},
            "timestamp": "2026-11-30T08:40:00Z",
        },
    ]


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug="northwind").first()
    if organisation is None:
        return {}
    client = XapiClient.objects.filter(organisation=organisation, key=DEMO_KEY).first()
    if client is None:
        admin = (
            Membership.objects.filter(
                organisation=organisation, user__email="admin@northwind.example"
            )
            .select_related("user")
            .first()
        )
        client = XapiClient.objects.create(
            organisation=organisation,
            name=DEMO_CLIENT_NAME,
            key=DEMO_KEY,
            secret_hash=token_hash(os.environ.get("DEMO_XAPI_SECRET") or DEMO_SECRET),
            created_by=admin.user if admin else None,
        )
    if not XapiStatement.objects.filter(client=client).exists():
        services.statements_store(
            client=client, statements=statements_check(_statements()), version="1.0.3"
        )
    return {"xAPI clients": 1, "xAPI statements": len(_statements())}
