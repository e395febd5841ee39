"""``serve_demo`` re-queues stale bulk jobs before it starts the task worker."""

from __future__ import annotations

import io
from typing import Any

from microcred_web.orgs.management.commands import serve_demo


def test_bulk_resume_runs_before_the_worker_starts(db, monkeypatch) -> None:
    events: list[str] = []

    class FakeProcess:
        def __init__(self, args: list[str], **_kwargs: Any) -> None:
            events.append("worker" if "db_worker" in args else "web")

        def wait(self, timeout: float | None = None) -> int:
            return 0

        def poll(self) -> int:
            return 0

    real_call_command = serve_demo.call_command

    def recording_call_command(name: str, *args: Any, **kwargs: Any) -> Any:
        events.append(name)
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(serve_demo.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(serve_demo, "call_command", recording_call_command)
    monkeypatch.setattr(serve_demo.signal, "signal", lambda *args: None)
    out = io.StringIO()
    serve_demo.Command(stdout=out, stderr=io.StringIO()).handle(
        host="127.0.0.1", port=8000, workers=1
    )
    assert events[:2] == ["bulk_resume", "worker"]
    assert "No bulk job needed resuming." in out.getvalue()
