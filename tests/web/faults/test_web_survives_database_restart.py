"""Fault: persistent connections without health checks gave HTTP 500 after a database restart.

A real granian server (one process, one thread, so every request uses the same kept
connection) on a fresh PostgreSQL database: its backend is terminated between two requests,
and the second request must still be answered (the connection is checked, then reopened).
"""

from __future__ import annotations

import socket
import subprocess
import urllib.error
import urllib.request

from tests.web.faults.processes import fresh_postgres, terminate_backends, wait_for

from microcred_web.common.serving import granian_command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def test_the_first_request_after_a_database_restart_is_answered(tmp_path) -> None:
    with fresh_postgres(tmp_path) as env:
        port = _free_port()
        command = granian_command(host="127.0.0.1", port=port, workers=1, threads=1)
        server = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        url = f"http://127.0.0.1:{port}/healthz"
        try:
            wait_for(lambda: _status(url) == 200, timeout=60, what="the server to answer")
            assert terminate_backends(env) >= 1, "the server keeps a connection open"
            assert [_status(url) for _ in range(3)] == [200, 200, 200]
        finally:
            server.terminate()
            server.wait(timeout=40)
