"""A small process supervisor: the web server, the task worker and the scheduler, restarted
when they exit (``microcred-admin supervise``, the container entrypoint, ``serve_demo``).

granian stops for good after two worker crashes within about two seconds ("crash loop
detected"), and a SIGKILLed granian leaves its worker processes serving the port. So every
child runs in a process group of its own; when the child exits, what is left of its group is
killed, and the child is started again after a back-off (1 s, 2 s, 4 s … 30 s, back to 1 s
once it has run for a minute). On SIGTERM/SIGINT (KeyboardInterrupt) every group is stopped.
On a machine with systemd, use the units in ``deploy/systemd`` instead (docs/operations.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
#: a child that ran this long is considered healthy again: its back-off starts over
STABLE_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 35.0


class Writer(Protocol):
    def write(self, text: str, *args: Any, **kwargs: Any) -> Any: ...


@dataclass
class Child:
    """One supervised program."""

    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = FIRST_BACKOFF_SECONDS
    restart_at: float | None = None
    env: dict[str, str] | None = field(default=None, repr=False)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own argument lists
            self.command, env=self.env, start_new_session=True
        )
        self.started_at = time.monotonic()
        self.restart_at = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None


def _kill_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class Supervisor:
    """Start children, restart the ones that exit, stop them all on request."""

    def __init__(self, children: list[Child], *, out: Writer) -> None:
        self.children = children
        self.out = out
        self.running = False

    def run(self, *, poll_seconds: float = 0.5) -> None:
        """Supervise until KeyboardInterrupt (SIGINT, or SIGTERM turned into one), then stop."""
        self.running = True
        try:
            for child in self.children:
                child.start()
                self.out.write(f"supervisor: started {child.name} (pid {child.pid})\n")
            while self.running:
                self.check_once()
                time.sleep(poll_seconds)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def check_once(self) -> None:
        """Restart (after its back-off) every child that has exited."""
        now = time.monotonic()
        for child in self.children:
            if child.process is None:
                continue
            code = child.process.poll()
            if code is None:
                if now - child.started_at >= STABLE_SECONDS:
                    child.backoff = FIRST_BACKOFF_SECONDS
                continue
            if child.restart_at is None:
                # leftovers of the group (e.g. granian's workers after its main process died)
                _kill_group(child.process.pid, signal.SIGKILL)
                child.restart_at = now + child.backoff
                self.out.write(
                    f"supervisor: {child.name} exited with status {code}; "
                    f"restarting in {child.backoff:.0f} s\n"
                )
                child.backoff = min(MAX_BACKOFF_SECONDS, child.backoff * 2)
            elif now >= child.restart_at:
                child.restarts += 1
                child.start()
                self.out.write(f"supervisor: restarted {child.name} (pid {child.pid})\n")

    def stop(self) -> None:
        """SIGTERM every child's group, wait, then SIGKILL what is left."""
        self.running = False
        alive = [c for c in self.children if c.process is not None]
        for child in alive:
            assert child.process is not None
            _kill_group(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in alive:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.out.write(f"supervisor: {child.name} did not stop in time; killing it\n")
            _kill_group(child.process.pid, signal.SIGKILL)
            if child.process.poll() is None:
                child.process.wait()
