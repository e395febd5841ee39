"""Writes of the transparency log: appends (strictly ordered) and signed checkpoints.

An append reserves its indexes with one ``UPDATE … SET size = size + n`` and inserts the
entries in the caller's transaction: the credential and its log entries commit or vanish
together, two appends never share an index (the UPDATE serialises them: a row lock on
PostgreSQL, the write lock on SQLite) and a killed process leaves no hole and no fork.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from microcred.tlog import Checkpoint, LogEntry, checkpoint_sign, leaf_hash
from microcred.tlog.entries import credential_digest_of_text
from microcred_web.orgs.models import Organisation
from microcred_web.transparency.keys import log_key_create, log_origin, log_signer
from microcred_web.transparency.models import LogRecord, SignedCheckpoint, TransparencyLog
from microcred_web.transparency.selectors import LogReadError, inclusion_of_credential
from microcred_web.transparency.tree import log_tree

_BATCH = 5000


def log_ensure(*, organisation_id: int) -> TransparencyLog:
    """The organisation's log, created with a new key the first time."""
    existing = TransparencyLog.objects.filter(organisation_id=organisation_id).first()
    if existing is not None:
        return existing
    slug = Organisation.objects.values_list("slug", flat=True).get(pk=organisation_id)
    origin = log_origin(slug)
    signer, sealed = log_key_create(origin)
    try:
        with transaction.atomic():
            return TransparencyLog.objects.create(
                organisation_id=organisation_id,
                origin=origin,
                verifier_key=signer.verifier.encode(),
                secret_sealed=sealed,
            )
    except IntegrityError:  # created meanwhile by a concurrent first append
        return TransparencyLog.objects.get(organisation_id=organisation_id)


def _insert_sql() -> str:
    quote = connection.ops.quote_name
    columns = ("log_id", "index", "kind", "subject", "credential", "data", "leaf_hash")
    return (
        f"INSERT INTO {quote(LogRecord._meta.db_table)} "  # noqa: S608 - fixed, quoted names
        f"({', '.join(quote(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    )


def log_enabled() -> bool:
    """``MICROCRED_TRANSPARENCY_LOG`` (default on); the benchmark turns it off to compare."""
    return bool(getattr(settings, "MICROCRED_TRANSPARENCY_LOG", True))


def _reserve(organisation_id: int, count: int) -> tuple[int, int] | None:
    """Raise the organisation's log size by ``count``; its id and new size (None: no log yet).
    One statement: the row (PostgreSQL) or the database (SQLite) stays write-locked until the
    transaction ends, so concurrent appends queue up behind it."""
    quote = connection.ops.quote_name
    table = quote(TransparencyLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote('size')} = {quote('size')} + %s "  # noqa: S608 - fixed names
            f"WHERE {quote('organisation_id')} = %s RETURNING {quote('id')}, {quote('size')}",
            [count, organisation_id],
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row is not None else None


def log_append(
    *, organisation_id: int, entries: Sequence[LogEntry], credentials: Sequence[Any] | None = None
) -> range:
    """Append ``entries`` in order; returns their indexes. ``credentials`` (public ids) are
    stored beside the entries of the same position so proofs can be found by credential."""
    if not entries or not log_enabled():
        return range(0)
    count = len(entries)
    uuid_field = LogRecord._meta.get_field("credential")
    with transaction.atomic():
        reserved = _reserve(organisation_id, count)
        if reserved is None:  # the organisation's first entry: create its log (and key)
            log_ensure(organisation_id=organisation_id)
            reserved = _reserve(organisation_id, count)
            if reserved is None:
                raise LookupError(f"organisation {organisation_id} has no transparency log")
        log_id, end = reserved
        start = end - count
        rows = []
        for offset, entry in enumerate(entries):
            data = entry.encode()
            public_id = credentials[offset] if credentials else None
            rows.append(
                (
                    log_id,
                    start + offset,
                    entry.kind,
                    entry.subject,
                    uuid_field.get_db_prep_value(public_id, connection),
                    data,
                    leaf_hash(data),
                )
            )
        with connection.cursor() as cursor:  # bulk_create's SQL compiler costs 10× the insert
            for first in range(0, len(rows), _BATCH):
                cursor.executemany(_insert_sql(), rows[first : first + _BATCH])
    return range(start, end)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credentials_issued_log(
    *, organisation_id: int, signed: Iterable[tuple[Any, str]], now: datetime | None = None
) -> range:
    """Log the issuance of each ``(public_id, signed JSON)``: its id and digest, nothing else."""
    if not log_enabled():
        return range(0)
    at = _stamp(now or timezone.now())
    entries, public_ids = [], []
    for public_id, signed_json in signed:
        document, digest = credential_digest_of_text(signed_json)
        entries.append(
            LogEntry(
                kind="credential.issued", subject=str(document.get("id", "")), digest=digest, at=at
            )
        )
        public_ids.append(public_id)
    return log_append(organisation_id=organisation_id, entries=entries, credentials=public_ids)


def credentials_status_log(
    *, organisation_id: int, kind: str, credentials: Iterable[Any], now: datetime | None = None
) -> range:
    """Log a status change (``credential.revoked`` / ``suspended`` / ``reinstated``) of each
    credential row, identified like its issuance entry."""
    if not log_enabled():
        return range(0)
    at = _stamp(now or timezone.now())
    entries, public_ids = [], []
    for credential in credentials:
        document, digest = credential_digest_of_text(credential.signed_json)
        entries.append(
            LogEntry(kind=kind, subject=str(document.get("id", "")), digest=digest, at=at)
        )
        public_ids.append(credential.public_id)
    return log_append(organisation_id=organisation_id, entries=entries, credentials=public_ids)


def key_rotation_log(
    *, organisation_id: int, key_id: str, public_multibase: str, now: datetime | None = None
) -> range:
    """Log a new issuer key: its id and the digest of its public key."""
    import hashlib

    digest = "sha256:" + hashlib.sha256(public_multibase.encode()).hexdigest()
    entry = LogEntry(
        kind="key.rotated", subject=key_id, digest=digest, at=_stamp(now or timezone.now())
    )
    return log_append(organisation_id=organisation_id, entries=[entry])


def checkpoint_publish(*, log: TransparencyLog, now: datetime | None = None) -> SignedCheckpoint:
    """The signed checkpoint of the log's committed size (signed once per size)."""
    size = TransparencyLog.objects.values_list("size", flat=True).get(pk=log.pk)
    existing = SignedCheckpoint.objects.filter(log=log, size=size).first()
    if existing is not None:
        return existing
    root = log_tree(log.pk, size).root(size)
    note = checkpoint_sign(
        Checkpoint(log.origin, size, root), log_signer(log.origin, log.secret_sealed)
    )
    try:
        with transaction.atomic():
            return SignedCheckpoint.objects.create(
                log=log, size=size, root_hash=root, note=note, signed_at=now or timezone.now()
            )
    except IntegrityError:  # signed meanwhile by another request
        return SignedCheckpoint.objects.get(log=log, size=size)


def credential_inclusion(*, organisation_id: int, public_id: Any) -> dict[str, Any] | None:
    """The inclusion bundle of a credential of this instance under the log's latest
    checkpoint (signed now if the log grew), or None when it is not in the log."""
    log = TransparencyLog.objects.filter(organisation_id=organisation_id).first()
    if log is None:
        return None
    checkpoint_publish(log=log)
    try:
        return inclusion_of_credential(log, public_id=public_id)
    except LogReadError:
        return None
