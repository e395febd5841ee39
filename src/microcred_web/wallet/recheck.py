"""Re-checking imported credentials: a revocation, suspension or expiry at the issuer after
the import is seen without the learner importing again.

The stored credential is verified again exactly as at import (``importing.read_credential``:
our own issuers from the database, a foreign status list only through the guarded resolver);
its label, checks and ``checked_at`` are updated, and when the label changes
:data:`~microcred_web.wallet.signals.import_label_changed` is sent so that what depends on it
(pathway recognition) is evaluated again. The scheduled job re-checks the oldest-checked first,
a bounded number per run; a holder may ask again at most once a minute per credential.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Case, QuerySet, Value, When
from django.db.models import IntegerField as Int
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.safe_fetch import GuardedResolver
from microcred_web.common.services import audit_record
from microcred_web.wallet import importing
from microcred_web.wallet.models import ImportedCredential, ImportLabel
from microcred_web.wallet.signals import import_label_changed

#: a holder's "check again" is refused this soon after the last check
HOLDER_INTERVAL = timedelta(minutes=1)
#: the scheduled job leaves alone what was checked this recently
JOB_INTERVAL = timedelta(hours=20)
#: the scheduled job checks at most this many credentials per run
JOB_LIMIT = 200


def _verify_again(
    imported: ImportedCredential, now: datetime, resolver: GuardedResolver | None
) -> tuple[str, list[Any]]:
    try:
        read = importing.read_credential(imported.payload.encode(), now=now, resolver=resolver)
    except ApplicationError:  # the stored text no longer reads (it did at import)
        return str(ImportLabel.INVALID), list(imported.checks)
    return read.label, [c.to_json() for c in read.report.checks]


def imported_recheck(
    *,
    imported: ImportedCredential,
    now: datetime | None = None,
    holder: Any = None,
    resolver: GuardedResolver | None = None,
) -> bool:
    """Verify ``imported`` again; returns whether its label changed. ``holder``: the owner
    asking (checked to own it, and refused within a minute of the last check)."""
    now = now or timezone.now()
    if holder is not None:
        if imported.owner_id != holder.pk:
            raise ApplicationError("not_found", _("No such credential in your wallet."), status=404)
        if imported.checked_at > now - HOLDER_INTERVAL:
            raise ApplicationError(
                "rate_limited",
                _("It was checked less than a minute ago: please wait a little."),
                "imported",
                status=429,
            )
    label, checks = _verify_again(imported, now, resolver)  # outside the transaction
    with transaction.atomic():
        current = ImportedCredential.objects.select_for_update().get(pk=imported.pk)
        previous = current.label
        current.label, current.checks, current.checked_at = label, checks, now
        fields = ["label", "checks", "checked_at"]
        if label != previous:
            current.label_since = now
            fields.append("label_since")
        current.save(update_fields=fields)
        if label != previous or holder is not None:
            audit_record(
                action="wallet.import_rechecked",
                actor=holder,
                target=current,
                data={"label": label, "previous": previous},
            )
        if label != previous:
            import_label_changed.send(
                sender=ImportedCredential, imported=current, previous_label=previous
            )
    imported.refresh_from_db()
    return label != previous


@dataclass(frozen=True)
class RecheckRun:
    checked: int
    changed: int

    def as_result(self) -> dict[str, int]:
        return {"checked": self.checked, "changed": self.changed}


def imports_due(
    *, now: datetime, first: QuerySet[Any] | None = None, limit: int = JOB_LIMIT
) -> list[ImportedCredential]:
    """Up to ``limit`` imports not checked for :data:`JOB_INTERVAL`: those whose ids
    ``first`` selects (a query of ids) before the others, each group oldest-checked first."""
    rows = ImportedCredential.objects.filter(checked_at__lte=now - JOB_INTERVAL)
    if first is not None:
        rows = rows.annotate(
            group=Case(When(pk__in=first, then=Value(0)), default=Value(1), output_field=Int())
        )
    else:
        rows = rows.annotate(group=Value(1, output_field=Int()))
    return list(rows.order_by("group", "checked_at", "pk")[:limit])


def imports_recheck_run(
    *, now: datetime, first: QuerySet[Any] | None = None, limit: int = JOB_LIMIT
) -> RecheckRun:
    """The scheduled re-check: verify the due imports again (one resolver for the run, so a
    status list shared by many credentials is fetched once)."""
    resolver = importing.guarded_resolver()
    checked = changed = 0
    for imported in imports_due(now=now, first=first, limit=limit):
        changed += imported_recheck(imported=imported, now=now, resolver=resolver)
        checked += 1
    return RecheckRun(checked, changed)
