"""Background work for suggestions: the organisation's skill vectors after a framework change."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_tasks import task

from microcred_web.orgs.models import Organisation


@task()
def skills_vectors_task(*, organisation_id: int) -> int:
    from microcred_web.skills.suggesting import vectors_refresh

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return vectors_refresh(organisation=organisation)


def vectors_refresh_later(*, organisation: Organisation) -> None:
    """After commit, queue :func:`skills_vectors_task` (only where the model is installed)."""
    from microcred_web.skills.suggesting import model_available

    organisation_id = organisation.pk
    if settings.SKILL_VECTORS_AUTO and model_available():
        transaction.on_commit(lambda: skills_vectors_task.enqueue(organisation_id=organisation_id))
