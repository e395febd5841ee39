"""Faults: granian stopped for good after a crash loop and nothing restarted it; a second
server on the same port started silently.

The container entrypoint (``deploy/container/entrypoint.sh``: migrate, then ``microcred-admin
supervise`` with web, worker and scheduler) on a fresh SQLite database: the
web server and the worker are SIGKILLed and come back (the port answers again, and granian's
orphaned worker processes are gone); a second ``serve`` on the same port refuses to start;
SIGTERM stops everything.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.web.faults.processes import ADMIN, ROOT, base_env, wait_for

ENTRYPOINT = ROOT / "deploy" / "container" / "entrypoint.sh"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _pids(log: Path, role: str) -> list[int]:
    text = log.read_text()
    return [int(pid) for pid in re.findall(rf"(?:started|restarted) {role} \(pid (\d+)\)", text)]


def _group_gone(pgid: int) -> bool:
    """No live process is left in the process group (zombies awaiting a reaper don't count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return False
    return True


def test_supervisor_restarts_killed_children_and_refuses_a_busy_port(tmp_path) -> None:
    env = base_env(tmp_path)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'supervised.sqlite3'}"
    port = _free_port()
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        MICROCRED_HOST="127.0.0.1",
        PORT=str(port),
        MICROCRED_WEB_WORKERS="1",
    )
    url = f"http://127.0.0.1:{port}/healthz"
    log = tmp_path / "supervisor.log"
    with log.open("w") as out:
        supervisor = subprocess.Popen(
            ["/bin/sh", str(ENTRYPOINT)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: _answers(url), timeout=180, what="the web server (after migrate)")
        wait_for(lambda: _pids(log, "worker") and _pids(log, "scheduler"), timeout=30, what="pids")

        # A second server on the same port fails loudly instead of sharing the port.
        second = subprocess.run(
            [*ADMIN, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode != 0
        assert f"Port {port} on 127.0.0.1 is already in use" in second.stderr

        web_pid = _pids(log, "web")[-1]
        os.kill(web_pid, signal.SIGKILL)
        wait_for(lambda: len(_pids(log, "web")) == 2, timeout=30, what="the web restart")
        assert _group_gone(web_pid), "granian's orphaned workers must be killed"
        wait_for(lambda: _answers(url), timeout=60, what="the port to answer again")

        worker_pid = _pids(log, "worker")[-1]
        os.kill(worker_pid, signal.SIGKILL)
        wait_for(lambda: len(_pids(log, "worker")) == 2, timeout=30, what="the worker restart")
        assert supervisor.poll() is None
    finally:
        supervisor.send_signal(signal.SIGTERM)
        try:
            code = supervisor.wait(timeout=60)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            raise
    assert code == 0
    time.sleep(0.5)
    for role in ("web", "worker", "scheduler"):
        assert _group_gone(_pids(log, role)[-1]), f"{role} still running after SIGTERM"
    assert "exited with status -9; restarting" in log.read_text()
