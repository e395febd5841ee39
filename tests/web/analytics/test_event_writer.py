"""The queued event writer: the queue and its thread (with a list as the store), then the real
thing — events through the database, a broken connection, and granian stopping."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from microcred_web.analytics.models import CredentialEvent
from microcred_web.analytics.services import event_record, event_writers_close, events_flush
from microcred_web.analytics.writer import EventWriter, RetryLater, Row

ROOT = Path(__file__).resolve().parents[3]


def _eventually(condition, seconds: float = 20.0) -> bool:
    """Poll ``condition`` until it holds (a deadline for a hung thread, not a speed check)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


class Store:
    """A write function keeping batches in a list; it fails as the test tells it to."""

    def __init__(self) -> None:
        self.batches: list[list[Row]] = []
        self.unavailable = 0  # the next this many writes raise RetryLater
        self.refuse: set[Row] = set()  # batches containing one of these are refused

    def __call__(self, rows: Sequence[Row]) -> None:
        if self.unavailable:
            self.unavailable -= 1
            raise RetryLater("connection refused")
        if self.refuse.intersection(rows):
            raise ValueError("value too long for the column")
        self.batches.append(list(rows))

    @property
    def rows(self) -> list[Row]:
        return [row for batch in self.batches for row in batch]


@pytest.fixture
def store() -> Store:
    return Store()


def test_the_thread_writes_queued_rows_in_order_in_batches(store) -> None:
    writer = EventWriter(store, interval=0.05, batch=2)
    try:
        for n in range(5):
            writer.put((n,))
        assert _eventually(lambda: len(store.rows) == 5)
        assert store.rows == [(0,), (1,), (2,), (3,), (4,)]
        assert all(len(batch) <= 2 for batch in store.batches)
        assert writer.pending == 0
    finally:
        writer.close()


def test_put_returns_before_anything_is_written(store) -> None:
    writer = EventWriter(store, interval=3600)
    try:
        writer.put(("view",))
        assert store.rows == [] and writer.pending == 1
        assert writer.flush() == 1
        assert store.rows == [("view",)]
    finally:
        writer.close()


def test_rows_wait_while_the_database_is_unavailable(store, caplog) -> None:
    writer = EventWriter(store, interval=3600)
    try:
        for n in range(3):
            writer.put((n,))
        store.unavailable = 2
        with caplog.at_level(logging.WARNING):
            assert writer.flush() == 0
            assert writer.flush() == 0
        assert writer.pending == 3 and store.rows == []
        assert caplog.text.count("kept for later, the database is unavailable") == 1
        writer.put((3,))
        with caplog.at_level(logging.WARNING):
            assert writer.flush() == 4
        assert store.rows == [(0,), (1,), (2,), (3,)]  # nothing lost, order kept
        assert "the database is back" in caplog.text
    finally:
        writer.close()


def test_a_refused_row_is_dropped_alone(store, caplog) -> None:
    writer = EventWriter(store, interval=3600)
    try:
        store.refuse = {("bad",)}
        for row in [("a",), ("bad",), ("b",)]:
            writer.put(row)
        with caplog.at_level(logging.ERROR):
            assert writer.flush() == 2
        assert store.rows == [("a",), ("b",)]
        assert "a row was refused by the database and dropped" in caplog.text
        assert writer.pending == 0
    finally:
        writer.close()


def test_the_database_going_away_while_rows_are_isolated_keeps_the_rest(caplog) -> None:
    calls: list[list[Row]] = []
    back = threading.Event()

    def write(rows: Sequence[Row]) -> None:
        calls.append(list(rows))
        if len(calls) == 1:
            raise ValueError("refused")  # the batch: rows are then tried one by one
        if len(calls) > 2 and not back.is_set():
            raise RetryLater("connection lost")  # after the first row, the database is gone

    writer = EventWriter(write, interval=3600)
    try:
        for row in [("a",), ("b",), ("c",)]:
            writer.put(row)
        with caplog.at_level(logging.WARNING):
            assert writer.flush() == 1
        assert calls == [[("a",), ("b",), ("c",)], [("a",)], [("b",)]]
        assert writer.pending == 2  # b and c wait for the database, nothing dropped
        assert "kept for later" in caplog.text and "the database is back" not in caplog.text
    finally:
        back.set()  # close() then writes b and c
        writer.close()
    assert writer.pending == 0 and calls[-1] == [("b",), ("c",)]


def test_a_full_queue_drops_new_events_and_says_how_many(store, caplog) -> None:
    writer = EventWriter(store, interval=3600, capacity=2)
    try:
        for n in range(5):
            writer.put((n,))
        assert writer.pending == 2
        with caplog.at_level(logging.ERROR):
            writer.flush()
        assert store.rows == [(0,), (1,)]
        assert "3 events dropped, the queue was full (2 rows)" in caplog.text
    finally:
        writer.close()


def test_close_writes_the_queue_and_later_rows_are_written_at_once(store) -> None:
    exited = threading.Event()
    writer = EventWriter(store, interval=3600, on_exit=exited.set)
    writer.put((1,))
    writer.close()
    assert store.rows == [(1,)] and exited.is_set()
    writer.put((2,))  # no thread any more: written by the caller
    assert store.rows == [(1,), (2,)] and writer.pending == 0


def test_an_interval_must_be_positive(store) -> None:
    with pytest.raises(ValueError, match="interval"):
        EventWriter(store, interval=0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_a_forked_child_starts_with_an_empty_queue(store) -> None:
    writer = EventWriter(store, interval=3600)
    try:
        writer.put(("parent",))
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its queue holds only its own row
            writer.put(("child",))
            os.write(write, str(writer.pending).encode())
            os._exit(0)
        os.close(write)
        assert os.read(read, 16) == b"1"
        os.waitpid(pid, 0)
        assert writer.pending == 1 and writer.flush() == 1
        assert store.rows == [("parent",)]
    finally:
        writer.close()


def test_a_process_writes_its_queue_before_it_exits(tmp_path) -> None:
    """No close(), no flush(): the main thread ends, the writer thread writes what is left and
    the interpreter waits for it."""
    out = tmp_path / "rows.jsonl"
    program = textwrap.dedent(
        f"""
        import json
        from microcred_web.analytics.writer import EventWriter

        def write(rows):
            with open({str(out)!r}, "a") as f:
                f.writelines(json.dumps(list(row)) + "\\n" for row in rows)

        writer = EventWriter(write, interval=3600)
        for n in range(1000):
            writer.put((n,))
        """
    )
    subprocess.run([sys.executable, "-c", program], check=True, timeout=60, cwd=ROOT)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows == [[n] for n in range(1000)]


# -- through the database ----------------------------------------------------------------------


@pytest.fixture
def queued(settings) -> Iterator[None]:
    """Production's queued events, with a thread that never writes on its own in a test."""
    settings.MICROCRED_EVENTS_FLUSH_SECONDS = 3600.0
    event_writers_close()
    yield
    event_writers_close()


@pytest.mark.django_db(transaction=True)
def test_queued_events_reach_the_database_with_the_time_they_happened(queued, make_org) -> None:
    org = make_org()
    before = timezone.now()
    for kind in ("view", "share", "verify"):
        event_record(kind=kind, organisation_id=org.pk, channel="email", result="valid")
    assert CredentialEvent.objects.count() == 0  # queued, not yet written
    time.sleep(0.05)
    flushed_after = timezone.now()
    assert events_flush() == 3
    events = list(CredentialEvent.objects.order_by("pk"))
    assert [e.kind for e in events] == ["view", "share", "verify"]
    assert all(e.organisation_id == org.pk and e.channel == "email" for e in events)
    assert all(before <= e.created_at < flushed_after for e in events)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_records_no_event(queued, make_org) -> None:
    org = make_org()
    with pytest.raises(RuntimeError), transaction.atomic():
        event_record(kind="view", organisation_id=org.pk)
        raise RuntimeError("the caller's work failed")
    with transaction.atomic():
        event_record(kind="share", organisation_id=org.pk)
    events_flush()
    assert list(CredentialEvent.objects.values_list("kind", flat=True)) == ["share"]


@pytest.mark.django_db(transaction=True)
def test_a_large_batch_is_written_whole(queued, make_org) -> None:
    """COPY on PostgreSQL, multi-row INSERTs within SQLite's parameter limit elsewhere."""
    org = make_org()
    for n in range(2500):
        event_record(kind="view", organisation_id=org.pk, channel=f"c{n}")
    assert events_flush() == 2500
    channels = set(CredentialEvent.objects.values_list("channel", flat=True))
    assert channels == {f"c{n}" for n in range(2500)}


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_writes_on_its_own(settings, make_org) -> None:
    settings.MICROCRED_EVENTS_FLUSH_SECONDS = 0.05
    event_writers_close()
    try:
        event_record(kind="download", organisation_id=make_org().pk, channel="pdf")
        assert _eventually(lambda: CredentialEvent.objects.filter(kind="download").exists())
    finally:
        event_writers_close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="kills a PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_events_survive_a_lost_database_connection(queued, make_org, caplog) -> None:
    org = make_org()
    event_record(kind="view", organisation_id=org.pk)
    assert events_flush() == 1  # this thread's connection is open
    import psycopg

    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    event_record(kind="share", organisation_id=org.pk)
    with caplog.at_level(logging.WARNING):
        assert events_flush() == 0  # the connection is gone: kept
        assert events_flush() == 1  # reconnected
    assert sorted(CredentialEvent.objects.values_list("kind", flat=True)) == ["share", "view"]
    assert "kept for later" in caplog.text


# -- the production server stopping -------------------------------------------------------------


def _database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or 5432
    return f"postgres://{params['USER']}@{host}:{port}/{params['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_granian_writes_every_queued_event_when_it_stops(tmp_path) -> None:
    """The real server with production settings and a writer that would wait an hour: every
    answered verification's event is in the database once granian has stopped on SIGTERM."""
    from microcred_web.common.serving import granian_command

    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "microcred_web.config.settings",
        "DATABASE_URL": _database_url(),
        "MICROCRED_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "test-secret-for-the-granian-test",
        "MICROCRED_KEY_ENCRYPTION_KEY": "test-key-encryption-key-0123456789abcdef",
        "DEBUG": "0",
        "MICROCRED_EVENTS_FLUSH_SECONDS": "3600",
        "PYTHONPATH": str(ROOT / "src"),
    }
    # one worker: the answer to /healthz then means it is fully started (granian 2.8 can miss
    # a SIGTERM that reaches a worker still starting, with or without this writer)
    command = granian_command(host="127.0.0.1", port=port, workers=1, threads=2, access_log=False)
    log = (tmp_path / "granian.log").open("wb")
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    answered = 0
    try:
        assert _eventually(lambda: _ready(port), seconds=60), "granian did not start"
        for n in range(20):
            body = json.dumps({"@context": [], "id": f"urn:uuid:{n}"}).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/verify/api",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert json.load(response)["verdict"]
                answered += 1
        assert CredentialEvent.objects.filter(kind="verify").count() == 0  # still queued
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        finally:
            log.close()
    assert server.returncode == 0, (tmp_path / "granian.log").read_text()[-2000:]
    assert answered == 20
    assert CredentialEvent.objects.filter(kind="verify").count() == 20


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
            return True
    except OSError:
        return False


def test_queue_interval_setting_defaults_to_a_fraction_of_a_second() -> None:
    from microcred_web.config import settings as production

    assert 0 < production.MICROCRED_EVENTS_FLUSH_SECONDS <= 1
    assert production.MICROCRED_EVENTS_QUEUE_MAX >= 10_000
