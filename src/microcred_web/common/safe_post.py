"""POST (or another method) under the guarded fetcher's rules (:mod:`.safe_fetch`).

For outbound notifications such as webhooks, and calls to another system's API on a person's
behalf (an OB 3.0 host: :func:`safe_request`): the target is checked the same way (https, a
public address, resolved once and connected to that address, a total time cap), redirects are
never followed (a 3xx is an answer like any other), and the answer body is read up to
``max_bytes`` (the rest is dropped, not an error). A status that is not 2xx is returned, not
raised: the caller decides what a failure is. Refusals and network failures raise
:class:`~microcred_web.common.safe_fetch.UnsafeFetch`.

``allow_private`` and ``allow_http`` exist for receivers an operator runs on premises (and for
tests on loopback); callers take them from operator settings, never from a visitor.
"""

from __future__ import annotations

import contextlib
import heapq
import http.client
import itertools
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from microcred_web.common.safe_fetch import (
    ConnectionOpener,
    HostResolver,
    PinnedPlainConnection,
    UnsafeFetch,
    _check_service_target,
    _check_target,
    _PinnedConnection,
    _Target,
    system_resolve,
    tls_open,
)

__all__ = ["PostAnswer", "safe_post", "safe_request", "target_check"]

_USER_AGENT = "microcred-webhooks/1"


class _Watchdog:
    """One thread for every POST's time cap (a timer thread per request costs more than a
    loopback request): deadlines in a heap, the callback run when one passes."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._active: set[int] = set()
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float, expire: Callable[[], None]) -> int:
        with self._wake:
            ident = next(self._ids)
            heapq.heappush(self._heap, (deadline, ident, expire))
            self._active.add(ident)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="safe-post-watchdog", daemon=True
                )
                self._thread.start()
            self._wake.notify()
            return ident

    def forget(self, ident: int) -> None:
        with self._wake:
            self._active.discard(ident)

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][1] not in self._active:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait(1.0)
                    continue
                deadline, ident, expire = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._wake.wait(min(wait, 1.0))
                    continue
                heapq.heappop(self._heap)
                self._active.discard(ident)
            expire()


_WATCHDOG = _Watchdog()


@dataclass(frozen=True, slots=True)
class PostAnswer:
    status: int
    body: bytes  # at most max_bytes
    duration_ms: int
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case
    truncated: bool = False  # the answer was longer than max_bytes (the rest was dropped)


def target_check(
    url: str,
    *,
    allow_private: bool = False,
    allow_http: bool = False,
    resolve: HostResolver = system_resolve,
) -> None:
    """Raise :class:`UnsafeFetch` if ``url`` may not be posted to (resolves the host once)."""
    _check_target(url, resolve, allow_private=allow_private, allow_http=allow_http)


def safe_post(
    url: str,
    *,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float = 10.0,
    max_bytes: int = 64_000,
    allow_private: bool = False,
    allow_http: bool = False,
    resolve: HostResolver = system_resolve,
    opener: ConnectionOpener = tls_open,
) -> PostAnswer:
    """POST ``body`` to ``url`` under the guard; the answer's status and first bytes."""
    return safe_request(
        "POST",
        url,
        body=body,
        headers=headers,
        timeout=timeout,
        max_bytes=max_bytes,
        allow_private=allow_private,
        allow_http=allow_http,
        resolve=resolve,
        opener=opener,
    )


def safe_request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str],
    timeout: float = 10.0,
    max_bytes: int = 64_000,
    allow_private: bool = False,
    allow_http: bool = False,
    allowed_hosts: Iterable[str] | None = None,
    user_agent: str = _USER_AGENT,
    resolve: HostResolver = system_resolve,
    opener: ConnectionOpener = tls_open,
) -> PostAnswer:
    """``method`` ``url`` under the guard (redirects are answers, not followed); the answer's
    status, headers and first ``max_bytes`` bytes (``truncated`` says if there were more).

    ``allowed_hosts`` switches to the policy of services the operator configured
    (:func:`~microcred_web.common.safe_fetch.service_post`): the host must be listed, may be
    private, never link-local; plain http only to a private address."""
    started = time.monotonic()
    if allowed_hosts is not None:
        listed, plain = _check_service_target(url, allowed_hosts, resolve)
        target = replace(listed, scheme="http" if plain else "https")
    else:
        target = _check_target(url, resolve, allow_private=allow_private, allow_http=allow_http)
    connection: http.client.HTTPConnection
    if target.scheme == "http":
        connection = PinnedPlainConnection(target, timeout)
    else:
        connection = _PinnedConnection(target, opener, timeout=timeout)
    timed_out = threading.Event()

    def _expire() -> None:  # the total time cap, whatever the server drips
        timed_out.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watch = _WATCHDOG.watch(time.monotonic() + timeout, _expire)
    try:
        status, answer, answer_headers, truncated = _exchange(
            connection, target, _Outgoing(method, body, headers, user_agent), max_bytes
        )
        if timed_out.is_set():
            raise UnsafeFetch(f"the server did not answer within {timeout:g} s")
    except UnsafeFetch:
        raise
    except ssl.SSLCertVerificationError as exc:
        raise UnsafeFetch(f"{target.host} has no valid certificate for its name") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if timed_out.is_set() or isinstance(exc, TimeoutError):
            raise UnsafeFetch(f"the server did not answer within {timeout:g} s") from exc
        raise UnsafeFetch(f"{target.host} could not be reached ({type(exc).__name__})") from exc
    finally:
        _WATCHDOG.forget(watch)
        connection.close()
    duration_ms = int((time.monotonic() - started) * 1000)
    return PostAnswer(status, answer, duration_ms, answer_headers, truncated)


@dataclass(frozen=True, slots=True)
class _Outgoing:
    method: str
    body: bytes | None
    headers: Mapping[str, str]
    user_agent: str


def _exchange(
    connection: http.client.HTTPConnection,
    target: _Target,
    outgoing: _Outgoing,
    max_bytes: int,
) -> tuple[int, bytes, dict[str, str], bool]:
    connection.putrequest(outgoing.method, target.path, skip_host=True, skip_accept_encoding=True)
    default_port = target.port == (80 if target.scheme == "http" else 443)
    host = f"[{target.host}]" if ":" in target.host else target.host
    connection.putheader("Host", host if default_port else f"{host}:{target.port}")
    connection.putheader("Accept-Encoding", "identity")
    connection.putheader("User-Agent", outgoing.user_agent)
    if outgoing.body is not None:
        connection.putheader("Content-Length", str(len(outgoing.body)))
    for name, value in outgoing.headers.items():
        connection.putheader(name, value)
    connection.endheaders(outgoing.body)
    response = connection.getresponse()
    chunks: list[bytes] = []
    size = 0
    while size < max_bytes:
        chunk = response.read1(min(65536, max_bytes - size))
        if not chunk:
            break
        size += len(chunk)
        chunks.append(chunk)
    truncated = size >= max_bytes and bool(response.read1(1))
    answer_headers = {name.lower(): value for name, value in response.getheaders()}
    return response.status, b"".join(chunks), answer_headers, truncated
