"""Events written in batches by a background thread, off the request path.

A request that records an event appends one row to its process's queue and goes on: no
database round trip, no lock. A thread of the process writes what has queued every
``interval`` seconds, in one transaction. Waiting for a per-event INSERT and its commit cost
a verification more than everything else it does together (docs/decisions/0016).

What can be lost, and what cannot:

- A process that stops normally (SIGTERM from the server, a deploy, the end of a command)
  writes everything queued before it exits: the writer thread is not a daemon, it notices
  that the main thread has ended, writes the rest, and the interpreter waits for it.
- A database that cannot be reached keeps the rows queued; they are written when it is back.
  Rows the database refuses (bad data) are written one by one, and only the refused ones are
  dropped (and logged).
- A process killed outright (SIGKILL, out of memory, power loss) loses what it queued in the
  last ``interval`` seconds: a fraction of a second of analytics, never a credential.
- A queue that reaches ``capacity`` rows (the database away for a long time) drops further
  events and logs how many, rather than growing without bound.

Each process has its own queue and thread; a process forked from one that has queued rows
starts with an empty queue (the parent writes its own).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

logger = logging.getLogger(__name__)

Row = tuple[Any, ...]

#: seconds between the writer thread's checks that the process is still running
_WATCH = 0.1


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Block signals in the calling thread for the block (POSIX).

    A thread started meanwhile keeps them blocked, so the kernel delivers the process's
    signals (SIGTERM from the server) to another thread. If the writer thread took one, a
    main thread waiting on a lock for it (granian's workers do) would never wake up, and the
    process would never stop.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class RetryLater(Exception):
    """Raised by a write function when the rows could not be written for a passing reason
    (the database is unreachable): the writer keeps them and tries again later."""


class EventWriter:
    """A per-process queue of rows and the thread that hands them to ``write`` in batches.

    ``write(rows)`` must write all the rows or none (one transaction). It raises
    :class:`RetryLater` when nothing was written for a passing reason; any other exception
    means the data was refused, and the rows are then retried one at a time. ``on_exit`` runs
    on the thread when it ends (to close its database connections).
    """

    def __init__(
        self,
        write: Callable[[Sequence[Row]], None],
        *,
        interval: float,
        capacity: int = 100_000,
        batch: int = 5_000,
        name: str = "events",
        on_exit: Callable[[], None] | None = None,
    ) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        self._write = write
        self._interval = interval
        self._capacity = capacity
        self._batch = batch
        self._name = name
        self._on_exit = on_exit or (lambda: None)
        self._stopping = False
        self._failing = False
        self._new_process()

    def _new_process(self) -> None:
        """The state one process owns: set at creation, and again in a forked child (the
        queue and the thread it inherited are the parent's)."""
        self._pending: deque[Row] = deque()
        self._wake = threading.Event()
        self._start_lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._running = False
        self._dropped = 0
        self._pid = os.getpid()

    # -- the request side -------------------------------------------------------------------

    def put(self, row: Row) -> None:
        """Queue one row (never blocks on the database)."""
        if self._pid != os.getpid():
            self._new_process()
        if len(self._pending) >= self._capacity:
            self._dropped += 1
            return
        self._pending.append(row)
        # appended first, then checked: a writer that stops after this point sees the row
        if not self._running:
            self._start_or_write()

    @property
    def pending(self) -> int:
        """Rows queued and not yet written."""
        return len(self._pending)

    # -- writing ----------------------------------------------------------------------------

    def flush(self) -> int:
        """Write everything queued now (in batches); returns the rows written. Rows that could
        not be written for a passing reason stay queued."""
        written = 0
        with self._flush_lock:
            self._report_dropped()
            while self._pending:
                rows = self._take(self._batch)
                try:
                    self._write(rows)
                except RetryLater as exc:
                    self._requeue(rows)
                    self._unavailable(exc)
                    break
                except Exception:  # the data was refused: find the bad rows
                    done, stopped = self._write_one_by_one(rows)
                    written += done
                    if stopped:
                        break
                else:
                    written += len(rows)
                    self._available()
        return written

    def close(self) -> None:
        """Stop the thread (if any) after it has written everything queued."""
        self._stopping = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self.flush()

    def _take(self, limit: int) -> list[Row]:
        rows: list[Row] = []
        pop = self._pending.popleft
        try:
            while len(rows) < limit:
                rows.append(pop())
        except IndexError:
            pass
        return rows

    def _requeue(self, rows: list[Row]) -> None:
        self._pending.extendleft(reversed(rows))

    def _write_one_by_one(self, rows: list[Row]) -> tuple[int, bool]:
        """(rows written, whether the database became unavailable meanwhile: the rest are
        queued again)."""
        written = 0
        for index, row in enumerate(rows):
            try:
                self._write([row])
            except RetryLater as exc:
                self._requeue(rows[index:])
                self._unavailable(exc)
                return written, True
            except Exception:
                logger.exception("%s: a row was refused by the database and dropped", self._name)
            else:
                written += 1
                self._available()
        return written, False

    def _unavailable(self, exc: RetryLater) -> None:
        if not self._failing:  # once per outage
            logger.warning(
                "%s: %d rows kept for later, the database is unavailable: %s",
                self._name,
                len(self._pending),
                exc,
            )
        self._failing = True

    def _available(self) -> None:
        if self._failing:
            logger.warning("%s: the database is back, queued rows written", self._name)
            self._failing = False

    def _report_dropped(self) -> None:
        if self._dropped:
            dropped, self._dropped = self._dropped, 0
            logger.error(
                "%s: %d events dropped, the queue was full (%d rows)",
                self._name,
                dropped,
                self._capacity,
            )

    # -- the thread -------------------------------------------------------------------------

    def _start_or_write(self) -> None:
        with self._start_lock:
            if self._running:
                return
            if self._stopping or not threading.main_thread().is_alive():
                # the process is ending: no thread to hand over to, write here
                self.flush()
                return
            self._running = True
            self._thread = threading.Thread(
                target=self._run, name=f"microcred-{self._name}-writer", daemon=False
            )
            with _signals_blocked():  # the thread is born with them blocked
                self._thread.start()

    def _run(self) -> None:
        main = threading.main_thread()
        due = time.monotonic() + self._interval
        try:
            while main.is_alive() and not self._stopping:
                # short naps: the end of the main thread is noticed within _WATCH seconds
                self._wake.wait(min(_WATCH, max(0.0, due - time.monotonic())))
                if time.monotonic() >= due:
                    self._flush_logged()
                    due = time.monotonic() + self._interval
        finally:
            self._running = False
            # rows queued before _running turned False are written here; later ones are
            # written by the request that queued them (put → _start_or_write)
            self._flush_logged()
            self._on_exit()

    def _flush_logged(self) -> None:
        try:
            self.flush()
        except Exception:  # pragma: no cover - flush handles the write's errors itself
            logger.exception("%s: writing queued rows failed", self._name)
