"""Background rendering: certificates and baked badges are prepared in the task worker."""

from __future__ import annotations

from django_tasks import task

from microcred_web.issuing.selectors import credential_public_get
from microcred_web.rendering import services


@task()
def credential_renditions_prepare(*, public_id: str, kinds: list[str] | None = None) -> int:
    """Render and cache the downloads of one credential; returns how many files are ready."""
    credential = credential_public_get(public_id=public_id)
    if credential is None:
        return 0
    return len(services.renditions_prepare(credential=credential, kinds=kinds))
