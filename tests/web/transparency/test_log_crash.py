"""kill -9 of processes appending to one log: no committed entry is lost, the indexes stay
contiguous and strictly ordered, and the log after the crash extends the one before (no fork)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from microcred.tlog import NoteVerifier, checkpoint_open, verify_consistency
from microcred_web.transparency.models import LogRecord, TransparencyLog
from microcred_web.transparency.services import checkpoint_publish, log_ensure
from microcred_web.transparency.tree import log_tree

ROOT = Path(__file__).resolve().parents[3]
APPENDER = """
import sys, django
django.setup()
from django.db import transaction
from microcred.tlog import LogEntry
from microcred_web.transparency.services import log_append
organisation_id, tag = int(sys.argv[1]), sys.argv[2]
number = 0
while True:
    entries = [
        LogEntry(kind="credential.issued", subject=f"{tag}:{number + i}", digest="", at="t")
        for i in range(50)
    ]
    with transaction.atomic():
        indexes = log_append(organisation_id=organisation_id, entries=entries)
    number += 50
    print(f"{indexes.start} {indexes.stop}", flush=True)
"""


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if "postgresql" in db["ENGINE"]:
        user = db.get("USER") or ""
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def _start(organisation_id: int, tag: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "microcred_web.config.settings_test",
        "DATABASE_URL": _database_url(),
        "MICROCRED_KEY_ENCRYPTION_KEY": str(settings.MICROCRED_KEY_ENCRYPTION_KEY),
        "PYTHONPATH": str(ROOT / "src"),
    }
    return subprocess.Popen(
        [sys.executable, "-c", APPENDER, str(organisation_id), tag],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _committed(process: subprocess.Popen[str], batches: int) -> list[tuple[int, int]]:
    assert process.stdout is not None
    seen: list[tuple[int, int]] = []
    deadline = time.monotonic() + 120
    while len(seen) < batches and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        start, stop = line.split()
        seen.append((int(start), int(stop)))
    return seen


@pytest.mark.django_db(transaction=True)
def test_kill_9_during_concurrent_appends_loses_nothing_and_never_forks(world) -> None:
    log = log_ensure(organisation_id=world.org.pk)
    first, second = _start(world.org.pk, "a"), _start(world.org.pk, "b")
    try:
        committed_a = _committed(first, 4)
        before = checkpoint_publish(log=log).note  # signed while both processes append
        committed_b = _committed(second, 4)
    finally:
        first.send_signal(signal.SIGKILL)
        second.send_signal(signal.SIGKILL)
        first.wait()
        second.wait()
    assert len(committed_a) == 4 and len(committed_b) == 4, "the appenders did not run"
    size = TransparencyLog.objects.get(pk=log.pk).size
    indexes = list(
        LogRecord.objects.filter(log=log).order_by("index").values_list("index", flat=True)
    )
    assert indexes == list(range(size))  # contiguous: no hole, no duplicate
    subjects = dict(LogRecord.objects.filter(log=log).values_list("index", "subject"))
    for tag, committed in (("a", committed_a), ("b", committed_b)):  # each reported commit is there
        for start, stop in committed:
            assert all(subjects[i].startswith(f"{tag}:") for i in range(start, stop))
    for tag in ("a", "b"):  # each process's entries in the order it appended them
        numbers = [
            int(s.split(":")[1]) for i, s in sorted(subjects.items()) if s.startswith(f"{tag}:")
        ]
        assert numbers == list(range(len(numbers)))
    after = checkpoint_publish(log=log).note
    verifier = NoteVerifier.parse(log.verifier_key)
    old, new = checkpoint_open(before, verifier), checkpoint_open(after, verifier)
    tree = log_tree(log.pk, new.size)
    verify_consistency(
        old_size=old.size,
        new_size=new.size,
        old_root=old.root_hash,
        new_root=new.root_hash,
        proof=tree.consistency_proof(old.size, new.size),
    )
