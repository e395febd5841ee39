"""Bitstring Status Lists: reservation of indexes, status changes and the signed list credentials.

Each organisation has numbered ``message`` lists of 131,072 two-bit entries: a credential's one
``credentialStatus`` entry carries revocation and suspension (decision 0019,
:mod:`microcred.status.standing`). Credentials issued before that carry a one-bit revocation
entry; their revocation lists are still kept up to date and published, their suspension lists
(which no credential names) are neither.
Indexes are random within the list and unique per list (a database constraint on the
credentials backs this up). They are *reserved* before the credentials that use them are
signed, in a short transaction of their own (:func:`status_indexes_reserve`): the
organisation row is locked, the reservation bitmap of the newest list of each purpose is
updated and committed. A reserved index is never handed out again, whether or not its
credential is ever stored, so signing can run with no transaction open and a crash between
reservation and insert only leaves unused (always-zero) bits behind.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from microcred.status import STANDING_SIZE, BitstringStatusList, status_list_credential
from microcred.suites import eddsa_rdfc_2022
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.identity import absolute_url, issuer_did
from microcred_web.issuing.models import STATUS_LIST_SIZE, StatusList, StatusPurpose
from microcred_web.issuing.signing import signing_key_for
from microcred_web.orgs.models import Organisation

_RANDOM = secrets.SystemRandom()
#: purposes whose lists are published (a suspension list is named by no credential)
PUBLISHED_PURPOSES = (StatusPurpose.MESSAGE, StatusPurpose.REVOCATION)


def _empty_list(size: int, status_size: int = 1) -> str:
    return BitstringStatusList(size * status_size).encode()


def list_path(*, slug: str, purpose: str, number: int) -> str:
    return f"/o/{slug}/status/{purpose}/{number}"


def list_url(status_list: StatusList) -> str:
    return absolute_url(status_list.url_path)


@dataclass(frozen=True)
class ReservedIndex:
    """One reserved position: list ``list_id`` (number ``list_number``), bit ``index``."""

    list_id: int
    list_number: int
    index: int


def _new_list(organisation: Organisation, purpose: str, number: int) -> StatusList:
    status_size = STANDING_SIZE if purpose == StatusPurpose.MESSAGE else 1
    return StatusList.objects.create(
        organisation=organisation,
        purpose=purpose,
        number=number,
        size=STATUS_LIST_SIZE,
        status_size=status_size,
        encoded_list=_empty_list(STATUS_LIST_SIZE, status_size),
    )


def _free_indexes(bits: bytearray, size: int) -> list[int]:
    free: list[int] = []
    for byte_index, byte in enumerate(bits):
        if byte != 0xFF:
            base = byte_index << 3
            free.extend(base + bit for bit in range(8) if not byte & (1 << bit))
    return [index for index in free if index < size]


def _draw_free(bits: bytearray, size: int, count: int) -> list[int]:
    """``count`` distinct indexes below ``size`` whose bit in ``bits`` is clear, uniformly at
    random among those; their bits are set.

    Random 64-bit words come from the system's generator in blocks (one call per block, not
    per index): a word masked to the next power of two is uniform below it, words at or above
    ``size`` are rejected (uniform below ``size``), and so are taken positions (uniform among
    the free ones). Meant for a list that is mostly free, so few words are rejected.
    """
    chosen: list[int] = []
    mask = (1 << max(1, (size - 1).bit_length())) - 1
    while len(chosen) < count:
        need = count - len(chosen)
        for word in memoryview(secrets.token_bytes(8 * (need + need // 2 + 8))).cast("Q"):
            index = word & mask
            if index >= size:
                continue
            byte, bit = index >> 3, 1 << (index & 7)
            if bits[byte] & bit:
                continue
            bits[byte] |= bit
            chosen.append(index)
            if len(chosen) == count:
                break
    return chosen


def _reserve_in(organisation: Organisation, purpose: str, count: int) -> list[ReservedIndex]:
    """Reserve ``count`` indexes of ``purpose``; the organisation row is already locked."""
    current = (
        StatusList.objects.select_for_update()
        .filter(organisation=organisation, purpose=purpose)
        .order_by("-number")
        .first()
    )
    if current is None:
        current = _new_list(organisation, purpose, 1)
    out: list[ReservedIndex] = []
    while count > 0:
        free = current.size - current.allocated_count
        if free <= 0:
            current = _new_list(organisation, purpose, current.number + 1)
            continue
        bits = bytearray(bytes(current.allocated) or bytes((current.size + 7) // 8))
        take = min(free, count)
        if current.allocated_count + take <= current.size * 3 // 4:
            chosen = _draw_free(bits, current.size, take)  # mostly free: draws rarely collide
        else:  # the last quarter: draw among the free positions themselves
            chosen = _RANDOM.sample(_free_indexes(bits, current.size), take)
            for index in chosen:
                bits[index >> 3] |= 1 << (index & 7)
        out.extend(ReservedIndex(current.pk, current.number, index) for index in chosen)
        current.allocated = bytes(bits)
        current.allocated_count += take
        current.save(update_fields=["allocated", "allocated_count", "updated_at"])
        count -= take
    return out


def status_indexes_reserve(*, organisation: Organisation, count: int) -> list[ReservedIndex]:
    """Reserve ``count`` entries of the organisation's ``message`` lists and commit at once.

    The organisation row is locked first (``FOR NO KEY UPDATE`` on PostgreSQL, so inserts that
    reference the organisation are not blocked), which serialises reservations and the
    creation of the first list of a new organisation: two concurrent batches cannot both
    create list #1. Called inside an outer transaction it becomes a savepoint, and the locks
    are held until that transaction ends.
    """
    if count <= 0:
        return []
    with transaction.atomic():
        locked = list(
            Organisation.objects.select_for_update(no_key=True)
            .filter(pk=organisation.pk)
            .values_list("pk", flat=True)
        )
        if not locked:
            raise ApplicationError("not_found", "No such organisation.", status=404)
        return _reserve_in(organisation, StatusPurpose.MESSAGE, count)


def _signed(status_list: StatusList, now: datetime, valid_from: datetime | None = None) -> str:
    organisation = status_list.organisation
    valid_from = min(valid_from or now, now)
    _key, pair = signing_key_for(organisation=organisation)
    unsigned = status_list_credential(
        id=list_url(status_list),
        issuer=issuer_did(organisation),
        purpose=status_list.purpose,
        encoded_list=status_list.encoded_list,
        valid_from=valid_from.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    signed = eddsa_rdfc_2022.sign(unsigned, pair, created=now)
    return json.dumps(signed, ensure_ascii=False)


def status_values_set(
    *,
    status_list: StatusList,
    values: Mapping[int, Callable[[int], int]],
    now: datetime | None = None,
) -> StatusList:
    """Change entries (``values`` maps an index to a function of its current value to its new
    one), bump the version and re-sign the list if anything changed (inside a transaction)."""
    moment = now or timezone.now()
    locked = (
        StatusList.objects.select_for_update().select_related("organisation").get(pk=status_list.pk)
    )
    bits = BitstringStatusList.decode(locked.encoded_list)
    size = locked.status_size
    changed = False
    for index, change in values.items():
        current = bits.value(index, size)
        wanted = change(current)
        if wanted != current:
            bits.set_value(index, wanted, size)
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
    """The signed BitstringStatusListCredential of one published list (signed now if out of
    date); a suspension list is not published (no credential names it)."""
    if purpose not in PUBLISHED_PURPOSES:
        raise ApplicationError("not_found", "No such status list.", status=404)
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
                # valid from its last change, not from this (lazy) signing: a verifier that
                # took "now" just before asking for the list must not find it not yet valid
                locked.signed_json = _signed(locked, timezone.now(), valid_from=locked.updated_at)
                locked.signed_version = locked.version
                locked.save(update_fields=["signed_json", "signed_version", "updated_at"])
            status_list = locked
    document: dict[str, Any] = json.loads(status_list.signed_json)
    return status_list, document
