"""Bitstring Status Lists: allocation of indexes, bit changes and the signed list credentials.

Each organisation has numbered lists per purpose (revocation, suspension) of 131,072 entries.
Indexes are random within the list and unique per list (a database constraint backs this up).
Allocation runs inside the issuing transaction with the list rows locked, so two batches never
pick the same index.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from microcred.status import BitstringStatusList, allocate_index, status_list_credential
from microcred.suites import eddsa_rdfc_2022
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.identity import absolute_url, issuer_did
from microcred_web.issuing.models import STATUS_LIST_SIZE, Credential, StatusList, StatusPurpose
from microcred_web.issuing.signing import signing_key_for
from microcred_web.orgs.models import Organisation

_INDEX_FIELD = {
    StatusPurpose.REVOCATION: ("revocation_list", "revocation_status_index"),
    StatusPurpose.SUSPENSION: ("suspension_list", "suspension_status_index"),
}


def _empty_list(size: int) -> str:
    return BitstringStatusList(size).encode()


def list_url(status_list: StatusList) -> str:
    return absolute_url(status_list.url_path)


class Allocator:
    """Hands out unused random indexes of an organisation's lists for one purpose.

    Create it inside the issuing transaction; it locks the newest list and moves on to a new
    list when that one is full.
    """

    def __init__(self, *, organisation: Organisation, purpose: str) -> None:
        self.organisation = organisation
        self.purpose = purpose
        self._list_field, self._index_field = _INDEX_FIELD[StatusPurpose(purpose)]
        self.status_list = self._current_list()
        self._used = self._used_indexes(self.status_list)

    def _current_list(self) -> StatusList:
        newest = (
            StatusList.objects.select_for_update()
            .filter(organisation=self.organisation, purpose=self.purpose)
            .order_by("-number")
            .first()
        )
        if newest is None:
            newest = StatusList.objects.create(
                organisation=self.organisation,
                purpose=self.purpose,
                number=1,
                size=STATUS_LIST_SIZE,
                encoded_list=_empty_list(STATUS_LIST_SIZE),
            )
        return newest

    def _used_indexes(self, status_list: StatusList) -> set[int]:
        return set(
            Credential.objects.filter(**{self._list_field: status_list}).values_list(
                self._index_field, flat=True
            )
        )

    def allocate(self) -> tuple[StatusList, int]:
        if len(self._used) >= self.status_list.size:
            self.status_list = StatusList.objects.create(
                organisation=self.organisation,
                purpose=self.purpose,
                number=self.status_list.number + 1,
                size=STATUS_LIST_SIZE,
                encoded_list=_empty_list(STATUS_LIST_SIZE),
            )
            self._used = set()
        index = allocate_index(self._used, size=self.status_list.size)
        self._used.add(index)
        return self.status_list, index


def _signed(status_list: StatusList, now: datetime) -> str:
    organisation = status_list.organisation
    _key, pair = signing_key_for(organisation=organisation)
    unsigned = status_list_credential(
        id=list_url(status_list),
        issuer=issuer_did(organisation),
        purpose=status_list.purpose,
        encoded_list=status_list.encoded_list,
        valid_from=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    signed = eddsa_rdfc_2022.sign(unsigned, pair, created=now)
    return json.dumps(signed, ensure_ascii=False)


def status_bits_set(
    *, status_list: StatusList, indexes: Iterable[int], value: bool, now: datetime | None = None
) -> StatusList:
    """Set or clear bits, bump the version and re-sign the list (call inside a transaction)."""
    moment = now or timezone.now()
    locked = (
        StatusList.objects.select_for_update().select_related("organisation").get(pk=status_list.pk)
    )
    bits = BitstringStatusList.decode(locked.encoded_list)
    changed = False
    for index in indexes:
        if bits.get(index) != value:
            bits.set(index, value)
            changed = True
    if not changed:
        return locked
    locked.encoded_list = bits.encode()
    locked.version += 1
    locked.signed_json = _signed(locked, moment)
    locked.signed_version = locked.version
    locked.save(
        update_fields=["encoded_list", "version", "signed_json", "signed_version", "updated_at"]
    )
    return locked


def status_list_credential_for(
    *, organisation: Organisation, purpose: str, number: int
) -> tuple[StatusList, dict[str, Any]]:
    """The signed BitstringStatusListCredential of one list (signed now if out of date)."""
    status_list = (
        StatusList.objects.select_related("organisation")
        .filter(organisation=organisation, purpose=purpose, number=number)
        .first()
    )
    if status_list is None:
        raise ApplicationError("not_found", "No such status list.", status=404)
    if status_list.signed_version != status_list.version or not status_list.signed_json:
        with transaction.atomic():
            locked = (
                StatusList.objects.select_for_update()
                .select_related("organisation")
                .get(pk=status_list.pk)
            )
            if locked.signed_version != locked.version or not locked.signed_json:
                locked.signed_json = _signed(locked, timezone.now())
                locked.signed_version = locked.version
                locked.save(update_fields=["signed_json", "signed_version", "updated_at"])
            status_list = locked
    document: dict[str, Any] = json.loads(status_list.signed_json)
    return status_list, document
