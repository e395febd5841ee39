"""Northwind's transparency log: the demo credentials were appended as they were issued; this
signs the checkpoint that covers them, so the public credential pages show their inclusion.
Loading it twice changes nothing (a checkpoint is signed once per size)."""

from __future__ import annotations

from microcred_web.orgs.models import Organisation
from microcred_web.transparency.models import LogRecord
from microcred_web.transparency.services import checkpoint_publish, log_ensure


def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug="northwind").first()
    if organisation is None:
        return {}
    log = log_ensure(organisation_id=organisation.pk)
    checkpoint_publish(log=log)
    return {"transparency log entries": LogRecord.objects.filter(log=log).count()}
