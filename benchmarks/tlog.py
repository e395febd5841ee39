"""Transparency log benchmark: appends, proofs and a full audit at 1,000,000 entries, and bulk
issuance with the log on vs off.

    .venv/bin/python -m benchmarks.tlog                     # 1,000,000 entries
    .venv/bin/python -m benchmarks.tlog --entries 100000 --issue 200

Without ``DATABASE_URL`` a fresh SQLite database under var/bench/ is used. Phases:
1. appends — ``log_append`` in batches of 1,000 (one transaction each, the bulk issuance path)
   until the log holds ``--entries`` entries; baseline: the same rows bulk-inserted into a
   plain table with no sequencer and no hashing;
2. proofs — 10,000 inclusion proofs for random entries of the 1M tree (from the database, the
   tree cached as the web app does); baseline: one SHA-256 leaf hash;
3. audit — the log published as C2SP tiles (the web app's tile bytes) and audited by the core
   auditor from an in-memory fetcher: every entry re-hashed, every tile compared;
4. issuance — ``credentials_issue`` of ``--issue`` credentials in chunks of 100, alternating
   the log on and off; the ratio on/off is what the log costs bulk issuance.
The last line is ``appends/s: X``.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_BATCH = 1000


def _django(database: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred_web.config.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("MICROCRED_KEY_ENCRYPTION_KEY", "benchmark-key-encryption-key-0123456789")
    import django

    django.setup()
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _entries(count: int, start: int) -> list[Any]:
    from microcred.tlog import LogEntry

    return [
        LogEntry(
            kind="credential.issued",
            subject=f"https://bench.example/credentials/{start + i:08d}",
            digest=f"sha256:{start + i:064x}",
            at="2026-12-07T10:00:00Z",
        )
        for i in range(count)
    ]


def _appends(organisation_id: int, total: int) -> tuple[float, float]:
    from django.db import connection, transaction

    from microcred_web.transparency.services import log_append

    started = time.perf_counter()
    for start in range(0, total, _BATCH):
        with transaction.atomic():
            log_append(
                organisation_id=organisation_id, entries=_entries(min(_BATCH, total - start), start)
            )
    log_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:  # baseline: the same bytes, a plain bulk insert
        cursor.execute("CREATE TABLE bench_plain (i INTEGER PRIMARY KEY, data BLOB)")
        started = time.perf_counter()
        for start in range(0, total, _BATCH):
            rows = [
                (start + i, e.encode())
                for i, e in enumerate(_entries(min(_BATCH, total - start), start))
            ]
            with transaction.atomic():
                cursor.executemany("INSERT INTO bench_plain (i, data) VALUES (%s, %s)", rows)
        plain_seconds = time.perf_counter() - started
    return log_seconds, plain_seconds


def _proofs(log_id: int, size: int, count: int = 10_000) -> tuple[float, float, float]:
    import hashlib

    from microcred.tlog import verify_inclusion
    from microcred_web.transparency.tree import log_tree

    started = time.perf_counter()
    tree = log_tree(log_id, size)
    load_seconds = time.perf_counter() - started
    picks = [random.randrange(size) for _ in range(count)]
    started = time.perf_counter()
    proofs = [tree.inclusion_proof(index, size) for index in picks]
    proof_seconds = (time.perf_counter() - started) / count
    root = tree.root(size)
    for index, proof in zip(picks[:100], proofs[:100], strict=True):
        verify_inclusion(
            index=index, size=size, hashed_leaf=tree.leaf(index), proof=proof, root=root
        )
    started = time.perf_counter()
    for index in picks:
        hashlib.sha256(b"\x00" + index.to_bytes(8, "big")).digest()
    hash_seconds = (time.perf_counter() - started) / count
    return load_seconds, proof_seconds, hash_seconds


def _audit(log: Any) -> tuple[float, float, int]:
    from microcred.tlog import NoteVerifier, TileMissing, log_audit
    from microcred.tlog.tiles import entry_bundles_for_size, hash_tiles_for_size
    from microcred_web.transparency.selectors import tile_content
    from microcred_web.transparency.services import checkpoint_publish

    note = checkpoint_publish(log=log).note
    started = time.perf_counter()
    files = {"checkpoint": note.encode()}
    size = log.size
    for ref in [*hash_tiles_for_size(size), *entry_bundles_for_size(size)]:
        files[ref.path] = tile_content(log, ref.path)[0]
    publish_seconds = time.perf_counter() - started

    def fetch(path: str) -> bytes:
        if path not in files:
            raise TileMissing(path)
        return files[path]

    started = time.perf_counter()
    report = log_audit(fetch=fetch, verifier=NoteVerifier.parse(log.verifier_key))
    audit_seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"the audit of an honest log failed: {report.findings[:3]}")
    return publish_seconds, audit_seconds, len(files)


def _issuance(organisation: Any, total: int) -> tuple[float, float]:
    from django.conf import settings

    from microcred_web.achievements import services as achievements
    from microcred_web.issuing.services import RecipientInput, credentials_issue

    achievement = achievements.achievement_create(
        organisation=organisation,
        actor=None,
        values={"name": "Bench", "description": "Bench.", "criteria": "Bench."},
    )
    version = achievements.achievement_publish(achievement=achievement, actor=None)
    timings = {True: 0.0, False: 0.0}
    cpu = {True: 0.0, False: 0.0}
    chunk, number = 100, 0
    for enabled in (True, False):  # warm-up, not timed: the first issue imports and compiles
        settings.MICROCRED_TRANSPARENCY_LOG = enabled
        credentials_issue(
            organisation=organisation,
            achievement_version=version,
            recipients=[RecipientInput(email=f"w{enabled}@bench.example", name="W")],
            actor=None,
            source="bench",
            deliver=False,
        )
    for round_number in range(max(1, total // chunk)):
        for enabled in (True, False) if round_number % 2 == 0 else (False, True):
            settings.MICROCRED_TRANSPARENCY_LOG = enabled
            recipients = [
                RecipientInput(email=f"p{number + i}@bench.example", name=f"P{number + i}")
                for i in range(chunk)
            ]
            number += chunk
            started, cpu_started = time.perf_counter(), time.process_time()
            credentials_issue(
                organisation=organisation,
                achievement_version=version,
                recipients=recipients,
                actor=None,
                source="bench",
                deliver=False,
            )
            timings[enabled] += time.perf_counter() - started
            cpu[enabled] += time.process_time() - cpu_started
    settings.MICROCRED_TRANSPARENCY_LOG = True
    print(
        f"bulk issuance CPU time: log on {cpu[True]:.2f} s, off {cpu[False]:.2f} s "
        f"(ratio on/off {cpu[True] / cpu[False]:.3f}; wall time also waits on the disk)"
    )
    return timings[True], timings[False]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--issue", type=int, default=600, help="credentials per arm (log on/off)")
    args = parser.parse_args(argv)
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    database = bench / "tlog.sqlite3"
    database.unlink(missing_ok=True)
    _django(database)
    from django.core.management import call_command

    from microcred_web.orgs.services import organisation_create
    from microcred_web.transparency.models import TransparencyLog

    call_command("migrate", verbosity=0)
    organisation = organisation_create(name="Bench", slug="bench")
    log_seconds, plain_seconds = _appends(organisation.pk, args.entries)
    log = TransparencyLog.objects.get(organisation=organisation)
    print(
        f"appends: {args.entries:,} in {log_seconds:.2f} s; plain insert {plain_seconds:.2f} s "
        f"(ratio {log_seconds / plain_seconds:.2f})"
    )
    load, proof, one_hash = _proofs(log.pk, log.size)
    print(
        f"tree load from the database: {load:.2f} s; inclusion proof: {proof * 1e3:.4f} ms each "
        f"({proof / one_hash:.1f}× one SHA-256 leaf hash)"
    )
    publish, audit, files = _audit(log)
    print(
        f"audit of {log.size:,} entries ({files:,} files, served in {publish:.2f} s): {audit:.2f} s"
    )
    on, off = _issuance(organisation, args.issue)
    print(
        f"bulk issuance of {args.issue} credentials: log on {on:.2f} s, off {off:.2f} s "
        f"(ratio on/off {on / off:.3f})"
    )
    print(f"appends/s: {args.entries / log_seconds:,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
