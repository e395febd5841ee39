"""Who already holds an active credential of an achievement: the one check every issuing path
(bulk, award rules) makes before issuing, so nobody gets a second active credential.

Active: not revoked and not expired. A suspended credential is still held (suspension is
temporary; a new credential would step around it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Organisation


@contextmanager
def index_lookups() -> Iterator[None]:
    """Queries that look up a list of values in an index, planned as such with no statistics.

    Without statistics (a table filled since its last ANALYZE, or autovacuum off) PostgreSQL
    estimates that ``col IN (500 values)`` matches most of the table and reads all of it: each
    chunk of a bulk job read every credential stored so far (the job slowed down as it went).
    Sequential scans are discouraged inside the block (``enable_seqscan``, local to a short
    transaction or savepoint, set back on the way out), which leaves the index on ``col``.
    SQLite plans ``IN`` lists with the index already.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        yield
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


def is_active_holding(
    *, revoked_at: datetime | None, valid_until: datetime | None, now: datetime
) -> bool:
    """The one rule: a credential is held while it is not revoked and not expired."""
    return revoked_at is None and (valid_until is None or valid_until > now)


def recipients_already_holding(
    *,
    organisation: Organisation,
    version_ids: Collection[int],
    emails: Iterable[str] | None = None,
    dids: Iterable[str] | None = None,
    excluding_source_prefix: str | None = None,
) -> tuple[set[str], set[str]]:
    """(lower-cased e-mails, DIDs) that hold an active credential of one of ``version_ids``.

    ``emails``/``dids`` narrow the query to those recipients (None = all of them).
    """
    now = timezone.now()
    found_emails: set[str] = set()
    found_dids: set[str] = set()
    # No ordering: the model's default (-issued_at) would make SQLite walk the organisation's
    # (organisation, issued_at) index, every credential of it, instead of the e-mail index.
    if emails is None and dids is None:
        base = Credential.objects.filter(
            organisation=organisation,
            achievement_version_id__in=list(version_ids),
            revoked_at__isnull=True,
        ).order_by()
        base = base.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        if excluding_source_prefix:
            base = base.exclude(source_key__startswith=excluding_source_prefix)
        for email, did in base.values_list("recipient_email", "recipient_did").iterator():
            if email:
                found_emails.add(email.lower())
            if did:
                found_dids.add(did)
        return found_emails, found_dids
    wanted = _Wanted(organisation.pk, frozenset(version_ids), excluding_source_prefix, now)
    with index_lookups():
        lowered = sorted({e.lower() for e in emails or ()})
        found_emails.update(e.lower() for e in _holders("recipient_email", lowered, wanted))
        found_dids.update(_holders("recipient_did", sorted(set(dids or ())), wanted))
    return found_emails, found_dids


def credential_held(
    *, organisation: Organisation, version_ids: Collection[int], user: User
) -> Credential | None:
    """The person's active credential of one of ``version_ids`` (by account or e-mail), if any.
    The same check as :func:`recipients_already_holding`, for one person."""
    now = timezone.now()
    rows = (
        Credential.objects.filter(
            organisation=organisation, achievement_version_id__in=list(version_ids)
        )
        .filter(Q(recipient_user=user) | Q(recipient_email__iexact=user.email))
        .order_by("issued_at", "pk")
    )
    for credential in rows:
        if is_active_holding(
            revoked_at=credential.revoked_at, valid_until=credential.valid_until, now=now
        ):
            return credential
    return None


def credentials_held_by(*, organisation: Organisation, user: User) -> dict[int, Credential]:
    """Achievement id → the person's active credential of it (the earliest when several)."""
    now = timezone.now()
    rows = (
        Credential.objects.filter(organisation=organisation)
        .filter(Q(recipient_user=user) | Q(recipient_email__iexact=user.email))
        .select_related("achievement_version")
        .order_by("-issued_at", "-pk")
    )
    return {
        credential.achievement_version.achievement_id: credential
        for credential in rows
        if is_active_holding(
            revoked_at=credential.revoked_at, valid_until=credential.valid_until, now=now
        )
    }


class _Wanted:
    """What a matching row must be: organisation, versions, not from the prefix, active."""

    def __init__(
        self, organisation_id: int, version_ids: frozenset[int], prefix: str | None, now: datetime
    ) -> None:
        self.organisation_id = organisation_id
        self.version_ids = version_ids
        self.prefix = prefix
        self.now = now


def _holders(column: str, values: list[str], wanted: _Wanted) -> Iterator[str]:
    """The ``values`` of ``column`` (recipient_email or recipient_did) whose credential matches.

    Only the ``column IN (...)`` condition goes to SQL and the rest is checked here, so the
    database can only use the index on ``column`` (without statistics SQLite would otherwise
    pick the organisation index and read all its credentials, per chunk).
    """
    prefix = wanted.prefix
    for start in range(0, len(values), 500):
        rows = (
            Credential.objects.filter(**{f"{column}__in": values[start : start + 500]})
            .order_by()
            .values_list(
                column,
                "organisation_id",
                "achievement_version_id",
                "revoked_at",
                "valid_until",
                "source_key",
            )
        )
        for value, organisation_id, version_id, revoked_at, valid_until, source_key in rows:
            if (
                value
                and organisation_id == wanted.organisation_id
                and version_id in wanted.version_ids
                and is_active_holding(
                    revoked_at=revoked_at, valid_until=valid_until, now=wanted.now
                )
                and not (prefix and source_key and source_key.startswith(prefix))
            ):
                yield value
