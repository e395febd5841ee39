"""Background work of the LTI app (the task worker runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def lti_scores_send() -> int:
    """Publish every due score to its platform's gradebook; woken after each result and at
    each retry time."""
    from microcred_web.lti.grades import scores_send

    return scores_send()
