"""``serve_demo`` re-queues stale bulk jobs before it starts the task worker, supervises its
three programs, and refuses a port already in use."""

from __future__ import annotations

import io
import socket
from typing import Any

import pytest
from django.core.management.base import CommandError

from microcred_web.orgs.management.commands import serve_demo


def test_bulk_resume_runs_before_the_worker_starts(db, monkeypatch) -> None:
    events: list[str] = []

    class RecordingSupervisor:
        def __init__(self, children: list[Any], **_kwargs: Any) -> None:
            self.children = children

        def run(self) -> None:
            events.extend(child.name for child in self.children)

    real_call_command = serve_demo.call_command

    def recording_call_command(name: str, *args: Any, **kwargs: Any) -> Any:
        events.append(name)
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(serve_demo, "Supervisor", RecordingSupervisor)
    monkeypatch.setattr(serve_demo, "call_command", recording_call_command)
    monkeypatch.setattr(serve_demo.signal, "signal", lambda *args: None)
    out = io.StringIO()
    serve_demo.Command(stdout=out, stderr=io.StringIO()).handle(host="127.0.0.1", port=0, workers=1)
    assert events == ["bulk_resume", "worker", "scheduler", "web"]
    assert "No bulk job needed resuming." in out.getvalue()


def test_a_second_demo_on_a_busy_port_fails_loudly(db) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(CommandError, match=f"Port {port} on 127.0.0.1 is already in use"):
            serve_demo.Command(stdout=io.StringIO(), stderr=io.StringIO()).handle(
                host="127.0.0.1", port=port, workers=1
            )
