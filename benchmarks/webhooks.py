"""Webhook fan-out benchmark: N events to 5 loopback receivers through the real outbox,
signing and guarded POST, sent by W worker threads.

    .venv/bin/python -m benchmarks.webhooks                        # 10,000 events × 5 endpoints
    .venv/bin/python -m benchmarks.webhooks --events 1000 --workers 2
    DATABASE_URL=postgres://… .venv/bin/python -m benchmarks.webhooks --workers 4

Without ``DATABASE_URL`` a fresh SQLite database under var/bench/ is used. Phases:
1. set-up — migrate, one organisation, 5 endpoints, 5 receivers (not counted);
2. outbox — the events emitted as domain events (one transaction per 1,000);
3. deliver — worker threads run ``deliveries_run`` until nothing is due.

Each receiver counts the ``webhook-id``s it saw: the run fails if one is missing or repeated.
The last line is ``deliveries/s: X``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _django(database: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred_web.config.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("MICROCRED_WEBHOOKS_ALLOW_PRIVATE", "1")
    os.environ.setdefault("MICROCRED_WEBHOOKS_ALLOW_HTTP", "1")
    import django

    django.setup()
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class _Receiver:
    """One loopback receiver counting the ``webhook-id``s it saw (GET answers the counts)."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        seen, lock = self.seen, threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    seen[self.headers["webhook-id"]] += 1
                self._answer(204, b"")

            def do_GET(self) -> None:
                with lock:
                    counts = {
                        "distinct": len(seen),
                        "repeated": sum(1 for c in seen.values() if c > 1),
                    }
                self._answer(200, json.dumps(counts).encode())

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]


def serve(count: int) -> int:
    """The receivers' process: print their ports, serve until stdin closes."""
    receivers = [_Receiver() for _ in range(count)]
    print(" ".join(str(r.port) for r in receivers), flush=True)
    sys.stdin.read()
    return 0


def _counts(port: int) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as answer:
        return dict(json.loads(answer.read()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--endpoints", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.serve)
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    database = bench / "webhooks.sqlite3"
    database.unlink(missing_ok=True)
    _django(database)

    from django.core.management import call_command
    from django.db import connection, transaction

    from microcred_web.common.domain_events import domain_events_emit
    from microcred_web.orgs.services import organisation_create
    from microcred_web.webhooks.delivery import deliveries_run
    from microcred_web.webhooks.models import Delivery
    from microcred_web.webhooks.services import endpoint_create

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    organisation = organisation_create(name="Bench", slug="bench")
    served = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.webhooks", "--serve", str(args.endpoints)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert served.stdout is not None
    ports = [int(p) for p in served.stdout.readline().split()]
    for port in ports:
        endpoint_create(
            organisation=organisation,
            actor=None,
            url=f"http://127.0.0.1:{port}/hook",
            event_types=["person.joined"],
        )
    print(f"{'set-up':<40} {time.perf_counter() - started:8.2f} s  ({connection.vendor})")

    started = time.perf_counter()
    for first in range(0, args.events, 1000):
        items = [
            {"person": {"email": f"p{n}@bench.example"}, "roles": ["learner"]}
            for n in range(first, min(first + 1000, args.events))
        ]
        with transaction.atomic():
            domain_events_emit(
                organisation_id=organisation.pk, event_type="person.joined", items=items
            )
    outbox = time.perf_counter() - started
    print(f"{'outbox: events written':<40} {outbox:8.2f} s")

    def work() -> None:
        try:
            deliveries_run(limit=50)
        finally:
            connection.close()

    started = time.perf_counter()
    if args.workers <= 1:
        deliveries_run(limit=50)
    else:
        threads = [threading.Thread(target=work) for _ in range(args.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    deliver = time.perf_counter() - started
    expected = args.events * args.endpoints
    print(f"{'deliver: ' + str(expected) + ' deliveries':<40} {deliver:8.2f} s")

    counts = [_counts(port) for port in ports]
    served.communicate("")
    lost = sum(args.events - c["distinct"] for c in counts)
    repeated = sum(c["repeated"] for c in counts)
    pending = Delivery.objects.exclude(status="succeeded").count()
    print(f"lost: {lost}  repeated: {repeated}  not succeeded: {pending}")
    print(f"events/s end to end: {args.events / (outbox + deliver):,.0f}")
    print(f"deliveries/s: {expected / deliver:,.0f}")
    return 0 if lost == repeated == pending == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
