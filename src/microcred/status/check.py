"""Reading a credential's status from its Bitstring Status List (the REC's validate algorithm).

The caller dereferences ``statusListCredential`` and verifies the list credential's proof
(``STATUS_RETRIEVAL_ERROR`` / ``STATUS_VERIFICATION_ERROR`` are theirs to report); this module
checks the entry, matches the purposes, expands the list, applies the minimum length and the
range, and reads ``statusSize`` bits, mapped through ``statusMessage``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from microcred.errors import StatusListError
from microcred.status.bitstring import MAX_STATUS_SIZE, MINIMUM_ENTRIES, BitstringStatusList

__all__ = ["StatusCheck", "check_status", "entry_messages", "entry_status_size", "read_entry"]

MALFORMED: Final = "MALFORMED_VALUE_ERROR"
LENGTH_ERROR: Final = "STATUS_LIST_LENGTH_ERROR"
RANGE_ERROR: Final = "RANGE_ERROR"
VERIFICATION_ERROR: Final = "STATUS_VERIFICATION_ERROR"


@dataclass(frozen=True, slots=True)
class StatusCheck:
    """The status of one credential: ``value`` (0 means valid), ``set`` when it is not 0, and
    for lists with messages the ``message`` of the value."""

    purpose: str
    index: int
    set: bool
    reason: str
    value: int = 0
    size: int = 1
    message: str = ""


_SET_MEANING: Final = {
    "revocation": "the credential is revoked",
    "suspension": "the credential is suspended",
    "refresh": "the credential should be refreshed",
    "message": "a status message applies",
}


def check_status(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> StatusCheck:
    """The status ``entry`` points to in ``list_credential`` (whose proof the caller checked).

    Raises :class:`StatusListError` (with the REC's error as ``code``) when the entry or list
    is malformed, the purposes do not match, the list is too short or the index is outside it.
    Like the REC's validation algorithm, it does not require the list credential's ``id`` to
    equal the entry's URL (the 1EdTech fixture list is published under a URL other than its
    id); the caller, who dereferenced the URL, vouches that ``list_credential`` is what it
    serves.
    """
    purpose, index, size, messages = read_entry(entry)
    subject = _list_subject(list_credential)
    list_purposes = subject.get("statusPurpose")
    allowed = list_purposes if isinstance(list_purposes, list) else [list_purposes]
    if purpose not in allowed:
        raise StatusListError(
            f"status purpose mismatch: the entry says {purpose!r}, "
            f"the list is for {list_purposes!r}",
            code=VERIFICATION_ERROR,
        )
    bits = BitstringStatusList.decode(subject["encodedList"])
    entries = bits.size // size
    if entries < MINIMUM_ENTRIES:
        raise StatusListError(
            f"{LENGTH_ERROR}: the list holds {entries} entries of {size} bit(s), "
            f"fewer than the {MINIMUM_ENTRIES} required",
            code=LENGTH_ERROR,
        )
    if index >= entries:
        raise StatusListError(
            f"{RANGE_ERROR}: statusListIndex {index} is outside the list ({entries} entries)",
            code=RANGE_ERROR,
        )
    value = bits.value(index, size)
    message = messages.get(value, "")
    if value == 0:
        reason = (
            f"{purpose} entry {index} is 0" if size > 1 else f"{purpose} bit {index} is not set"
        )
    elif size > 1:
        reason = f"{purpose} entry {index} is {hex(value)}: {message or 'no message given'}"
    else:
        reason = f"{purpose} bit {index} is set: {_SET_MEANING.get(purpose, 'the status applies')}"
    return StatusCheck(purpose, index, value != 0, reason, value, size, message)


def read_entry(entry: Mapping[str, Any]) -> tuple[str, int, int, dict[int, str]]:
    """``(statusPurpose, index, statusSize, messages)`` of a well-formed entry, else
    :class:`StatusListError` with code ``MALFORMED_VALUE_ERROR`` (checkable offline)."""
    if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
        raise StatusListError("credentialStatus is not a BitstringStatusListEntry", code=MALFORMED)
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise StatusListError("the status entry has no statusPurpose", code=MALFORMED)
    index = _parse_index(entry.get("statusListIndex"))
    size = entry_status_size(entry)
    messages = entry_messages(entry, size)
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not url:
        raise StatusListError("the status entry has no statusListCredential URL", code=MALFORMED)
    reference = entry.get("statusReference")
    references = reference if isinstance(reference, list) else [reference]
    if reference is not None and not all(isinstance(r, str) and ":" in r for r in references):
        raise StatusListError("statusReference must be a URL or an array of URLs", code=MALFORMED)
    if entry.get("id") == url:
        raise StatusListError(
            "the status entry's id must not be the status list's URL", code=MALFORMED
        )
    return purpose, index, size, messages


def entry_status_size(entry: Mapping[str, Any]) -> int:
    """``statusSize`` (1 when absent): a positive JSON integer, at most 8 here."""
    size: object = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise StatusListError(
            f"statusSize must be a positive integer, not {size!r}", code=MALFORMED
        )
    if size > MAX_STATUS_SIZE:
        raise StatusListError(f"statusSize {size} is not supported (at most 8)", code=MALFORMED)
    return size


def entry_messages(entry: Mapping[str, Any], size: int) -> dict[int, str]:
    """``statusMessage`` as {value: message}: required when ``statusSize`` > 1, one element
    ``{"status": "0x…", "message": "…"}`` for each of the 2**statusSize values."""
    raw = entry.get("statusMessage")
    if raw is None:
        if size > 1:
            raise StatusListError(f"statusSize {size} needs a statusMessage", code=MALFORMED)
        return {}
    if not isinstance(raw, list) or len(raw) != 1 << size:
        raise StatusListError(
            f"statusMessage must be an array of {1 << size} messages (statusSize {size})",
            code=MALFORMED,
        )
    messages: dict[int, str] = {}
    for item in raw:
        status = item.get("status") if isinstance(item, Mapping) else None
        message = item.get("message") if isinstance(item, Mapping) else None
        value = _hex_value(status)
        if value is None or not isinstance(message, str) or value >= 1 << size:
            raise StatusListError(
                f"a statusMessage element needs a hex status below {hex(1 << size)} and a "
                f"message, not {item!r}",
                code=MALFORMED,
            )
        if value in messages:
            raise StatusListError(f"statusMessage repeats status {status}", code=MALFORMED)
        messages[value] = message
    return messages


def _hex_value(status: Any) -> int | None:
    if not isinstance(status, str) or not status.lower().startswith("0x") or len(status) > 6:
        return None
    digits = status[2:]
    if not digits or not all(c in "0123456789abcdefABCDEF" for c in digits):
        return None
    return int(digits, 16)


def _parse_index(value: Any) -> int:
    # The REC: "an arbitrary size integer greater than or equal to 0, expressed as a string in
    # base 10". A JSON number (as in two 1EdTech fixtures) is malformed.
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    raise StatusListError(
        f"statusListIndex must be a string of base-10 digits, not {value!r}", code=MALFORMED
    )


def _list_subject(list_credential: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(list_credential, Mapping):
        raise StatusListError(
            "the status list credential is not a JSON object", code=VERIFICATION_ERROR
        )
    types = list_credential.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise StatusListError(
            "the list is not a BitstringStatusListCredential", code=VERIFICATION_ERROR
        )
    subject = list_credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        raise StatusListError(
            "the list credential's subject is not a BitstringStatusList", code=VERIFICATION_ERROR
        )
    if not isinstance(subject.get("encodedList"), str):
        raise StatusListError("the status list has no encodedList", code=VERIFICATION_ERROR)
    return subject
