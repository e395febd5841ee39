"""The public verifier's memory under a flood of distinct large requests, on a real server.

    python -m benchmarks.verify_memory [--requests 20000] [--bound-mib 128]

Starts the production server (granian, one worker process) on a fresh SQLite database, posts
``--requests`` distinct ~900 kB JSON bodies to ``/verify/api`` over one keep-alive connection,
and samples the resident memory of the server's processes. After a warm-up of 50 requests the
growth must stay under ``--bound-mib`` (decision 0023: the verifier's caches are bounded by
bytes, ``MICROCRED_VERIFY_CACHE_BYTES``). Exit 0 within the bound, 1 over it.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.verify import _free_port, _wait_ready

ROOT = Path(__file__).resolve().parent.parent
FILLER = ("lorem ipsum dolor sit amet " * (900_000 // 27)).encode()
WARM_UP = 50


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (granian's workers)."""
    found = [pid]
    for child_pid in found:
        children = Path(f"/proc/{child_pid}/task/{child_pid}/children")
        if children.exists():
            found += [int(p) for p in children.read_text().split()]
    return found


def _rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def _prepare(directory: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "microcred_web.config.settings",
        "DATABASE_URL": f"sqlite:///{directory / 'memory.sqlite3'}",
        "MICROCRED_VAR_DIR": str(directory),
        "MICROCRED_KEY_ENCRYPTION_KEY": "memory-soak-key-encryption-key-0123456789",
        "SECRET_KEY": "memory-soak-secret",
        "DEBUG": "0",
        "MICROCRED_VERIFY_RATE": "1000000",
        "MICROCRED_VERIFY_BURST": "1000000",
    }
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--bound-mib", type=int, default=128)
    args = parser.parse_args(argv)
    from microcred_web.common.serving import granian_command

    with tempfile.TemporaryDirectory(prefix="verify-memory-") as temporary:
        env = _prepare(Path(temporary))
        port = _free_port()
        command = granian_command(
            host="127.0.0.1", port=port, workers=1, threads=4, access_log=False
        )
        server = subprocess.Popen(command, env=env, cwd=ROOT)
        try:
            _wait_ready(port, time.monotonic() + 60)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            started = time.monotonic()
            before = peak = 0
            for number in range(args.requests + WARM_UP):
                body = b'{"type": "Note", "name": "%08d", "text": "%s"}' % (number, FILLER)
                connection.request(
                    "POST", "/verify/api", body, {"Content-Type": "application/json"}
                )
                response = connection.getresponse()
                response.read()
                if response.status >= 500:
                    print(f"request {number}: HTTP {response.status}")
                    return 1
                if number == WARM_UP:
                    before = peak = _rss(_tree(server.pid))
                elif number > WARM_UP and number % 200 == 0:
                    peak = max(peak, _rss(_tree(server.pid)))
            peak = max(peak, _rss(_tree(server.pid)))
        finally:
            server.terminate()
            server.wait(timeout=30)
    growth = (peak - before) >> 20
    elapsed = time.monotonic() - started
    print(
        f"{args.requests} distinct ~900 kB requests in {elapsed:.0f} s: server RSS "
        f"{before >> 20} MiB after warm-up, peak {peak >> 20} MiB (+{growth} MiB; "
        f"bound {args.bound_mib} MiB)"
    )
    return 0 if growth < args.bound_mib else 1


if __name__ == "__main__":
    raise SystemExit(main())
