"""Signals other apps listen to (award rules that stack on a credential re-evaluate its holder)."""

from __future__ import annotations

from typing import Any

import django.dispatch
from django.db import transaction

#: sent once the transaction commits, with ``organisation`` and ``credential_ids`` (list of
#: int), for every stored batch of new credentials (single issues, API, bulk chunks, awards)
credentials_issued = django.dispatch.Signal()


#: sent inside the transaction that marks a key compromised, with ``organisation_id`` (int),
#: ``key_id`` (the IssuerKey's pk) and ``compromised_after`` (datetime): listeners stop work
#: signed with it (bulk jobs) in the same transaction
issuer_key_compromised = django.dispatch.Signal()


def credentials_issued_on_commit(*, organisation: Any, credential_ids: list[int]) -> None:
    if not credential_ids:
        return
    ids = list(credential_ids)
    transaction.on_commit(
        lambda: credentials_issued.send(sender=None, organisation=organisation, credential_ids=ids)
    )
