"""Fault: a bulk job whose worker was killed stalled until someone opened its progress page or
ran ``bulk_resume``.

A real ``db_worker`` is SIGKILLed in the middle of a job; a new worker is started (as a
supervisor would) and nothing else is done: its sweep re-queues the job, which finishes with
every row issued exactly once. The lease is long (600 s), so only the sweep can explain the
job finishing within the test's bound.
"""

from __future__ import annotations

import json
import signal
import subprocess

from tests.web.bulk.test_crash import ADMIN, ROWS, _progress, _run, _wait, crash_env

__all__ = ["crash_env"]


def test_a_new_worker_resumes_the_killed_workers_job_by_itself(crash_env) -> None:
    env = {**crash_env, "MICROCRED_SWEEP_SECONDS": "1"}
    job_id = int(_run(["setup", str(ROWS)], env, script=True).splitlines()[-1])
    command = [*ADMIN, "db_worker", "--interval", "0.2", "--no-startup-delay"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: _progress(job_id, env)[0] >= 3, timeout=240, what="three chunks")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    done_at_kill, total, state = _progress(job_id, env)
    assert state == "running" and done_at_kill < total, "the worker must die mid-job"

    second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait(lambda: _progress(job_id, env)[2] != "running", timeout=120, what="the job to end")
    finally:
        second.terminate()
        second.wait(timeout=30)

    summary = json.loads(_run(["check", str(job_id)], env, script=True))
    assert summary["state"] == "done"
    assert summary["credentials"] == summary["issued_count"] == ROWS
    assert summary["max_per_source_key"] == 1
    assert summary["max_per_status_entry"] == 1
    assert summary["chunks_done"] == summary["chunk_count"] == total
