"""The guarded fetcher against a real local TLS server (self-signed certificate).

The host resolver is injected (public-looking addresses for the test names) and the opener
connects those addresses to the local server, so the whole HTTP/TLS path runs without the
internet while the address policy sees what it would see in production.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from microcred.did import MapResolver
from microcred.errors import ResolutionError
from microcred_web.common.safe_fetch import (
    GuardedResolver,
    UnsafeFetch,
    address_is_public,
    safe_fetch,
)

NAME = "badges.example.org"
PUBLIC_IP = "93.184.216.34"
DNS = {
    NAME: [PUBLIC_IP],
    "intranet.example.org": ["10.0.0.7"],
    "mixed.example.org": [PUBLIC_IP, "127.0.0.1"],
    "metadata.example.org": ["169.254.169.254"],
}
DOCUMENT = {"id": "did:web:badges.example.org", "verificationMethod": []}


def _certificate(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Handler(BaseHTTPRequestHandler):
    seen_hosts: list[str] = []

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        _Handler.seen_hosts.append(self.headers.get("Host", ""))
        path = self.path
        if path in ("/did.json", "/.well-known/did.json"):
            self._send(200, json.dumps(DOCUMENT).encode(), "application/json; charset=utf-8")
        elif path == "/page.html":
            self._send(200, b"<html></html>", "text/html")
        elif path == "/big":
            self._send(200, b"x" * 5000, "application/json")
        elif path == "/big-unannounced":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"y" * 1000)
            self.close_connection = True
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            for _ in range(100):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.05)
        elif path == "/gzip":
            self._send(200, b"\x1f\x8b", "application/json", Content_Encoding="gzip")
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            target = "/did.json" if left == 0 else f"/hop/{left - 1}"
            self._send(302, b"", "text/plain", Location=target)
        elif path == "/to-private":
            self._send(302, b"", "text/plain", Location="https://intranet.example.org/secret")
        elif path == "/to-http":
            self._send(301, b"", "text/plain", Location=f"http://{NAME}/did.json")
        else:
            self._send(404, b"no", "text/plain")


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory) -> Iterator[tuple[int, Path]]:
    cert, key = _certificate(tmp_path_factory.mktemp("tls"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], cert
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetch(tls_server):
    """safe_fetch with DNS from ``DNS`` and every public address routed to the local server."""
    port, cert = tls_server
    opened: list[tuple[str, int, str]] = []
    lookups: list[str] = []

    def resolve(host: str, _port: int) -> list[str]:
        lookups.append(host)
        return DNS.get(host, [])

    def opener(ip: str, _port: int, server_name: str, timeout: float) -> socket.socket:
        opened.append((ip, _port, server_name))
        context = ssl.create_default_context(cafile=str(cert))
        raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        return context.wrap_socket(raw, server_hostname=server_name)

    def run(url: str, **kwargs):
        return safe_fetch(url, resolve=resolve, opener=opener, **kwargs)

    run.opened = opened  # type: ignore[attr-defined]
    run.lookups = lookups  # type: ignore[attr-defined]
    return run


def test_fetches_a_document_from_the_resolved_address_with_the_name_as_host(fetch) -> None:
    _Handler.seen_hosts.clear()
    document = fetch(f"https://{NAME}/did.json")
    assert json.loads(document.body) == DOCUMENT
    assert document.content_type == "application/json"
    assert document.url == f"https://{NAME}/did.json"
    assert fetch.opened == [(PUBLIC_IP, 443, NAME)]
    assert fetch.lookups == [NAME]  # resolved exactly once
    assert _Handler.seen_hosts == [NAME]


def test_a_certificate_for_another_name_is_refused(tls_server) -> None:
    port, cert = tls_server

    def opener(ip: str, _port: int, server_name: str, timeout: float) -> socket.socket:
        context = ssl.create_default_context(cafile=str(cert))
        raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        return context.wrap_socket(raw, server_hostname=server_name)

    with pytest.raises(UnsafeFetch, match="no valid certificate"):
        safe_fetch(
            "https://other.example.org/did.json",
            resolve=lambda host, port: [PUBLIC_IP],
            opener=opener,
        )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"http://{NAME}/did.json", "only https"),
        (f"ftp://{NAME}/did.json", "only https"),
        ("file:///etc/passwd", "only https"),
        (f"https://user:pw@{NAME}/did.json", "user name or password"),
        ("https://intranet.example.org/did.json", "private or reserved address"),
        ("https://metadata.example.org/latest", "private or reserved address"),
        ("https://mixed.example.org/did.json", "private or reserved address"),
        ("https://127.0.0.1/did.json", "private or reserved address"),
        ("https://[::1]/did.json", "private or reserved address"),
        ("https://[::ffff:10.0.0.1]/did.json", "private or reserved address"),
        ("https://100.64.0.1/did.json", "private or reserved address"),
        ("https://localhost/did.json", "local address"),
        ("https://unknown.example.org/did.json", "could not be found"),
    ],
)
def test_unsafe_targets_are_refused_before_any_connection(fetch, url: str, message: str) -> None:
    with pytest.raises(UnsafeFetch, match=message):
        fetch(url)
    assert fetch.opened == []


def test_redirects_are_followed_and_rechecked(fetch) -> None:
    document = fetch(f"https://{NAME}/hop/2")
    assert document.url == f"https://{NAME}/did.json"
    assert len(fetch.opened) == 4
    with pytest.raises(UnsafeFetch, match="more than 3 redirects"):
        fetch(f"https://{NAME}/hop/3")


def test_redirects_to_private_or_plain_http_targets_are_refused(fetch) -> None:
    with pytest.raises(UnsafeFetch, match="private or reserved address"):
        fetch(f"https://{NAME}/to-private")
    with pytest.raises(UnsafeFetch, match="only https"):
        fetch(f"https://{NAME}/to-http")
    assert {ip for ip, _port, _name in fetch.opened} == {PUBLIC_IP}


def test_size_cap_with_and_without_content_length(fetch) -> None:
    with pytest.raises(UnsafeFetch, match="larger than 1,000 bytes"):
        fetch(f"https://{NAME}/big", max_bytes=1000)
    with pytest.raises(UnsafeFetch, match="larger than 10,000 bytes"):
        fetch(f"https://{NAME}/big-unannounced", max_bytes=10_000)
    assert len(fetch(f"https://{NAME}/big-unannounced", max_bytes=60_000).body) == 50_000


def test_total_time_cap_stops_a_dripping_server(fetch) -> None:
    with pytest.raises(UnsafeFetch, match=r"did not answer within 0\.5 s"):
        fetch(f"https://{NAME}/drip", timeout=0.5)


def test_content_type_allow_list_and_no_compression(fetch) -> None:
    with pytest.raises(UnsafeFetch, match="text/html, which is not a credential format"):
        fetch(f"https://{NAME}/page.html")
    with pytest.raises(UnsafeFetch, match="compressed"):
        fetch(f"https://{NAME}/gzip")
    with pytest.raises(UnsafeFetch, match="HTTP status 404"):
        fetch(f"https://{NAME}/missing")


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:192.168.0.1",
        "2002:c0a8:0001::1",
        "64:ff9b::7f00:1",
        "not an ip",
    ],
)
def test_address_policy_refuses_non_public_addresses(address: str) -> None:
    assert not address_is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_address_policy_allows_public_addresses(address: str) -> None:
    assert address_is_public(address)
    assert ipaddress.ip_address(address).is_global


def test_guarded_resolver_uses_local_documents_for_our_ids_and_fetches_foreign_ones(fetch) -> None:
    local = MapResolver({"did:web:ours.example:o:acme": {"id": "did:web:ours.example:o:acme"}})
    resolver = GuardedResolver(
        local=local, local_prefixes=("did:web:ours.example", "https://ours.example/"), fetch=fetch
    )
    assert resolver.resolve("did:web:ours.example:o:acme")["id"] == "did:web:ours.example:o:acme"
    with pytest.raises(ResolutionError):
        resolver.resolve("https://ours.example/o/acme/status/revocation/1")
    assert fetch.opened == []  # our own ids never reach the network
    assert resolver.resolve(f"did:web:{NAME}") == DOCUMENT
    assert resolver.fetched == [f"https://{NAME}/.well-known/did.json"]
    with pytest.raises(ResolutionError, match="private or reserved"):
        resolver.resolve("did:web:intranet.example.org")
    with pytest.raises(ResolutionError, match="only https"):
        resolver.resolve("http://example.org/status/1")
