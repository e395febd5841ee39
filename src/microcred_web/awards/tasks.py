"""Background work of award rules: evaluate people after they learn or receive a credential."""

from __future__ import annotations

from django.db.models import Q
from django_tasks import task

from microcred_web.accounts.models import User
from microcred_web.awards.services import awards_evaluate
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Membership, Organisation


@task()
def awards_evaluate_task(*, organisation_id: int, user_ids: list[int] | None = None) -> int:
    """Evaluate the organisation's enabled rules for ``user_ids`` (all members when None)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return len(awards_evaluate(organisation=organisation, user_ids=user_ids))


@task()
def awards_after_credentials_task(*, organisation_id: int, credential_ids: list[int]) -> int:
    """Re-evaluate the members who just received credentials (rules may stack on them)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    rows = Credential.objects.filter(organisation=organisation, pk__in=credential_ids)
    user_ids = set(rows.exclude(recipient_user=None).values_list("recipient_user_id", flat=True))
    emails = set(rows.filter(recipient_user=None).values_list("recipient_email", flat=True))
    emails.discard(None)
    if emails:
        members = Membership.objects.filter(organisation=organisation, is_active=True)
        user_ids |= set(
            User.objects.filter(Q(email__in=emails), memberships__in=members).values_list(
                "pk", flat=True
            )
        )
    if not user_ids:
        return 0
    return len(awards_evaluate(organisation=organisation, user_ids=sorted(user_ids)))
