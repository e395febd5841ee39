"""How the WSGI app is served: granian (a Rust HTTP server) in front of Django.

One place for the command line, used by ``microcred-admin serve``, ``serve_demo`` and
``benchmarks/verify.py`` (docs/decisions/0012-granian-wsgi-server.md says why granian).

Each granian worker is a process with its own Python interpreter; inside it, requests run on
``threads`` blocking threads that share the GIL. Threads overlap the database round trips,
processes use the cores. Every thread keeps its own database connection, and each process has
one more for its analytics writer, so PostgreSQL sees up to ``workers × (threads + 1)``.
"""

from __future__ import annotations

import errno
import gc
import os
import socket
import sys

WSGI_APP = "microcred_web.config.wsgi:application"
#: seconds a worker has to stop after SIGTERM before granian kills it
WORKERS_KILL_TIMEOUT = 30


def default_workers() -> int:
    """``MICROCRED_WEB_WORKERS``, else one process per core. More processes than cores only
    add preemption stalls: a process whose GIL holder is descheduled stops all its requests
    (docs/decisions/0016)."""
    return int(os.environ.get("MICROCRED_WEB_WORKERS") or os.cpu_count() or 2)


def default_threads() -> int:
    """``MICROCRED_WEB_THREADS``, else 5 threads per process."""
    return int(os.environ.get("MICROCRED_WEB_THREADS") or 5)


def granian_command(
    *,
    host: str,
    port: int,
    workers: int | None = None,
    threads: int | None = None,
    access_log: bool = True,
) -> list[str]:
    """The argument list that serves :data:`WSGI_APP` with granian on ``host:port``."""
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers or default_workers()),
        # granian's WSGI default is hundreds of threads per worker: one per queued request
        "--blocking-threads",
        str(threads or default_threads()),
        "--backlog",
        "2048",
        "--no-ws",
        "--respawn-failed-workers",
        # a worker still starting can miss SIGTERM (granian 2.8) and would keep the server
        # from stopping; its queued events are written every 0.2 s meanwhile
        "--workers-kill-timeout",
        str(WORKERS_KILL_TIMEOUT),
        "--log-level",
        "warning",
    ]
    if access_log:
        command.append("--access-log")
    return [*command, WSGI_APP]


class PortInUse(Exception):
    """Another program (often a second microcred server) already listens on the port."""


def ensure_port_free(host: str, port: int) -> None:
    """Refuse to start on a port something else listens on.

    granian binds with ``SO_REUSEPORT``, so a second server on the same port started silently
    and the kernel shared the connections between the two. A plain bind (``SO_REUSEADDR`` only,
    which ignores connections in TIME_WAIT but not a listener) fails in that case.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in {errno.EADDRINUSE, errno.EACCES}:
                raise PortInUse(
                    f"Port {port} on {host} is already in use (is another microcred server "
                    "running?). Stop it, or choose another port with --port."
                ) from error
            raise


def freeze_startup_objects() -> None:
    """Load every view (the URLconf) now, then hide everything allocated so far from the
    cyclic garbage collector (``gc.freeze``).

    Django and the app leave ~100,000 long-lived objects after start-up; every full
    collection would scan them all again, holding the GIL (and every request of the
    process) for 20–50 ms on this machine. Frozen, they are skipped; what requests and
    caches allocate later is collected as usual.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    gc.collect()
    gc.freeze()
