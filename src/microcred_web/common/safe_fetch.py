"""The one guarded fetcher for anything the server fetches on a visitor's behalf.

:func:`safe_fetch` takes a URL a visitor gave us (directly, or inside a credential) and
fetches it only if that is safe:

- https only, no user:password in the URL;
- the host is resolved once; every address must be public (no private, loopback, link-local,
  multicast, reserved, unspecified, CGNAT, or IPv6 forms embedding such an IPv4 address), and
  the connection goes to THAT address (no second lookup an attacker's DNS could change), with
  the TLS SNI, certificate check and ``Host`` header using the name;
- at most 3 redirects, each target checked again the same way;
- no compression, a streaming size cap and a total time cap (a watchdog closes the socket);
- the response content type must be in an allow-list.

Every refusal or failure raises :class:`UnsafeFetch` with a message a visitor can read.

:func:`service_post` is the same guard for services the operator configured (machine
translation engines): POST, the host on an allow-list, private addresses allowed, no redirects.
Its exchange, like every guarded POST (webhooks, OB 3.0 client calls), is
:func:`microcred_web.common.safe_post.safe_request`.
The resolver and the connection opener are parameters so tests run without the internet.

:class:`GuardedResolver` adapts this to the core's :class:`microcred.did.Resolver`: our own
URLs/DIDs go to a local resolver (the database), foreign ones through :func:`safe_fetch`.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from microcred.did import Resolver, did_web_to_url
from microcred.errors import Error as CoreError
from microcred.errors import InvalidInput, ResolutionError
from microcred.strict_json import loads_strict

__all__ = [
    "DEFAULT_CONTENT_TYPES",
    "FetchedDocument",
    "GuardedResolver",
    "UnsafeFetch",
    "address_is_public",
    "safe_fetch",
    "service_post",
]

MAX_REDIRECTS: Final = 3
DEFAULT_CONTENT_TYPES: Final = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/vc+ld+json",
        "application/vc",
        "application/vc+jwt",
        "application/jwt",
        "application/did+json",
        "application/did+ld+json",
        "application/statuslist+jwt",
        "text/plain",
        "image/png",
        "image/svg+xml",
    }
)
_CGNAT: Final = ipaddress.ip_network("100.64.0.0/10")
_NAT64: Final = ipaddress.ip_network("64:ff9b::/96")
_USER_AGENT: Final = "microcred-verifier/1 (+guarded fetch)"

HostResolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> IP addresses`` (default: the system resolver)."""
ConnectionOpener = Callable[[str, int, str, float], socket.socket]
"""``(ip, port, server_name, timeout) -> a connected TLS socket`` whose certificate was checked
for ``server_name``."""


class UnsafeFetch(Exception):
    """The fetch was refused or failed; ``message`` says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class FetchedDocument:
    url: str  # the final URL, after redirects
    content_type: str  # media type only, lower case, no parameters
    body: bytes


# --------------------------------------------------------------------------- address policy


def address_is_public(address: str) -> bool:
    """True only for a globally routable unicast address (the fetch may connect to it)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip.teredo is not None:
            embedded = ip.teredo[1]
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not address_is_public(str(embedded)):
            return False
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return False
    flags = (
        ip.is_private,
        ip.is_loopback,
        ip.is_link_local,
        ip.is_multicast,
        ip.is_reserved,
        ip.is_unspecified,
    )
    return ip.is_global and not any(flags)


def system_resolve(host: str, port: int) -> list[str]:
    """The host's addresses from the system resolver (one lookup)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeFetch(f"the host {host} could not be found") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def tls_open(ip: str, port: int, server_name: str, timeout: float) -> socket.socket:
    """Connect to ``ip`` and start TLS for ``server_name`` (certificate checked for the name)."""
    context = ssl.create_default_context()
    raw = socket.create_connection((ip, port), timeout=timeout)
    try:
        return context.wrap_socket(raw, server_hostname=server_name)
    except BaseException:
        raw.close()
        raise


@dataclass(frozen=True, slots=True)
class _Target:
    url: str
    host: str
    port: int
    path: str  # path + query, never empty
    ip: str
    scheme: str = "https"


def _check_target(
    url: str, resolve: HostResolver, *, allow_private: bool = False, allow_http: bool = False
) -> _Target:
    """Refuse anything but https to a public address; resolves the host exactly once.

    ``allow_private`` / ``allow_http`` are for operator-approved on-premises receivers only."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or (80 if scheme == "http" else 443)
    except ValueError as exc:
        raise UnsafeFetch(f"{url!r} is not a valid URL") from exc
    if scheme != "https" and not (allow_http and scheme == "http"):
        raise UnsafeFetch("only https:// addresses are fetched")
    if parts.username is not None or parts.password is not None:
        raise UnsafeFetch("addresses with a user name or password are not fetched")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeFetch(f"{url!r} has no host")
    local_name = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
    if local_name and not allow_private:
        raise UnsafeFetch(f"{host} is a local address and is not fetched")
    try:
        literal: str | None = str(ipaddress.ip_address(host))
    except ValueError:
        literal = None
    addresses = [literal] if literal else list(resolve(host, port))
    if not addresses:
        raise UnsafeFetch(f"the host {host} could not be found")
    refused = [] if allow_private else [a for a in addresses if not address_is_public(a)]
    if refused:
        raise UnsafeFetch(
            f"{host} points to a private or reserved address ({refused[0]}) and is not fetched"
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _Target(
        url=url.split("#", 1)[0], host=host, port=port, path=path, ip=addresses[0], scheme=scheme
    )


class _PinnedConnection(http.client.HTTPSConnection):
    """An HTTPS connection to an already-checked IP address, named by its host."""

    def __init__(self, target: _Target, opener: ConnectionOpener, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._target = target
        self._opener = opener

    def connect(self) -> None:
        target, timeout = self._target, float(self.timeout or 5.0)
        self.sock = self._opener(target.ip, target.port, target.host, timeout)


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def safe_fetch(
    url: str,
    *,
    max_bytes: int = 1_000_000,
    timeout: float = 5.0,
    content_types: Iterable[str] = DEFAULT_CONTENT_TYPES,
    resolve: HostResolver = system_resolve,
    opener: ConnectionOpener = tls_open,
    allow_private: bool = False,
    allow_http: bool = False,
) -> FetchedDocument:
    """GET ``url`` under the guard described in the module docstring.

    ``allow_private`` / ``allow_http`` only from operator settings (on-premises services such
    as an identity provider), never from a visitor."""
    allowed = frozenset(content_types)
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target = _check_target(current, resolve, allow_private=allow_private, allow_http=allow_http)
        status, location, document = _fetch_once(target, opener, deadline, timeout, max_bytes)
        if status in (301, 302, 303, 307, 308):
            if not location:
                raise UnsafeFetch("the server redirected without saying where")
            current = urljoin(target.url, location)
            continue
        if not 200 <= status < 300:
            raise UnsafeFetch(f"the server answered with HTTP status {status}")
        assert document is not None
        if document.content_type not in allowed:
            raise UnsafeFetch(
                f"the server sent {document.content_type or 'no content type'}, "
                "which is not a credential format"
            )
        return document
    raise UnsafeFetch(f"more than {MAX_REDIRECTS} redirects")


def _fetch_once(
    target: _Target,
    opener: ConnectionOpener,
    deadline: float,
    timeout: float,
    max_bytes: int,
) -> tuple[int, str | None, FetchedDocument | None]:
    """One GET exchange (other methods: :func:`~microcred_web.common.safe_post.safe_request`)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise UnsafeFetch(f"the server did not answer within {timeout:g} s")
    connection: http.client.HTTPConnection
    if target.scheme == "http":  # operator-allowed only (see _check_target)
        connection = PinnedPlainConnection(target, timeout=remaining)
    else:
        connection = _PinnedConnection(target, opener, timeout=remaining)
    timed_out = threading.Event()

    def _expire() -> None:  # the total time cap, whatever the server drips
        timed_out.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(remaining, _expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        _send(connection, target)
        response = connection.getresponse()
        if response.status in (301, 302, 303, 307, 308):
            return response.status, response.getheader("Location"), None
        if not 200 <= response.status < 300:
            return response.status, None, None
        body = _read_capped(response, max_bytes)
        if timed_out.is_set():
            raise UnsafeFetch(f"the server did not answer within {timeout:g} s")
        return (
            response.status,
            None,
            FetchedDocument(
                url=target.url,
                content_type=_media_type(response.getheader("Content-Type")),
                body=body,
            ),
        )
    except UnsafeFetch:
        raise
    except ssl.SSLCertVerificationError as exc:
        raise UnsafeFetch(f"{target.host} has no valid certificate for its name") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if timed_out.is_set() or isinstance(exc, TimeoutError):
            raise UnsafeFetch(f"the server did not answer within {timeout:g} s") from exc
        raise UnsafeFetch(f"{target.host} could not be reached ({type(exc).__name__})") from exc
    finally:
        watchdog.cancel()
        connection.close()


class PinnedPlainConnection(http.client.HTTPConnection):
    """A plain HTTP connection to an already-checked IP address (operator-allowed only)."""

    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._target = target

    def connect(self) -> None:
        self.sock = socket.create_connection(
            (self._target.ip, self._target.port), timeout=float(self.timeout or 5.0)
        )


def _send(connection: http.client.HTTPConnection, target: _Target) -> None:
    connection.putrequest("GET", target.path, skip_host=True, skip_accept_encoding=True)
    default_port = target.port == (80 if target.scheme == "http" else 443)
    host_header = target.host if default_port else f"{target.host}:{target.port}"
    if ":" in target.host:  # an IPv6 literal
        host_header = f"[{target.host}]" + ("" if default_port else f":{target.port}")
    connection.putheader("Host", host_header)
    connection.putheader("Accept-Encoding", "identity")
    connection.putheader("Accept", ", ".join(sorted(DEFAULT_CONTENT_TYPES)) + ", */*;q=0.1")
    connection.putheader("User-Agent", _USER_AGENT)
    connection.endheaders()


def _read_capped(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise UnsafeFetch("the server sent a compressed answer, which is not accepted")
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise UnsafeFetch(f"the document is larger than {max_bytes:,} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise UnsafeFetch(f"the document is larger than {max_bytes:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


# --------------------------------------------------------------------------- configured services


def _host_listed(host: str, port: int, allowed_hosts: Iterable[str]) -> bool:
    entries = {entry.strip().lower().rstrip(".") for entry in allowed_hosts}
    return host.lower() in entries or f"{host.lower()}:{port}" in entries


def _check_service_target(
    url: str, allowed_hosts: Iterable[str], resolve: HostResolver
) -> tuple[_Target, bool]:
    """A configured service's URL: the host must be listed; plain http only inside."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or (80 if scheme == "http" else 443)
    except ValueError as exc:
        raise UnsafeFetch(f"{url!r} is not a valid URL") from exc
    if scheme not in ("https", "http"):
        raise UnsafeFetch("only https:// (or http:// on a private network) services are used")
    if parts.username is not None or parts.password is not None:
        raise UnsafeFetch("addresses with a user name or password are not used")
    host = (parts.hostname or "").rstrip(".")
    if not host or not _host_listed(host, port, allowed_hosts):
        raise UnsafeFetch(f"{host or url} is not on this instance's list of allowed services")
    try:
        literal: str | None = str(ipaddress.ip_address(host))
    except ValueError:
        literal = None
    addresses = [literal] if literal else list(resolve(host, port))
    if not addresses:
        raise UnsafeFetch(f"the host {host} could not be found")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if ip.is_link_local or ip.is_multicast or ip.is_unspecified:
            raise UnsafeFetch(f"{host} points to a reserved address ({address}) and is not used")
        if scheme == "http" and address_is_public(address):
            raise UnsafeFetch(f"{host} is on the internet: use https://")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    target = _Target(url=url.split("#", 1)[0], host=host, port=port, path=path, ip=addresses[0])
    return target, scheme == "http"


def service_post(
    url: str,
    *,
    body: bytes,
    headers: Mapping[str, str],
    allowed_hosts: Iterable[str],
    max_bytes: int = 2_000_000,
    timeout: float = 20.0,
    resolve: HostResolver = system_resolve,
    opener: ConnectionOpener = tls_open,
) -> tuple[int, FetchedDocument]:
    """POST to a service the operator allowed (``allowed_hosts``: ``host`` or ``host:port``).

    The same guard as :func:`safe_fetch` (one lookup, pinned address, size and time caps, no
    compression) except the address policy: the host must be listed, may be on a private
    network (a self-hosted engine), never link-local; plain http only to a private address;
    redirects are not followed. Returns ``(HTTP status, document)`` whatever the status.
    The exchange itself is :func:`~microcred_web.common.safe_post.safe_request`, the one
    guarded engine for requests that are not plain GETs of documents.
    """
    from microcred_web.common.safe_post import safe_request  # it imports this module

    answer = safe_request(
        "POST",
        url,
        body=body,
        headers=headers,
        timeout=timeout,
        max_bytes=max_bytes,
        allowed_hosts=list(allowed_hosts),
        user_agent=_USER_AGENT,
        resolve=resolve,
        opener=opener,
    )
    if answer.status in (301, 302, 303, 307, 308):
        raise UnsafeFetch("the service redirected elsewhere; configure its final address")
    if answer.truncated:
        raise UnsafeFetch(f"the document is larger than {max_bytes:,} bytes")
    if answer.headers.get("content-encoding", "identity").strip().lower() != "identity":
        raise UnsafeFetch("the server sent a compressed answer, which is not accepted")
    content_type = _media_type(answer.headers.get("content-type"))
    return answer.status, FetchedDocument(url.split("#", 1)[0], content_type, answer.body)


# --------------------------------------------------------------------------- core resolver


def _parse_json_document(body: bytes, url: str, *, max_depth: int = 64) -> Mapping[str, Any]:
    try:
        document = loads_strict(body)  # a key twice is refused, as in every credential
    except (InvalidInput, RecursionError) as exc:
        raise ResolutionError(f"{url}: not a JSON document ({exc})") from exc
    if not isinstance(document, Mapping):
        raise ResolutionError(f"{url}: the document is not a JSON object")
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise ResolutionError(f"{url}: the document is nested too deeply")
        if isinstance(value, Mapping):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return document


class GuardedResolver:
    """A core :class:`~microcred.did.Resolver`: local for our own ids, guarded fetch otherwise.

    ``local_prefixes`` are the URL/DID prefixes ``local`` answers for (our ``BASE_URL`` and
    host DID); anything else is fetched with :func:`safe_fetch` (did:web through its https URL).
    ``fetch`` is the fetch function (tests inject one with a fake resolver/opener). Documents
    are remembered for the life of this object (one verification).
    """

    def __init__(
        self,
        *,
        local: Resolver,
        local_prefixes: Sequence[str],
        fetch: Callable[[str], FetchedDocument] | None = None,
        max_bytes: int = 500_000,
        timeout: float = 3.0,
    ) -> None:
        self._local = local
        self._prefixes = tuple(p for p in local_prefixes if p)
        self._fetch = fetch or (lambda u: safe_fetch(u, max_bytes=max_bytes, timeout=timeout))
        self._seen: dict[str, Mapping[str, Any]] = {}
        self.fetched: list[str] = []  # foreign URLs actually fetched (shown in reports/tests)

    def is_local(self, url: str) -> bool:
        return url.startswith(self._prefixes)

    def resolve(self, url: str) -> Mapping[str, Any]:
        if self.is_local(url):
            return self._local.resolve(url)
        if url in self._seen:
            return self._seen[url]
        try:
            target = did_web_to_url(url) if url.startswith("did:web:") else url
        except CoreError as exc:
            raise ResolutionError(str(exc)) from exc
        if not target.startswith("https://"):
            raise ResolutionError(f"{url}: only https and did:web documents are fetched")
        try:
            fetched = self._fetch(target)
        except UnsafeFetch as exc:
            raise ResolutionError(f"{url}: {exc.message}") from exc
        self.fetched.append(target)
        document = _parse_json_document(fetched.body, url)
        self._seen[url] = document
        return document
