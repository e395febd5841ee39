"""Signals other apps listen to (the award engine re-evaluates people when they learn)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django.dispatch
from django.db import transaction

#: sent once the transaction commits, with ``organisation`` and ``user_ids`` (list of int),
#: whenever a course completion, a quiz attempt or imported statements are recorded
learning_recorded = django.dispatch.Signal()


def learning_recorded_on_commit(*, organisation: Any, user_ids: Iterable[int]) -> None:
    ids = sorted(set(user_ids))
    if not ids:
        return
    transaction.on_commit(
        lambda: learning_recorded.send(sender=None, organisation=organisation, user_ids=ids)
    )
