"""A person's facts for the rule engine: learning records plus the credentials they hold."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from microcred.rules import CREDENTIAL_HELD, Fact, FactIndex
from microcred_web.accounts.models import User
from microcred_web.assessments.selectors import assessment_facts
from microcred_web.issuing.models import Credential
from microcred_web.learning.selectors import learning_facts
from microcred_web.orgs.models import Membership, Organisation


def achievement_ref(public_id: object) -> str:
    return f"achievement:{public_id}"


def member_ids(*, organisation: Organisation, user_ids: Iterable[int] | None = None) -> list[int]:
    """Active members of the organisation (among ``user_ids`` when given)."""
    queryset = Membership.objects.filter(organisation=organisation, is_active=True)
    if user_ids is not None:
        queryset = queryset.filter(user_id__in=list(user_ids))
    return sorted(set(queryset.values_list("user_id", flat=True)))


def credential_facts(*, organisation: Organisation, user_ids: list[int]) -> dict[int, list[Fact]]:
    """CREDENTIAL_HELD facts from the organisation's credentials that are currently valid
    (not revoked, suspended or expired), for a recipient user or a matching e-mail address."""
    emails = {
        email.lower(): pk
        for pk, email in User.objects.filter(pk__in=user_ids).values_list("pk", "email")
    }
    now = timezone.now()
    rows = (
        Credential.objects.filter(organisation=organisation)
        .filter(Q(recipient_user_id__in=user_ids) | Q(recipient_email__in=list(emails)))
        .filter(revoked_at__isnull=True, suspended_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values_list(
            "recipient_user_id",
            "recipient_email",
            "achievement_version__achievement__public_id",
            "issued_at",
        )
    )
    out: dict[int, list[Fact]] = {}
    wanted = set(user_ids)
    for user_id, email, achievement_public_id, issued_at in rows:
        owner = user_id if user_id in wanted else emails.get((email or "").lower())
        if owner is not None:
            out.setdefault(owner, []).append(
                Fact(CREDENTIAL_HELD, achievement_ref(achievement_public_id), issued_at)
            )
    return out


#: the pathways app's recognised external credentials, bound late (pathways sits above awards)
RECOGNISED_FACTS = "microcred_web.pathways.recognition.recognised_facts"


def person_indexes(
    *,
    organisation: Organisation,
    user_ids: Iterable[int] | None = None,
    credentials_only: bool = False,
) -> dict[int, FactIndex]:
    """Member id → their facts, indexed (every active member when ``user_ids`` is None).
    ``credentials_only`` leaves out learning and assessment facts (for rules that only ask
    for credentials, such as compiled pathways)."""
    members = member_ids(organisation=organisation, user_ids=user_ids)
    held = credential_facts(organisation=organisation, user_ids=members)
    # credentials from elsewhere that a pathway recognises count as credentials held
    recognised: dict[int, list[Fact]] = {}
    if apps.is_installed("microcred_web.pathways"):
        recognised = import_string(RECOGNISED_FACTS)(organisation, members)
    if credentials_only:
        return {
            user_id: FactIndex([*held.get(user_id, []), *recognised.get(user_id, [])])
            for user_id in members
        }
    learned = learning_facts(organisation=organisation, user_ids=members)
    assessed = assessment_facts(organisation=organisation, user_ids=members)
    return {
        user_id: FactIndex(
            [
                *learned.get(user_id, []),
                *held.get(user_id, []),
                *assessed.get(user_id, []),
                *recognised.get(user_id, []),
            ]
        )
        for user_id in members
    }
